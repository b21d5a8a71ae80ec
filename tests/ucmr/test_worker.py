"""The integration tier: a real Celery worker process, a real Redis, the job row in the test database.

The worker is a separate process, so it must see the data this test commits: the test is transactional, and the
worker runs with ucmr.test_settings and UCMR_TEST_DB_NAME naming pytest-django's test database (a file on SQLite).
Each run uses its own queue in Redis database 15 (UCMR_TEST_REDIS_URL), so parallel runs do not take each other's
messages.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery, current_app
from django.db import connection

from tests.factories import ActorFactory, StepFactory
from ucmr.jobs import job_start
from ucmr.models import BackgroundJob

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("UCMR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
JOB_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 15

pytestmark = [pytest.mark.redis, pytest.mark.worker]


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); set UCMR_TEST_REDIS_URL or start redis-server.")
    yield client
    client.close()


@pytest.fixture
def queue(redis_client):
    """A queue of this test alone; its keys are removed afterwards."""
    name = f"ucmr-test-{uuid.uuid4().hex}"
    yield name
    for key in redis_client.scan_iter(match=f"*{name}*"):
        redis_client.delete(key)


@pytest.fixture
def celery_sends_to(queue):
    """For this test, this process publishes to Redis instead of running tasks inline.

    A Celery app of its own, made current (shared tasks such as `run_job` resolve through the current app): the
    project's app may already hold a connection pool for its default broker, created by eager runs.
    """
    previous = current_app._get_current_object()
    with Celery("ucmr-worker-test", set_as_current=False) as app:
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
        app.set_current()
        try:
            yield queue
        finally:
            previous.set_current()
            app.pool.force_close_all()


@pytest.fixture
def worker(celery_sends_to, transactional_db, tmp_path):
    """A `celery worker` process consuming this test's queue, using the test database (set up by then); always
    stopped."""
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ucmr.test_settings",
        "CELERY_BROKER_URL": REDIS_URL,
        "UCMR_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "ucmr",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        f"--queues={celery_sends_to}",
        f"--hostname={celery_sends_to}@%h",
        "--loglevel=INFO",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process, log_path
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
        try:
            process.wait(timeout=WORKER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=WORKER_STOP_TIMEOUT)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_runs_a_job_queued_through_job_start(worker, staff_user):
    process, log_path = worker
    StepFactory.create_batch(2, scenario__use_case__status="published")  # counted: staff_user may see them
    ActorFactory.create_batch(3)

    job = job_start(user=staff_user, kind="repository_stats", params={})

    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        job.refresh_from_db()
        if job.is_done:
            break
        time.sleep(0.2)
    job.refresh_from_db()
    log = log_path.read_text(errors="replace")[-5000:]
    assert job.is_done, f"job still {job.status} (worker exit code {process.poll()}); worker log:\n{log}"
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\nworker log:\n{log}"
    assert job.progress == 100
    assert job.result["counts"]["steps"] == 2 and job.result["counts"]["actors"] == 3
