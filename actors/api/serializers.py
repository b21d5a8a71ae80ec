"""What the actor library looks like in the API; the services validate and write it."""

from rest_framework import serializers

from actors.models import Actor


class ActorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail")

    class Meta:
        model = Actor
        fields = ["url", "id", "mrid", "name", "type", "description", "created", "modified"]
        read_only_fields = ["mrid", "created", "modified"]
