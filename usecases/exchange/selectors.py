"""Reads for the export: the use cases a user may see, with everything the document holds loaded in a fixed
number of queries (whatever the number of use cases, scenarios or steps)."""

import functools
import operator

from django.core.files.storage import default_storage
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from actors.models import Actor
from requirements.models import RequirementCategory
from sgam.models import NistPlacement, SgamPlacement
from ucmr.models import BackgroundJob
from ucmr.permissions import visible_to
from usecases.analysis.facts import STEP_LINKS, step_link_rows
from usecases.exchange.records import split_extra
from usecases.exchange.use_cases import PLACEHOLDER
from usecases.models import ActorRole, BusinessCase, InformationObject, Kpi, Step, UseCase, UseCaseRelation
from usecases.querysets import rows_exist_in, rows_exist_mask

# The kind of the background job that writes a big export (`services.export_job_run`).
EXPORT_JOB_KIND = "xml_export"
MAX_LISTED_IDS = 500  # ids written into a query (SQLite takes 32,766 parameters, older builds 999)


def rows(name: str, queryset: QuerySet | None = None) -> Prefetch:
    """A prefetch into a plain list `exported_<name>`: reading it costs nothing, where `.all()` on a prefetched
    relation builds a manager and a queryset each time (most of the export's time, measured)."""
    return Prefetch(name, queryset=queryset, to_attr=f"exported_{name}")


def exported(obj, name: str) -> list:
    """A relation of an object loaded for the export (`rows`), read as `analysis.facts.usecase_facts` reads one."""
    return getattr(obj, f"exported_{name}")


def _placements() -> tuple[Prefetch, Prefetch]:
    """Placements with their cells joined, not prefetched: Django 5.2 prefetches a foreign key with one OR term per
    row, which SQLite refuses beyond 1,000 rows."""
    return (
        rows("sgam_placements", SgamPlacement.objects.select_related("layer", "domain", "zone")),
        rows("nist_placements", NistPlacement.objects.select_related("nist_domain")),
    )


def _visible(user, use_cases: QuerySet[UseCase]) -> QuerySet[UseCase]:
    """`user=None` is the system (a management command run by an administrator): it sees everything."""
    return use_cases if user is None else visible_to(user, use_cases)


# The relations of a use case that its document reads, as paths from the use case. The export reads a relation only
# where one of its use cases has rows there (whether each has is a column of the query that reads the use cases):
# most use cases leave most of the template's tables empty, and a query that finds nothing costs as much of a
# request's time as one that finds rows.
USECASE_RELATIONS = (
    ("versions",),
    ("objectives",),
    ("conditions",),
    ("remarks",),
    ("drawings",),
    ("actor_groupings",),
    ("references",),
    ("custom_information",),
    ("common_terms",),
    ("primary_actors",),
    ("kpis",),
    ("relations",),
    ("actor_roles",),
    ("actor_roles", "sgam_placements"),
    ("actor_roles", "nist_placements"),
    ("scenarios",),
    ("scenarios", "primary_actors"),
    ("scenarios", "requirements"),
    ("scenarios", "steps"),
    *(("scenarios", "steps", name) for name in STEP_LINKS),
    ("business_cases",),
    ("sgam_placements",),
    ("nist_placements",),
)


def _read(objects: list, name: str, present: set[tuple[str, ...]], path: tuple[str, ...], prefetch: Prefetch) -> None:
    """Prefetch `name` onto `objects` where some use case has rows at `path`, else give each an empty list."""
    if path in present:
        prefetch_related_objects(objects, prefetch)
    else:
        for obj in objects:
            setattr(obj, f"exported_{name}", [])


