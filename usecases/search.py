# ruff: noqa: S608, S611 - the SQL here names only this module's constant tables; every value is a parameter
"""Full-text search of use cases: their ID and name, every text field of sections 1 to 8, their scenarios and steps
(name, description, event), and the actors, information objects, requirements and terms they use.

The index is PostgreSQL full-text search on PostgreSQL (stored tsvectors with GIN indexes, in the language
`UCMR_SEARCH_LANGUAGE`) and FTS5 tables on SQLite, behind the same functions. It has two levels: one document per use
case (`UseCaseSearchState.document`: all its texts, each under its weight), which the list, its count and its facets
match once per use case, and one entry per part of a use case (`UseCaseSearchEntry`), read for the snippets of the
page's rows (and on PostgreSQL for phrases):

- `usecase_search(queryset, text)`: the use cases that match, best first (`search_rank`: PostgreSQL's ts_rank of
  the document, so a hit in the name ranks above one in a step, and more hits above fewer; on SQLite the best
  weight that matches);
- `usecase_search_filter(queryset, text)`: the same use cases, unranked (what a count or a facet needs);
- `usecase_search_matches(use_cases, text)`: for the rows of one page, the part that matched, highlighted;
- `search_index_queue(use_case_ids)`: what every write of a use case calls (its revision changed); the index follows
  when the transaction commits, for all the use cases of the transaction at once (an import of thousands pays a few
  queries per few hundred use cases, not per row). A search first indexes any use case whose revision the index has
  not seen (a write that found no way here, a failed commit callback), so a hit never lags behind a write;
- `search_index_rebuild()`: everything again (`manage.py rebuild_search_index`, also after changing the language).

Query syntax (the same on both databases, as PostgreSQL's `websearch_to_tsquery` reads it): words must all occur
(anywhere in the use case), "quoted words" must occur together (on PostgreSQL, whose document keeps word positions
only up to 16,383, a phrase is also looked for in the entries, so it is found however long the use case), `or`
between words accepts either, `-word` excludes. Words are stemmed in English ("pumps" finds "pump"). The ID and the
name also match the text as typed, as a substring ("BUC-0" finds "BUC-01", "volt" finds "Voltage control"): those
hits come after the ranked ones.
"""

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ENTRY_TABLE = "usecases_usecasesearchentry"
FTS_TABLE = "usecases_usecasesearchentry_fts"
STATE_TABLE = "usecases_usecasesearchstate"
DOCUMENT_FTS_TABLE = "usecases_usecasesearchstate_fts"
WEIGHTS = ("A", "B", "C", "D")
# Marks of a match in a snippet, put there by the database and turned into <mark> after escaping (never in the text).
MATCH_START, MATCH_END = "\x02", "\x03"
SNIPPET_WORDS = 16
CHUNK = 300  # use cases indexed together: a few queries each, whatever the number of use cases
# How much a hit weighs by where it is (PostgreSQL's own defaults for ts_rank, used on SQLite as well).
WEIGHT_RANK = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}


def search_language() -> str:
    return getattr(settings, "UCMR_SEARCH_LANGUAGE", "english") or "english"


def _postgres(using=None) -> bool:
    return (using or connection).vendor == "postgresql"


# The FTS5 table of SQLite, kept in step with the entries by triggers.


def _fts_tokenizer() -> str:
    # Porter stemming is English's; other languages get words without stemming (diacritics folded).
    return "porter unicode61 remove_diacritics 2" if search_language() == "english" else "unicode61 remove_diacritics 2"


