"""Job kinds for the worker and fault tiers only: the "validate" job of one use case and the "xml_import" job, made
slow where it hurts most.

Slow validation: on its first attempt it pauses inside the transaction that stores the use case's findings, after
writing them and one more finding that no real validation makes, and writes its process id to a file, so a test can
kill the process right there. Later attempts (the file exists) run straight through. Slow import: see `slow_import`.
"""

import os
import time
from pathlib import Path
from unittest import mock

from django.db import transaction

from sgam.models import ValidationFinding
from ucmr.jobs import register_job_kind
from usecases.analysis.validation import services

SLOW_VALIDATE = "tests.sgam.slow_validate"
PARTIAL_RULE = "PARTIAL"
PAUSE_SECONDS = 120


@register_job_kind(SLOW_VALIDATE)
def slow_validate(job, progress):
    pause_file = Path(job.params["pause_file"])
    store = services.validation_store

    @transaction.atomic
    def store_and_pause(*, use_case, findings):
        stored = store(use_case=use_case, findings=findings)
        if not pause_file.exists():
            ValidationFinding.objects.create(
                result=stored, rule=PARTIAL_RULE, severity="error", section="1", message="never committed"
            )
            pause_file.write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
        return stored

    with mock.patch.object(services, "validation_store", store_and_pause):
        return services.validation_run(use_case_ids=[job.params["use_case"]], progress=progress)


SLOW_IMPORT = "tests.slow_import"


@register_job_kind(SLOW_IMPORT)
def slow_import(job, progress):
    """The "xml_import" job, paused inside its write transaction (after its writes, before the commit) on the
    attempts whose number is in params `pause_attempts`, with the process id written to `pause_file` + attempt
    number."""
    from ucmr.models import BackgroundJob
    from usecases.exchange import loader
    from usecases.exchange.services import import_job_run

    attempt = BackgroundJob.objects.filter(pk=job.pk).values_list("attempts", flat=True).get()
    pause_file = Path(f"{job.params['pause_file']}.{attempt}")
    pause = attempt in job.params.get("pause_attempts", [1])
    write = loader.Run.write

    def write_then_pause(run):
        write(run)
        if pause and not pause_file.exists():
            pause_file.write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)

    with mock.patch.object(loader.Run, "write", write_then_pause):
        return import_job_run(job=job, progress=progress)


SLEEP = "tests.sleep"


@register_job_kind(SLEEP)
def sleep(job, progress):
    """Works for params `seconds`, reporting progress ten times a second: a long job that stays alive."""
    seconds = float(job.params["seconds"])
    started = time.monotonic()
    while (spent := time.monotonic() - started) < seconds:
        progress(round(100 * spent / seconds), "Working")
        time.sleep(0.1)
    return {"slept": seconds}
