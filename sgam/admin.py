from django.contrib import admin

from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from sgam.services import nist_placement_add, placement_delete, sgam_placement_add
from ucmr.admin import ReadOnlyModelAdmin, ServiceModelAdmin, form_data


@admin.register(Layer, Domain, Zone, NistDomain)
class ReferenceItemAdmin(ReadOnlyModelAdmin):
    """The SGAM and NIST reference tables: fixed by a data migration, the same in every repository."""

    list_display = ("name", "code", "order", "description")
    search_fields = ("name", "code")


class PlacementAdmin(ServiceModelAdmin):
    """A placement is added or deleted; changing one means deleting it and adding the right one."""

    subject_fields = ("use_case", "actor", "information_object", "actor_role")
    autocomplete_fields = ("use_case", "actor", "information_object")
    raw_id_fields = ("actor_role",)
    search_fields = (
        "use_case__identifier",
        "use_case__name",
        "actor__name",
        "information_object__identifier",
        "information_object__name",
    )
    list_select_related = ("use_case", "actor", "information_object", "actor_role__actor", "actor_role__use_case")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="placed")
    def subject(self, placement) -> str:
        return f"{placement.subject._meta.verbose_name}: {placement.subject}"

    def split_subject(self, form) -> tuple[object, dict]:
        """The placed object (the form has checked there is exactly one) and the rest of the form's values."""
        data = form_data(form)
        subjects = [data.pop(name, None) for name in self.subject_fields]
        return next(subject for subject in subjects if subject is not None), data

    def service_delete(self, request, obj):
        placement_delete(user=request.user, placement=obj)


@admin.register(SgamPlacement)
class SgamPlacementAdmin(PlacementAdmin):
    list_display = ("subject", "layer", "domain", "zone")
    list_filter = ("layer", "domain", "zone")
    list_select_related = (*PlacementAdmin.list_select_related, "layer", "domain", "zone")

    def service_create(self, request, form):
        subject, cell = self.split_subject(form)
        return sgam_placement_add(user=request.user, subject=subject, **cell)


@admin.register(NistPlacement)
class NistPlacementAdmin(PlacementAdmin):
    list_display = ("subject", "nist_domain")
    list_filter = ("nist_domain",)
    list_select_related = (*PlacementAdmin.list_select_related, "nist_domain")

    def service_create(self, request, form):
        subject, domain = self.split_subject(form)
        return nist_placement_add(user=request.user, subject=subject, **domain)
