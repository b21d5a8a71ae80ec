"""`make bench`: the REST API under load, next to a baseline measured in the same run.

Two endpoints of the use case API, each next to a plain Django view returning the same rows as JSON
(tests/bench/api_baseline.py says what it includes):
- the list, a page of 50 (`GET /api/use-cases/?page_size=50`) of more than 200 use cases;
- one use case's whole document (`GET /api/use-cases/<id>/`), 300 steps and 40 actors (`make_complete_use_case`),
  served from the document cache (usecases/api/document.py: keyed by revision, so every read after the first of a
  revision), and again from a second server whose cache is Django's dummy cache (every read builds the document, as
  the first read after a write does).

The server is gunicorn on 127.0.0.1 with tests/bench/api_settings.py (DEBUG off, no throttling), reading the
test database this transactional test commits to (UCMR_TEST_DB_NAME, as the worker tests do). Two sync workers:
the views are CPU-bound and the machine has two cores, so one single-threaded process per core, with no GIL shared
between requests; a sync worker takes a new connection for every request (no keep-alive), so the requests spread
evenly over both workers however few client connections there are, which keep-alive connections pinned to a
gthread worker would not guarantee. The load generator is the small client below: CLIENT_THREADS threads, each
sending requests back to back (a closed loop) for a fixed time; `http.client` reconnects when the server closes.
The client shares the two cores with the server (more of them per second for the cheaper baseline requests, so
the ratio errs low), and API and baseline alternate in ROUNDS rounds so that other load on the machine hits both.

Figures: requests per second and median / 90th percentile latency seen by the client (with 4 clients on 2 workers
a request waits about as long as it is served), and the ratio baseline req/s / API req/s, the goal being within
2x. Prints figures and ratios; asserts only that every response is a 200 and that both sides return the same
rows (timing belongs here, not in tests).
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from actors.models import Actor
from tests.bench.report import report
from tests.factories import UserFactory, WorkspaceFactory, make_complete_use_case, with_repository_role
from ucmr.tokens import api_token_create
from usecases.models import ActorRole, Scenario, UseCase

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
CLIENT_THREADS = 4
WARM_UP_SECONDS = 1.0
MEASURE_SECONDS = 2.0
ROUNDS = 3  # API and baseline measured alternately (other load on the machine hits both alike)
LIST_USE_CASES = 200
PAGE_SIZE = 50
STEPS, ACTORS = 300, 40
START_TIMEOUT = 30
STOP_TIMEOUT = 15
GOAL = 2.0
TEXT = "Synthetic use case of the API benchmark: the list shows this short description on every row."


@dataclass
class Load:
    """What the client saw: one latency per request, the time it took, statuses other than 200."""

    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    failures: list[str] = field(default_factory=list)

    def add(self, other: "Load") -> None:
        self.latencies += other.latencies
        self.elapsed += other.elapsed
        self.failures += other.failures

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p90_ms(self) -> float:
        return statistics.quantiles(self.latencies, n=10)[8] * 1000


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request("GET", path, headers=headers)
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


def load(port: int, path: str, headers: dict[str, str], *, seconds: float, threads: int = CLIENT_THREADS) -> Load:
    """`threads` clients sending GET `path` back to back for `seconds`."""
    results = [Load() for _ in range(threads)]
    deadline = time.perf_counter() + seconds

    def client(result: Load) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    result.failures.append(f"{type(error).__name__}: {error}")
                    connection.close()
                    continue
                result.latencies.append(time.perf_counter() - started)
                if response.status != 200:
                    result.failures.append(f"HTTP {response.status}")
        finally:
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(result,), daemon=True) for result in results]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 60)
    total = Load(elapsed=time.perf_counter() - started)
    for result in results:
        total.latencies += result.latencies
        total.failures += result.failures
    return total


def free_port() -> int:
    """A free port: of UCMR_BENCH_PORTS (e.g. 8230-8239) when set, else any."""
    first, _, last = os.environ.get("UCMR_BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    pytest.fail(f"no free port in {first}-{last}")


@contextmanager
def gunicorn_server(log_path: Path, probe_path: str, headers: dict[str, str], **extra_env: str):
    """gunicorn serving the project (and the baseline) from the test database on a free port; always stopped."""
    port = free_port()
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "tests.bench.api_settings",
        "UCMR_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--timeout=60",
        "--graceful-timeout=5",
        "--log-level=warning",
        "ucmr.wsgi:application",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                status, _ = fetch(port, probe_path, headers)
            except OSError:
                status = 0
            if status == 200:
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"gunicorn did not answer 200 within {START_TIMEOUT} s (last status {status}):\n"
                    f"{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)  # graceful: workers finish the request they serve, then exit
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def make_list_use_cases(*, workspace, user, count: int) -> None:
    """`count` use cases with two scenarios and three actors each (the list counts them), in bulk."""
    use_cases = UseCase.objects.bulk_create(
        UseCase(
            workspace=workspace,
            identifier=f"API-{n:03d}",
            name=f"API benchmark use case {n}",
            short_description=TEXT,
            nature="SUC",
            level_of_depth="Detailed",
            keywords="benchmark, api",
            created_by=user,
        )
        for n in range(count)
    )
    actors = Actor.objects.bulk_create(Actor(name=f"API bench actor {n}") for n in range(3))
    Scenario.objects.bulk_create(
        Scenario(use_case=use_case, number=str(n), name=f"Scenario {n}", position=n)
        for use_case in use_cases
        for n in (1, 2)
    )
    ActorRole.objects.bulk_create(
        ActorRole(use_case=use_case, actor=actor, position=n)
        for use_case in use_cases
        for n, actor in enumerate(actors)
    )


def _rate(rps: float) -> str:
    return f"{rps:.1f}" if rps < 100 else f"{rps:.0f}"


def count_steps(steps: list[dict]) -> int:
    return sum(1 + count_steps(step["children"]) for step in steps)


def document_counts(document: dict, libraries: dict) -> tuple[int, int, int]:
    """Scenarios, steps (sub-steps included) and library actors of a document."""
    steps = sum(count_steps(scenario["steps"]) for scenario in document["scenarios"])
    return len(document["scenarios"]), steps, len(libraries["actors"])


@pytest.mark.django_db(transaction=True)
def test_bench_api_against_plain_django(tmp_path):
    user = with_repository_role(UserFactory(username="api-bench"), "administrator")
    workspace = WorkspaceFactory(name="API benchmark", slug="api-bench")
    make_list_use_cases(workspace=workspace, user=user, count=LIST_USE_CASES)
    big = make_complete_use_case(steps=STEPS, actors=ACTORS, workspace=workspace, created_by=user)
    _, key = api_token_create(user=user, name="benchmark")
    headers = {"Authorization": f"Token {key}", "Accept": "application/json"}
    endpoints = {
        "list": (f"/api/use-cases/?page_size={PAGE_SIZE}", f"/bench-baseline/use-cases/?page_size={PAGE_SIZE}"),
        "document": (f"/api/use-cases/{big.pk}/", f"/bench-baseline/use-cases/{big.pk}/"),
    }

    loads = {(name, side): Load() for name in endpoints for side in ("api", "baseline")}
    sizes = {}
    with gunicorn_server(tmp_path / "gunicorn.log", endpoints["list"][1], headers) as port:
        answers = {}
        for name, paths in endpoints.items():
            for side, path in zip(("api", "baseline"), paths, strict=True):
                status, body = fetch(port, path, headers)
                assert status == 200, (path, status, body[:500])
                answers[name, side] = json.loads(body)
                sizes[name, side] = len(body)

        api_rows, baseline_rows = answers["list", "api"]["results"], answers["list", "baseline"]["results"]
        assert len(api_rows) == len(baseline_rows) == PAGE_SIZE
        assert [row["id"] for row in api_rows] == [row["id"] for row in baseline_rows]
        assert set(api_rows[0]) == set(baseline_rows[0])
        assert answers["list", "api"]["count"] == answers["list", "baseline"]["count"] >= LIST_USE_CASES
        api_document = answers["document", "api"]
        baseline_document = answers["document", "baseline"]
        counts = document_counts(api_document["document"], api_document["libraries"])
        assert counts == document_counts(baseline_document["document"], baseline_document["libraries"])
        assert counts == (3, STEPS, ACTORS)

        for paths in endpoints.values():  # both workers import and warm up what each view uses
            for path in paths:
                warm = load(port, path, headers, seconds=WARM_UP_SECONDS)
                assert not warm.failures, (path, warm.failures[:5])
        for _ in range(ROUNDS):
            for name, paths in endpoints.items():
                for side, path in zip(("api", "baseline"), paths, strict=True):
                    measured = load(port, path, headers, seconds=MEASURE_SECONDS)
                    assert not measured.failures, (path, measured.failures[:5])
                    loads[name, side].add(measured)

    # The document again with the cache off (Django's dummy cache): what a read costs when no client has read this
    # revision yet, as after every write.
    endpoints["uncached"] = endpoints["document"]
    loads.update({("uncached", side): Load() for side in ("api", "baseline")})
    with gunicorn_server(
        tmp_path / "gunicorn-uncached.log", endpoints["list"][1], headers, CACHE_URL="dummycache://"
    ) as port:
        for path in endpoints["uncached"]:
            warm = load(port, path, headers, seconds=WARM_UP_SECONDS)
            assert not warm.failures, (path, warm.failures[:5])
        for _ in range(ROUNDS):
            for side, path in zip(("api", "baseline"), endpoints["uncached"], strict=True):
                measured = load(port, path, headers, seconds=MEASURE_SECONDS)
                assert not measured.failures, (path, measured.failures[:5])
                loads["uncached", side].add(measured)
    sizes["uncached", "api"], sizes["uncached", "baseline"] = sizes["document", "api"], sizes["document", "baseline"]

    labels = {
        "list": f"list, page of {PAGE_SIZE} ({answers['list', 'api']['count']} use cases)",
        "document": f"document, {STEPS} steps, {ACTORS} actors (cached by revision)",
        "uncached": f"document, {STEPS} steps, {ACTORS} actors (cache off: built on every read)",
    }
    rows = []
    for name in endpoints:
        api, baseline = loads[name, "api"], loads[name, "baseline"]
        ratio = baseline.rps / api.rps
        rows.append(
            (
                labels[name],
                _rate(api.rps),
                f"{api.median_ms:.1f} ms",
                f"{api.p90_ms:.1f} ms",
                _rate(baseline.rps),
                f"{baseline.median_ms:.1f} ms",
                f"{baseline.p90_ms:.1f} ms",
                f"{ratio:.2f}x",
                "met" if ratio <= GOAL else "missed",
                f"{sizes[name, 'api'] // 1024} / {sizes[name, 'baseline'] // 1024} KiB",
            )
        )
    report(
        f"REST API vs plain Django view (gunicorn, {WORKERS} sync workers, {connection.vendor}; {CLIENT_THREADS} "
        f"client threads, {ROUNDS}x{MEASURE_SECONDS:.0f} s per figure)",
        (
            "endpoint",
            "API req/s",
            "API median",
            "API p90",
            "baseline req/s",
            "baseline median",
            "baseline p90",
            "baseline/API",
            f"goal <= {GOAL:.0f}x",
            "body API / baseline",
        ),
        rows,
    )
