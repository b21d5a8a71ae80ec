"""Pages of use cases (reading, writing, the review workflow, versions, sharing), workspaces, and the information
object and common term libraries."""

import re
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView, add_service_errors
from ucmr.pages import SelectorDetailView, SelectorListView
from ucmr.permissions import (
    ADD,
    CHANGE,
    COMMENT,
    MANAGE,
    PUBLISH,
    REVIEW,
    SHARE,
    ObjectPermissionMixin,
    allowed_actions,
    may_read_change_log,
    require,
    user_can,
)
from usecases.access import (
    grantee_by_name,
    usecase_share,
    usecase_share_list,
    usecase_unshare,
    user_by_name,
    workspace_get,
    workspace_member_remove,
    workspace_member_set,
    workspace_membership_get,
    workspace_page_list,
)
from usecases.analysis.diagrams import PollSchedule, usecase_generated_get
from usecases.analysis.impact import information_object_impact_get
from usecases.authoring.conflicts import row_differences, row_lock_unchanged
from usecases.authoring.locate import findings_with_editors
from usecases.comments import comment_summary_get
from usecases.filters import CommonTermFilterSet, InformationObjectFilterSet, UseCaseFilterSet
from usecases.forms import (
    USECASE_FIELDS,
    CommonTermForm,
    InformationObjectForm,
    MemberForm,
    ShareForm,
    TransitionForm,
    UnshareForm,
    UseCaseCreateForm,
    UseCaseForm,
    VersionCompareForm,
)
from usecases.models import CommonTerm, InformationObject, UseCase, WorkspaceMembership
from usecases.models.images import IMAGE_TYPES, image_detect
from usecases.permissions import workspaces_of
from usecases.search import usecase_search_matches
from usecases.selectors import (
    common_term_get,
    common_term_list,
    drawing_image_get,
    information_object_get,
    information_object_list,
    usecase_header_get,
    usecase_list,
)
from usecases.services import (
    common_term_create,
    common_term_update,
    information_object_create,
    information_object_update,
    not_a_draft_message,
    usecase_create,
    usecase_update,
)
from usecases.step_tables import scenario_step_rows, usecase_page_document, usecase_page_get
from usecases.versions import (
    document_redacted,
    usecase_snapshot_get,
    usecase_snapshot_list,
    usecase_versions_compare,
)
from usecases.workflow import (
    TRANSITIONS,
    my_work_get,
    review_comparison_get,
    status_change_list,
    usecase_transition,
    usecase_transitions_allowed,
)

STATUS_CHANGES_SHOWN = 3
PRINT_ROWS_PER_CHUNK = 100  # step rows the print page renders and sends at a time


class UseCaseListView(SelectorListView):
    selector = usecase_list
    filterset_class = UseCaseFilterSet
    template_name = "usecases/usecase_list.html"
    context_object_name = "use_cases"

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if self.filterset.total is not None:
            paginator.count = self.filterset.total
        return paginator

    def get_context_data(self, **kwargs):
        # The facets first: counting them counts the results too, which the paginator then needs not count again.
        context = super().get_context_data(
            facets=self.filterset.facets(), sort_columns=self.filterset.sort_columns(), **kwargs
        )
        text = self.filterset.form.cleaned_data.get("q") if self.filterset.is_valid() else ""
        if text:
            matches = usecase_search_matches([use_case.pk for use_case in context["object_list"]], text)
            for use_case in context["object_list"]:
                use_case.search_match = matches.get(use_case.pk)
        return context


class UseCaseDetailView(SelectorDetailView):
    """The whole IEC 62559-2 template, sections 1.1 to 8; the steps of long scenarios load on demand
    (usecases.step_tables), so the page costs the same whatever the number of steps."""

    selector = usecase_page_get
    template_name = "usecases/usecase_detail.html"
    context_object_name = "use_case"

    def get_context_data(self, **kwargs):
        document = usecase_page_document(user=self.request.user, use_case=self.object)
        allowed = allowed_actions(self.request.user, self.object, (CHANGE, REVIEW, PUBLISH, SHARE, COMMENT))
        generated = usecase_generated_get(use_case=self.object)
        findings = generated.validation.findings
        findings_with_editors(
            use_case=self.object, findings=findings, may_change=CHANGE in allowed, user=self.request.user
        )
        return super().get_context_data(
            document=document,
            allowed=allowed,
            may_change=CHANGE in allowed,  # already known: no second permission check
            transitions=usecase_transitions_allowed(use_case=self.object, allowed=allowed),
            status_changes=list(status_change_list(use_case=self.object)[:STATUS_CHANGES_SHOWN]),
            comments=comment_summary_get(
                user=self.request.user,
                use_case=self.object,
                may_comment=COMMENT in allowed,
                comment_on=self.request.GET.get("comment_on", ""),
            ),
            review_comparison=review_comparison_get(use_case=self.object),
            generated=generated,
            poll=PollSchedule.after(0),
            **kwargs,
        )


