"""The frozen versions of a use case: the list, one version, and two compared section by section."""

from django.views.generic import TemplateView

from ucmr.permissions import ObjectPermissionMixin
from usecases.forms import VersionCompareForm
from usecases.selectors import usecase_header_get
from usecases.versions import document_redacted, usecase_snapshot_get, usecase_snapshot_list, usecase_versions_compare


class UseCaseVersionListView(ObjectPermissionMixin, TemplateView):
    """The frozen versions of a use case, and a form to compare two of them (or one with the current state)."""

    template_name = "usecases/usecase_versions.html"

    def get_context_data(self, **kwargs):
        use_case = usecase_header_get(user=self.request.user, pk=self.kwargs["pk"])
        snapshots = list(usecase_snapshot_list(user=self.request.user, use_case=use_case))
        # By default the two newest versions, or the newest against what has changed since.
        sequences = [str(snapshot.sequence) for snapshot in snapshots[:2]]
        old, new = ([*reversed(sequences), "current", "current"])[:2]
        form = VersionCompareForm(sequences=_version_choices(snapshots), initial={"old": old, "new": new})
        return super().get_context_data(use_case=use_case, snapshots=snapshots, compare_form=form, **kwargs)


def _version_choices(snapshots) -> list[tuple[str, str]]:
    return [
        (str(snapshot.sequence), f"{snapshot.version_number} ({snapshot.get_status_display().lower()})")
        for snapshot in snapshots
    ]


class UseCaseVersionDetailView(ObjectPermissionMixin, TemplateView):
    """One frozen version, section by section, as it was approved or published."""

    template_name = "usecases/usecase_version.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        use_case = usecase_header_get(user=user, pk=self.kwargs["pk"])
        snapshot = usecase_snapshot_get(user=user, use_case=use_case, sequence=self.kwargs["sequence"])
        document = document_redacted(user=user, document=snapshot.document)
        return super().get_context_data(use_case=use_case, snapshot=snapshot, document=document, **kwargs)


class UseCaseVersionCompareView(ObjectPermissionMixin, TemplateView):
    """Two versions side by side, section by section: changed fields word by word, rows added, removed, changed."""

    template_name = "usecases/usecase_version_compare.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        use_case = usecase_header_get(user=user, pk=kwargs["pk"])
        snapshots = list(usecase_snapshot_list(user=user, use_case=use_case))
        form = VersionCompareForm(request.GET, sequences=_version_choices(snapshots))
        context = {"use_case": use_case, "compare_form": form}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context), status=400)
        sections, context["old_label"], context["new_label"] = usecase_versions_compare(
            user=user, use_case=use_case, old=form.cleaned_data["old"], new=form.cleaned_data["new"]
        )
        context["sections"] = sections
        context["changed"] = any(section.changed for section in sections)
        return self.render_to_response(self.get_context_data(**context))
