"""Settings of the Celery workers the worker and fault tiers start (tests/workers.py): the test settings with
UCMR_TEST_DB_NAME (the pytest process's database, not eager), the job kinds only tests use, and broker options from
the test: for Redis a key prefix of the test's own and a visibility timeout (how long an unacknowledged message waits
before it is delivered again); for the embedded broker a short polling interval."""

import os

from ucmr.test_settings import *  # noqa: F403

CELERY_IMPORTS = ["tests.worker_jobs"]
if CELERY_BROKER_URL.startswith("redis"):  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": int(os.environ.get("UCMR_TEST_VISIBILITY_TIMEOUT", "3600")),
        "global_keyprefix": os.environ.get("UCMR_TEST_KEY_PREFIX", ""),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"polling_interval": 0.2, "connect_args": {"timeout": 30}}
