"""The full-text index of use cases (usecases.search): its tables, the GIN index (PostgreSQL) or the FTS5 table
(SQLite), and the index of the use cases already there."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from usecases.search import fts_table_create, fts_table_drop, search_index_rebuild


def create_text_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("CREATE INDEX usecases_search_vector ON usecases_usecasesearchentry USING gin (vector)")
        else:
            fts_table_create(cursor)


def drop_text_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS usecases_search_vector")
        else:
            fts_table_drop(cursor)


def index_existing_use_cases(apps, schema_editor):
    search_index_rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("usecases", "0005_comments_and_watches"),
    ]

    operations = [
        migrations.CreateModel(
            name="UseCaseSearchState",
            fields=[
                (
                    "use_case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_state",
                        serialize=False,
                        to="usecases.usecase",
                    ),
                ),
                ("revision", models.PositiveIntegerField()),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="UseCaseSearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("section", models.CharField(help_text="Where the text is, as shown under a hit.", max_length=400)),
                (
                    "weight",
                    models.CharField(
                        choices=[
                            ("A", "ID and name"),
                            ("B", "Description"),
                            ("C", "Table row or step"),
                            ("D", "Library object"),
                        ],
                        max_length=1,
                    ),
                ),
                ("text", models.TextField()),
                (
                    "digest",
                    models.CharField(
                        help_text="Of section, weight and text: an unchanged part is kept.", max_length=32
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                (
                    "use_case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_entries",
                        to="usecases.usecase",
                    ),
                ),
            ],
            options={
                "default_permissions": (),
            },
        ),
        # The GIN index is PostgreSQL's; SQLite gets an FTS5 table over the text instead.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="usecasesearchentry",
                    index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="usecases_search_vector"),
                ),
            ],
            database_operations=[migrations.RunPython(create_text_index, drop_text_index)],
        ),
        migrations.RunPython(index_existing_use_cases, migrations.RunPython.noop),
    ]
