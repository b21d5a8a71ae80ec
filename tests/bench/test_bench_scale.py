"""`make bench` with UCMR_BENCH_POSTGRES=1 (the Makefile then points DATABASE_URL at PostgreSQL): 10,000 synthetic
use cases (tests/bench/synthetic.py `make_repository`, bulk inserts) and the server time of what a reader does with
them, through Django's test client in this process (the view, its queries and the template, no network):

- the list (first page), a text search, the facets (the list filtered by two facets, whose counts are recomputed),
  a use case page and the validation report: p50 and p95 of ROUNDS requests each, with the goal beside them (list,
  search and facets p50 under 150 ms);
- a full XML export streamed to a file (`usecases_export_write`, as the export job does) of 2,000 and of 10,000 of
  them, each in a fresh Python process, whose peak RSS (VmHWM) is printed next to its RSS before the export:
  streamed, the peak does not grow with the number of use cases.

Prints figures; asserts only that every request answers 200 and the exports write every use case (timing belongs
here, not in tests). Skipped unless UCMR_BENCH_POSTGRES=1 and the database is PostgreSQL.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tests.bench.report import report
from tests.bench.synthetic import make_repository
from tests.factories import UserFactory, with_repository_role
from usecases.models import UseCase

ROOT = Path(__file__).resolve().parents[2]
USE_CASES = int(os.environ.get("UCMR_BENCH_SCALE_USE_CASES", "10000"))
SMALL_EXPORT = USE_CASES // 5
ROUNDS = 20
GOAL_MS = 150
EXPORT_SCRIPT = """
import json, os, sys, tempfile, time
import django
django.setup()
def status(name):  # in kB, of this process since it started (VmHWM: its peak resident set)
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(name + ":"))
from usecases.exchange.services import usecases_export_write
from usecases.models import UseCase
last = int(sys.argv[1])
use_cases = UseCase.objects.filter(workspace__slug__startswith="scale-", pk__lte=last)
before = status("VmRSS")
started = time.perf_counter()
with tempfile.NamedTemporaryFile(suffix=".xml") as output:
    count = usecases_export_write(user=None, use_cases=use_cases, output=output)
    size = os.path.getsize(output.name)
seconds = time.perf_counter() - started
print(json.dumps({"count": count, "seconds": seconds, "bytes": size, "before_kb": before, "peak_kb": status("VmHWM")}))
"""

pytestmark = pytest.mark.skipif(
    not os.environ.get("UCMR_BENCH_POSTGRES"), reason="the 10,000 use case benchmark runs with UCMR_BENCH_POSTGRES=1"
)


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered) * 1000, ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000


def _export(last_pk: int) -> dict:
    """Export the scale use cases up to `last_pk` in a fresh process; its figures with its peak RSS."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.api_settings",
        "UCMR_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
    }
    done = subprocess.run(
        [sys.executable, "-c", EXPORT_SCRIPT, str(last_pk)], cwd=ROOT, env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return figures


@pytest.mark.django_db(transaction=True)
def test_bench_10000_use_cases_on_postgresql(client):
    if connection.vendor != "postgresql":
        pytest.skip("UCMR_BENCH_POSTGRES=1 needs DATABASE_URL to name a PostgreSQL database (make bench sets it)")
    started = time.perf_counter()
    ids = make_repository(use_cases=USE_CASES)
    loaded = time.perf_counter() - started
    indexed = 0.0
    try:
        from usecases.search import search_index_rebuild
    except ImportError:  # before the stored search index existed
        search_index_rebuild = None
    if search_index_rebuild is not None:
        started = time.perf_counter()
        search_index_rebuild()
        indexed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.force_login(with_repository_role(UserFactory(username="scale-bench"), "administrator"))
    some = UseCase.objects.get(pk=ids[len(ids) // 2])
    actor = some.actor_roles.first().actor
    pages = {
        "list, first page": (reverse("usecases:usecase_list"), True),
        "text search 'congestion signal'": (reverse("usecases:usecase_list") + "?q=congestion+signal", True),
        "text search 'OCPP'": (reverse("usecases:usecase_list") + "?q=OCPP", True),
        "facets: status draft + an actor": (reverse("usecases:usecase_list") + f"?status=draft&actor={actor.pk}", True),
        "use case page": (reverse("usecases:usecase_detail", kwargs={"pk": some.pk}), False),
        "validation report": (reverse("usecases:validation_report"), False),
    }
    rows = []
    for label, (url, has_goal) in pages.items():
        response = client.get(url)  # warm up
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(ROUNDS):
            began = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        p50, p95 = _percentiles(timings)
        goal = (f"p50 < {GOAL_MS} ms", "met" if p50 < GOAL_MS else "missed") if has_goal else ("", "")
        rows.append((label, f"{p50:.0f} ms", f"{p95:.0f} ms", *goal))
    report(
        f"{USE_CASES:,} use cases on PostgreSQL (server time through the test client, {ROUNDS} requests each; "
        f"bulk load {loaded:.0f} s, search index {indexed:.0f} s)",
        ("request", "p50", "p95", "goal", ""),
        rows,
    )

    exports = []
    for count in (SMALL_EXPORT, USE_CASES):
        figures = _export(ids[count - 1])
        assert figures["count"] >= count
        exports.append(
            (
                f"{figures['count']:,} use cases",
                f"{figures['seconds']:.0f} s",
                f"{figures['bytes'] / 1e6:.0f} MB",
                f"{figures['before_kb'] / 1024:.0f} MB",
                f"{figures['peak_kb'] / 1024:.0f} MB",
            )
        )
    report(
        "Full XML export streamed to a file (usecases_export_write), each in a fresh process; goal: the peak RSS "
        "does not grow with the number of use cases",
        ("export", "time", "file", "RSS before", "peak RSS"),
        exports,
    )
