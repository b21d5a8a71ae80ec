"""Shared fixtures, and the rule that in CI a test needing a service must run, not skip."""

import os
from pathlib import Path

import pytest
from django.db import connection

pytest_plugins = ["tests.workers"]  # the worker fixtures of the worker and fault tiers

SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
IEC_DIR = SHARED_DIR / "iec62559"
IN_CI = os.environ.get("CI") == "true"
SERVICE_MARKERS = ("redis", "worker", "browser")

# Benchmarks run only from `make bench` (UCMR_BENCH=1): they print figures and take a while.
collect_ignore = [] if os.environ.get("UCMR_BENCH") else ["bench"]


def pytest_sessionstart(session):
    """In CI the shared IEC 62559 examples must be there: the tests that read them would otherwise skip, or
    collect no example at all, and CI would pass without them."""
    if IN_CI and not IEC_DIR.is_dir():
        pytest.exit(f"In CI {IEC_DIR} must be present (the tests read the shared examples in place).", returncode=1)


# A test that asks for none of these cannot reach the database (pytest-django blocks it), so its outcome does not
# depend on which database the suite runs on.
DATABASE_FIXTURES = frozenset(
    ("db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server")
)


def uses_database(item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
        return True
    return bool(DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """UCMR_TEST_DATABASE_ONLY=1 (the PostgreSQL pass of `make test`) runs only the tests that use the database: the
    others ran in the SQLite pass already and would give the same result."""
    if os.environ.get("UCMR_TEST_DATABASE_ONLY") != "1":
        return
    free = [item for item in items if not uses_database(item)]
    if free:
        config.hook.pytest_deselected(items=free)
        items[:] = [item for item in items if uses_database(item)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (IN_CI and report.skipped):
        return
    needed = [name for name in SERVICE_MARKERS if item.get_closest_marker(name)]
    if item.get_closest_marker("postgres") and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        needed.append("postgres")
    if needed:
        report.outcome = "failed"
        report.longrepr = f"In CI the {', '.join(needed)} tier must run, but the test skipped: {report.longrepr}"


@pytest.fixture(autouse=True)
def migrated_data(request):
    """Transactional tests end with a flush that empties every table, the rows the migrations wrote included
    (SGAM and NIST reference data, content types, permissions, the role groups); the next transactional test gets
    them back here.
    (Django's serialized rollback would reload them, but pytest-django serializes no database for it.)"""
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if not (marked or "transactional_db" in request.fixturenames):  # e.g. through live_server or the worker fixtures
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS

    from sgam.models import Layer

    if Layer.objects.exists():
        return
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    import_module("sgam.migrations.0002_reference_data").create_reference_data(apps, None)
    from django.contrib.auth.models import Group, Permission

    import_module("ucmr.migrations.0002_role_groups").role_groups_grant(Group, Permission)


@pytest.fixture
def iec_dir() -> Path:
    """The IEC 62559 reference folder, read in place from ../shared (never copied into the project)."""
    if not IEC_DIR.is_dir():  # in CI the session stops before (pytest_sessionstart)
        pytest.skip(f"{IEC_DIR} is absent: the shared IEC 62559 examples live beside the project checkout.")
    return IEC_DIR


@pytest.fixture
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (make test-postgres)")


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("reader", password="pw-reader-1")


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user("editor", password="pw-editor-1", is_staff=True)


@pytest.fixture
def repository_reader(db, django_user_model):
    """A user who may read every use case, drafts included, through the model-wide view permissions on use cases
    and workspaces (which imply the object permissions), and may change nothing."""
    from django.contrib.auth.models import Permission

    reader = django_user_model.objects.create_user("auditor", password="pw-auditor-1")
    reader.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="usecases", codename__in=["view_usecase", "view_workspace"])
    )
    return reader
