"""Who works where: sharing one use case, workspaces and their members, and "my work"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from ucmr.editing import add_service_errors
from ucmr.permissions import ADD, MANAGE, SHARE, ObjectPermissionMixin, may_read_change_log, require, user_can
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
from usecases.forms import MemberForm, ShareForm, UnshareForm
from usecases.models import UseCase, WorkspaceMembership
from usecases.selectors import usecase_header_get
from usecases.workflow import my_work_get


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