class UseCasePrintView(SelectorDetailView):
    """The whole template laid out for paper (and the browser's "Save as PDF"): the detail page's document and
    diagrams, read the same way, without what only its buttons, editors and workflow need. Complete, however many
    steps: the page is read as the use case page is (the steps of long scenarios left out), and the tables of those
    scenarios are streamed into it one after the other, a few queries per scenario, `PRINT_ROWS_PER_CHUNK` rows at
    a time, so neither the server's memory nor the time to the first byte grows with the steps."""

    selector = usecase_page_get
    template_name = "usecases/usecase_print.html"
    context_object_name = "use_case"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            document=usecase_page_document(user=self.request.user, use_case=self.object),
            generated=usecase_generated_get(use_case=self.object),
            printed=timezone.now(),
            may_change=False,  # nothing to edit on paper: no permission check
            stream_token=secrets.token_hex(16),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        page = render_to_string(self.get_template_names(), context, request=self.request)
        scenarios = {section.scenario.pk: section.scenario for section in context["document"].scenarios}
        parts = re.split(f"<!--{context['stream_token']} steps of (\\d+)-->", page)
        return StreamingHttpResponse(self._stream(parts, scenarios), content_type="text/html; charset=utf-8")

    def _stream(self, parts: list[str], scenarios: dict):
        """The page's parts, and between them the rows of the scenario each marker names."""
        rows_template = get_template("usecases/includes/step_rows.html")
        none_template = get_template("includes/none_row.html")
        for index, part in enumerate(parts):
            if index % 2 == 0:
                yield part
                continue
            steps = scenario_step_rows(scenario=scenarios[int(part)])
            for start in range(0, len(steps), PRINT_ROWS_PER_CHUNK):
                yield rows_template.render({"steps": steps[start : start + PRINT_ROWS_PER_CHUNK], "printing": True})
            if not steps:
                yield none_template.render({"columns": 9})


class DrawingImageView(ObjectPermissionMixin, DetailView):
    """The uploaded image of a section 2 drawing, for those who may see its use case."""

    public_read = True

    def get_object(self, queryset=None):
        drawing = drawing_image_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, drawing.use_case)
        return drawing

    def render_to_response(self, context, **response_kwargs):
        try:
            image = self.object.image.open("rb")
        except FileNotFoundError as error:
            raise Http404("The image file of this drawing is missing.") from error
        found = image_detect(image)
        if found is None or found[0] not in IMAGE_TYPES:  # not an image this version accepts (an older upload)
            response = FileResponse(image, as_attachment=True, filename=f"drawing-{self.object.pk}.bin")
            response["Content-Type"] = "application/octet-stream"
        else:
            content_type, extension = IMAGE_TYPES[found[0]]
            response = FileResponse(image, filename=f"drawing-{self.object.pk}.{extension}")
            response["Content-Type"] = content_type  # what the content is, whatever the file was called
        # Whatever a file holds, it never runs in our origin.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        return response


class InformationObjectListView(SelectorListView):
    selector = information_object_list
    filterset_class = InformationObjectFilterSet
    template_name = "usecases/information_object_list.html"
    context_object_name = "information_objects"


class InformationObjectDetailView(SelectorDetailView):
    selector = information_object_get
    template_name = "usecases/information_object_detail.html"
    context_object_name = "information_object"

    def get_context_data(self, **kwargs):
        impact = information_object_impact_get(user=self.request.user, information_object=self.object)
        return super().get_context_data(impact=impact, **kwargs)