def usecase_export_list(*, user, use_cases: QuerySet[UseCase]) -> list[UseCase]:
    """The use cases of `use_cases` that `user` may see, with all their rows and the library objects they use,
    each relation as a list `exported_<relation>` (the placements of actors in one use case too: they decide which
    SGAM diagrams the use case has). A relation none of them has rows in costs no query."""
    visible = _visible(user, use_cases)
    loaded = list(
        UseCase.objects.filter(pk__in=visible.values("pk"))
        .select_related("workspace")
        .annotate(has_rows=rows_exist_mask(UseCase, USECASE_RELATIONS))
    )
    present = rows_exist_in(functools.reduce(operator.or_, (item.has_rows for item in loaded), 0), USECASE_RELATIONS)
    simple = ("versions", "objectives", "conditions", "remarks", "drawings", "actor_groupings", "references")
    for name in (*simple, "custom_information", "common_terms", "primary_actors"):
        _read(loaded, name, present, (name,), rows(name))
    _read(loaded, "kpis", present, ("kpis",), rows("kpis", Kpi.objects.prefetch_related(rows("objectives"))))
    _read(
        loaded,
        "relations",
        present,
        ("relations",),
        rows("relations", UseCaseRelation.objects.select_related("related")),
    )
    _read(
        loaded, "actor_roles", present, ("actor_roles",), rows("actor_roles", ActorRole.objects.select_related("actor"))
    )
    roles = [role for item in loaded for role in item.exported_actor_roles]
    for prefetch in _placements():
        name = prefetch.to_attr.removeprefix("exported_")
        _read(roles, name, present, ("actor_roles", name), prefetch)
    _read(loaded, "scenarios", present, ("scenarios",), rows("scenarios"))
    scenarios = [scenario for item in loaded for scenario in item.exported_scenarios]
    _read(scenarios, "primary_actors", present, ("scenarios", "primary_actors"), rows("primary_actors"))
    _read(scenarios, "requirements", present, ("scenarios", "requirements"), rows("requirements"))
    steps = rows("steps", Step.objects.order_by("position", "id"))
    _read(scenarios, "steps", present, ("scenarios", "steps"), steps)
    business_cases = rows("business_cases", BusinessCase.objects.prefetch_related(rows("areas")))
    _read(loaded, "business_cases", present, ("business_cases",), business_cases)
    for prefetch in _placements():
        name = prefetch.to_attr.removeprefix("exported_")
        _read(loaded, name, present, (name,), prefetch)
    links = [name for name in STEP_LINKS if ("scenarios", "steps", name) in present]
    # The steps of the use cases read, named by their ids while they are few: the link tables' queries nest this one,
    # and with the permission filter in it they took longer to compile than to run.
    read = [item.pk for item in loaded] if len(loaded) <= MAX_LISTED_IDS else visible.values("pk")
    step_link_rows(loaded, Step.objects.filter(scenario__use_case__in=read), links=links)
    return loaded


def usecase_export_order(*, user, use_cases: QuerySet[UseCase], key) -> tuple[list[int], list[int]]:
    """The pks of the use cases of `use_cases` that `user` may see: those exported in full in the file's order
    (`key(workspace name, identifier, name, mrid)`), and the placeholders, which are written as stubs. One query,
    reading a few columns a row, for exports too big to load at once."""
    rows = (
        UseCase.objects.filter(pk__in=_visible(user, use_cases).values("pk"))
        .order_by()
        .values_list("pk", "workspace__name", "identifier", "name", "mrid", "extra")
    )
    full: list[tuple[tuple, int]] = []
    placeholders: list[int] = []
    for pk, workspace_name, identifier, name, mrid, extra in rows.iterator(chunk_size=2000):
        if split_extra(extra)[1].get(PLACEHOLDER):
            placeholders.append(pk)
        else:
            full.append((key(workspace_name, identifier, name, mrid), pk))
    full.sort()
    return [pk for _, pk in full], placeholders


def usecase_export_get(*, user, pk) -> QuerySet[UseCase]:
    """The use case with this pk as a one-row queryset, for the export; a 404 when the user may not see it."""
    use_cases = _visible(user, UseCase.objects.filter(pk=pk))
    if not use_cases.exists():
        raise Http404("No such use case.")
    return use_cases


def export_job_file_get(*, user, pk) -> tuple[BackgroundJob, str]:
    """The export job with this pk and the storage name of its file, for those who may see the job (the user who
    started it, and administrators); a 404 for anyone else, and while there is no file (the job has not
    succeeded, or its file expired)."""
    jobs = BackgroundJob.objects.filter(kind=EXPORT_JOB_KIND, status=BackgroundJob.Status.SUCCEEDED)
    job = visible_to(user, jobs).filter(pk=pk).first()
    name = export_job_file_name(job=job) if job is not None else None
    if name is None:
        raise Http404("No such export, or its file is no longer kept; export again.")
    return job, name


def export_job_file_name(*, job: BackgroundJob) -> str | None:
    """The storage name of a succeeded export job's file while it is there, else None."""
    result = job.result if isinstance(job.result, dict) else {}
    name = result.get("output") if job.kind == EXPORT_JOB_KIND else None
    return name if name and default_storage.exists(name) else None


def usecase_visible_ids(*, user, pks: set[int]) -> set[int]:
    """Which of these use cases the user may see (one query): related use cases are only named when visible."""
    if not pks:
        return set()
    return set(_visible(user, UseCase.objects.filter(pk__in=pks)).values_list("pk", flat=True))


def library_details(*, actors: list[Actor], information_objects: list[InformationObject]) -> None:
    """Placements of the actors and information objects, and the requirements of the latter (three queries per
    kind at most, however many objects; the same object may be listed several times, as different instances)."""
    prefetch_related_objects(actors, *_placements())
    prefetch_related_objects(information_objects, rows("requirements"), *_placements())


def requirement_category_all() -> dict[int, RequirementCategory]:
    """Every category, to walk up to the root of a requirement's category without a query per level."""
    return {category.pk: category for category in RequirementCategory.objects.all()}
