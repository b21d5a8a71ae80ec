"""Writing a use case: a new one, sections 1.1 to 1.7 of a draft guarded against overwriting someone's change,
the review workflow's steps, and the history of changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import View

from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView
from ucmr.permissions import ADD, CHANGE, ObjectPermissionMixin, require
from usecases.authoring.conflicts import row_differences, row_lock_unchanged
from usecases.forms import USECASE_FIELDS, TransitionForm, UseCaseCreateForm, UseCaseForm
from usecases.models import UseCase
from usecases.permissions import workspaces_of
from usecases.selectors import usecase_header_get
from usecases.services import not_a_draft_message, usecase_create, usecase_update
from usecases.workflow import TRANSITIONS, usecase_transition


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
