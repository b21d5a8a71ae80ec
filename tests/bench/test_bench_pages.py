"""`make bench`: server time and query count of the use case page for 10, 100 and 300 steps.

Prints figures; asserts nothing about time (timing belongs here, not in tests)."""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.bench.report import report
from tests.bench.synthetic import make_use_case
from tests.factories import UserFactory, with_repository_role

ROUNDS = 15


@pytest.mark.django_db
def test_bench_use_case_page(client):
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    rows = []
    for steps in (10, 100, 300):
        use_case = make_use_case(steps=steps)
        url = reverse("usecases:usecase_detail", kwargs={"pk": use_case.pk})
        client.get(url)  # warm up templates and caches
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append(
            (
                f"{steps} steps, 50 actors",
                f"{statistics.median(timings) * 1000:.1f} ms",
                str(len(queries)),
                f"{len(response.content) // 1024} KiB",
            )
        )
    report(
        f"Use case detail page (median of {ROUNDS} requests, {connection.vendor})",
        ("use case", "median server time", "SQL queries", "page size"),
        rows,
    )