def fts_table_create(cursor) -> None:
    """Create the FTS5 table over the entries' text and the triggers that keep it in step (SQLite only)."""
    cursor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='{ENTRY_TABLE}', content_rowid='id', "
        f"tokenize='{_fts_tokenizer()}')"
    )
    cursor.execute(
        f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END"
    )
    cursor.execute(
        f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    cursor.execute(
        f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF text ON {ENTRY_TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
        f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END"
    )


def fts_table_drop(cursor) -> None:
    for trigger in ("insert", "delete", "update"):
        cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{trigger}")
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def document_fts_create(cursor) -> None:
    """Create the FTS5 table of whole use cases (SQLite only): one row per use case (its rowid the use case's id),
    one column per weight, each the texts of the use case's parts of that weight."""
    columns = ", ".join(weight.lower() for weight in WEIGHTS)
    cursor.execute(f"CREATE VIRTUAL TABLE {DOCUMENT_FTS_TABLE} USING fts5({columns}, tokenize='{_fts_tokenizer()}')")


def document_fts_drop(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {DOCUMENT_FTS_TABLE}")


# What a use case's parts are.


@dataclass(frozen=True)
class Part:
    section: str
    weight: str
    text: str

    @property
    def digest(self) -> str:
        return hashlib.md5(
            f"{self.section}\x1f{self.weight}\x1f{self.text}".encode(), usedforsecurity=False
        ).hexdigest()


def _text(*values) -> str:
    text = " ".join(str(value).strip() for value in values if value and str(value).strip())
    return text.replace(MATCH_START, " ").replace(MATCH_END, " ").replace("\x00", "")


def _label(*values) -> str:
    return " ".join(str(value).strip() for value in values if value and str(value).strip())[:400]


USECASE_FIELDS = (
    ("area", "1.1 Area, domain(s), zone(s)", "B"),
    ("scope", "1.3 Scope", "B"),
    ("short_description", "1.4 Short description", "B"),
    ("complete_description", "1.4 Complete description", "B"),
    ("keywords", "1.7 Keywords", "B"),
    ("level_of_depth", "1.7 Level of depth", "C"),
    ("prioritisation", "1.7 Prioritisation", "C"),
    ("classification", "1.7 Classification", "C"),
    ("nature", "1.7 Nature", "C"),
    ("view_point", "1.7 Viewpoint", "C"),
)
CONDITION_LABELS = {
    "assumption": "1.6 Assumption",
    "prerequisite": "1.6 Prerequisite",
    "triggering_event": "Triggering event",
    "precondition": "Pre-condition",
    "postcondition": "Post-condition",
}


class _Parts:
    """The parts of the use cases being indexed, collected in the order the readers below add them (the order in
    which new entries are written, so the order of a use case's document)."""

    def __init__(self, apps, ids: list[int]) -> None:
        self.apps = apps
        self.ids = ids
        self.by_use_case: dict[int, list[Part]] = defaultdict(list)

    def rows(self, name: str, *fields: str, owner: str = "use_case_id", distinct: bool = False):
        """`owner` and `fields` of the rows of model `name` that belong to the use cases; `distinct` when the same
        row is reached many times (a library object linked from every step is read once per use case)."""
        rows = self.apps.get_model("usecases", name).objects.filter(**{f"{owner}__in": self.ids})
        rows = rows.values_list(owner, *fields)
        return rows.order_by().distinct() if distinct else rows

    def add(self, use_case_id: int, section: str, weight: str, *values) -> None:
        text = _text(*values)
        if text:
            self.by_use_case[use_case_id].append(Part(section, weight, text))


def _use_case_row_parts(parts: _Parts) -> dict[int, int]:
    """The ID and name and the text fields of section 1 of each use case; returns their revisions."""
    revisions = {}
    fields = [name for name, _, _ in USECASE_FIELDS]
    use_cases = parts.apps.get_model("usecases", "UseCase").objects.filter(pk__in=parts.ids)
    for pk, revision, identifier, name, *values in use_cases.values_list(
        "pk", "revision", "identifier", "name", *fields
    ):
        revisions[pk] = revision
        parts.add(pk, "ID and name", "A", identifier, name)
        for (_, label, weight), value in zip(USECASE_FIELDS, values, strict=True):
            parts.add(pk, label, weight, value)
    return revisions


def _description_table_parts(parts: _Parts) -> None:
    """Section 1's tables: versions, objectives, business cases, KPIs."""
    for owner, number, authors, changes, approval in parts.rows(
        "VersionEntry", "number", "authors", "changes", "approval_status"
    ):
        parts.add(owner, _label("1.2 Version", number), "C", authors, changes, approval)
    for owner, name, description in parts.rows("Objective", "name", "description"):
        parts.add(owner, _label("1.3 Objective", name), "B", name, description)
    for owner, name, description in parts.rows(
        "UseCase_business_cases", "businesscase__name", "businesscase__description", owner="usecase_id"
    ):
        parts.add(owner, _label("1.3 Business case", name), "C", name, description)
    for owner, identifier, name, description in parts.rows("Kpi", "identifier", "name", "description"):
        parts.add(owner, _label("1.5 KPI", identifier, name), "C", identifier, name, description)


def _scenario_parts(parts: _Parts) -> dict[int, str]:
    """The scenarios and the conditions (of the use case and of its scenarios); returns each scenario's label, which
    the steps' sections name."""
    scenario_names = {}
    for owner, pk, number, name, description in parts.rows("Scenario", "pk", "number", "name", "description"):
        scenario_names[pk] = _label(number, name)
        parts.add(owner, _label("4.1 Scenario", number, name), "C", name, description)
    for owner, scenario, kind, number, name, description in parts.rows(
        "Condition", "scenario_id", "kind", "number", "name", "description"
    ):
        label = CONDITION_LABELS.get(kind, kind)
        where = f"of scenario {scenario_names.get(scenario, '')}" if scenario else ""
        parts.add(owner, _label(label, number, where), "C", name, description)
    return scenario_names


def _other_table_parts(parts: _Parts) -> None:
    """Relations, remarks, drawings, actor groupings, the use case's actors, references."""
    for owner, related, description in parts.rows("UseCaseRelation", "related__name", "description"):
        parts.add(owner, _label("1.7 Relation to", related), "C", description)
    for owner, text in parts.rows("Remark", "text"):
        parts.add(owner, "1.8 Remark", "C", text)
    for owner, name in parts.rows("Drawing", "name"):
        parts.add(owner, _label("2 Drawing", name), "C", name)
    for owner, name, description in parts.rows("ActorGrouping", "name", "description"):
        parts.add(owner, _label("3.1 Actor grouping", name), "C", name, description)
    for owner, name, description, further in parts.rows(
        "ActorRole", "actor__name", "actor__description", "further_information"
    ):
        parts.add(owner, _label("3.1 Actor", name), "D", name, description, further)
    for owner, *values in parts.rows(
        "Reference", "number", "reference_type", "name", "status", "impact", "originator", "link", "description"
    ):
        parts.add(owner, _label("3.2 Reference", values[0], values[2]), "C", *values)


def _step_parts(parts: _Parts, scenario_names: dict[int, str]) -> None:
    """Every step, its section naming its scenario."""
    for owner, scenario, number, name, description, event, service in parts.rows(
        "Step", "scenario_id", "number", "name", "description", "event", "service", owner="scenario__use_case_id"
    ):
        where = _label("4.2 Step", number, "of scenario", scenario_names.get(scenario, ""))
        parts.add(owner, where, "C", name, description, event, service)


def _library_parts(parts: _Parts) -> None:
    """The information objects and requirements the steps (and scenarios) use, each once per use case however many
    steps use it, and the use case's common terms."""
    seen = set()
    for owner, identifier, name, description, standards in parts.rows(
        "Step_information_objects",
        "informationobject__identifier",
        "informationobject__name",
        "informationobject__description",
        "informationobject__standards",
        owner="step__scenario__use_case_id",
        distinct=True,
    ):
        if (owner, identifier, name) not in seen:
            seen.add((owner, identifier, name))
            parts.add(
                owner, _label("5 Information object", identifier, name), "D", identifier, name, description, standards
            )
    requirement_fields = [f"requirement__{f}" for f in ("pk", "identifier", "name", "description")]
    requirement_links = [
        parts.rows("Step_requirements", *requirement_fields, owner="step__scenario__use_case_id", distinct=True),
        parts.rows("Scenario_requirements", *requirement_fields, owner="scenario__use_case_id", distinct=True),
    ]
    seen = set()
    for links in requirement_links:
        for owner, pk, identifier, name, description in links:
            if (owner, pk) not in seen:
                seen.add((owner, pk))
                parts.add(owner, _label("6 Requirement", identifier, name), "D", identifier, name, description)
    for owner, term, definition in parts.rows(
        "UseCase_common_terms", "commonterm__term", "commonterm__definition", owner="usecase_id"
    ):
        parts.add(owner, _label("7 Term", term), "D", term, definition)


def _use_case_parts(apps, ids: list[int]) -> tuple[dict[int, int], dict[int, list[Part]]]:
    """The revision and the parts of each use case of `ids`, in a fixed number of queries."""
    parts = _Parts(apps, ids)
    revisions = _use_case_row_parts(parts)
    _description_table_parts(parts)
    scenario_names = _scenario_parts(parts)
    _other_table_parts(parts)
    _step_parts(parts, scenario_names)
    _library_parts(parts)
    for owner, key, value, section in parts.rows("CustomInformation", "key", "value", "refers_to_section"):
        parts.add(owner, _label("8", key), "C", key, value, section)
    return revisions, parts.by_use_case


# Writing the index.


def _insert_entries(cursor, rows: list[tuple[int, Part]]) -> None:
    if not rows:
        return
    if _postgres(cursor.db):
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
    if _postgres(cursor.db):
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
        ids = list(locked.filter(pk__in=ids).values_list("pk", flat=True))
        if not ids:
            return
        revisions, parts = _use_case_parts(apps, ids)
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
            if _postgres():
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


# Reading it.


@dataclass(frozen=True)
class _Term:
    """One thing to look for, as the user typed it (a "quoted phrase" with its quotes, or a word), and its words."""

    typed: str
    words: tuple[str, ...]
    quoted: bool

    @property
    def may_be_phrase(self) -> bool:
        """Whether PostgreSQL reads it as words that must be adjacent ("a b", but also a-b or 1.5)."""
        return self.quoted or len(self.words) > 1


def _query_terms(text: str) -> tuple[list[list[_Term]], list[_Term]]:
    """A websearch-style query (words, "phrases", or, -word) as the terms that must all match (each a list of
    alternatives, `or` between them) and the terms that must not."""
    positives: list[list[_Term]] = []
    negatives: list[_Term] = []
    pending_or = False
    for negate, quoted, word in re.findall(r'(-?)(?:"([^"]*)"?|([^\s"]+))', text):
        if not quoted and word.lower() == "or" and not negate:
            pending_or = bool(positives)
            continue
        words = tuple(re.findall(r"\w+", quoted or word))
        if not words:
            continue
        term = _Term(typed=f'"{quoted}"' if quoted else word, words=words, quoted=bool(quoted))
        if negate:
            negatives.append(term)
        elif pending_or:
            positives[-1].append(term)
            pending_or = False
        else:
            positives.append([term])
    return positives, negatives


def _fts5_query(text: str) -> str:
    """A websearch-style query (words, "phrases", or, -word) as an FTS5 query of quoted phrases, so that no character
    the user types is FTS5 syntax. "" when nothing remains to look for."""
    positives, negatives = _query_terms(text)
    if not positives:
        return ""

    def phrase(term: _Term) -> str:
        return '"' + " ".join(term.words) + '"'

    query = " AND ".join("(" + " OR ".join(phrase(term) for term in group) + ")" for group in positives)
    return query + "".join(f" NOT {phrase(term)}" for term in negatives)


def _matching_entries(text: str) -> QuerySet:
    entries = django_apps.get_model("usecases", "UseCaseSearchEntry").objects
    if _postgres():
        return entries.filter(vector=SearchQuery(text, config=search_language(), search_type="websearch"))
    query = _fts5_query(text)
    if not query:
        return entries.none()
    return entries.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query]))


