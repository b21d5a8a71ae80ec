"""The one access-control policy of UCMR, and the only module that talks to django-guardian. Every page, form post,
download, job result and (later) API endpoint asks here.

Who may do what:

- Workspace roles (viewer, author, reviewer, manager) are django-guardian object permissions on the workspace
  (`WORKSPACE_ROLE_PERMISSIONS`), written from `usecases.WorkspaceMembership` by `workspace_role_set`.
- Direct grants on one use case (view, change, ...) to a user or a group are guardian object permissions on it.
- Repository-wide roles are Django groups with model-wide permissions ("Administrators": every permission of the
  project's apps; "Library curators": writing the libraries). A model-wide permission implies the object
  permission on every object of the model; a superuser holds every permission.
- The analyst who added an actor, requirement or information object to the library (with a use case) may change it
  while no use case but one they may change uses it (`CREATOR_EDITED`).
- Published use cases are readable by every signed-in user, and by anonymous visitors when `UCMR_PUBLIC_READ` is
  on (the libraries then too). The libraries are readable by every signed-in user.
- Comments on a use case are read by whoever may read it and written (`COMMENT`) by its viewers and up, not by every
  reader of a published one; a workspace may leave commenting to its reviewers and managers.
- A background job is seen by the user who started it (and administrators); the audit trail by those who may see
  the object a change belongs to (all of it by administrators).

Every rule is one filter (`Q`) on the model's table, with subqueries on guardian's tables, so `visible_to` is one
query whatever the number of rows and `user_can` asks the same question of one row. Semantics every caller relies
on: an object the user may not see is a 404; one they may see but not change is a 403.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import LessThanOrEqual
from django.http import Http404
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.exceptions import NotFound
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ucmr.audit import account_roles, record_account_change
from ucmr.models import BackgroundJob, ChangeLogEntry
from usecases.models import UseCase, Workspace

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
REVIEW, PUBLISH, SHARE, MANAGE = "review", "publish", "share", "manage"
COMMENT = "comment"
ACTIONS = (VIEW, ADD, CHANGE, DELETE, REVIEW, PUBLISH, SHARE, MANAGE, COMMENT)

ADMINISTRATORS_GROUP = "Administrators"
CURATORS_GROUP = "Library curators"
REPOSITORY_ROLES = {"administrator": ADMINISTRATORS_GROUP, "curator": CURATORS_GROUP}

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
# Shared by the whole repository: everyone signed in reads them, model-wide permissions (curators) write them.
LIBRARY_MODELS = {
    ("actors", "actor"),
    ("requirements", "requirement"),
    ("requirements", "requirementcategory"),
    ("usecases", "informationobject"),
    ("usecases", "commonterm"),
    ("usecases", "area"),
    ("usecases", "businesscase"),
}
# Library objects their creator (who added one with a use case, as an analyst may) may also change, while no use
# case but one they may change uses it: the description they wrote, an actor's placement.
CREATOR_EDITED = {("actors", "actor"), ("requirements", "requirement"), ("usecases", "informationobject")}
# Records the application writes and nobody changes: their rows are seen with their use case, never written.
USECASE_RECORDS = {("usecases", "statuschange"), ("usecases", "usecasesnapshot")}
# How a row of a use case's tables reaches its use case, where not through a `use_case` field.
USECASE_PATHS = {("usecases", "step"): "scenario__use_case"}

Rule = Q | bool  # True: every row; False: none; a Q: the rows it matches


def _label(model: type[models.Model]) -> tuple[str, str]:
    return model._meta.app_label, model._meta.model_name


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _public_read() -> bool:
    return bool(getattr(settings, "UCMR_PUBLIC_READ", False))


def _granted(user, model: type[models.Model], codenames, field: str = "pk") -> Q:
    """Rows whose `field` names an object of `model` on which the user, or one of their groups, holds one of the
    guardian permissions `codenames`: two subqueries, no rows fetched (and no content type looked up first)."""
    app_label, model_name = _label(model)

    def object_ids(permissions: models.QuerySet) -> models.QuerySet:
        permissions = permissions.filter(
            content_type__app_label=app_label, content_type__model=model_name, permission__codename__in=codenames
        )
        return permissions.annotate(object_id=Cast("object_pk", BigIntegerField())).values("object_id")

    return Q(**{f"{field}__in": object_ids(UserObjectPermission.objects.filter(user=user))}) | Q(
        **{f"{field}__in": object_ids(GroupObjectPermission.objects.filter(group__user=user))}
    )


def _usecase_rule(user, action: str) -> Rule:
    if action not in USECASE_RULES:
        return False
    model_permission, workspace_codenames, direct_codenames = USECASE_RULES[action]
    published = Q(status="published")
    if not _signed_in(user):
        return published if action == VIEW and _public_read() else False
    if user.has_perm(model_permission):
        return True
    rule = _granted(user, Workspace, workspace_codenames, field="workspace")
    if direct_codenames:
        rule |= _granted(user, UseCase, direct_codenames)
    if action == COMMENT:  # a workspace may leave comments to its reviewers (and managers)
        reviewers = _usecase_rule(user, REVIEW)
        return True if reviewers is True else (rule & Q(workspace__comments_reviewers_only=False)) | reviewers
    return (rule | published) if action == VIEW else rule


def _workspace_rule(user, action: str) -> Rule:
    if action not in WORKSPACE_RULES:
        return _signed_in(user) and user.has_perm(f"usecases.{action}_workspace")
    model_permission, codenames = WORKSPACE_RULES[action]
    if _signed_in(user) and user.has_perm(model_permission):
        return True
    rule: Rule = False
    if action == VIEW:
        use_cases = _usecase_rule(user, VIEW)
        if use_cases is True:
            return True
        if use_cases is not False:
            rule = Q(Exists(UseCase.objects.filter(use_cases, workspace=OuterRef("pk"))))
    if _signed_in(user):
        members = _granted(user, Workspace, codenames)
        rule = members if rule is False else rule | members
    return rule


def _as_text(queryset: models.QuerySet) -> models.QuerySet:
    """The primary keys of `queryset` as text, to compare with the audit trail's object ids."""
    return queryset.annotate(pk_text=Cast("pk", CharField())).values("pk_text")


