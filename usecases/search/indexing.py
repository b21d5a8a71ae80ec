# ruff: noqa: S608 - the SQL here names only the index's constant tables; every value is a parameter
"""Writing the index: each use case's entries (one per part, rewritten only where a part changed) and its document
(made from its entries), on every write of a use case when its transaction commits, on a search for any use case
the index lags behind, and all again on a rebuild."""

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from usecases.search.fts5 import document_fts_create, document_fts_drop, fts_table_create, fts_table_drop
from usecases.search.parts import Part, use_case_parts
from usecases.search.schema import DOCUMENT_FTS_TABLE, ENTRY_TABLE, STATE_TABLE, WEIGHTS, on_postgres, search_language

CHUNK = 300  # use cases indexed together: a few queries each, whatever the number of use cases


def _insert_entries(cursor, rows: list[tuple[int, Part]]) -> None:
    if not rows:
        return
    if on_postgres(cursor.db):
        cursor.executemany(
            f"INSERT INTO {ENTRY_TABLE} (use_case_id, section, weight, text, digest, vector) VALUES "
            '(%s, %s, %s, %s, %s, setweight(to_tsvector(%s::regconfig, %s), %s::"char"))',
            [
                (pk, part.section, part.weight, part.text, part.digest, search_language(), part.text, part.weight)
                for pk, part in rows
            ],
        )
    else:
        cursor.executemany(
            f"INSERT INTO {ENTRY_TABLE} (use_case_id, section, weight, text, digest) VALUES (%s, %s, %s, %s, %s)",
            [(pk, part.section, part.weight, part.text, part.digest) for pk, part in rows],
        )


def _has_documents(apps) -> bool:
    """Whether the models of `apps` have the whole-use-case documents (not those of migration 0006, which indexes with
    the models of its time, before the documents existed)."""
    state_model = apps.get_model("usecases", "UseCaseSearchState")
    return any(field.name == "document" for field in state_model._meta.get_fields())


def _write_documents(cursor, ids: list[int]) -> None:
    """Make the document of each use case of `ids` (what the list, its count and the facets match) from its entries:
    on PostgreSQL one tsvector, the texts of each weight under that weight; on SQLite a row of the FTS5 table."""
    if on_postgres(cursor.db):
        weighted = " || ".join(
            f"setweight(to_tsvector(%s::regconfig, coalesce(string_agg(text, ' ' ORDER BY id) "
            f"FILTER (WHERE weight = '{weight}'), '')), '{weight}')"
            for weight in WEIGHTS
        )
        cursor.execute(
            f"UPDATE {STATE_TABLE} AS state SET document = (SELECT {weighted} FROM {ENTRY_TABLE} AS entry "
            f"WHERE entry.use_case_id = state.use_case_id) WHERE state.use_case_id = ANY(%s)",
            [*([search_language()] * len(WEIGHTS)), ids],
        )
        return
    placeholders = ", ".join(["%s"] * len(ids))
    columns = ", ".join(weight.lower() for weight in WEIGHTS)
    texts = ", ".join(f"group_concat(CASE WHEN weight = '{weight}' THEN text END, ' ')" for weight in WEIGHTS)
    cursor.execute(f"DELETE FROM {DOCUMENT_FTS_TABLE} WHERE rowid IN ({placeholders})", ids)
    cursor.execute(
        f"INSERT INTO {DOCUMENT_FTS_TABLE} (rowid, {columns}) SELECT use_case_id, {texts} FROM ("
        f"SELECT use_case_id, weight, text FROM {ENTRY_TABLE} WHERE use_case_id IN ({placeholders}) ORDER BY id) "
        f"GROUP BY use_case_id",
        ids,
    )


def _entries_diff(entry_model, ids: list[int], parts: dict[int, list[Part]]) -> tuple[list[tuple[int, Part]], set[int]]:
    """Write the entries of the use cases `ids` that changed (a part whose section, weight and text are unchanged
    keeps its entry) and return the new ones, with the use cases whose entries changed."""
    existing = defaultdict(list)
    for pk, use_case_id, digest in entry_model.objects.filter(use_case_id__in=ids).values_list(
        "pk", "use_case_id", "digest"
    ):
        existing[(use_case_id, digest)].append(pk)
    new_rows = []
    for use_case_id in ids:
        for part in parts.get(use_case_id, []):
            kept = existing.get((use_case_id, part.digest))
            if kept:
                kept.pop()
            else:
                new_rows.append((use_case_id, part))
    gone = {pk: use_case_id for (use_case_id, _), pks in existing.items() for pk in pks}
    if gone:
        entry_model.objects.filter(pk__in=list(gone)).delete()
    return new_rows, {use_case_id for use_case_id, _ in new_rows} | set(gone.values())


