"""`make bench` with UCMR_BENCH_POSTGRES=1: a bounded load test (issue 20, part 7). gunicorn (GUNICORN_WORKERS gthread
workers of GUNICORN_THREADS threads, keeping their PostgreSQL connections) on 127.0.0.1 with PostgreSQL, Redis (the
cache, and the broker of a Celery worker that runs the imports), serving a repository of USE_CASES synthetic use
cases (tests/bench/synthetic.py) to CLIENTS clients, each sending requests back to back (a closed loop) for SECONDS
seconds, then stopping by itself. The clients are threads of a process of their own (tests/bench/load_client.py),
not of the test process:

- pages (a signed-in session): the list, a text search, the list filtered by facets, a use case page;
- API reads (a token): the list, a use case document;
- edits: read a draft's document over the API, then PATCH its scope with that ETag in If-Match (a 412, when another
  client changed it first, is the lock doing its job, not an error);
- imports: POST an XML file of one use case (its scope changed) to /api/imports/; 202, the worker imports it.

Asserts that no response is a 5xx (nor a connection error); prints throughput and p50/p95/p99 per request type with
the goal beside them (50-60 requests/s on a 2-core machine, p95 under 1 s). The machine may be shared: the figures
say what it gave this run. UCMR_BENCH_LOAD_SECONDS / _CLIENTS / _USE_CASES shorten it for a try; _WORKERS, _THREADS
(1: sync workers) and _CONN_MAX_AGE (0: a connection per request) change the server; _PORTS (e.g. 8230-8239) the
ports it may take, UCMR_BENCH_REDIS_URL its Redis.
"""

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import time
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
# Which use cases the clients read and edit: "uniform" (each as likely) or "zipf" (a few often; load_client.py).
POPULARITY = os.environ.get("UCMR_BENCH_LOAD_POPULARITY", "uniform")
REDIS_URL = os.environ.get("UCMR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
FIRST_PORT, LAST_PORT = (int(port) for port in os.environ.get("UCMR_BENCH_LOAD_PORTS", "8160-8169").split("-"))
PORTS = range(FIRST_PORT, LAST_PORT + 1)
# gthread: a few threads per worker, so a worker waiting on PostgreSQL or Redis serves another request meanwhile.
GUNICORN_WORKERS = int(os.environ.get("UCMR_BENCH_LOAD_WORKERS", "2"))
GUNICORN_THREADS = int(os.environ.get("UCMR_BENCH_LOAD_THREADS", "4"))
CONN_MAX_AGE = int(os.environ.get("UCMR_BENCH_LOAD_CONN_MAX_AGE", "60"))
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


def _process_cpu(pids) -> dict[int, float]:
    """The CPU seconds (user + system) each of the processes `pids` has used so far (a process gone: left out)."""
    seconds = {}
    for pid in pids:
        with suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def _children(pid: int) -> list[int]:
    """`pid` and its descendants (gunicorn's master and workers, celery's)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        with suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(child) for child in (task / "children").read_text().split()]
    return found


def _postgres_cpu() -> dict[int, float]:
    """The CPU seconds of the PostgreSQL server on this machine: each of its live processes, and (as pid 0) what its
    ended backends used, which the postmaster collected when they ended (a server connection lives a minute or so).
    Every database's backends count: on a machine shared with other work, theirs too."""
    processes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, IndexError, ValueError):
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
            if name.startswith("postgres"):
                processes[int(stat.parent.name)] = rest.split()
    ticks = os.sysconf("SC_CLK_TCK")
    # The fields after the name: utime and stime are the 12th and 13th, cutime and cstime the 14th and 15th.
    seconds = {pid: (int(fields[11]) + int(fields[12])) / ticks for pid, fields in processes.items()}
    seconds[0] = sum(
        (int(fields[13]) + int(fields[14])) / ticks for fields in processes.values() if int(fields[1]) not in processes
    )
    return seconds


