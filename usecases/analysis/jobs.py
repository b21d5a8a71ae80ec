"""Background job kinds of the use-case analysis (registered by `usecases.jobs`, which `ucmr.jobs` discovers).

- "render_diagrams": params `use_case` (pk), optional `force` (render again), `png` (keys of diagrams that also
  need a PNG). Result: what was rendered, found in the cache, failed, and how long Graphviz took.
- "validate": params `use_case` (one), `use_cases` (a list), `library_objects` (the use cases using these
  `[model label, pk]`), or `scope` "visible" (the use cases the job's user may see) or "all".
"""

from typing import Any

from ucmr.jobs import Progress, register_job_kind
from ucmr.models import BackgroundJob
from ucmr.permissions import visible_to
from usecases.analysis.services import usecase_diagram_index_clear, usecase_diagrams_render
from usecases.analysis.validation.services import validation_run
from usecases.models import UseCase


@register_job_kind("render_diagrams", label="Diagram rendering")
def render_diagrams(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    return usecase_diagrams_render(
        use_case_id=job.params["use_case"],
        force=bool(job.params.get("force")),
        png_keys=job.params.get("png", []),
        progress=progress,
    )


def _using(references: list[list]) -> list[int]:
    from django.apps import apps

    from usecases.analysis.impact import usecase_ids_using

    ids: set[int] = set()
    for label, pk in references:
        obj = apps.get_model(label).objects.filter(pk=pk).first()
        if obj is not None:
            ids.update(usecase_ids_using(obj=obj))
    return sorted(ids)


@register_job_kind("validate", label="Validation")
def validate(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    if "use_case" in job.params:
        ids = [job.params["use_case"]]
    elif "use_cases" in job.params:
        ids = list(job.params["use_cases"])
    elif "library_objects" in job.params:
        ids = _using(job.params["library_objects"])
        usecase_diagram_index_clear(use_case_ids=ids)  # their diagrams show the objects: drawn again when asked
    elif job.params.get("scope") == "visible":
        ids = list(visible_to(job.user, UseCase.objects.listed().order_by("pk")).values_list("pk", flat=True))
    elif job.params.get("scope") == "all":
        ids = list(UseCase.objects.listed().order_by("pk").values_list("pk", flat=True))
    else:
        raise ValueError("Say what to validate: a use case, or the scope 'visible' or 'all'.")
    return validation_run(use_case_ids=ids, progress=progress)
