"""Real Celery worker processes for the worker and fault tiers, on either broker UCMR runs with: Redis (production)
or the embedded SQLite broker of `make run` (ucmr/broker.py).

Each test gets queues of its own (UCMR_QUEUE_PREFIX, and in Redis a key prefix), so that parallel runs and earlier
tests never take each other's messages. Workers use the test database (UCMR_TEST_DB_NAME, a file on SQLite) and
tests/worker_settings.py. `Workers.start()` starts one; every one is stopped at the end of the test.
"""

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from celery import Celery, current_app
from celery import _state as celery_state
from django.db import connection

from ucmr.management.commands.serve import worker_command
from ucmr.models import BackgroundJob

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("UCMR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
JOB_TIMEOUT = 90
WORKER_STOP_TIMEOUT = 15


def redis_reachable() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); set UCMR_TEST_REDIS_URL or start redis-server.")
    return client


@dataclass
class Workers:
    broker: str  # "redis" or "embedded"
    prefix: str
    broker_url: str
    tmp_path: Path
    lease_seconds: int = 4
    started: list[tuple[subprocess.Popen, Path]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "CELERY_BROKER_URL": self.broker_url,
            "UCMR_QUEUE_PREFIX": self.prefix,
            "UCMR_TEST_KEY_PREFIX": self.prefix if self.broker == "redis" else "",
            "UCMR_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "UCMR_JOB_LEASE_SECONDS": str(self.lease_seconds),
            "UCMR_JOB_MAINTAIN_SECONDS": "1",
            "DJANGO_MEDIA_ROOT": str(self.tmp_path / "media"),
            **extra,
        }

    def start(self, *, pool: str = "solo", concurrency: int = 1, visibility_timeout: int = 3600, beat: bool = False):
        """A `celery worker` consuming the test's queues (user jobs first); with `beat`, its scheduler too."""
        number = len(self.started)
        log_path = self.tmp_path / f"worker-{number}.log"
        command = worker_command(
            concurrency=concurrency,
            beat_schedule=str(self.tmp_path / f"beat-{number}") if beat else None,
            options=(f"--pool={pool}", "--without-heartbeat", f"--hostname={self.prefix}-{number}@%h"),
        )
        env = self.env(UCMR_TEST_VISIBILITY_TIMEOUT=str(visibility_timeout))
        with log_path.open("wb") as log:
            # A session of its own: stopping it stops its children too (with --beat, the scheduler is one, and it
            # outlives a killed worker otherwise).
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((process, log_path))
        return process, log_path

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-4000:] for _, path in self.started if path.exists())

    def wait_for(self, condition: Callable[[], bool], *, what: str, timeout: float = JOB_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        pytest.fail(f"Timed out waiting for {what}; worker logs:\n{self.logs()}")

    def wait_done(self, job: BackgroundJob, *, timeout: float = JOB_TIMEOUT) -> BackgroundJob:
        def done() -> bool:
            job.refresh_from_db()
            return job.is_done

        self.wait_for(done, what=f"the {job.kind} job to end", timeout=timeout)
        return job

    def stop_all(self) -> None:
        """A warm shutdown for each worker's process group (a worker finishes its current task), then SIGKILL for
        what is left, the children of a worker a test killed included."""
        for process, _ in self.started:
            _signal_group(process, signal.SIGTERM)
        for process, _ in self.started:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=WORKER_STOP_TIMEOUT)
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=WORKER_STOP_TIMEOUT)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError):  # the whole group is gone
        os.killpg(process.pid, sig)


@contextmanager
def publishing_to(broker_url: str, **conf):
    """This process (every thread of it) publishes through a Celery app of its own to `broker_url`, not eagerly,
    until the block ends: shared tasks such as `run_job` resolve through the current app, and the project's app
    may hold a pool for another broker. `conf`: more of the app's settings."""
    previous, previous_default = current_app._get_current_object(), celery_state.default_app
    app = Celery(f"ucmr-test-{uuid.uuid4().hex[:8]}", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=broker_url, task_always_eager=False, **conf)
    app.set_current()
    app.set_default()  # for other threads too, such as a live server's
    try:
        yield app
    finally:
        previous.set_current()
        celery_state.set_default_app(previous_default)
        # Not closed: closing an app closes kombu's producer pool of its broker URL, which is shared process-wide
        # (another app of the same URL, later, would get a closed pool).


@pytest.fixture(params=["redis", "embedded"])
def workers(request, transactional_db, tmp_path, settings):
    """Workers on each broker: the test runs once with Redis and once with the embedded SQLite broker."""
    yield from _workers(request.param, tmp_path, settings)


@pytest.fixture
def redis_workers(transactional_db, tmp_path, settings):
    yield from _workers("redis", tmp_path, settings)


@pytest.fixture
def embedded_workers(transactional_db, tmp_path, settings):
    yield from _workers("embedded", tmp_path, settings)


def _workers(broker: str, tmp_path: Path, settings):
    prefix = f"ucmr-test-{uuid.uuid4().hex[:12]}"
    client = None
    if broker == "redis":
        client = redis_reachable()
        broker_url = REDIS_URL
    else:
        broker_url = f"ucmr-sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    settings.UCMR_QUEUE_PREFIX = prefix
    settings.MEDIA_ROOT = tmp_path / "media"
    options = {"global_keyprefix": prefix} if broker == "redis" else {"polling_interval": 0.2}
    pool = Workers(broker=broker, prefix=prefix, broker_url=broker_url, tmp_path=tmp_path)
    try:
        with publishing_to(broker_url, broker_transport_options=options):
            yield pool
    finally:
        pool.stop_all()
        if client is not None:
            for key in client.scan_iter(match=f"*{prefix}*"):
                client.delete(key)
            client.close()
