"""The one access-control policy of UCMR. Every view, form post, download and (later) API endpoint asks here.

Current policy: signed-in users may read everything; staff may write. Jobs are seen by the user who started
them (and superusers). The access-control issue replaces the inside of these functions (workspace roles held as
django-guardian object permissions), not their callers.

Semantics every caller relies on: an object the user may not see is a 404; one they may see but not change
is a 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models

from ucmr.models import BackgroundJob

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; expected one of {ACTIONS}.")


def visible_to(user, queryset: models.QuerySet, action: str = VIEW) -> models.QuerySet:
    """The rows of `queryset` on which `user` may do `action`, as one filtered query (no per-row checks)."""
    _check_action(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if queryset.model is BackgroundJob and not user.is_superuser:
        queryset = queryset.filter(user=user)
    if action != VIEW and not user.is_staff:
        return queryset.none()
    return queryset


def user_can(user, action: str, obj: models.Model | type[models.Model]) -> bool:
    """May `user` do `action` on `obj` (an instance, or a model class for 'add')?"""
    _check_action(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if isinstance(obj, BackgroundJob) and not user.is_superuser and obj.user_id != user.pk:
        return False
    return action == VIEW or user.is_staff


def require(user, action: str, obj: models.Model) -> None:
    """Raise PermissionDenied (403) unless `user` may do `action` on an object they can already see."""
    if not user_can(user, action, obj):
        raise PermissionDenied(f"You may not {action} this {obj._meta.verbose_name}.")


class ObjectPermissionMixin(LoginRequiredMixin):
    """For class-based views: anonymous users go to sign-in; lists and lookups only reach rows the user may
    see (others are a 404); `permission_action` other than 'view' is a 403 where the user may only look."""

    permission_action = VIEW

    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset(), VIEW)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        require(self.request.user, self.permission_action, obj)
        return obj
