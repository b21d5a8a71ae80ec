"""`make bench`: background work as `make run` runs it, with a real worker on the embedded SQLite broker (and on
Redis for the queue figure).

- End-to-end import of a 500-use-case synthetic file (upload stored -> job committed), beside the floor measured
  in the same run (lxml parse + bulk_create of the same rows); how long the import held the write transaction
  (SQLite's one write lock); and the follow-up: the validation jobs the import's batches queue (each use case
  validated once).
- How long a user's job waits when it is queued behind 1,000 follow-ups.

Prints figures and ratios; asserts only that the work was done."""

import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from tests.bench.report import report
from tests.bench.test_bench_xml import floor, synthetic_repository
from tests.factories import member_of
from tests.workers import Workers
from ucmr.jobs import job_start
from ucmr.models import BackgroundJob
from usecases.exchange.services import import_job_start
from usecases.models import UseCase, Workspace
from usecases.xml import write_variant_c

IMPORTED = 500
FOLLOW_UPS = 1000


def _seconds(start, end) -> float:
    return (end - start).total_seconds()


@pytest.mark.django_db(transaction=True)
def test_bench_import_job_end_to_end(embedded_workers: Workers):
    workers = embedded_workers
    data = write_variant_c(document=synthetic_repository(IMPORTED))
    workspace = Workspace.objects.create(name="Benchmarks", slug="bench")
    author = member_of(workspace, "author")
    started = time.perf_counter()
    floor_rows = floor(data, workspace, count=IMPORTED)
    floor_seconds = time.perf_counter() - started

    workers.start(concurrency=2, pool="prefork", beat=True)
    time.sleep(3)  # the worker is up before the clock starts
    upload = ContentFile(data, name="bench.xml")
    started = time.perf_counter()
    job = import_job_start(user=author, upload=upload, workspace=workspace, policy="update", dry_run=False)
    workers.wait_done(job, timeout=1800)
    answered = time.perf_counter() - started
    assert job.status == "succeeded", f"{job.error}\n{job.log}\n{job.params}\n{workers.logs()}"
    assert UseCase.objects.count() == IMPORTED
    # The import writes its use cases in batches, and each batch queues the validation of its own use cases.
    validations = list(BackgroundJob.objects.filter(kind="validate").order_by("pk"))
    validated = []
    for validation in validations:
        workers.wait_done(validation, timeout=1800)
        assert validation.status == "succeeded", validation.error
        validated += validation.params["use_cases"]
    assert sorted(validated) == sorted(UseCase.objects.values_list("pk", flat=True))  # each one, once

    in_worker = _seconds(job.started, job.finished)
    write = job.result["write_seconds"]
    follow_up = _seconds(min(job.started for job in validations), max(job.finished for job in validations))
    figures = [
        ("floor: lxml parse + bulk_create", floor_seconds, f"{floor_rows:,} rows"),
        ("import job: upload -> committed", answered, "queue, worker, report"),
        ("  of which the job in the worker", in_worker, "parse, plan, write"),
        ("  of which the write transaction", write, "longest write lock"),
        (f"follow-up: {len(validations)} validation jobs", follow_up, f"{IMPORTED} use cases"),
    ]
    rows = [(what, f"{seconds:.1f} s", note, f"{seconds / floor_seconds:.1f}") for what, seconds, note in figures]
    report(
        f"Import job, {IMPORTED} use cases ({len(data) / 1e6:.1f} MB), worker on the embedded broker "
        f"({connection.vendor})",
        ("what", "time", "", "x floor"),
        rows,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["embedded", "redis"])
def test_bench_a_user_job_behind_many_follow_ups(request, broker, staff_user):
    workers: Workers = request.getfixturevalue(f"{broker}_workers")
    follow_ups = [job_start(user=None, kind="repository_stats", params={}) for _ in range(FOLLOW_UPS)]
    mine = job_start(user=staff_user, kind="repository_stats", params={})

    workers.start(concurrency=2, pool="prefork")
    workers.wait_done(mine, timeout=600)
    assert mine.status == "succeeded"
    before = BackgroundJob.objects.filter(pk__in=[job.pk for job in follow_ups], finished__lt=mine.started).count()
    last = BackgroundJob.objects.filter(pk__in=[job.pk for job in follow_ups]).order_by("-created").first()
    workers.wait_done(last, timeout=1800)
    all_done = _seconds(mine.created, BackgroundJob.objects.order_by("-finished").first().finished)
    report(
        f"A user's job queued behind {FOLLOW_UPS:,} follow-ups (worker on {broker}, 2 processes)",
        ("what", "figure"),
        [
            ("wait of the user's job (queued -> started)", f"{_seconds(mine.created, mine.started):.1f} s"),
            ("follow-ups done before it started", f"{before:,}"),
            ("all follow-ups done after", f"{all_done:.1f} s"),
        ],
    )