def _document_query(text: str) -> SearchQuery:
    return SearchQuery(text, config=search_language(), search_type="websearch")


def _matching_documents(text: str, columns: str = "") -> RawSQL | QuerySet:
    """The ids of the use cases whose document matches `text` (on SQLite in the FTS5 `columns` only, "a b" for
    instance), as a subquery: one match of the GIN index or of the FTS5 table, whatever the number of parts."""
    if _postgres():
        states = django_apps.get_model("usecases", "UseCaseSearchState").objects
        return states.filter(document=_document_query(text)).values("use_case_id")
    query = _fts5_query(text)
    if not query:
        return django_apps.get_model("usecases", "UseCaseSearchState").objects.none().values("use_case_id")
    if columns:
        query = f"{{{columns}}} : ({query})"
    return RawSQL(f"SELECT rowid FROM {DOCUMENT_FTS_TABLE} WHERE {DOCUMENT_FTS_TABLE} MATCH %s", [query])


def _postgres_term_match(term: _Term) -> Q:
    """The use cases that have `term`: in their document, or, for a phrase, in one of their parts (a document keeps
    word positions only up to 16,383, and 256 per word, so a phrase further on is not adjacent there; a part is short,
    its positions exact)."""
    query = _document_query(term.typed)
    states = django_apps.get_model("usecases", "UseCaseSearchState").objects
    found = Q(pk__in=states.filter(document=query).values("use_case_id"))
    if term.may_be_phrase:
        entries = django_apps.get_model("usecases", "UseCaseSearchEntry").objects
        found |= Q(pk__in=entries.filter(vector=query).values("use_case_id"))
    return found