def _change_log_rule(user, action: str) -> Rule:
    """The changes to objects the user may see: library objects, visible use cases and their rows, the members
    of workspaces they manage. Entries of deleted use cases are left to administrators."""
    if action != VIEW or not _signed_in(user):
        return False
    if user.has_perm("ucmr.view_changelogentry"):
        return True

    def about(prefix: str, labels) -> Q:
        found = Q()
        for app_label, model_name in labels:
            found |= Q(**{f"{prefix}__app_label": app_label, f"{prefix}__model": model_name})
        return found

    use_cases = _as_text(visible_to(user, UseCase.objects.order_by()))
    workspaces = _as_text(visible_to(user, Workspace.objects.order_by(), MANAGE))
    return (
        (about("content_type", LIBRARY_MODELS) & Q(related_content_type__isnull=True))
        | about("related_content_type", LIBRARY_MODELS)
        | (about("content_type", [("usecases", "usecase")]) & Q(object_id__in=use_cases))
        | (about("related_content_type", [("usecases", "usecase")]) & Q(related_object_id__in=use_cases))
        | (about("content_type", [("usecases", "workspace")]) & Q(object_id__in=workspaces))
        | (about("related_content_type", [("usecases", "workspace")]) & Q(related_object_id__in=workspaces))
    )


def _usecase_row_rule(user, model: type[models.Model], action: str) -> Rule:
    """Rows of a use case (its tables, its workflow record): seen with the use case, changed with it."""
    if _label(model) in USECASE_RECORDS and action != VIEW:
        return False
    rule = _usecase_rule(user, VIEW if action == VIEW else CHANGE)
    if isinstance(rule, bool):
        return rule
    path = USECASE_PATHS.get(_label(model), "use_case")
    return Q(**{f"{path}__in": UseCase.objects.filter(rule)})