class CommonTermListView(SelectorListView):
    """Not paginated: a term's address is this page with the term's anchor."""

    selector = common_term_list
    paginate = False
    filterset_class = CommonTermFilterSet
    template_name = "usecases/term_list.html"
    context_object_name = "terms"

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_change=user_can(self.request.user, CHANGE, CommonTerm), **kwargs)


# Writing use cases, the review workflow, frozen versions, sharing, workspaces and "my work".


class UseCaseCreateView(ServiceCreateView):
    """A new use case in a workspace where the user is an author or manager (a 403 for everyone else)."""

    model = UseCase
    form_class = UseCaseCreateForm
    list_url_name = "usecases:usecase_list"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workspaces": workspaces_of(self.request.user, ADD)}

    def save(self, form, data):
        return usecase_create(user=self.request.user, workspace=data.pop("workspace"), data=data)


USECASE_CHANGED_MESSAGE = (
    "Someone changed these fields while you were editing them ({differences}). Nothing of yours was saved yet: your "
    "text is kept in the form. Save again to replace their version with yours."
)


class UseCaseUpdateView(ServiceUpdateView):
    """Sections 1.1 to 1.7 of a draft. The form carries its fields as it loaded them: a save over someone's change
    of them is refused with both versions named and the typed text kept (saved again, it replaces theirs); changes
    elsewhere in the use case meanwhile (a table, the placement) refuse nothing."""

    model = UseCase
    form_class = UseCaseForm
    form_exclude = ("fingerprint",)
    template_name = "usecases/authoring/usecase_form.html"  # the form guarded against lost input (authoring.js)

    def get_object(self, queryset=None):
        use_case = usecase_header_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, CHANGE, use_case)
        return use_case

    def not_a_draft(self):
        messages.error(self.request, not_a_draft_message(self.object))
        return redirect(self.object.get_absolute_url())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != UseCase.Status.DRAFT:
            return self.not_a_draft()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != UseCase.Status.DRAFT:
            return self.not_a_draft()
        form = self.get_form()
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    @transaction.atomic
    def save(self, form, data):
        use_case = self.stored_object()
        fingerprint = form.cleaned_data["fingerprint"]
        try:
            row_lock_unchanged(row=use_case, fingerprint=fingerprint, only=USECASE_FIELDS)
        except ValidationError as error:
            current = error.params["current"]
            if current is None:
                raise
            differences = row_differences(yours=form, theirs=UseCaseForm(instance=current))
            if differences:
                form.data = form.data.copy()
                form.data["fingerprint"] = UseCaseForm.fingerprint_of(current)  # saved again, it replaces theirs
                named = "; ".join(f"{item.label}: theirs “{item.theirs}”, yours “{item.yours}”" for item in differences)
                raise ValidationError(USECASE_CHANGED_MESSAGE.format(differences=named)) from error
        return usecase_update(user=self.request.user, use_case=use_case, data=data)


