"""A job kind for the worker tier only: the "validate" job of one use case, made slow where it hurts most.

On its first attempt it pauses inside the transaction that stores the use case's findings, after writing them and
one more finding that no real validation makes, and writes its process id to a file, so a test can kill the
process right there. Later attempts (the file exists) run straight through.
"""

import os
import time
from pathlib import Path
from unittest import mock

from django.db import transaction

from sgam.models import ValidationFinding
from sgam.validation import services
from ucmr.jobs import register_job_kind

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
