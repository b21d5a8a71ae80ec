from django.contrib import admin

from actors.models import Actor
from actors.services import actor_create, actor_delete, actor_update
from ucmr.admin import ServiceModelAdmin, form_data


@admin.register(Actor)
class ActorAdmin(ServiceModelAdmin):
    list_display = ("name", "type", "use_case_count", "modified")
    list_filter = ("type", "modified")
    search_fields = ("name", "description", "mrid")
    readonly_fields = ("mrid", "created", "modified")
    fields = ("name", "type", "description", "mrid", "created", "modified")

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="use cases", ordering="use_case_count")
    def use_case_count(self, actor: Actor) -> int:
        return actor.use_case_count

    def service_create(self, request, form):
        return actor_create(user=request.user, data=form_data(form))

    def service_update(self, request, obj, form):
        return actor_update(user=request.user, actor=obj, data=form_data(form))

    def service_delete(self, request, obj):
        actor_delete(user=request.user, actor=obj)
