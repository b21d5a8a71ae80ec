"""The one access-control policy of UCMR, and the only module that talks to django-guardian. Every page, form post,
download, job result and (later) API endpoint asks here.

Who may do what:

- Workspace roles (viewer, author, reviewer, manager) are django-guardian object permissions on the workspace
  (`usecases.permissions.WORKSPACE_ROLE_PERMISSIONS`), written from `usecases.WorkspaceMembership` by
  `usecases.permissions.workspace_role_set`.
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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Exists,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.db.models.lookups import LessThanOrEqual
from django.http import Http404
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm
from rest_framework.exceptions import NotFound
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ucmr.audit import account_roles, record_account_change
from ucmr.models import BackgroundJob, ChangeLogEntry

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
REVIEW, PUBLISH, SHARE, MANAGE = "review", "publish", "share", "manage"
COMMENT = "comment"
ACTIONS = (VIEW, ADD, CHANGE, DELETE, REVIEW, PUBLISH, SHARE, MANAGE, COMMENT)

ADMINISTRATORS_GROUP = "Administrators"
CURATORS_GROUP = "Library curators"
REPOSITORY_ROLES = {"administrator": ADMINISTRATORS_GROUP, "curator": CURATORS_GROUP}

Label = tuple[str, str]  # (app label, model name)
Rule = Q | bool  # True: every row; False: none; a Q: the rows it matches
RuleFunction = Callable[[Any, type[models.Model], str], Rule]


@dataclass
class _Registry:
    """What the apps tell this module about their models (each app registers in its AppConfig.ready(), as NetBox's
    apps register their models' features), so that the policy's engine imports no app."""

    rules: dict[Label, RuleFunction] = field(default_factory=dict)
    row_rules: list[Callable[[type[models.Model]], RuleFunction | None]] = field(default_factory=list)
    libraries: set[Label] = field(default_factory=set)
    creator_edited: set[Label] = field(default_factory=set)
    usage: dict[Label, tuple[type[models.Model], tuple[str, ...]]] = field(default_factory=dict)
    add_rules: dict[Label, Callable[[Any], bool]] = field(default_factory=dict)
    grantable: dict[Label, tuple[str, ...]] = field(default_factory=dict)
    change_log_scopes: dict[Label, Callable[[Any], models.QuerySet]] = field(default_factory=dict)
    change_log_readers: list[Callable[[Any], bool]] = field(default_factory=list)


_registry = _Registry()


def _label_of(model: type[models.Model] | str) -> Label:
    if isinstance(model, str):
        app_label, model_name = model.lower().split(".")
        return app_label, model_name
    return model._meta.app_label, model._meta.model_name


def register_rule(model: type[models.Model] | str, rule: RuleFunction) -> None:
    """`rule(user, model, action)` decides who may do what on the rows of `model` ("app.Model" or the class)."""
    _registry.rules[_label_of(model)] = rule


def register_row_rule(finder: Callable[[type[models.Model]], RuleFunction | None]) -> None:
    """`finder(model)` returns the rule of a model no rule was registered for (the rows of a use case's tables),
    or None."""
    _registry.row_rules.append(finder)


def register_library(model: type[models.Model] | str, *, creator_edited: bool = False) -> None:
    """A model shared by the whole repository: everyone signed in reads it, model-wide permissions (curators) write
    it. `creator_edited`: whoever added an object may change it while at most one use case they may change uses it
    (see `register_library_usage`)."""
    label = _label_of(model)
    _registry.libraries.add(label)
    if creator_edited:
        _registry.creator_edited.add(label)


def register_library_usage(model: type[models.Model] | str, *, using: type[models.Model], paths) -> None:
    """Which objects of `using` (the use cases) use an object of the library `model`, by the lookups `paths` from
    the library object to them: what the creator rule, a page's "used in" and merging count."""
    _registry.usage[_label_of(model)] = (using, tuple(paths))


def library_usage(model: type[models.Model]) -> tuple[type[models.Model], tuple[str, ...]] | None:
    """(the model that uses objects of `model`, the lookups to it), or None when nothing registered a usage."""
    return _registry.usage.get(_label_of(model))


def register_add_rule(model: type[models.Model] | str, rule: Callable[[Any], bool]) -> None:
    """`rule(user)` says whether the user may add an object of `model` at all (where it depends on objects, such as
    the workspaces a use case may be added to)."""
    _registry.add_rules[_label_of(model)] = rule


def register_grantable(model: type[models.Model] | str, codenames) -> None:
    """The guardian permissions that may be granted directly on one object of `model` (the share dialog)."""
    _registry.grantable[_label_of(model)] = tuple(codenames)


def register_change_log_scope(model: type[models.Model] | str, visible: Callable[[Any], models.QuerySet]) -> None:
    """The audit trail's entries about objects of `model` (and about their rows) are seen by whoever `visible(user)`
    returns the object for (a queryset of them)."""
    _registry.change_log_scopes[_label_of(model)] = visible


def register_change_log_reader(reader: Callable[[Any], bool]) -> None:
    """`reader(user)` tells whether a user who is no administrator may read the repository-wide change log."""
    _registry.change_log_readers.append(reader)


def _label(model: type[models.Model]) -> Label:
    return model._meta.app_label, model._meta.model_name


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def public_read() -> bool:
    return bool(getattr(settings, "UCMR_PUBLIC_READ", False))


def granted(user, model: type[models.Model], codenames, field: str = "pk") -> Q:
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


def _as_text(queryset: models.QuerySet) -> models.QuerySet:
    """The primary keys of `queryset` as text, to compare with the audit trail's object ids."""
    return queryset.annotate(pk_text=Cast("pk", CharField())).values("pk_text")


def _change_log_rule(user, action: str) -> Rule:
    """The changes to objects the user may see: library objects, and what each app's registered scope lets them
    see (visible use cases and their rows, the members of workspaces they manage)."""
    if action != VIEW or not signed_in(user):
        return False
    if user.has_perm("ucmr.view_changelogentry"):
        return True

    def about(prefix: str, labels) -> Q:
        found = Q()
        for app_label, model_name in labels:
            found |= Q(**{f"{prefix}__app_label": app_label, f"{prefix}__model": model_name})
        return found

    rule = (about("content_type", _registry.libraries) & Q(related_content_type__isnull=True)) | about(
        "related_content_type", _registry.libraries
    )
    for label, visible in _registry.change_log_scopes.items():
        pks = _as_text(visible(user).order_by())
        rule |= (about("content_type", [label]) & Q(object_id__in=pks)) | (
            about("related_content_type", [label]) & Q(related_object_id__in=pks)
        )
    return rule


def _rule(user, model: type[models.Model], action: str) -> Rule:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; expected one of {ACTIONS}.")
    label = _label(model)
    if label in _registry.rules:
        return _registry.rules[label](user, model, action)
    if label in _registry.libraries:
        library = _library_rule(user, model, action)
        if library is True or action != CHANGE or label not in _registry.creator_edited or not signed_in(user):
            return library
        return _creator_rule(user, model)
    if model is ChangeLogEntry:
        return _change_log_rule(user, action)
    if model is BackgroundJob:
        if action != VIEW or not signed_in(user):
            return False
        return True if user.has_perm("ucmr.view_backgroundjob") else Q(user=user)
    for finder in _registry.row_rules:
        rule = finder(model)
        if rule is not None:
            return rule(user, model, action)
    # Anything else follows Django's own model permissions.
    return signed_in(user) and user.has_perm(f"{label[0]}.{action}_{label[1]}")


def _library_rule(user, model: type[models.Model], action: str) -> bool:
    """What the whole library allows: reading to everyone signed in, writing to model-wide permissions."""
    if action == VIEW:
        return signed_in(user) or public_read()
    app_label, model_name = _label(model)
    return signed_in(user) and user.has_perm(f"{app_label}.{action}_{model_name}")


# Bounds of the use case ids that use a library object, when none does: the lowest is then above the highest.
_NO_USE_LOW, _NO_USE_HIGH = 2**62, -1


def _usage_bounds(model: type[models.Model], paths, outer: OuterRef) -> tuple[Any, Any]:
    """The lowest and the highest id of the objects that use the library object `outer` names, over every usage path:
    per path an index lookup of that one object's rows (no scan of the objects that use the library), so that
    "used by at most one" is "highest <= lowest" and that one is the highest."""

    def bound(path: str, function: type[Func], default: int):
        rows = model._base_manager.filter(pk=outer).order_by().values("pk").annotate(bound=function(path))
        return Coalesce(Subquery(rows.values("bound")), Value(default), output_field=BigIntegerField())

    lows = [bound(path, Min, _NO_USE_LOW) for path in paths]
    highs = [bound(path, Max, _NO_USE_HIGH) for path in paths]
    if len(paths) == 1:
        return lows[0], highs[0]
    return Least(*lows, output_field=BigIntegerField()), Greatest(*highs, output_field=BigIntegerField())


def _creator_rule(user, model: type[models.Model]) -> Rule:
    """The library objects `user` created (the audit trail says so) that at most one use case uses, one they may
    change: theirs to correct until another use case relies on them."""
    usage = library_usage(model)
    if usage is None:
        return False
    using_model, paths = usage
    # The objects the user created, as one list of ids read once (not an entry looked up per object: on SQLite that
    # read every entry of the user for each object).
    created = (
        ChangeLogEntry.objects.filter(
            action=ChangeLogEntry.Action.CREATE,
            user=user,
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        )
        .order_by()
        .values_list(Cast("object_id", BigIntegerField()), flat=True)
    )
    low, high = _usage_bounds(model, paths, OuterRef("pk"))
    rule = Q(pk__in=created) & Q(LessThanOrEqual(high, low))
    changeable = _rule(user, using_model, CHANGE)
    if changeable is True:
        return rule
    # The one use case that uses it (if any: the highest id) is one the user may change.
    _, user_of_it = _usage_bounds(model, paths, OuterRef(OuterRef("pk")))
    using = using_model._base_manager.order_by().filter(pk=user_of_it)
    others = using if changeable is False else using.exclude(changeable)
    return rule & ~Q(Exists(others))


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
        if action == ADD and _label(obj) in _registry.add_rules:
            return _registry.add_rules[_label(obj)](user)
        if _label(obj) in _registry.libraries:  # every object of the library (what curators may do)
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


def may_read_change_log(user) -> bool:
    """The repository-wide log is for administrators and workspace managers."""
    if not signed_in(user):
        return False
    return user.has_perm("ucmr.view_changelogentry") or any(reader(user) for reader in _registry.change_log_readers)


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


def object_grants(obj: models.Model, codenames=None) -> list[Grant]:
    """The direct grants on `obj` (of `codenames`, by default those registered as grantable), users first, each
    ordered by name."""
    codenames = _registry.grantable.get(_label(obj), ()) if codenames is None else codenames
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
    if codename not in _registry.grantable.get(_label(obj), ()):
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
        return request.method in SAFE_METHODS and public and public_read()

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
        if anonymous and not (self.public_read and public_read()):
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