def _membership_rule(user, action: str) -> Rule:
    rule = _workspace_rule(user, VIEW if action == VIEW else MANAGE)
    if isinstance(rule, bool):
        return rule
    return Q(workspace__in=Workspace.objects.filter(rule))


def _rule(user, model: type[models.Model], action: str) -> Rule:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; expected one of {ACTIONS}.")
    label = _label(model)
    if label == ("usecases", "usecase"):
        return _usecase_rule(user, action)
    if label == ("usecases", "workspace"):
        return _workspace_rule(user, action)
    if label == ("usecases", "workspacemembership"):
        return _membership_rule(user, action)
    if label in LIBRARY_MODELS:
        library = _library_rule(user, model, action)
        if library is True or action != CHANGE or label not in CREATOR_EDITED or not _signed_in(user):
            return library
        return _creator_rule(user, model)
    if model is ChangeLogEntry:
        return _change_log_rule(user, action)
    if model is BackgroundJob:
        if action != VIEW or not _signed_in(user):
            return False
        return True if user.has_perm("ucmr.view_backgroundjob") else Q(user=user)
    if label in USECASE_PATHS or label in USECASE_RECORDS or _has_usecase_field(model):
        return _usecase_row_rule(user, model, action)
    # Anything else follows Django's own model permissions.
    return _signed_in(user) and user.has_perm(f"{label[0]}.{action}_{label[1]}")


def _library_rule(user, model: type[models.Model], action: str) -> bool:
    """What the whole library allows: reading to everyone signed in, writing to model-wide permissions."""
    if action == VIEW:
        return _signed_in(user) or _public_read()
    app_label, model_name = _label(model)
    return _signed_in(user) and user.has_perm(f"{app_label}.{action}_{model_name}")


def _creator_rule(user, model: type[models.Model]) -> Q:
    """The library objects `user` created (the audit trail says so) that at most one use case uses, one they may
    change: theirs to correct until another use case relies on them."""
    from ucmr.merge import USAGE_PATHS  # which relations use a library object; merge imports this module

    app_label, model_name = _label(model)
    created = ChangeLogEntry.objects.filter(
        action=ChangeLogEntry.Action.CREATE,
        user=user,
        content_type__app_label=app_label,
        content_type__model=model_name,
        object_id=Cast(OuterRef("pk"), CharField()),
    )
    object_use_cases = (
        Q(pk__in=model._base_manager.filter(pk=OuterRef(OuterRef("pk"))).values(path))
        for path in USAGE_PATHS[(app_label, model_name)]
    )
    using = UseCase._base_manager.order_by().filter(reduce(or_, object_use_cases))
    count = using.annotate(count=Func(F("pk"), function="COUNT")).values("count")
    rule = Q(Exists(created)) & Q(LessThanOrEqual(Subquery(count, output_field=IntegerField()), 1))
    changeable = _usecase_rule(user, CHANGE)
    if changeable is True:
        return rule
    others = using if changeable is False else using.exclude(changeable)
    return rule & ~Q(Exists(others))


