"""What the requirement library looks like in the API; the services validate and write it."""

from rest_framework import serializers

from requirements.models import Requirement, RequirementCategory


class RequirementCategorySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:requirement-category-detail")

    class Meta:
        model = RequirementCategory
        fields = ["url", "id", "mrid", "identifier", "name", "description", "parent", "created", "modified"]
        read_only_fields = ["mrid", "created", "modified"]


class RequirementSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:requirement-detail")

    class Meta:
        model = Requirement
        fields = ["url", "id", "mrid", "identifier", "name", "description", "category", "created", "modified"]
        read_only_fields = ["mrid", "created", "modified"]
