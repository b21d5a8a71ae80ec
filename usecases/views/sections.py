"""The use case page's sections 1 to 8, rendered once per state of what they show and kept in Django's cache (Redis in
production, the process's memory in the embedded default), so that a use case viewed again is neither read in full
nor rendered again (issue 20).

Their key holds everything the HTML follows from, so that no write has to remove an entry and a stale one is never
found:
- the use case and its rows: its id, mRID, revision and last change (every write of the use case or of one of its rows
  bumps its revision and time, an import's too: `usecases.services.usecase_bump_revision`, `usecases.exchange.bulk`;
  the mRID and time tell apart rows that a restored database or a rolled-back test gave the same id and revision);
- the library objects it shows as they are now (actors, information objects, requirements and their categories,
  terms, business cases and areas, placements): the latest recorded change to any of them (`library_stamp`; a
  library edit or merge changes no use case's revision, and every one is in the audit trail);
- 1.7's related use cases: which of them the reader may see, and what the page shows of them (their name and
  placeholder mark, by their revision and time, and their workspace's name), read again on every view;
- the edit buttons: whether the reader may change the use case;
- the comment badges: each section's and row's comment count, open state and first thread, and whether the reader
  may comment (the "+"), from the comments the page reads anyway for its panel;
- the code that renders them: a digest of the templates and of the modules that shape the tables.

Nothing else of the reader goes in: the sections are rendered without the request (no user, no CSRF token). The
generated diagrams of section 2, whose state changes while the worker renders them, are left out: the sections are
kept as the HTML before and after them, and the page renders the diagrams between the two on every view.

The rows a comment can be on (the comment form's choices: steps, actors, information objects, by their names) are
cached beside them, keyed by the use case, the library and the steps named by threads or by the form.
"""

import functools
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ucmr.permissions import visible_to
from usecases.comments import CommentSummary, RowChoice, comment_row_choices
from usecases.models import UseCase, UseCaseRelation
from usecases.selectors import library_stamp
from usecases.step_tables import usecase_page_document, usecase_page_sections_load

CACHE_PREFIX = "ucmr:usecase-page"
SECTIONS_TEMPLATE = "usecases/includes/usecase_sections.html"
TOC_TEMPLATE = "usecases/includes/usecase_toc_scenarios.html"
# The code the sections' HTML comes from, besides the templates: a deployment that changes it finds none of the
# sections an earlier one cached.
RENDERING_MODULES = (
    "usecases/template.py",
    "usecases/reading.py",
    "usecases/step_tables.py",
    "usecases/views/sections.py",
    "usecases/templatetags",
    "ucmr/templatetags",
    "ucmr/richtext.py",
)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSections:
    """The use case page's cached parts: the scenarios' entries of its section list (`toc`), and sections 1 to 8
    as the HTML before and after section 2's generated diagrams."""

    toc: SafeString
    before: SafeString
    after: SafeString


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@functools.cache
def _code_digest() -> str:
    base = Path(settings.BASE_DIR)
    files = sorted(path for folder in settings.TEMPLATES[0]["DIRS"] for path in Path(folder).rglob("*.html"))
    for name in RENDERING_MODULES:
        path = base / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class UseCaseState:
    """What every cached part of a use case's page follows from, whoever reads it: the use case at its revision, the
    library objects as they are now, and the code that renders them (one query)."""

    use_case: UseCase
    digest: str

    @classmethod
    def of(cls, use_case: UseCase) -> "UseCaseState":
        changed = use_case.modified.isoformat()
        status = (use_case.status, use_case.workspace_id)  # the edit buttons show on drafts only
        return cls(
            use_case, _digest(str(use_case.mrid), use_case.revision, changed, status, library_stamp(), _code_digest())
        )

    def key(self, part: str, *variant) -> str:
        return f"{CACHE_PREFIX}:{part}:{self.use_case.pk}:{_digest(self.digest, *variant)}"


def _cached(key: str, build):
    try:
        value = cache.get(key)
    except Exception:  # a cache that is down (Redis answers within a second) leaves the page to the database
        logger.warning("The page cache did not answer", exc_info=True)
        value = None
    if value is None:
        value = build()
        try:
            cache.set(key, value, settings.UCMR_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("The page cache did not answer", exc_info=True)
    return value


def _related_shown(*, user, use_case: UseCase) -> tuple:
    """Per relation of 1.7 what it shows to `user` of its related use case: whether it is visible, and its revision,
    time and workspace name (one query, two with relations)."""
    rows = list(
        UseCaseRelation.objects.filter(use_case=use_case)
        .order_by("pk")
        .values_list("pk", "related_id", "related__revision", "related__modified", "related__workspace__name")
    )
    if not rows:
        return ()
    related = visible_to(user, UseCase.objects.filter(pk__in={row[1] for row in rows}))
    visible = set(related.values_list("pk", flat=True))
    return tuple((*row, row[1] in visible) for row in rows)


def _comment_badges(comments: CommentSummary) -> tuple:
    counts = sorted((key, found.count, found.open, found.thread_id) for key, found in comments.counts.items())
    return comments.may_comment, tuple(counts)


def _render(
    *, user, use_case: UseCase, related: tuple, may_change: bool, comments: CommentSummary
) -> tuple[str, str, str]:
    """The sections as the key says. The related use cases named are those the key holds as visible, not read again:
    a grant given meanwhile must not put a name under a key that says it is hidden."""
    usecase_page_sections_load(use_case=use_case)
    visible = {related_id for _, related_id, *_, shown in related if shown}
    document = usecase_page_document(user=user, use_case=use_case, visible_related=visible)
    marker = f"<!--{secrets.token_hex(16)} generated diagrams-->"
    context = {
        "use_case": use_case,
        "document": document,
        "may_change": may_change,
        "comments": comments,
        "diagrams_marker": mark_safe(marker),  # noqa: S308 - a constant comment of random hex digits
    }
    before, after = render_to_string(SECTIONS_TEMPLATE, context).split(marker)
    return render_to_string(TOC_TEMPLATE, context), before, after


def usecase_page_sections_get(*, user, state: UseCaseState, may_change: bool, comments: CommentSummary) -> PageSections:
    """The sections of the use case page of `state.use_case` (read with its header only) for `user`: from the cache,
    or read (its rows loaded onto the use case), rendered and kept for `UCMR_PAGE_CACHE_SECONDS`."""
    use_case = state.use_case
    related = _related_shown(user=user, use_case=use_case)
    key = state.key("sections", related, may_change, _comment_badges(comments))
    parts = _cached(
        key, lambda: _render(user=user, use_case=use_case, related=related, may_change=may_change, comments=comments)
    )
    return PageSections(*(mark_safe(part) for part in parts))  # noqa: S308 - rendered by the templates above


def comment_rows_cached(state: UseCaseState):
    """`comment_row_choices` for `state.use_case`, kept in the cache (for `comment_summary_get`)."""

    def row_choices(*, use_case: UseCase, steps_named: Iterable | None = None) -> list[RowChoice]:
        named = None if steps_named is None else sorted({str(mrid) for mrid in steps_named if mrid})
        return _cached(
            state.key("comment-rows", named), lambda: comment_row_choices(use_case=use_case, steps_named=steps_named)
        )

    return row_choices
