"""Settings of the Celery workers that tests/sgam/test_worker.py starts: the worker tier's settings
(ucmr.test_settings, with UCMR_TEST_DB_NAME), plus a job kind only tests use, and broker options from the test: a
visibility timeout (how long an unacknowledged message waits before it is delivered again) and a key prefix of
its own in Redis, so that restoring unacknowledged messages never touches another run's."""

import os

from ucmr.test_settings import *  # noqa: F403

CELERY_IMPORTS = ["tests.sgam.worker_jobs"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("UCMR_TEST_VISIBILITY_TIMEOUT", "3600")),
    "global_keyprefix": os.environ.get("UCMR_TEST_KEY_PREFIX", ""),
}
