"""The information object (section 5) and common term (section 7) libraries over the API: everyone signed in reads
them, curators and administrators write them, through the same services as the pages."""

from rest_framework import serializers

from requirements.models import Requirement
from ucmr.api.viewsets import ServiceViewSet
from usecases.filters import CommonTermFilterSet, InformationObjectFilterSet
from usecases.models import CommonTerm, InformationObject
from usecases.selectors import common_term_api_list, information_object_api_list
from usecases.services import COMMON_TERM_SERVICES, INFORMATION_OBJECT_SERVICES


class InformationObjectSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:information-object-detail")
    requirements = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Requirement.objects.all(), help_text="Ids of the requirements it refers to."
    )

    class Meta:
        model = InformationObject
        fields = [
            "url",
            "id",
            "mrid",
            "identifier",
            "name",
            "description",
            "data_class",
            "standards",
            "requirements",
            "created",
            "modified",
        ]
        read_only_fields = ["mrid", "created", "modified"]


class CommonTermSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:common-term-detail")

    class Meta:
        model = CommonTerm
        fields = ["url", "id", "mrid", "term", "definition", "created", "modified"]
        read_only_fields = ["mrid", "created", "modified"]


class InformationObjectViewSet(ServiceViewSet):
    """Information objects; `q` searches ID, name, description and standards, `data_class` narrows to one class,
    as on the information object list page."""

    selector = staticmethod(information_object_api_list)
    serializer_class = InformationObjectSerializer
    public_actions = ("list", "retrieve")  # anonymous clients too, where UCMR_PUBLIC_READ is on
    filterset_class = InformationObjectFilterSet
    ordering_fields = ["identifier", "name", "data_class", "created", "modified"]
    ordering = ["identifier", "name", "pk"]
    own_object_fields = ("description",)
    services = INFORMATION_OBJECT_SERVICES


class CommonTermViewSet(ServiceViewSet):
    """Terms and their definitions; `q` searches both, as on the common terms page."""

    selector = staticmethod(common_term_api_list)
    serializer_class = CommonTermSerializer
    public_actions = ("list", "retrieve")
    filterset_class = CommonTermFilterSet
    ordering_fields = ["term", "created", "modified"]
    ordering = ["term", "pk"]
    services = COMMON_TERM_SERVICES
