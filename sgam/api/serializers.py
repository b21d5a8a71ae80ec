"""The SGAM and NIST reference values and the placements on them, as the API shows them (read only)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sgam.models import SUBJECT_FIELDS, Domain, Layer, NistDomain, NistPlacement, Placement, SgamPlacement, Zone

SUBJECT_KINDS = [(field, field.replace("_", " ")) for field in SUBJECT_FIELDS]


class ReferenceSerializer(serializers.ModelSerializer):
    """A reference value; its code is the same in every repository, and addresses it."""

    class Meta:
        fields = ["url", "id", "code", "name", "order", "description"]


class LayerSerializer(ReferenceSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sgam-layer-detail", lookup_field="code")

    class Meta(ReferenceSerializer.Meta):
        model = Layer


class DomainSerializer(ReferenceSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sgam-domain-detail", lookup_field="code")

    class Meta(ReferenceSerializer.Meta):
        model = Domain


class ZoneSerializer(ReferenceSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sgam-zone-detail", lookup_field="code")

    class Meta(ReferenceSerializer.Meta):
        model = Zone


class NistDomainSerializer(ReferenceSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:nist-domain-detail", lookup_field="code")

    class Meta(ReferenceSerializer.Meta):
        model = NistDomain


class PlacementSerializer(serializers.ModelSerializer):
    """The subject as a kind and an id, and also as the one of the four subject fields that is set."""

    subject_kind = serializers.SerializerMethodField()
    subject_id = serializers.SerializerMethodField()
    use_case = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    actor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    information_object = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    actor_role = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="An actor as listed in one use case, placed there apart from its default placement.",
    )

    subject_fields = ["subject_kind", "subject_id", *SUBJECT_FIELDS]

    @staticmethod
    def _subject_field(placement: Placement) -> str:
        return next(field for field in SUBJECT_FIELDS if getattr(placement, f"{field}_id") is not None)

    @extend_schema_field(serializers.ChoiceField(choices=SUBJECT_KINDS))
    def get_subject_kind(self, placement: Placement) -> str:
        return self._subject_field(placement)

    def get_subject_id(self, placement: Placement) -> int:
        return getattr(placement, f"{self._subject_field(placement)}_id")


class SgamPlacementSerializer(PlacementSerializer):
    """A layer, domain or zone left open (null) spans the whole row or column of SGAM cells."""

    url = serializers.HyperlinkedIdentityField(view_name="api:sgam-placement-detail")
    layer = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = SgamPlacement
        fields = ["url", "id", *PlacementSerializer.subject_fields, "layer", "domain", "zone"]


class NistPlacementSerializer(PlacementSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:nist-placement-detail")
    domain = serializers.SlugRelatedField(source="nist_domain", slug_field="code", read_only=True)

    class Meta:
        model = NistPlacement
        fields = ["url", "id", *PlacementSerializer.subject_fields, "domain"]
