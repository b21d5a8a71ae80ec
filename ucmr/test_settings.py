"""Settings for the test suite: the project's settings with a throwaway key and a fast password hasher.

The worker test tier starts real Celery workers as separate processes. They must use the database that
pytest-django created, so:
- on SQLite the test database is a file (unique per pytest process), not an in-memory database;
- a worker started with UCMR_TEST_DB_NAME set uses that database and its broker (not eager mode).
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from ucmr.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(  # noqa: F405
        tempfile.gettempdir(), f"ucmr-test-{os.getpid()}.sqlite3"
    )

UCMR_TEST_DB_NAME = os.environ.get("UCMR_TEST_DB_NAME", "")
if UCMR_TEST_DB_NAME:
    # A worker of the worker test tier: the pytest process's test database, and the broker it was given.
    DATABASES["default"]["NAME"] = UCMR_TEST_DB_NAME  # noqa: F405
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # no broadcast queues left behind in the shared Redis
else:
    CELERY_TASK_ALWAYS_EAGER = True

# The test client and the browser tests' live server speak plain HTTP (a test of the deploy check runs the real
# settings in a process of its own: tests/ucmr/test_security.py).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
