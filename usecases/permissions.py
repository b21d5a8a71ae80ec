"""Who may do what on use cases, workspaces and their rows: the rules this app registers with the policy engine of
ucmr.permissions (in UsecasesConfig.ready()), and the workspace roles.

- Workspace roles (viewer, author, reviewer, manager) are django-guardian object permissions on the workspace
  (`WORKSPACE_ROLE_PERMISSIONS`), written from `WorkspaceMembership` by `workspace_role_set`.
- Direct grants on one use case (view, change, ...) to a user or a group are guardian object permissions on it.
- Published use cases are readable by every signed-in user, and by anonymous visitors when `UCMR_PUBLIC_READ` is on.
- Comments (`COMMENT`) are written by a use case's viewers and up, not by every reader of a published one; a
  workspace may leave commenting to its reviewers and managers.
- The rows of a use case's tables are seen with the use case and changed with it; its workflow records are never
  changed.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q
from guardian.shortcuts import assign_perm, remove_perm

from ucmr.permissions import (
    ADD,
    CHANGE,
    COMMENT,
    DELETE,
    MANAGE,
    PUBLISH,
    REVIEW,
    SHARE,
    VIEW,
    Rule,
    granted,
    public_read,
    register_add_rule,
    register_change_log_reader,
    register_change_log_scope,
    register_grantable,
    register_library,
    register_library_usage,
    register_row_rule,
    register_rule,
    signed_in,
    visible_to,
)
from usecases.models import UseCase, Workspace

# The guardian permissions (on the Workspace) that each workspace role holds.
WORKSPACE_ROLE_PERMISSIONS = {
    "viewer": ("view_workspace_usecases",),
    "author": ("view_workspace_usecases", "change_workspace_usecases"),
    "reviewer": ("view_workspace_usecases", "review_workspace_usecases"),
    "manager": (
        "view_workspace_usecases",
        "change_workspace_usecases",
        "review_workspace_usecases",
        "publish_workspace_usecases",
        "manage_workspace",
    ),
}
WORKSPACE_PERMISSIONS = WORKSPACE_ROLE_PERMISSIONS["manager"]

# What may be granted directly on one use case, by the share dialog (view, change) or here (review, publish).
USECASE_GRANTS = ("view_usecase", "change_usecase", "review_usecase", "publish_usecase")

# A use case action: the model-wide permission, the workspace permissions and the direct use case permissions
# that each allow it.
USECASE_RULES = {
    VIEW: ("usecases.view_usecase", WORKSPACE_PERMISSIONS, USECASE_GRANTS),
    CHANGE: ("usecases.change_usecase", ("change_workspace_usecases",), ("change_usecase",)),
    REVIEW: ("usecases.review_usecase", ("review_workspace_usecases",), ("review_usecase",)),
    PUBLISH: ("usecases.publish_usecase", ("publish_workspace_usecases",), ("publish_usecase",)),
    DELETE: ("usecases.delete_usecase", ("manage_workspace",), ()),
    SHARE: ("usecases.manage_workspace", ("manage_workspace",), ()),
    # Its viewers and up, not every reader of a published use case; see _usecase_rule for reviewers-only workspaces.
    COMMENT: ("usecases.view_usecase", WORKSPACE_PERMISSIONS, USECASE_GRANTS),
}
# A workspace action: the model-wide permission and the workspace permissions that allow it. ADD is adding a use
# case to the workspace; VIEW is also allowed to whoever may see one of its use cases.
WORKSPACE_RULES = {
    VIEW: ("usecases.view_workspace", WORKSPACE_PERMISSIONS),
    ADD: ("usecases.add_usecase", ("change_workspace_usecases",)),
    MANAGE: ("usecases.manage_workspace", ("manage_workspace",)),
}
# This app's libraries, shared by the whole repository; the information objects' creator may correct them.
LIBRARIES = {
    "usecases.InformationObject": True,
    "usecases.CommonTerm": False,
    "usecases.Area": False,
    "usecases.BusinessCase": False,
}
# The lookups from a library object to the use cases that use it directly (what a page's "used in" counts, what
# merging moves, what decides whether its creator may still change it).
LIBRARY_USAGE_PATHS = {
    "actors.Actor": (
        "roles__use_case",
        "primary_in_use_cases",
        "primary_in_scenarios__use_case",
        "produced_steps__scenario__use_case",
        "received_steps__scenario__use_case",
        "primary_in_steps__scenario__use_case",
    ),
    "requirements.Requirement": (
        "steps__scenario__use_case",
        "scenarios__use_case",
        "information_objects__steps__scenario__use_case",
    ),
    "usecases.InformationObject": ("steps__scenario__use_case",),
    "usecases.CommonTerm": ("use_cases",),
}
# Records the application writes and nobody changes: their rows are seen with their use case, never written.
USECASE_RECORDS = {("usecases", "statuschange"), ("usecases", "usecasesnapshot")}
# How a row of a use case's tables reaches its use case, where not through a `use_case` field.
USECASE_PATHS = {("usecases", "step"): "scenario__use_case"}


def _label(model: type[models.Model]) -> tuple[str, str]:
    return model._meta.app_label, model._meta.model_name


def _usecase_rule(user, model: type[models.Model], action: str) -> Rule:
    if action not in USECASE_RULES:
        return False
    model_permission, workspace_codenames, direct_codenames = USECASE_RULES[action]
    published = Q(status="published")
    if not signed_in(user):
        return published if action == VIEW and public_read() else False
    if user.has_perm(model_permission):
        return True
    rule = granted(user, Workspace, workspace_codenames, field="workspace")
    if direct_codenames:
        rule |= granted(user, UseCase, direct_codenames)
    if action == COMMENT:  # a workspace may leave comments to its reviewers (and managers)
        reviewers = _usecase_rule(user, model, REVIEW)
        return True if reviewers is True else (rule & Q(workspace__comments_reviewers_only=False)) | reviewers
    return (rule | published) if action == VIEW else rule


def _workspace_rule(user, model: type[models.Model], action: str) -> Rule:
    if action not in WORKSPACE_RULES:
        return signed_in(user) and user.has_perm(f"usecases.{action}_workspace")
    model_permission, codenames = WORKSPACE_RULES[action]
    if signed_in(user) and user.has_perm(model_permission):
        return True
    rule: Rule = False
    if action == VIEW:
        use_cases = _usecase_rule(user, UseCase, VIEW)
        if use_cases is True:
            return True
        if use_cases is not False:
            rule = Q(Exists(UseCase.objects.filter(use_cases, workspace=OuterRef("pk"))))
    if signed_in(user):
        members = granted(user, Workspace, codenames)
        rule = members if rule is False else rule | members
    return rule


def _membership_rule(user, model: type[models.Model], action: str) -> Rule:
    rule = _workspace_rule(user, Workspace, VIEW if action == VIEW else MANAGE)
    if isinstance(rule, bool):
        return rule
    return Q(workspace__in=Workspace.objects.filter(rule))


def _usecase_row_rule(user, model: type[models.Model], action: str) -> Rule:
    """Rows of a use case (its tables, its workflow record): seen with the use case, changed with it."""
    if _label(model) in USECASE_RECORDS and action != VIEW:
        return False
    rule = _usecase_rule(user, UseCase, VIEW if action == VIEW else CHANGE)
    if isinstance(rule, bool):
        return rule
    path = USECASE_PATHS.get(_label(model), "use_case")
    return Q(**{f"{path}__in": UseCase.objects.filter(rule)})


def _has_usecase_field(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("use_case")
    except FieldDoesNotExist:
        return False
    return field.is_relation and _label(field.related_model) == ("usecases", "usecase")


def _row_rule_for(model: type[models.Model]):
    label = _label(model)
    if label in USECASE_PATHS or label in USECASE_RECORDS or _has_usecase_field(model):
        return _usecase_row_rule
    return None


def workspaces_of(user, action: str = VIEW) -> models.QuerySet:
    """The workspaces on which `user` may do `action` (ADD: add use cases; MANAGE: manage members)."""
    return visible_to(user, Workspace.objects.order_by("name"), action)


def workspace_role_set(*, member, workspace: models.Model, role: str | None) -> None:
    """Make `member`'s guardian permissions on `workspace` exactly those of `role` (none for None)."""
    if role is not None and role not in WORKSPACE_ROLE_PERMISSIONS:
        raise ValueError(f"Unknown workspace role {role!r}.")
    wanted = set(WORKSPACE_ROLE_PERMISSIONS[role]) if role else set()
    for codename in WORKSPACE_PERMISSIONS:
        if codename in wanted:
            assign_perm(codename, member, workspace)
        else:
            remove_perm(codename, member, workspace)


def register() -> None:
    """Tell the policy engine about use cases, workspaces, their rows and the libraries' use (AppConfig.ready)."""
    register_rule(UseCase, _usecase_rule)
    register_rule(Workspace, _workspace_rule)
    register_rule("usecases.WorkspaceMembership", _membership_rule)
    register_row_rule(_row_rule_for)
    register_add_rule(UseCase, lambda user: workspaces_of(user, ADD).exists())
    register_grantable(UseCase, USECASE_GRANTS)
    for label, creator_edited in LIBRARIES.items():
        register_library(label, creator_edited=creator_edited)
    for label, paths in LIBRARY_USAGE_PATHS.items():
        register_library_usage(label, using=UseCase, paths=paths)
    # Entries about use cases (and their rows) are seen with the use case; about workspaces, by their managers.
    register_change_log_scope(UseCase, lambda user: visible_to(user, UseCase.objects.all()))
    register_change_log_scope(Workspace, lambda user: workspaces_of(user, MANAGE))
    register_change_log_reader(lambda user: workspaces_of(user, MANAGE).exists())
