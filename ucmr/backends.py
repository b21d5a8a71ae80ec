"""Django's model permission backend, with a user's permissions read in one query instead of two.

Every request asks for them (model-wide permissions imply object permissions, ucmr.permissions), and Django's
ModelBackend reads the user's own permissions and those of their groups with a query each. The answer is the same
set: the permissions named on the user, and those of the groups the user is in (all of them for a superuser).
"""

from django.contrib.auth import backends
from django.contrib.auth.models import Permission
from django.db.models import Q


class ModelBackend(backends.ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:  # a row per link (a permission of two groups comes twice): the set keeps one
                perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            names = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache
