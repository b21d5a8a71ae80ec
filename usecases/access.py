"""Workspace members and their roles, and direct grants on one use case (the share dialog).

The membership row is what people edit; the services write the django-guardian permissions that the policy reads
(through ucmr.permissions, the only module that talks to guardian) in the same transaction, check that the acting
user may make the change, and record it in the audit trail.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from ucmr.audit import record_change
from ucmr.models import ChangeLogEntry
from ucmr.permissions import (
    ADD,
    MANAGE,
    SHARE,
    Grant,
    object_grant_add,
    object_grant_get,
    object_grant_remove,
    object_grants,
    require,
    user_can,
    visible_to,
)
from ucmr.services import model_create, model_delete, model_update
from usecases.models import UseCase, Workspace, WorkspaceMembership
from usecases.permissions import workspace_role_set

Role = WorkspaceMembership.Role

# What the share dialog grants: the word people see and the guardian permission it stands for.
SHARE_PERMISSIONS = {"view": "view_usecase", "change": "change_usecase"}
SHARE_LABELS = {"view_usecase": "view", "change_usecase": "view and change"}


def may_add_to_library(user, model) -> bool:
    """Whether `user` may add `model` objects (actors, information objects, ...) to the shared libraries as part of
    writing a use case: curators always, and whoever may add use cases, as an import adds the new library objects
    its file brings. Changing existing library objects stays with the curators."""
    return user_can(user, ADD, model) or user_can(user, ADD, UseCase)


def _managers_left(*, workspace: Workspace, without: WorkspaceMembership) -> bool:
    others = WorkspaceMembership.objects.filter(workspace=workspace, role=Role.MANAGER).exclude(pk=without.pk)
    return others.exists()


def user_by_name(*, username: str):
    """The active user with this username, or a form error naming it."""
    member = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    if member is None:
        raise ValidationError({"username": f"There is no active user '{username.strip()}'."})
    return member


@transaction.atomic
def workspace_member_set(*, user, workspace: Workspace, member, role: str) -> WorkspaceMembership:
    """Add `member` to the workspace with `role`, or give a member another role. A workspace keeps a manager."""
    require(user, MANAGE, workspace)
    membership = WorkspaceMembership.objects.select_for_update().filter(workspace=workspace, user=member).first()
    if membership is None:
        membership = model_create(
            user=user,
            model=WorkspaceMembership,
            data={"workspace": workspace, "user": member, "role": role},
            related=workspace,
        )
    else:
        demoted = membership.role == Role.MANAGER and role != Role.MANAGER
        if demoted and not _managers_left(workspace=workspace, without=membership):
            raise ValidationError({"role": "A workspace needs a manager: make someone else manager first."})
        membership = model_update(user=user, instance=membership, data={"role": role}, related=workspace)
    workspace_role_set(member=member, workspace=workspace, role=membership.role)
    return membership


@transaction.atomic
def workspace_member_remove(*, user, membership: WorkspaceMembership) -> None:
    require(user, MANAGE, membership.workspace)
    membership = (
        WorkspaceMembership.objects.select_for_update(of=("self",))
        .select_related("workspace", "user")
        .get(pk=membership.pk)
    )
    workspace = membership.workspace
    if membership.role == Role.MANAGER and not _managers_left(workspace=workspace, without=membership):
        raise ValidationError("A workspace needs a manager: make someone else manager first.")
    member = membership.user
    model_delete(user=user, instance=membership, related=workspace)
    workspace_role_set(member=member, workspace=workspace, role=None)


def workspace_page_list(*, user) -> QuerySet[Workspace]:
    """The workspaces the user may see, with the number of their use cases the user may see and the user's role."""
    visible_use_cases = visible_to(user, UseCase.objects.listed())
    my_role = WorkspaceMembership.objects.filter(workspace=OuterRef("pk"), user=user.pk).values("role")
    return (
        visible_to(user, Workspace.objects.all())
        .annotate(
            use_case_count=Count("use_cases", filter=Q(use_cases__in=visible_use_cases), distinct=True),
            my_role=Subquery(my_role[:1]),
        )
        .order_by("name", "pk")
    )


def workspace_get(*, user, slug: str) -> Workspace:
    """A workspace the user may see (else a 404), with its members."""
    members = WorkspaceMembership.objects.select_related("user").order_by("user__username")
    workspaces = Workspace.objects.prefetch_related(Prefetch("memberships", queryset=members))
    return get_object_or_404(visible_to(user, workspaces), slug=slug)


def workspace_membership_get(*, user, workspace: Workspace, pk: int) -> WorkspaceMembership:
    memberships = visible_to(user, WorkspaceMembership.objects.filter(workspace=workspace).select_related("user"))
    return get_object_or_404(memberships.select_related("workspace"), pk=pk)


def usecase_share_list(*, use_case: UseCase) -> list[Grant]:
    """The direct grants on a use case (the caller has checked that the user may share it)."""
    return object_grants(use_case, tuple(SHARE_PERMISSIONS.values()))


def grantee_by_name(*, kind: str, name: str):
    """The user (by username) or group (by name) to share with, or a form error."""
    if kind == "group":
        group = Group.objects.filter(name=name.strip()).first()
        if group is None:
            raise ValidationError({"name": f"There is no group '{name.strip()}'."})
        return group
    try:
        return user_by_name(username=name)
    except ValidationError:
        raise ValidationError({"name": f"There is no active user '{name.strip()}'."}) from None


@transaction.atomic
def usecase_share(*, user, use_case: UseCase, grantee, permission: str) -> Grant:
    """Let a user or a group view ("view") or change ("change") this one use case."""
    require(user, SHARE, use_case)
    codename = SHARE_PERMISSIONS.get(permission)
    if codename is None:
        raise ValidationError({"permission": "Choose view or change."})
    held = [grant for grant in usecase_share_list(use_case=use_case) if grant.grantee == grantee]
    if any(grant.codename == codename for grant in held):
        raise ValidationError(f"'{grantee}' may already {SHARE_LABELS[codename]} this use case.")
    grant = object_grant_add(use_case, grantee=grantee, codename=codename)
    record_change(
        user=user,
        action=ChangeLogEntry.Action.CREATE,
        instance=grant.row,
        before=None,
        after=grant.audit_data,
        related=use_case,
    )
    return grant


@transaction.atomic
def usecase_unshare(*, user, use_case: UseCase, kind: str, grant_id: int) -> None:
    """Revoke one direct grant on the use case."""
    require(user, SHARE, use_case)
    grant = object_grant_get(use_case, kind=kind, grant_id=grant_id)
    if grant is None:
        raise ValidationError("This grant has already been revoked.")
    object_grant_remove(grant)
    record_change(
        user=user,
        action=ChangeLogEntry.Action.DELETE,
        instance=grant.row,
        before=grant.audit_data,
        after=None,
        related=use_case,
        object_id=grant.id,
    )
