from django.contrib import admin

from actors.models import Actor
from actors.services import ACTOR_SERVICES
from ucmr.admin import ServiceModelAdmin


@admin.register(Actor)
class ActorAdmin(ServiceModelAdmin):
    list_display = ("name", "type", "use_case_count", "modified")
    list_filter = ("type", "modified")
    search_fields = ("name", "description", "mrid")
    readonly_fields = ("mrid", "created", "modified")
    fields = ("name", "type", "description", "mrid", "created", "modified")
    services = ACTOR_SERVICES

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="use cases", ordering="use_case_count")
    def use_case_count(self, actor: Actor) -> int:
        return actor.use_case_count
