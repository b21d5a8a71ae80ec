"""Django's model permission backend, with a user's permissions read in one query instead of two.

Every request asks for them (model-wide permissions imply object permissions, ucmr.permissions), and Django's
ModelBackend reads the user's own permissions and those of their groups with a query each. The answer is the same
set: the permissions named on the user, and those of the groups the user is in (all of them for a superuser).
"""

from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class ModelBackend(backends.ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                own = type(user_obj).user_permissions.through.objects.filter(**{_user_field(user_obj): user_obj.pk})
                of_groups = Group.permissions.through.objects.filter(group__in=user_obj.groups.all())
                perms = Permission.objects.filter(
                    Q(pk__in=own.values("permission")) | Q(pk__in=of_groups.values("permission"))
                )
            names = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache


def _user_field(user_obj) -> str:
    """The link table's column naming the user (`user` for Django's User, `<model name>` for a custom one)."""
    return type(user_obj).user_permissions.field.m2m_field_name()