def _index_chunk(apps, ids: list[int], *, skip_locked: bool) -> None:
    """Write the entries of the use cases `ids` from their rows (only what changed), and the document of those whose
    entries changed (a write that changes no text, a step moved or its actors changed, leaves it as it is), in one
    transaction that holds the use cases' rows (a write of one waits; a concurrent indexing of the same ones,
    `skip_locked`, skips)."""
    entry_model = apps.get_model("usecases", "UseCaseSearchEntry")
    state_model = apps.get_model("usecases", "UseCaseSearchState")
    with transaction.atomic():
        locked = apps.get_model("usecases", "UseCase").objects.select_for_update(skip_locked=skip_locked)
        # In the order of the ids and on the use case table alone: the model's ordering would join (and lock) the
        # workspaces, so that two writes in one workspace would wait for each other's indexing.
        ids = list(locked.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        if not ids:
            return
        revisions, parts = use_case_parts(apps, ids)
        indexed = set(state_model.objects.filter(use_case_id__in=ids).values_list("use_case_id", flat=True))
        new_rows, changed = _entries_diff(entry_model, ids, parts)
        with connection.cursor() as cursor:
            _insert_entries(cursor, new_rows)
        state_model.objects.bulk_create(
            [state_model(use_case_id=pk, revision=revision) for pk, revision in revisions.items()],
            update_conflicts=True,
            unique_fields=["use_case"],
            update_fields=["revision"],
        )
        rewrite = sorted(changed | (set(ids) - indexed))
        if rewrite and _has_documents(apps):
            with connection.cursor() as cursor:
                _write_documents(cursor, rewrite)


def search_index_update(use_case_ids: Iterable[int], *, apps=django_apps, skip_locked: bool = False) -> None:
    """Index the use cases `use_case_ids` as they are now, a few hundred at a time."""
    ids = sorted(set(use_case_ids))
    for start in range(0, len(ids), CHUNK):
        _index_chunk(apps, ids[start : start + CHUNK], skip_locked=skip_locked)


def _stale_ids(apps=django_apps) -> list[int]:
    use_cases = apps.get_model("usecases", "UseCase").objects
    current = apps.get_model("usecases", "UseCaseSearchState").objects.filter(
        use_case=OuterRef("pk"), revision=OuterRef("revision")
    )
    return list(use_cases.filter(~Exists(current)).order_by().values_list("pk", flat=True))


def search_index_catch_up() -> None:
    """Index the use cases whose revision the index has not seen (one query when there are none)."""
    stale = _stale_ids()
    if stale:
        search_index_update(stale, skip_locked=True)


def search_index_documents_write(*, apps=django_apps) -> int:
    """Write the document of every indexed use case from its entries (migration 0007: the entries are there, the
    documents are not yet), a few hundred use cases per query. Returns the number of use cases."""
    ids = list(apps.get_model("usecases", "UseCaseSearchState").objects.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            _write_documents(cursor, ids[start : start + CHUNK])
    return len(ids)


def search_index_rebuild(*, apps=django_apps, using=None) -> int:
    """Empty the index and write it again for every use case (on SQLite the FTS table is made again, with the
    tokenizer of the current language). Returns the number of use cases indexed."""
    entry_model = apps.get_model("usecases", "UseCaseSearchEntry")
    with transaction.atomic():
        apps.get_model("usecases", "UseCaseSearchState").objects.all().delete()
        with connection.cursor() as cursor:
            if on_postgres():
                cursor.execute(f"TRUNCATE {ENTRY_TABLE}")
            else:
                fts_table_drop(cursor)
                entry_model.objects.all().delete()
                fts_table_create(cursor)
                if _has_documents(apps):
                    document_fts_drop(cursor)
                    document_fts_create(cursor)
    ids = list(apps.get_model("usecases", "UseCase").objects.order_by("pk").values_list("pk", flat=True))
    search_index_update(ids, apps=apps)
    return len(ids)


class _PendingIndex:
    """The use cases the current transaction changed, indexed once when it commits (found on the connection, so that
    it lives exactly as long as the transaction)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        search_index_update(self.ids)


def _pending() -> _PendingIndex | None:
    for entry in getattr(connection, "run_on_commit", []) if connection.in_atomic_block else []:
        if isinstance(entry[1], _PendingIndex) and not entry[1].done:
            return entry[1]
    return None


def search_index_queue(*, use_case_ids: Iterable[int]) -> None:
    """After a write of these use cases: index them when the transaction commits (all of the transaction's at once).
    A failure there leaves them to the next search's catch-up (their revision is not the index's)."""
    ids = {pk for pk in use_case_ids if pk is not None}
    if not ids:
        return
    pending = _pending()
    if pending is None:
        pending = _PendingIndex()
        pending.ids |= ids
        transaction.on_commit(pending, robust=True)
    else:
        pending.ids |= ids