class UseCaseTransitionView(ObjectPermissionMixin, View):
    """One step of the review workflow, posted from the use case page with the revision it showed."""

    http_method_names = ["post"]
    transition = ""

    def post(self, request, pk):
        use_case = usecase_header_get(user=request.user, pk=pk)
        transition = TRANSITIONS[self.transition]
        require(request.user, transition.action, use_case)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The page was incomplete; reload it and try again. Nothing was changed.")
            return redirect(use_case.get_absolute_url())
        try:
            use_case = usecase_transition(
                user=request.user,
                use_case=use_case,
                name=transition.name,
                comment=form.cleaned_data["comment"],
                expected_revision=form.cleaned_data["revision"],
                list_in_version_table=form.cleaned_data["list_in_version_table"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The use case is now {use_case.get_status_display().lower()}.")
        return redirect(use_case.get_absolute_url())


class UseCaseHistoryView(ObjectHistoryView):
    """Every recorded change to the use case and its rows, its workflow steps and shares included."""

    get_subject = usecase_header_get


class UseCaseShareView(ObjectPermissionMixin, FormView):
    """The share dialog: who may view or change this one use case beyond its workspace's members; grant and
    revoke. For those who manage the use case's workspace."""

    template_name = "usecases/usecase_share.html"
    form_class = ShareForm

    def check_permissions(self) -> None:
        self.use_case = usecase_header_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, SHARE, self.use_case)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            use_case=self.use_case, grants=usecase_share_list(use_case=self.use_case), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            grantee = grantee_by_name(kind=data["kind"], name=data["name"])
            usecase_share(
                user=self.request.user, use_case=self.use_case, grantee=grantee, permission=data["permission"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Shared with {grantee}.")
        return redirect("usecases:usecase_share", pk=self.use_case.pk)


class UseCaseUnshareView(ObjectPermissionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        use_case = usecase_header_get(user=request.user, pk=pk)
        require(request.user, SHARE, use_case)
        form = UnshareForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("Choose a grant to revoke.")
            usecase_unshare(
                user=request.user,
                use_case=use_case,
                kind=form.cleaned_data["kind"],
                grant_id=form.cleaned_data["grant"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The grant is revoked.")
        return redirect("usecases:usecase_share", pk=use_case.pk)


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


class WorkspaceListView(ObjectPermissionMixin, ListView):
    """The workspaces the user belongs to or may see use cases of, with their role."""

    template_name = "usecases/workspace_list.html"
    context_object_name = "workspaces"

    def get_queryset(self):
        return workspace_page_list(user=self.request.user)


class WorkspaceDetailView(ObjectPermissionMixin, DetailView):
    """A workspace and its members; its managers add members, change their roles and remove them here."""

    template_name = "usecases/workspace_detail.html"
    context_object_name = "workspace"

    def get_object(self, queryset=None):
        return workspace_get(user=self.request.user, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        may_manage = user_can(self.request.user, MANAGE, self.object)
        return super().get_context_data(
            may_manage=may_manage,
            member_form=MemberForm(),
            roles=WorkspaceMembership.Role.choices,
            members=list(self.object.memberships.all()),
            **kwargs,
        )


class WorkspaceMemberSetView(ObjectPermissionMixin, View):
    """Add a member by username with a role, or give a member another role."""

    http_method_names = ["post"]

    def post(self, request, slug):
        workspace = workspace_get(user=request.user, slug=slug)
        require(request.user, MANAGE, workspace)
        form = MemberForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("Give a username and a role.")
            member = user_by_name(username=form.cleaned_data["username"])
            membership = workspace_member_set(
                user=request.user, workspace=workspace, member=member, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{member.get_username()} is now {membership.get_role_display().lower()}.")
        return redirect(workspace.get_absolute_url())


class WorkspaceMemberRemoveView(ObjectPermissionMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        workspace = workspace_get(user=request.user, slug=slug)
        membership = workspace_membership_get(user=request.user, workspace=workspace, pk=pk)
        require(request.user, MANAGE, workspace)
        try:
            workspace_member_remove(user=request.user, membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user.get_username()} is no longer a member.")
        return redirect(workspace.get_absolute_url())


class MyWorkView(ObjectPermissionMixin, TemplateView):
    """What waits for the signed-in user: drafts to write, use cases to review and to publish."""

    template_name = "usecases/my_work.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            work=my_work_get(user=user),
            workspaces=list(workspace_page_list(user=user).filter(my_role__isnull=False)),
            may_add=user_can(user, ADD, UseCase),
            may_read_change_log=may_read_change_log(user),
            **kwargs,
        )


class InformationObjectCreateView(ServiceCreateView):
    model = InformationObject
    form_class = InformationObjectForm
    list_url_name = "usecases:information_object_list"

    def save(self, form, data):
        return information_object_create(user=self.request.user, data=data)


class InformationObjectUpdateView(ServiceUpdateView):
    model = InformationObject
    form_class = InformationObjectForm
    own_object_fields = ("description",)

    def save(self, form, data):
        return information_object_update(user=self.request.user, information_object=self.stored_object(), data=data)


class InformationObjectHistoryView(ObjectHistoryView):
    get_subject = information_object_get


class CommonTermCreateView(ServiceCreateView):
    model = CommonTerm
    form_class = CommonTermForm
    list_url_name = "usecases:term_list"

    def save(self, form, data):
        return common_term_create(user=self.request.user, data=data)


class CommonTermUpdateView(ServiceUpdateView):
    model = CommonTerm
    form_class = CommonTermForm

    def save(self, form, data):
        return common_term_update(user=self.request.user, common_term=self.stored_object(), data=data)


class CommonTermHistoryView(ObjectHistoryView):
    get_subject = common_term_get
