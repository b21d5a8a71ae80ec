"""`make bench`: what the search index adds to a write (issue 20). Saving one step of a use case of 50 and of 5,000
steps (10 scenarios) through the service, the index written when the transaction commits as in production (its
entries and its document); and the index update of that use case alone after a write that changed no text (its new
revision read, no document written). Median of ROUNDS saves; on SQLite, or on PostgreSQL with
DATABASE_URL.

Prints figures; asserts only that the saved name is then found (timing belongs here, not in tests)."""

import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.bench.report import report
from tests.bench.synthetic import make_use_case
from usecases.models import Step, UseCase
from usecases.search import search_index_update, usecase_search
from usecases.search.indexing import _PendingIndex
from usecases.services import usecase_row_update

ROUNDS = 9


def _word(use_case: UseCase, round_number: int) -> str:
    """A word that only this save of this use case writes (letters only, one word to every parser)."""

    def letters(number: int) -> str:
        return "".join(chr(ord("a") + int(digit)) for digit in str(number))

    return f"renamed{letters(use_case.pk)}z{letters(round_number)}"


def _save_figures(use_case: UseCase, capture) -> tuple[float, float, int]:
    """(median seconds of a step save with its indexing, median seconds of the indexing alone, SQL queries of one
    indexing)."""
    step = Step.objects.filter(scenario__use_case=use_case).order_by("pk")[len(use_case.identifier) % 7]
    saves, indexings = [], []
    for round_number in range(ROUNDS):
        started = time.perf_counter()
        with capture() as callbacks:
            usecase_row_update(user=None, row=step, data={"name": f"Publish signal {_word(use_case, round_number)}"})
        for callback in callbacks:  # the index only (not the diagrams' rendering, also queued by a write)
            if isinstance(callback, _PendingIndex):
                callback()
        saves.append(time.perf_counter() - started)
        UseCase.objects.filter(pk=use_case.pk).update(revision=use_case.revision + round_number + 100)
        started = time.perf_counter()
        search_index_update([use_case.pk])
        indexings.append(time.perf_counter() - started)
    found = usecase_search(UseCase.objects.all(), _word(use_case, ROUNDS - 1))
    assert list(found.values_list("pk", flat=True)) == [use_case.pk]
    UseCase.objects.filter(pk=use_case.pk).update(revision=use_case.revision + 1000)
    with CaptureQueriesContext(connection) as queries:
        search_index_update([use_case.pk])
    return statistics.median(saves), statistics.median(indexings), len(queries)


@pytest.mark.django_db
def test_bench_step_save_indexing(django_capture_on_commit_callbacks):
    rows = []
    for steps in (50, 5000):
        use_case = make_use_case(steps=steps, scenarios=10)
        search_index_update([use_case.pk])
        use_case.refresh_from_db()
        save, indexing, queries = _save_figures(use_case, django_capture_on_commit_callbacks)
        rows.append((f"{steps:,} steps", f"{save * 1000:.0f} ms", f"{indexing * 1000:.0f} ms", str(queries)))
    report(
        f"Saving one step, with the search index written on commit (median of {ROUNDS}, {connection.vendor}, "
        f"load average {os.getloadavg()[0]:.1f})",
        ("use case", "step renamed (save and index)", "index again, no text changed", "its queries"),
        rows,
    )
