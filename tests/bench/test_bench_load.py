"""`make bench` with UCMR_BENCH_POSTGRES=1: a bounded load test (issue 20, part 7). gunicorn (GUNICORN_WORKERS sync
workers) on 127.0.0.1 with PostgreSQL, Redis (the cache, and the broker of a Celery worker that runs the imports),
serving a repository of USE_CASES synthetic use cases (tests/bench/synthetic.py) to CLIENTS clients, each sending
requests back to back (a closed loop) for SECONDS seconds, then stopping by itself:

- pages (a signed-in session): the list, a text search, the list filtered by facets, a use case page;
- API reads (a token): the list, a use case document;
- edits: read a draft's document over the API, then PATCH its scope with that ETag in If-Match (a 412, when another
  client changed it first, is the lock doing its job, not an error);
- imports: POST an XML file of one use case (its scope changed) to /api/imports/; 202, the worker imports it.

Asserts that no response is a 5xx (nor a connection error); prints throughput and p50/p95/p99 per request type with
the goal beside them (50-60 requests/s on a 2-core machine, p95 under 1 s). The machine may be shared: the figures
say what it gave this run. UCMR_BENCH_LOAD_SECONDS / _CLIENTS / _USE_CASES shorten it for a try.
"""

import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from tests.bench.report import report
from tests.bench.synthetic import make_repository
from tests.factories import UserFactory, with_repository_role
from ucmr.management.commands.serve import worker_command
from ucmr.models import BackgroundJob
from ucmr.tokens import api_token_create
from usecases.exchange.services import IMPORT_JOB_KIND
from usecases.models import UseCase

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("UCMR_BENCH_LOAD_SECONDS", "180"))
CLIENTS = int(os.environ.get("UCMR_BENCH_LOAD_CLIENTS", "50"))
USE_CASES = int(os.environ.get("UCMR_BENCH_LOAD_USE_CASES", "3000"))
REDIS_URL = os.environ.get("UCMR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PORTS = range(8160, 8170)
GUNICORN_WORKERS = 4
REQUEST_TIMEOUT = 60
START_TIMEOUT = 60
STOP_TIMEOUT = 20
IMPORTS_WAIT = 60
GOAL_RPS, GOAL_P95_MS = 50, 1000
# What a client does next, and how often (weights).
MIX = {
    "page: list": 12,
    "page: search": 10,
    "page: facets": 8,
    "page: use case": 15,
    "api: list": 15,
    "api: document": 20,
    "edit: PATCH with If-Match": 15,
    "import: POST XML": 2,
}

pytestmark = pytest.mark.skipif(
    not os.environ.get("UCMR_BENCH_POSTGRES"), reason="the load test runs with UCMR_BENCH_POSTGRES=1"
)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe, suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _request(port: int, method: str, path: str, headers: dict, body: bytes | None = None) -> tuple[int, dict, bytes]:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection_.request(method, path, body=body, headers=headers)
        response = connection_.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection_.close()


@contextmanager
def _process(command: list[str], *, env: dict, log_path: Path):
    """A process in a session of its own (its children stop with it), always stopped at the end."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait(timeout=STOP_TIMEOUT)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@pytest.mark.django_db(transaction=True)
def test_bench_load(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the load test needs PostgreSQL (make bench sets DATABASE_URL with UCMR_BENCH_POSTGRES=1)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error})")

    ids = make_repository(use_cases=USE_CASES)
    try:
        from usecases.search import search_index_rebuild
    except ImportError:  # before the stored search index existed
        search_index_rebuild = None
    if search_index_rebuild is not None:
        search_index_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = with_repository_role(UserFactory(username="load-bench"), "administrator")
    _, key = api_token_create(user=user, name="load")
    pages = Client()
    pages.force_login(user)  # a session row in the database gunicorn reads
    api_headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    page_headers = {"Cookie": f"sessionid={pages.cookies['sessionid'].value}"}
    drafts = list(UseCase.objects.filter(pk__in=ids, status=UseCase.Status.DRAFT).values_list("pk", flat=True))
    random.Random(20).shuffle(drafts)
    imported, edited = drafts[:20], drafts[20:]
    files = {}
    for pk in imported:
        use_case = UseCase.objects.get(pk=pk)
        answer = pages.get(reverse("usecases:usecase_export", kwargs={"pk": pk}))
        assert answer.status_code == 200
        files[pk] = (use_case.workspace_id, b"".join(answer.streaming_content) if answer.streaming else answer.content)
    actor = UseCase.objects.get(pk=ids[0]).actor_roles.first().actor_id
    list_url = reverse("usecases:usecase_list")
    pages_of_list = max(1, min(20, len(ids) // 50))  # pages that exist in both lists (25 and 50 rows a page at most)

    env = {
        **os.environ,
        "UCMR_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "CACHE_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "UCMR_TEST_KEY_PREFIX": "",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    port = _free_port()
    gunicorn = [
        *(sys.executable, "-m", "gunicorn", f"--bind=127.0.0.1:{port}", f"--workers={GUNICORN_WORKERS}"),
        *("--worker-class=sync", "--timeout=120", "--graceful-timeout=10", "--backlog=256", "--log-level=warning"),
        "ucmr.wsgi:application",
    ]
    worker = worker_command(concurrency=1, beat_schedule=None, options=("--pool=solo", "--without-heartbeat"))
    counter = iter(range(10**9))
    lock = threading.Lock()
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []

    def one(kind: str, rng: random.Random) -> None:
        if kind == "page: list":
            calls = [("GET", f"{list_url}?page={rng.randint(1, pages_of_list)}", page_headers, None)]
        elif kind == "page: search":
            words = rng.choice(["congestion signal", "OCPP", "meter reading", "flexibility offer", "tariff"])
            calls = [("GET", f"{list_url}?q={words.replace(' ', '+')}", page_headers, None)]
        elif kind == "page: facets":
            calls = [("GET", f"{list_url}?status=draft&nature=SUC&actor={actor}", page_headers, None)]
        elif kind == "page: use case":
            pk = rng.choice(ids)
            calls = [("GET", reverse("usecases:usecase_detail", kwargs={"pk": pk}), page_headers, None)]
        elif kind == "api: list":
            calls = [("GET", f"/api/use-cases/?page={rng.randint(1, pages_of_list)}", api_headers, None)]
        elif kind == "api: document":
            calls = [("GET", f"/api/use-cases/{rng.choice(ids)}/", api_headers, None)]
        elif kind == "edit: PATCH with If-Match":
            pk = rng.choice(edited)
            began = time.perf_counter()
            status, headers, body = _request(port, "GET", f"/api/use-cases/{pk}/", api_headers)
            record("edit: GET before", status, time.perf_counter() - began, body)
            if status != 200:
                return
            patch = f'{{"document": {{"scope": "Edited under load {next(counter)}."}}}}'.encode()
            extra = {"Content-Type": "application/json", "If-Match": headers.get("ETag", "")}
            calls = [("PATCH", f"/api/use-cases/{pk}/", {**api_headers, **extra}, patch)]
        else:
            pk = rng.choice(imported)
            workspace, data = files[pk]
            data = re.sub(
                rb"Synthetic repository for the scale benchmark\.[^<]*", f"Imported {next(counter)}".encode(), data
            )
            path = f"/api/imports/?workspace={workspace}&policy=update"
            calls = [("POST", path, {**api_headers, "Content-Type": "application/xml"}, data)]
        for method, path, headers, body in calls:
            began = time.perf_counter()
            status, _, answer = _request(port, method, path, headers, body)
            record(kind, status, time.perf_counter() - began, answer)

    def record(kind: str, status: int, seconds: float, body: bytes) -> None:
        with lock:
            latencies[kind].append(seconds)
            statuses[kind][status] += 1
            if status >= 500:
                failures.append(f"{kind}: {status} {body[:300]!r}")

    def client(number: int, deadline: float) -> None:
        rng = random.Random(number)
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            try:
                one(kind, rng)
            except OSError as error:  # refused, reset or timed out: as bad as a 5xx
                with lock:
                    failures.append(f"{kind}: {error!r}")

    with (
        _process(worker, env={**env, "DJANGO_SETTINGS_MODULE": "tests.worker_settings"}, log_path=tmp_path / "w.log"),
        _process(
            gunicorn, env={**env, "DJANGO_SETTINGS_MODULE": "tests.bench.api_settings"}, log_path=tmp_path / "g.log"
        ),
    ):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with suppress(OSError):
                if _request(port, "GET", "/api/use-cases/?page_size=1", api_headers)[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer:\n" + (tmp_path / "g.log").read_text()[-3000:])
            time.sleep(0.5)
        warm_up = random.Random(0)
        for kind in MIX:  # every gunicorn worker imports and warms up what each request uses, unmeasured
            for _ in range(GUNICORN_WORKERS):
                one(kind, warm_up)
        latencies.clear()
        statuses.clear()
        began = time.monotonic()
        threads = [threading.Thread(target=client, args=(n, began + SECONDS)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + REQUEST_TIMEOUT * 3)
        elapsed = time.monotonic() - began
        queued = BackgroundJob.objects.filter(kind=IMPORT_JOB_KIND, status=BackgroundJob.Status.PENDING)
        deadline = time.monotonic() + IMPORTS_WAIT
        while queued.exists() and time.monotonic() < deadline:  # the worker finishes the imports still queued
            time.sleep(1)
        server_log = (tmp_path / "g.log").read_text(errors="replace")

    total = sum(len(values) for values in latencies.values())
    everything = [value for values in latencies.values() for value in values]
    rows = []
    for kind in [*MIX, "edit: GET before"]:
        values = latencies.get(kind)
        if not values:
            continue
        codes = ", ".join(f"{code}: {count}" for code, count in sorted(statuses[kind].items()))
        rows.append(
            (
                kind,
                str(len(values)),
                f"{len(values) / elapsed:.1f}",
                *(f"{_percentile(values, share) * 1000:.0f} ms" for share in (0.5, 0.95, 0.99)),
                codes,
            )
        )
    p95 = _percentile(everything, 0.95) * 1000 if everything else 0.0
    rows.append(
        (
            "all",
            str(total),
            f"{total / elapsed:.1f}",
            *(f"{_percentile(everything, share) * 1000:.0f} ms" for share in (0.5, 0.95, 0.99)),
            f"goal >= {GOAL_RPS}/s: {'met' if total / elapsed >= GOAL_RPS else 'missed'}; "
            f"p95 < {GOAL_P95_MS} ms: {'met' if p95 < GOAL_P95_MS else 'missed'}",
        )
    )
    jobs = dict(
        BackgroundJob.objects.filter(kind=IMPORT_JOB_KIND)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    report(
        f"Load: {CLIENTS} clients for {elapsed:.0f} s against gunicorn ({GUNICORN_WORKERS} sync workers) + PostgreSQL "
        f"+ Redis + 1 Celery worker, {USE_CASES:,} use cases (2-core machine shared with other work: figures of "
        f"this run); import jobs by the end: {jobs or 'none'}",
        ("request", "count", "req/s", "p50", "p95", "p99", "statuses"),
        rows,
    )
    assert not failures, (failures[:10], server_log[-3000:])