def _has_usecase_field(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("use_case")
    except FieldDoesNotExist:
        return False
    return field.is_relation and _label(field.related_model) == ("usecases", "usecase")


def _apply(queryset: models.QuerySet, rule: Rule) -> models.QuerySet:
    if rule is True:
        return queryset
    if rule is False:
        return queryset.none()
    return queryset.filter(rule)


def visible_to(user, queryset: models.QuerySet, action: str = VIEW) -> models.QuerySet:
    """The rows of `queryset` on which `user` may do `action`, as one filtered query (no per-row checks)."""
    return _apply(queryset, _rule(user, queryset.model, action))


def with_permissions(user, queryset: models.QuerySet, actions) -> models.QuerySet:
    """`queryset` with a boolean `may_<action>` on every row for each action: list pages learn what each row
    allows in the query that loads the rows."""
    annotations = {}
    for action in actions:
        rule = _rule(user, queryset.model, action)
        if isinstance(rule, bool):
            annotations[f"may_{action}"] = Value(rule, output_field=BooleanField())
        else:
            annotations[f"may_{action}"] = Case(
                When(rule, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
    return queryset.annotate(**annotations)


def allowed_actions(user, obj: models.Model, actions=ACTIONS) -> frozenset[str]:
    """Which of `actions` the user may do on `obj`, in at most one query."""
    rules = {action: _rule(user, type(obj), action) for action in actions}
    allowed = {action for action, rule in rules.items() if rule is True}
    asked = [action for action, rule in rules.items() if not isinstance(rule, bool)]
    if asked:
        rows = with_permissions(user, type(obj)._base_manager.filter(pk=obj.pk), asked)
        row = rows.values(*(f"may_{action}" for action in asked)).first() or {}
        allowed.update(action for action in asked if row.get(f"may_{action}"))
    return frozenset(allowed)


def user_can(user, action: str, obj: models.Model | type[models.Model]) -> bool:
    """May `user` do `action` on `obj`? Asked of a model class: 'add', or an action that model-wide permissions
    alone decide (a library's 'change')."""
    if isinstance(obj, type):
        if action == ADD and _label(obj) == ("usecases", "usecase"):
            return visible_to(user, Workspace.objects.order_by(), ADD).exists()
        if _label(obj) in LIBRARY_MODELS:  # every object of the library (what curators may do)
            return _library_rule(user, obj, action)
        rule = _rule(user, obj, action)
        if not isinstance(rule, bool):
            raise ValueError(f"Whether a user may {action} a {obj._meta.verbose_name} depends on which; ask an object.")
        return rule
    return action in allowed_actions(user, obj, (action,))


def require(user, action: str, obj: models.Model | type[models.Model]) -> None:
    """Raise PermissionDenied (403) unless `user` may do `action` on an object they can already see."""
    if not user_can(user, action, obj):
        name = obj._meta.verbose_name
        raise PermissionDenied(
            f"You may not {action} this {name}." if action != ADD else f"You may not add a new {name}."
        )


def workspaces_of(user, action: str = VIEW) -> models.QuerySet:
    """The workspaces on which `user` may do `action` (ADD: add use cases; MANAGE: manage members)."""
    return visible_to(user, Workspace.objects.order_by("name"), action)


def may_read_change_log(user) -> bool:
    """The repository-wide log is for administrators and workspace managers."""
    if not _signed_in(user):
        return False
    return user.has_perm("ucmr.view_changelogentry") or workspaces_of(user, MANAGE).exists()


# Writing grants: only services call these, and record what they did in the audit trail.


@dataclass(frozen=True)
class Grant:
    """A direct grant on one object: `kind` "user" or "group", `id` the grant's own id (to revoke it)."""

    kind: str
    id: int
    grantee: Any
    codename: str
    row: models.Model

    @property
    def grantee_name(self) -> str:
        return self.grantee.get_username() if self.kind == "user" else self.grantee.name

    @property
    def audit_data(self) -> dict[str, Any]:
        return {self.kind: self.grantee_name, "permission": self.codename}


def _grant(row: models.Model) -> Grant:
    kind = "user" if isinstance(row, UserObjectPermission) else "group"
    return Grant(kind=kind, id=row.pk, grantee=getattr(row, kind), codename=row.permission.codename, row=row)


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


def object_grants(obj: models.Model, codenames=USECASE_GRANTS) -> list[Grant]:
    """The direct grants on `obj`, users first, each ordered by name."""
    content_type = ContentType.objects.get_for_model(obj)
    found = {"content_type": content_type, "object_pk": str(obj.pk), "permission__codename__in": codenames}
    users = UserObjectPermission.objects.filter(**found).select_related("user", "permission")
    groups = GroupObjectPermission.objects.filter(**found).select_related("group", "permission")
    return [
        *(_grant(row) for row in users.order_by("user__username", "permission__codename")),
        *(_grant(row) for row in groups.order_by("group__name", "permission__codename")),
    ]


def object_grant_get(obj: models.Model, *, kind: str, grant_id: int) -> Grant | None:
    return next((grant for grant in object_grants(obj) if grant.kind == kind and grant.id == grant_id), None)


def object_grant_add(obj: models.Model, *, grantee, codename: str) -> Grant:
    """Grant `codename` on `obj` to a user or a group (nothing changes when they hold it already)."""
    if codename not in USECASE_GRANTS:
        raise ValueError(f"{codename!r} cannot be granted on one object.")
    return _grant(assign_perm(codename, grantee, obj))


def object_grant_remove(grant: Grant) -> None:
    grant.row.delete()


def object_grants_remove_all(obj: models.Model) -> None:
    """Every guardian permission on `obj` (roles and direct grants alike), for when `obj` is deleted: guardian keys
    them by text, so the database would keep them, and a new object that gets the same id would inherit them."""
    found = {"content_type": ContentType.objects.get_for_model(obj), "object_pk": str(obj.pk)}
    UserObjectPermission.objects.filter(**found).delete()
    GroupObjectPermission.objects.filter(**found).delete()


def repository_role_add(*, member, role: str, user=None) -> None:
    """Give `member` a repository-wide role (a group), recorded in the audit trail as done by `user` (None: the
    system)."""
    before = account_roles(member)
    member.groups.add(Group.objects.get(name=REPOSITORY_ROLES[role]))
    record_account_change(user=user, account=member, before=before)


class ObjectPermissions(BasePermission):
    """For DRF viewsets: the same answers as the pages. Anonymous clients may read only the view's `public_actions`
    (list, retrieve, ...) and only where UCMR_PUBLIC_READ allows; an object the client may not see is a 404, one it
    may see but not change (or delete) with this method is a 403. A viewset's `permission_actions` names what its
    extra actions need of the object (`{"approve": REVIEW}`); the services check it again. Whether a new object
    may be added is the viewset's to ask (for a use case it depends on the workspace given)."""

    METHOD_ACTIONS = {"GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW, "PUT": CHANGE, "PATCH": CHANGE, "DELETE": DELETE}

    def has_permission(self, request, view) -> bool:
        if request.user is not None and request.user.is_authenticated:
            return request.user.is_active
        public = getattr(view, "action", None) in getattr(view, "public_actions", ())
        return request.method in SAFE_METHODS and public and _public_read()

    def has_object_permission(self, request, view, obj) -> bool:
        action = getattr(view, "permission_actions", {}).get(getattr(view, "action", None))
        action = action or self.METHOD_ACTIONS.get(request.method, CHANGE)
        allowed = allowed_actions(request.user, obj, {VIEW, action})
        if VIEW not in allowed:
            raise NotFound()
        return action in allowed


class ObjectPermissionFilter(BaseFilterBackend):
    """For DRF viewsets: lists only hold the rows the client may see."""

    def filter_queryset(self, request, queryset, view):
        return visible_to(request.user, queryset, VIEW)


class ObjectPermissionMixin(AccessMixin):
    """For class-based views: anonymous users go to sign-in (unless `public_read` and the setting let them read);
    lists and lookups only reach rows the user may see (others are a 404); `permission_action` other than 'view'
    is a 403 where the user may only look."""

    permission_action = VIEW
    public_read = False  # a page anonymous visitors may read when UCMR_PUBLIC_READ is on

    def dispatch(self, request, *args, **kwargs):
        anonymous = not request.user.is_authenticated
        if anonymous and not (self.public_read and _public_read()):
            return self.handle_no_permission()
        try:
            self.check_permissions()
            return super().dispatch(request, *args, **kwargs)
        except (Http404, PermissionDenied):
            if anonymous:  # signing in may show it; a visitor learns nothing from the redirect
                return self.handle_no_permission()
            raise

    def check_permissions(self) -> None:
        """What a view checks before its handler runs (raise Http404 or PermissionDenied); nothing by default."""

    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset(), VIEW)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        require(self.request.user, self.permission_action, obj)
        return obj
