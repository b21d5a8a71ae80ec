"""The full-text index of use cases (`usecases.search`): one entry per searchable part of a use case, rewritten from
the use case's rows when its revision changes. Nothing here is edited by hand; `manage.py rebuild_search_index`
rebuilds it all."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class UseCaseSearchEntry(models.Model):
    """One part of a use case as it is searched and shown under a hit: its ID and name, a field of section 1, a row
    of a table, a scenario, a step, an actor, information object, requirement or term it uses. `weight` ranks a hit
    (A: ID and name, B: the descriptions of section 1, C: the tables and steps, D: the library objects).

    On PostgreSQL `vector` holds the text's tsvector (GIN-indexed); on SQLite the text is indexed by an FTS5 table of
    its own (created by the migration, kept in step by triggers) and `vector` stays empty."""

    class Weight(models.TextChoices):
        A = "A", "ID and name"
        B = "B", "Description"
        C = "C", "Table row or step"
        D = "D", "Library object"

    use_case = models.ForeignKey("usecases.UseCase", on_delete=models.CASCADE, related_name="search_entries")
    section = models.CharField(max_length=400, help_text="Where the text is, as shown under a hit.")
    weight = models.CharField(max_length=1, choices=Weight.choices)
    text = models.TextField()
    digest = models.CharField(max_length=32, help_text="Of section, weight and text: an unchanged part is kept.")
    vector = SearchVectorField(null=True)

    class Meta:
        default_permissions = ()
        indexes = [GinIndex(fields=["vector"], name="usecases_search_vector")]

    def __str__(self) -> str:
        return self.section


class UseCaseSearchState(models.Model):
    """The revision of the use case that its entries were written from: a use case whose revision differs (or that
    has no state) is indexed again. With it, the use case's whole document, made from its entries: what the list,
    its count and its facets match, once per use case (the entries give the snippet of a page's rows, and on
    PostgreSQL confirm a phrase, whose positions a long document no longer keeps).

    On PostgreSQL `document` is the tsvector of all the entries' texts, each under its weight (GIN-indexed); on
    SQLite the document is a row of an FTS5 table of its own (created by the migration, one column per weight)
    and `document` stays empty."""

    use_case = models.OneToOneField(
        "usecases.UseCase", on_delete=models.CASCADE, primary_key=True, related_name="search_state"
    )
    revision = models.PositiveIntegerField()
    document = SearchVectorField(null=True)

    class Meta:
        default_permissions = ()
        indexes = [GinIndex(fields=["document"], name="usecases_search_document")]

    def __str__(self) -> str:
        return f"{self.use_case_id} at revision {self.revision}"