def _has_phrase(positives: list[list[_Term]], negatives: list[_Term]) -> bool:
    return any(term.may_be_phrase for term in [*negatives, *(term for group in positives for term in group)])


def _words_query(positives: list[list[_Term]]) -> tuple[str, list[str]]:
    """The tsquery of the terms that must match, without adjacency: websearch_to_tsquery's <-> (and <N> over ignored
    words) become &, so that a phrase needs its words anywhere in the document (never far enough to lose them)."""
    must = " ".join(" or ".join(term.typed for term in group) for group in positives)
    sql = "regexp_replace(websearch_to_tsquery(%s::regconfig, %s)::text, '<(-|[0-9]+)>', '&', 'g')::tsquery"
    return sql, [search_language(), must]


def _postgres_match(text: str) -> Q:
    """The use cases whose document matches `text` (PostgreSQL). With a phrase: the document narrows by all the words
    that must be there (adjacent or not, one match of its GIN index), then each phrase is looked for in the document
    or in the parts, each word in the document."""
    positives, negatives = _query_terms(text)
    if not _has_phrase(positives, negatives):
        return Q(pk__in=_matching_documents(text))
    states = django_apps.get_model("usecases", "UseCaseSearchState").objects
    if positives:
        words, params = _words_query(positives)
        match = Q(pk__in=RawSQL(f"SELECT use_case_id FROM {STATE_TABLE} WHERE document @@ {words}", params))
    else:
        match = Q(pk__in=states.values("use_case_id"))
    for group in positives:
        alternatives = Q()
        for term in group:
            alternatives |= _postgres_term_match(term)
        match &= alternatives
    for term in negatives:
        match &= ~_postgres_term_match(term)
    return match


