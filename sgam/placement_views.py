"""The placement editor of a draft use case's page: the SGAM grid (domains by zones) of one layer at a time and the
NIST domains, each a toggle that places the use case there or takes it away, through the placement services.

It follows the table editors (usecases.authoring.views): htmx requests get the editor's partial (after a write the
fresh editor, with the `usecaseRevised` event that `static/js/authoring.js` uses to bring the page's revision up to
date; 409 for a stale revision or a use case that is no longer a draft; 400 for an incomplete post); without htmx a
write redirects back to section 1.1 of the page. Permissions are those of the edit page.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import View

from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from sgam.selectors import usecase_placement_grid_get
from sgam.services import nist_placement_add, placement_delete, sgam_placement_add
from ucmr.permissions import CHANGE, ObjectPermissionMixin, require
from usecases.authoring.responses import (
    INCOMPLETE_MESSAGE,
    REVISED_EVENT,
    STALE_MESSAGE,
    draft_refusal,
    is_htmx,
    is_stale,
)
from usecases.models import UseCase
from usecases.selectors import usecase_header_get

PARTIAL = "sgam/placement_editor.html"


class PlacementEditorView(ObjectPermissionMixin, View):
    """GET: the editor, showing the layer named by `?layer=` (the first layer by default)."""

    http_method_names = ["get"]

    def check_permissions(self) -> None:
        if self.request.method.lower() not in self.http_method_names:
            return  # a 405 for everyone signed in, as the other write endpoints answer
        self.use_case = usecase_header_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, CHANGE, self.use_case)

    def get(self, request, *args, **kwargs):
        return draft_refusal(request, self.use_case) or self.respond(self.context(request.GET.get("layer")))

    @property
    def page_url(self) -> str:
        return f"{self.use_case.get_absolute_url()}#section-1-1"

    def context(self, layer_code: str | None, **kwargs) -> dict:
        grid = usecase_placement_grid_get(use_case=self.use_case, layer_code=layer_code)
        return {
            "use_case": self.use_case,
            "revision": self.use_case.revision,
            "layers": grid.layers,
            "layer": grid.layer,
            "domains": grid.domains,
            "rows": grid.rows,
            "placements": grid.placements,
            "nist_domains": grid.nist_domains,
            "editor_url": reverse("sgam:placement_editor", kwargs={"pk": self.use_case.pk}),
            "toggle_url": reverse("sgam:placement_toggle", kwargs={"pk": self.use_case.pk}),
            "nist_toggle_url": reverse("sgam:nist_toggle", kwargs={"pk": self.use_case.pk}),
            "done_url": self.page_url,
            **kwargs,
        }

    def respond(self, context: dict, status: int = 200):
        if is_htmx(self.request):
            return TemplateResponse(self.request, PARTIAL, context, status=status)
        return TemplateResponse(self.request, "sgam/placement_editor_page.html", context, status=status)


class PlacementToggleBase(PlacementEditorView):
    """A POST that places the use case somewhere or takes it away from there, at the revision the editor showed."""

    http_method_names = ["post"]
    fields: tuple[str, ...] = ()

    def post(self, request, *args, **kwargs):
        refusal = draft_refusal(request, self.use_case)
        if refusal:
            return refusal
        codes = {name: request.POST.get(name, "") for name in self.fields}
        layer_code = request.POST.get("layer")
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        if revision is None or not all(codes.values()):
            return self.refused(INCOMPLETE_MESSAGE, 400, layer_code, revision)
        try:
            with transaction.atomic():  # the revision is checked where the services bump it
                self.toggle(self.use_case, codes, revision)
        except ValidationError as error:
            if not is_stale(error):
                raise
            return self.refused(STALE_MESSAGE, 409, layer_code, revision)
        if not is_htmx(request):
            messages.success(request, "The SGAM and NIST placement is saved.")
            return redirect(self.page_url)
        self.use_case.refresh_from_db(fields=["revision", "modified"])
        response = self.respond(self.context(layer_code))
        response["HX-Trigger"] = json.dumps({REVISED_EVENT: {"from": revision, "to": self.use_case.revision}})
        return response

    def toggle(self, use_case: UseCase, codes: dict[str, str], revision: int) -> None:
        raise NotImplementedError

    def refused(self, message: str, status: int, layer_code: str | None, revision: int | None):
        """Nothing was written: the reason, with the editor as it was rendered (a stale one stays stale)."""
        if not is_htmx(self.request):
            messages.error(self.request, message)
            return redirect(self.page_url)
        context = self.context(layer_code, message=message)
        if revision is not None:
            context["revision"] = revision
        return self.respond(context, status)


class PlacementToggleView(PlacementToggleBase):
    """POST {layer, domain, zone, revision}: the use case placed on that SGAM cell, or no longer."""

    fields = ("layer", "domain", "zone")

    def toggle(self, use_case: UseCase, codes: dict[str, str], revision: int) -> None:
        cell = {
            "layer": get_object_or_404(Layer, code=codes["layer"]),
            "domain": get_object_or_404(Domain, code=codes["domain"]),
            "zone": get_object_or_404(Zone, code=codes["zone"]),
        }
        placement = SgamPlacement.objects.filter(use_case=use_case, **cell).first()
        if placement is None:
            sgam_placement_add(user=self.request.user, subject=use_case, expected_revision=revision, **cell)
        else:
            placement_delete(user=self.request.user, placement=placement, expected_revision=revision)


class NistToggleView(PlacementToggleBase):
    """POST {nist_domain, revision}: the use case placed in that NIST domain, or no longer."""

    fields = ("nist_domain",)

    def toggle(self, use_case: UseCase, codes: dict[str, str], revision: int) -> None:
        nist_domain = get_object_or_404(NistDomain, code=codes["nist_domain"])
        placement = NistPlacement.objects.filter(use_case=use_case, nist_domain=nist_domain).first()
        if placement is None:
            nist_placement_add(
                user=self.request.user, subject=use_case, nist_domain=nist_domain, expected_revision=revision
            )
        else:
            placement_delete(user=self.request.user, placement=placement, expected_revision=revision)
