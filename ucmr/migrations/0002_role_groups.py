"""The repository-wide roles as groups with model-wide permissions: "Administrators" hold every permission of the
project's apps and manage users and groups, "Library curators" may write the libraries (actors, requirements, information objects, terms and
the business cases and areas they refer to). The names are those of ucmr.permissions.REPOSITORY_ROLES."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATORS = "Administrators"
CURATORS = "Library curators"
PROJECT_APPS = ("ucmr", "actors", "requirements", "usecases", "sgam")
LIBRARIES = {
    "actors": ("actor",),
    "requirements": ("requirement", "requirementcategory"),
    "usecases": ("informationobject", "commonterm", "area", "businesscase"),
}


def create_role_groups(apps, schema_editor):
    # Permissions are otherwise created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    role_groups_grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def role_groups_grant(group_model, permission_model) -> None:
    """The two groups with their permissions (the test suite calls this too, after a flush empties the tables)."""
    administrators, _ = group_model.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.add(
        *permission_model.objects.filter(content_type__app_label__in=PROJECT_APPS),
        *permission_model.objects.filter(content_type__app_label="auth", content_type__model__in=["user", "group"]),
    )
    curators, _ = group_model.objects.get_or_create(name=CURATORS)
    for app_label, models in LIBRARIES.items():
        curators.permissions.add(
            *permission_model.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[ADMINISTRATORS, CURATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ucmr", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0002_exchange_extra"),
        ("requirements", "0002_exchange_extra"),
        ("sgam", "0002_reference_data"),
        ("usecases", "0003_access_control"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
