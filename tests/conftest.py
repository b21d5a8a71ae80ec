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


# The PostgreSQL pass of `make test` (UCMR_TEST_POSTGRES_PASS=1) runs the modules whose queries can behave
# differently on the two databases, and every test marked `postgres`. The others run once, on SQLite, the embedded
# default a laptop runs: their SQL is the ORM's plainest and gives the same result on both. A module belongs here
# when it tests one of these:
POSTGRES_PASS = (
    # text search: a tsvector with a GIN index against an FTS5 table, ranking, snippets, the index's rebuild
    "tests/usecases/test_search.py",
    "tests/usecases/test_facets.py",
    # concurrent writers: PostgreSQL locks rows (select_for_update) where SQLite serialises the whole database
    "tests/usecases/test_concurrent_edit.py",
    "tests/usecases/test_row_conflicts.py",
    "tests/usecases/test_workflow.py",
    "tests/api/test_idempotent_writes.py",
    "tests/api/test_document_cache.py",
    "tests/api/test_usecase_documents.py",
    # imports' bulk writes: bulk_create batches and returned keys, constraints checked at commit
    "tests/usecases/exchange/test_loader.py",
    "tests/usecases/exchange/test_streamed_import.py",
    "tests/usecases/exchange/test_write_parity.py",
    "tests/usecases/excel/test_import.py",
    # unique numbering and other constraints, and the errors they raise
    "tests/usecases/test_services.py",
    "tests/usecases/test_step_numbers.py",
    "tests/usecases/test_versions.py",
    # who sees what: object permissions joined as text keys (django-guardian), visibility filters, merges, audit
    "tests/ucmr/test_permissions.py",
    "tests/usecases/test_access.py",
    "tests/usecases/test_leaks.py",
    "tests/ucmr/test_merge.py",
    "tests/ucmr/test_audit.py",
    "tests/sgam/test_access_matrix.py",
    "tests/api/test_libraries.py",
    # query budgets, which bulk operations and savepoints can change
    "tests/usecases/test_query_budget.py",
    "tests/usecases/test_page_cache.py",
    # background jobs: claimed and retried in transactions
    "tests/ucmr/test_jobs.py",
    "tests/ucmr/test_resilience.py",
)


def in_postgres_pass(item) -> bool:
    return item.get_closest_marker("postgres") is not None or item.nodeid.split("::")[0] in POSTGRES_PASS


def pytest_collection_modifyitems(config, items):
    """UCMR_TEST_POSTGRES_PASS=1 (the PostgreSQL pass of `make test`) keeps the tests of POSTGRES_PASS. On the whole
    suite, a module named there that no longer exists fails the run, so a rename cannot drop it unnoticed."""
    if os.environ.get("UCMR_TEST_POSTGRES_PASS") != "1":
        return
    found = {item.nodeid.split("::")[0] for item in items}
    whole_suite = not config.option.file_or_dir and not config.option.keyword and not config.option.markexpr
    if whole_suite and (missing := [path for path in POSTGRES_PASS if path not in found]):
        raise pytest.UsageError(f"POSTGRES_PASS in tests/conftest.py names modules without tests: {missing}")
    others = [item for item in items if not in_postgres_pass(item)]
    if others:
        config.hook.pytest_deselected(items=others)
        items[:] = [item for item in items if in_postgres_pass(item)]


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


def ran_transactional(item) -> bool:
    """Whether the test ran in a transactional database (through live_server or the worker fixtures too), which
    pytest-django empties with a flush at its end."""
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    return bool(marked or "transactional_db" in getattr(item, "fixturenames", ()))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that empties every table, the rows the migrations wrote included (SGAM
    and NIST reference data, content types, permissions, the role groups); they are written back here, once its
    fixtures are torn down, so that every test starts with them whatever ran before it on its process (the suite runs
    in several, which take tests in no fixed order).
    (Django's serialized rollback would reload them, but pytest-django serializes no database for it.)"""
    yield
    if nextitem is None or not ran_transactional(item):  # after the last test the test database is gone
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        migrated_data_restore()


def migrated_data_restore() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS

    from sgam.models import Layer

    if Layer.objects.exists():
        return
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    import_module("sgam.migrations.0002_reference_data").create_reference_data(apps, None)
    import_module("ucmr.migrations.0002_role_groups").role_groups_grant(Group, Permission)


@pytest.fixture
def iec_dir() -> Path:
    """The IEC 62559 reference folder, read in place from ../shared (never copied into the project)."""
    if not IEC_DIR.is_dir():  # in CI the session stops before (pytest_sessionstart)
        pytest.skip(f"{IEC_DIR} is absent: the shared IEC 62559 examples live beside the project checkout.")
    return IEC_DIR


@pytest.fixture
def demo_loaded(db):
    """The demo repository, as `demo_load(user=None)` writes it (its rows inserted again after a first load in the
    process: tests/demo_snapshot.py). Ask for it before the fixtures that create other rows: it loads the demo for
    real on a database that is not as it was at that first load."""
    from tests.demo_snapshot import demo_repository

    return demo_repository()


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