def usecase_search_filter(queryset: QuerySet, text: str) -> QuerySet:
    """The use cases of `queryset` whose text matches `text` or whose ID or name contains it as typed, unranked and
    in the queryset's order: what the list's count and its facets count (no rank computed for them). A "quoted
    phrase" is found wherever it is, however long the use case."""
    text = text.strip()
    if not text:
        return queryset
    matching = _postgres_match(text) if _postgres() else Q(pk__in=_matching_documents(text))
    return queryset.filter(matching | Q(identifier__icontains=text) | Q(name__icontains=text))


def _rank(text: str):
    """How well a use case's document matches `text`: PostgreSQL's ts_rank of the weighted document (a hit in the
    name weighs more than one in a step, one in a step more than one in a library object); on SQLite the weight of
    the best column that matches the whole query, or the least when only the document as a whole does. NULL for a
    use case found only by its ID or name as typed."""
    if _postgres():
        return SearchRank(F("search_state__document"), _document_query(text))
    # One uncorrelated subquery per weight, each run once (an FTS5 query inside a correlated subquery would run again
    # for every row).
    return Case(
        *(
            When(pk__in=_matching_documents(text, columns=weight.lower()), then=Value(value))
            for weight, value in WEIGHT_RANK.items()
        ),
        When(pk__in=_matching_documents(text), then=Value(min(WEIGHT_RANK.values()) / 2)),
        output_field=FloatField(),
    )


