"""Workspaces and their members, the section 1.3, 5 and 7 libraries, and the read-only records (status changes,
frozen versions) in the admin."""

from django.contrib import admin
from django.db import models

from ucmr.admin import ReadOnlyModelAdmin, ServiceModelAdmin, form_data
from usecases import access, services
from usecases.models import (
    Area,
    BusinessCase,
    CommonTerm,
    InformationObject,
    StatusChange,
    UseCaseSnapshot,
    Workspace,
    WorkspaceMembership,
)
from usecases.services import COMMON_TERM_SERVICES, INFORMATION_OBJECT_SERVICES


@admin.register(Workspace)
class WorkspaceAdmin(ServiceModelAdmin):
    list_display = ("name", "slug", "use_case_count", "created")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_case_count=models.Count("use_cases"))

    @admin.display(description="use cases", ordering="use_case_count")
    def use_case_count(self, workspace: Workspace) -> int:
        return workspace.use_case_count

    def service_create(self, request, form):
        return services.workspace_create(user=request.user, **form_data(form))


@admin.register(Area)
class AreaAdmin(ServiceModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name", "description", "mrid")
    readonly_fields = ("mrid",)


@admin.register(BusinessCase)
class BusinessCaseAdmin(ServiceModelAdmin):
    list_display = ("name", "description")
    list_filter = ("areas",)
    search_fields = ("name", "description", "mrid")
    autocomplete_fields = ("areas",)
    readonly_fields = ("mrid",)


@admin.register(InformationObject)
class InformationObjectAdmin(ServiceModelAdmin):
    list_display = ("identifier", "name", "data_class", "standards", "modified")
    list_display_links = ("identifier", "name")
    list_filter = ("data_class", "modified")
    search_fields = ("identifier", "name", "description", "standards", "mrid")
    autocomplete_fields = ("requirements",)
    readonly_fields = ("mrid", "created", "modified")
    services = INFORMATION_OBJECT_SERVICES


@admin.register(CommonTerm)
class CommonTermAdmin(ServiceModelAdmin):
    list_display = ("term", "definition", "modified")
    search_fields = ("term", "definition", "mrid")
    readonly_fields = ("mrid", "created", "modified")
    services = COMMON_TERM_SERVICES


@admin.register(WorkspaceMembership)
class WorkspaceMembershipAdmin(ServiceModelAdmin):
    """Members and roles, written through the membership services, which keep the guardian permissions in step."""

    list_display = ("workspace", "user", "role", "modified")
    list_filter = ("role", "workspace")
    list_select_related = ("workspace", "user")
    search_fields = ("user__username", "workspace__name")
    raw_id_fields = ("user",)
    readonly_fields = ("created", "modified")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "workspace", "user") if obj is not None else readonly

    def service_create(self, request, form):
        data = form_data(form)
        return access.workspace_member_set(
            user=request.user, workspace=data["workspace"], member=data["user"], role=data["role"]
        )

    def service_update(self, request, obj, form):
        return access.workspace_member_set(
            user=request.user, workspace=obj.workspace, member=obj.user, role=form.cleaned_data["role"]
        )

    def service_delete(self, request, obj):
        access.workspace_member_remove(user=request.user, membership=obj)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("time", "use_case", "from_status", "to_status", "user_name")
    list_filter = ("transition", "to_status", "time")
    list_select_related = ("use_case__workspace",)
    search_fields = ("use_case__identifier", "use_case__name", "user_name", "comment")


@admin.register(UseCaseSnapshot)
class UseCaseSnapshotAdmin(ReadOnlyModelAdmin):
    """Frozen versions are never changed or deleted, here or anywhere else in the application."""

    list_display = ("use_case", "version_number", "status", "created", "created_by_name")
    list_filter = ("status", "created")
    list_select_related = ("use_case__workspace",)
    search_fields = ("use_case__identifier", "use_case__name", "version_number")
    exclude = ("document",)
