"""The page that merges duplicates of a library object into it, for every library (configured by `model` in the
URLs): pick duplicates (with where each is used), review what will move, merge."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from ucmr.editing import add_service_errors
from ucmr.merge import CANDIDATES_SHOWN, library_merge, library_merge_candidates, library_merge_preview, may_merge
from ucmr.permissions import VIEW, ObjectPermissionMixin, visible_to


class LibraryMergeForm(forms.Form):
    duplicates = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": "Choose at least one duplicate to merge."}
    )

    def __init__(self, *args, candidates: models.QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicates"].queryset = candidates


class LibraryMergeView(ObjectPermissionMixin, TemplateView):
    """GET: the candidates matching `q`, or (with `duplicates`) what merging them will move; POST: merge. A 404
    for an object the user may not see, a 403 for users who may not change and delete the library's objects."""

    model: type[models.Model] | None = None
    template_name = "ucmr/library_merge.html"

    def check_permissions(self) -> None:
        user = self.request.user
        self.survivor = get_object_or_404(visible_to(user, self.model.objects.all(), VIEW), pk=self.kwargs["pk"])
        if not may_merge(user, self.model):
            raise PermissionDenied(f"Only library curators may merge {self.model._meta.verbose_name_plural}.")

    def get_form(self, data) -> LibraryMergeForm:
        candidates = visible_to(self.request.user, self.model.objects.exclude(pk=self.survivor.pk))
        return LibraryMergeForm(data, candidates=candidates)

    def get(self, request, *args, **kwargs):
        form = self.get_form(request.GET if "duplicates" in request.GET else None)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            duplicates = list(form.cleaned_data["duplicates"])
            try:
                merged = library_merge(user=request.user, survivor=self.survivor, duplicates=duplicates)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                moved = sum(item.total for item in merged)
                names = ", ".join(f"“{item.name}”" for item in merged)
                messages.success(request, f"Merged {names} into “{self.survivor}”: {moved} reference(s) moved.")
                return HttpResponseRedirect(self.survivor.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, *, form: LibraryMergeForm, **kwargs):
        user, query = self.request.user, self.request.GET.get("q", "")
        chosen = list(form.cleaned_data["duplicates"]) if form.is_bound and form.is_valid() else []
        context = {
            "form": form,
            "survivor": self.survivor,
            "verbose_name": self.model._meta.verbose_name,
            "verbose_name_plural": self.model._meta.verbose_name_plural,
            "query": query,
            "survivor_usage": library_merge_preview(user=user, objects=[self.survivor])[0],
        }
        if chosen:
            context["previews"] = library_merge_preview(user=user, objects=chosen)
        else:
            context["candidates"] = library_merge_candidates(user=user, survivor=self.survivor, query=query)
            context["candidates_truncated"] = len(context["candidates"]) == CANDIDATES_SHOWN
        return super().get_context_data(**context, **kwargs)
