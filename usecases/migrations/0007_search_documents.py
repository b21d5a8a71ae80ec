"""One search document per use case (usecases.search): the tsvector of all its texts with a GIN index (PostgreSQL) or
a row of an FTS5 table (SQLite), written from the entries already there, so that the list, its count and its facets
match once per use case instead of once per part."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

from usecases.search import STATE_TABLE, document_fts_create, document_fts_drop, search_index_documents_write


def create_document_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f"CREATE INDEX usecases_search_document ON {STATE_TABLE} USING gin (document)")
        else:
            document_fts_create(cursor)


def drop_document_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS usecases_search_document")
        else:
            document_fts_drop(cursor)


# The use cases that are only placeholders (usecases.querysets.PLACEHOLDER_LOOKUP), which every list, count and facet
# leaves out (NOT EXISTS): without this partial index each such query reads the JSON of every use case to find none.
PLACEHOLDER_INDEX = (
    "CREATE INDEX IF NOT EXISTS usecases_usecase_placeholder ON usecases_usecase (id) "
    "WHERE (extra #> '{@exchange,placeholder}') = 'true'::jsonb"
)


def create_placeholder_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLACEHOLDER_INDEX)


def drop_placeholder_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS usecases_usecase_placeholder")


def write_documents(apps, schema_editor):
    search_index_documents_write(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("usecases", "0006_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="usecasesearchstate",
            name="document",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        # The GIN index is PostgreSQL's; SQLite gets an FTS5 table of documents instead.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="usecasesearchstate",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["document"], name="usecases_search_document"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create_document_index, drop_document_index)],
        ),
        migrations.RunPython(create_placeholder_index, drop_placeholder_index),
        migrations.RunPython(write_documents, migrations.RunPython.noop),
    ]