def _cpu_by_part(server: int, worker: int) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by the server, the worker and PostgreSQL (Linux only: nothing where /proc is missing)."""
    return {
        "gunicorn": _process_cpu(_children(server)),
        "worker": _process_cpu(_children(worker)),
        "PostgreSQL (the whole server)": _postgres_cpu(),
    }


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
    worker_class = "gthread" if GUNICORN_THREADS > 1 else "sync"
    gunicorn = [
        *(sys.executable, "-m", "gunicorn", f"--bind=127.0.0.1:{port}", f"--workers={GUNICORN_WORKERS}"),
        *(f"--worker-class={worker_class}", f"--threads={GUNICORN_THREADS}", "--timeout=120"),
        *("--graceful-timeout=10", "--backlog=256", "--log-level=warning"),
        "ucmr.wsgi:application",
    ]
    # The server keeps its database connections (one per thread) between requests, as a deployment should
    # (DATABASE_URL's conn_max_age): a new PostgreSQL connection costs a process fork on the same two cores.
    database_url = os.environ.get("DATABASE_URL", "")
    joiner = "&" if "?" in database_url else "?"
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "tests.bench.api_settings",
        "DATABASE_URL": f"{database_url}{joiner}conn_max_age={CONN_MAX_AGE}&conn_health_checks=true",
    }
    worker = worker_command(concurrency=1, beat_schedule=None, options=("--pool=solo", "--without-heartbeat"))
    for pk, (_, data) in files.items():
        (tmp_path / f"import-{pk}.xml").write_bytes(data)
    plan = {
        "port": port,
        "seconds": SECONDS,
        "clients": CLIENTS,
        "timeout": REQUEST_TIMEOUT,
        "warm_up_rounds": GUNICORN_WORKERS * max(1, GUNICORN_THREADS // 2),
        "mix": MIX,
        "popularity": POPULARITY,
        "ids": ids,
        "edited": edited,
        "files": {pk: (workspace, str(tmp_path / f"import-{pk}.xml")) for pk, (workspace, _) in files.items()},
        "import_marker": r"Synthetic repository for the scale benchmark\.[^<]*",
        "api_headers": api_headers,
        "page_headers": page_headers,
        "list_url": list_url,
        "detail_url": reverse("usecases:usecase_detail", kwargs={"pk": 987654321}).replace("987654321", "{pk}"),
        "pages_of_list": pages_of_list,
        "search_words": ["congestion signal", "OCPP", "meter reading", "flexibility offer", "tariff"],
        "actor": actor,
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    results_path = tmp_path / "results.json"
    generator = [sys.executable, "-m", "tests.bench.load_client", str(tmp_path / "plan.json"), str(results_path)]

    with (
        _process(
            worker, env={**env, "DJANGO_SETTINGS_MODULE": "tests.worker_settings"}, log_path=tmp_path / "w.log"
        ) as worker_process,
        _process(gunicorn, env=server_env, log_path=tmp_path / "g.log") as server_process,
    ):
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with suppress(OSError):
                if _request(port, "GET", "/api/use-cases/?page_size=1", api_headers)[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer:\n" + (tmp_path / "g.log").read_text()[-3000:])
            time.sleep(0.5)
        # The clients run in a process of their own (no GIL shared with this one), bounded by its own clock and
        # by this timeout.
        cpu_before = _cpu_by_part(server_process.pid, worker_process.pid)
        with _process(generator, env=os.environ.copy(), log_path=tmp_path / "clients.log") as clients:
            try:
                clients.wait(timeout=SECONDS + START_TIMEOUT + REQUEST_TIMEOUT * 4)
            except subprocess.TimeoutExpired:
                pytest.fail("the load generator did not stop by itself")
        if clients.returncode != 0 or not results_path.exists():
            pytest.fail("the load generator failed:\n" + (tmp_path / "clients.log").read_text()[-3000:])
        cpu_after = _cpu_by_part(server_process.pid, worker_process.pid)
        results = json.loads(results_path.read_text())
        queued = BackgroundJob.objects.filter(kind=IMPORT_JOB_KIND, status=BackgroundJob.Status.PENDING)
        deadline = time.monotonic() + IMPORTS_WAIT
        while queued.exists() and time.monotonic() < deadline:  # the worker finishes the imports still queued
            time.sleep(1)
        server_log = (tmp_path / "g.log").read_text(errors="replace")

    elapsed, latencies, statuses = results["elapsed"], results["latencies"], results["statuses"]
    failures = results["failures"]
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
        f"Load: {CLIENTS} clients (a process of their own) for {elapsed:.0f} s against gunicorn ({GUNICORN_WORKERS} "
        f"{worker_class} workers x {GUNICORN_THREADS} threads) + PostgreSQL "
        f"+ Redis + 1 Celery worker, {USE_CASES:,} use cases read with {POPULARITY} popularity (2-core machine "
        "shared with other work: figures of "
        f"this run); import jobs by the end: {jobs or 'none'}",
        ("request", "count", "req/s", "p50", "p95", "p99", "statuses"),
        rows,
    )
    # Where the two cores went: the server's CPU per request says how many requests a second the cores allow.
    used = {
        part: sum(seconds - cpu_before[part].get(pid, 0.0) for pid, seconds in cpu_after[part].items())
        for part in cpu_after
    }
    report(
        f"CPU during the load ({elapsed:.0f} s, {total} requests; 2 cores = {2 * elapsed:.0f} CPU seconds)",
        ("process", "CPU s", "share of 2 cores", "ms per request"),
        [
            (part, f"{seconds:.1f}", f"{seconds / (2 * elapsed):.0%}", f"{1000 * seconds / max(1, total):.1f}")
            for part, seconds in used.items()
        ],
    )
    assert not failures, (failures[:10], server_log[-3000:])
