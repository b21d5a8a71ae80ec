from importlib import import_module

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _role_groups_sync(sender, **kwargs) -> None:
    """After every migrate: the role groups hold the permissions of every model, including the models added after
    their migration. contrib.auth creates each app's permissions in its own post_migrate handler, so this waits for
    the last app's signal."""
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from django.contrib.auth.models import Group, Permission

    import_module("ucmr.migrations.0002_role_groups").role_groups_grant(Group, Permission)


class UcmrConfig(AppConfig):
    name = "ucmr"
    verbose_name = "UCMR core"

    def ready(self) -> None:
        from ucmr import notifications  # noqa: F401 - registers the `notify` job kind in web and worker processes

        post_migrate.connect(_role_groups_sync, dispatch_uid="ucmr.role_groups_sync")
