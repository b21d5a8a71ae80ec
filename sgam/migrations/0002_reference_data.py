from django.db import migrations

from sgam.reference import DOMAINS, LAYERS, NIST_DOMAINS, ZONES

TABLES = {"Layer": LAYERS, "Domain": DOMAINS, "Zone": ZONES, "NistDomain": NIST_DOMAINS}


def create_reference_data(apps, schema_editor):
    for model_name, rows in TABLES.items():
        model = apps.get_model("sgam", model_name)
        for order, (code, name, description) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"name": name, "description": description, "order": order}
            )


def remove_reference_data(apps, schema_editor):
    for model_name in TABLES:
        apps.get_model("sgam", model_name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sgam", "0001_initial")]

    operations = [migrations.RunPython(create_reference_data, remove_reference_data)]