def usecase_search(queryset: QuerySet, text: str, *, catch_up: bool = True) -> QuerySet:
    """The use cases of `queryset` whose text matches `text` (or whose ID or name contains it as it is typed: part of
    a word, or only words the language ignores such as "a"), annotated with `search_rank`
    (a hit in the name weighs more than one in a step) and ordered by it, then as the list is: one match of the
    use cases' documents, the rank computed for the matching use cases only. `catch_up=False` when the caller has
    had the index caught up already (`search_index_catch_up`)."""
    from usecases.selectors import USECASE_ORDERING

    text = text.strip()
    if not text:
        return queryset
    if catch_up:
        search_index_catch_up()
    matched = usecase_search_filter(queryset, text)
    return matched.annotate(search_rank=_rank(text)).order_by(F("search_rank").desc(nulls_last=True), *USECASE_ORDERING)


@dataclass(frozen=True)
class SearchMatch:
    """Where a use case matched, and the words around the match (escaped, the match in <mark>)."""

    section: str
    snippet: SafeString


def _highlight(snippet: str) -> SafeString:
    html = str(escape(snippet)).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only the marks are markup)


def usecase_search_matches(use_case_ids: Iterable[int], text: str) -> dict[int, SearchMatch]:
    """For each of the use cases `use_case_ids` (one page of results): the best-matching part other than the ID and
    name (those are on the row already), as a snippet. Two queries, whatever the number of matching parts."""
    ids = list(use_case_ids)
    text = text.strip()
    if not ids or not text:
        return {}
    entries = _matching_entries(text).filter(use_case_id__in=ids).exclude(weight="A")
    best: dict[int, tuple[float, int, str]] = {}
    for pk, use_case_id, section, weight in entries.values_list("pk", "use_case_id", "section", "weight"):
        candidate = (WEIGHT_RANK[weight], -pk, section)
        if use_case_id not in best or candidate > best[use_case_id]:
            best[use_case_id] = candidate
    chosen = {-rank_pk: use_case_id for use_case_id, (_, rank_pk, _) in best.items()}
    if not chosen:
        return {}
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(chosen))
        if _postgres():
            options = f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords={SNIPPET_WORDS}, MinWords=6"
            cursor.execute(
                f"SELECT id, ts_headline(%s::regconfig, text, websearch_to_tsquery(%s::regconfig, %s), %s) "
                f"FROM {ENTRY_TABLE} WHERE id IN ({placeholders})",
                [search_language(), search_language(), text, options, *chosen],
            )
        else:
            cursor.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, 0, %s, %s, '…', %s) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                [MATCH_START, MATCH_END, SNIPPET_WORDS, _fts5_query(text), *chosen],
            )
        snippets = dict(cursor.fetchall())
    return {
        use_case_id: SearchMatch(section=best[use_case_id][2], snippet=_highlight(snippets.get(pk, "")))
        for pk, use_case_id in chosen.items()
    }
