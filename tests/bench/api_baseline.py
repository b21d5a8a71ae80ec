"""The baseline of the API benchmark: plain Django views (no DRF) answering with the same rows as JSON, built
straight from the ORM with `.values()` and serialised by `JsonResponse`. They stand for what Django itself costs
to serve the data, so that the API's figures can be read as a ratio to them.

Both views check the API token as the API does (`ucmr.tokens.api_token_authenticate`, one query), answer 401
without one, and apply no per-object permission (the benchmark's user is an administrator, who sees everything:
the rows are the same).

- `use_case_list` (`/bench-baseline/use-cases/?page_size=50`): `count` and `results`, the first `page_size` use
  cases in the API's order (`usecases.selectors.USECASE_ORDERING`) with every field the API's list shows
  (`UseCaseListSerializer`): id, url, html_url, mrid, identifier, name, workspace, workspace_slug, status, nature,
  level_of_depth, prioritisation, classification, view_point, keywords, short_description, revision, created,
  modified, scenario_count, actor_count.
- `use_case_document` (`/bench-baseline/use-cases/<pk>/`): the use case's scalar fields; its versions, objectives,
  KPIs (with objective mRIDs), conditions, relations (related use case's mRID), remarks, drawings, references,
  custom information, actor groupings, actor roles, primary actor / business case / common term mRIDs; its
  scenarios with their conditions, primary actor and requirement mRIDs, and their steps nested by parent
  (`children`), each step with its producer, receiver, primary actor, information object and requirement mRIDs;
  and `libraries`: the actors, information objects (with requirement mRIDs), requirements, requirement categories,
  common terms and business cases it refers to. What it leaves out of the API's document: SGAM and NIST
  placements, the bookkeeping of imported files (`extra`, original mRIDs, reference order), stubs of related use
  cases, the ETag and the links. About 30 queries, whatever the number of steps.
"""

from collections import defaultdict

from django.db.models import Count
from django.http import Http404, JsonResponse
from django.urls import reverse

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from ucmr.tokens import api_token_authenticate
from usecases.models import (
    ActorGrouping,
    ActorRole,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    InformationObject,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
    VersionEntry,
)
from usecases.selectors import USECASE_ORDERING

LIST_FIELDS = (
    "id",
    "mrid",
    "identifier",
    "name",
    "workspace",
    "workspace__slug",
    "status",
    "nature",
    "level_of_depth",
    "prioritisation",
    "classification",
    "view_point",
    "keywords",
    "short_description",
    "revision",
    "created",
    "modified",
    "scenario_count",
    "actor_count",
)
DOCUMENT_FIELDS = (
    "id",
    "mrid",
    "identifier",
    "name",
    "status",
    "workspace__slug",
    "area",
    "scope",
    "short_description",
    "complete_description",
    "level_of_depth",
    "prioritisation",
    "classification",
    "nature",
    "view_point",
    "keywords",
    "revision",
)
STEP_REFS = ("producers", "receivers", "primary_actors", "information_objects", "requirements")
PK_PLACEHOLDER = 987654321


def _unauthorised() -> JsonResponse:
    return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)


def _authenticated(request) -> bool:
    parts = request.headers.get("Authorization", "").split()
    return len(parts) == 2 and parts[0].lower() == "token" and api_token_authenticate(parts[1]) is not None


def _url_pattern(request, name: str) -> str:
    """The absolute URL of `name` for any pk, as a format string (reversed once per request, not per row)."""
    return request.build_absolute_uri(reverse(name, kwargs={"pk": PK_PLACEHOLDER})).replace(str(PK_PLACEHOLDER), "{}")


def use_case_list(request) -> JsonResponse:
    if not _authenticated(request):
        return _unauthorised()
    page_size = min(int(request.GET.get("page_size", 25)), 200)
    use_cases = UseCase.objects.order_by(*USECASE_ORDERING)
    count = use_cases.count()
    rows = list(
        use_cases.annotate(
            scenario_count=Count("scenarios", distinct=True), actor_count=Count("actor_roles", distinct=True)
        ).values(*LIST_FIELDS)[:page_size]
    )
    api_url, html_url = _url_pattern(request, "api:usecase-detail"), _url_pattern(request, "usecases:usecase_detail")
    for row in rows:
        row["workspace_slug"] = row.pop("workspace__slug")
        row["url"] = api_url.format(row["id"])
        row["html_url"] = html_url.format(row["id"])
    return JsonResponse({"count": count, "results": rows})


def _columns(model, *leave_out: str) -> list[str]:
    """The model's columns (foreign keys as their ids) but the primary key, `extra` and `leave_out`."""
    skip = {"id", "extra", "position", "use_case", *leave_out}
    return [field.attname for field in model._meta.concrete_fields if field.name not in skip]


def _rows(model, *leave_out: str, **lookup) -> list[dict]:
    return list(model.objects.filter(**lookup).order_by("position", "id").values(*_columns(model, *leave_out)))


def _refs(field, owner: str, **lookup) -> dict[int, list[str]]:
    """{owner id: [mRID of each target]} from the through table of a many-to-many field."""
    through = field.through
    target = field.field.m2m_reverse_field_name()
    refs: dict[int, list[str]] = defaultdict(list)
    for owner_id, mrid in through.objects.filter(**lookup).order_by("id").values_list(f"{owner}_id", f"{target}__mrid"):
        refs[owner_id].append(mrid)
    return refs


def use_case_document(request, pk: int) -> JsonResponse:
    if not _authenticated(request):
        return _unauthorised()
    document = UseCase.objects.filter(pk=pk).values(*DOCUMENT_FIELDS).first()
    if document is None:
        raise Http404("No such use case.")
    document["workspace"] = document.pop("workspace__slug")
    document["versions"] = _rows(VersionEntry, use_case_id=pk)
    document["objectives"] = _rows(Objective, use_case_id=pk)
    kpis = list(Kpi.objects.filter(use_case_id=pk).order_by("position", "id").values("id", *_columns(Kpi)))
    objective_refs = _refs(Kpi.objectives, "kpi", kpi__use_case_id=pk)
    for kpi in kpis:
        kpi["objective_refs"] = objective_refs.get(kpi.pop("id"), [])
    document["kpis"] = kpis
    document["conditions"] = _rows(Condition, "scenario", use_case_id=pk, scenario__isnull=True)
    document["relations"] = list(
        UseCaseRelation.objects.filter(use_case_id=pk).order_by("position", "id").values("related__mrid", "type")
    )
    document["remarks"] = _rows(Remark, use_case_id=pk)
    document["drawings"] = _rows(Drawing, use_case_id=pk, scenario__isnull=True, step__isnull=True)
    document["references"] = _rows(Reference, use_case_id=pk)
    document["custom_information"] = _rows(CustomInformation, use_case_id=pk)
    document["actor_groupings"] = _rows(ActorGrouping, use_case_id=pk)
    document["actor_roles"] = list(
        ActorRole.objects.filter(use_case_id=pk)
        .order_by("position", "id")
        .values("mrid", "actor__mrid", "grouping__mrid", "further_information")
    )
    document["primary_actor_refs"] = _refs(UseCase.primary_actors, "usecase", usecase_id=pk).get(pk, [])
    document["business_case_refs"] = _refs(UseCase.business_cases, "usecase", usecase_id=pk).get(pk, [])
    document["common_term_refs"] = _refs(UseCase.common_terms, "usecase", usecase_id=pk).get(pk, [])

    scenarios = list(
        Scenario.objects.filter(use_case_id=pk).order_by("position", "id").values("id", *_columns(Scenario))
    )
    conditions = defaultdict(list)
    for condition in Condition.objects.filter(use_case_id=pk, scenario__isnull=False).order_by("position", "id"):
        conditions[condition.scenario_id].append(
            {"mrid": condition.mrid, "kind": condition.kind, "number": condition.number, "name": condition.name}
        )
    scenario_actors = _refs(Scenario.primary_actors, "scenario", scenario__use_case_id=pk)
    scenario_requirements = _refs(Scenario.requirements, "scenario", scenario__use_case_id=pk)
    steps = list(
        Step.objects.filter(scenario__use_case_id=pk)
        .order_by("position", "id")
        .values("id", "scenario_id", "parent_id", *_columns(Step, "scenario", "parent"))
    )
    step_refs = {name: _refs(getattr(Step, name), "step", step__scenario__use_case_id=pk) for name in STEP_REFS}
    children: dict[int | None, list[dict]] = defaultdict(list)
    top_level: dict[int, list[dict]] = defaultdict(list)
    for step in steps:
        step_id, scenario_id, parent_id = step.pop("id"), step.pop("scenario_id"), step.pop("parent_id")
        for name in STEP_REFS:
            step[f"{name.removesuffix('s')}_refs"] = step_refs[name].get(step_id, [])
        step["children"] = children[step_id]
        (children[parent_id] if parent_id else top_level[scenario_id]).append(step)
    for scenario in scenarios:
        scenario_id = scenario.pop("id")
        scenario["conditions"] = conditions.get(scenario_id, [])
        scenario["primary_actor_refs"] = scenario_actors.get(scenario_id, [])
        scenario["requirement_refs"] = scenario_requirements.get(scenario_id, [])
        scenario["steps"] = top_level.get(scenario_id, [])
    document["scenarios"] = scenarios

    actor_ids = set(ActorRole.objects.filter(use_case_id=pk).values_list("actor_id", flat=True))
    for name in ("producers", "receivers", "primary_actors"):
        through = getattr(Step, name).through
        actor_ids.update(through.objects.filter(step__scenario__use_case_id=pk).values_list("actor_id", flat=True))
    object_ids = Step.information_objects.through.objects.filter(step__scenario__use_case_id=pk).values(
        "informationobject_id"
    )
    information_objects = list(
        InformationObject.objects.filter(pk__in=object_ids)
        .order_by("identifier", "name")
        .values("id", *_columns(InformationObject))
    )
    object_requirements = _refs(
        InformationObject.requirements, "informationobject", informationobject_id__in=object_ids
    )
    for item in information_objects:
        item["requirement_refs"] = object_requirements.get(item.pop("id"), [])
    requirement_ids = set(
        Step.requirements.through.objects.filter(step__scenario__use_case_id=pk).values_list(
            "requirement_id", flat=True
        )
    )
    requirement_ids.update(
        InformationObject.requirements.through.objects.filter(informationobject_id__in=object_ids).values_list(
            "requirement_id", flat=True
        )
    )
    requirements = list(
        Requirement.objects.filter(pk__in=requirement_ids)
        .order_by("identifier", "name")
        .values("mrid", "identifier", "name", "description", "category_id")
    )
    categories = RequirementCategory.objects.filter(pk__in={row["category_id"] for row in requirements})
    document_libraries = {
        "actors": list(
            Actor.objects.filter(pk__in=actor_ids).order_by("name").values("mrid", "name", "type", "description")
        ),
        "information_objects": information_objects,
        "requirements": requirements,
        "requirement_categories": list(categories.values("id", "mrid", "identifier", "name", "description")),
        "common_terms": list(
            CommonTerm.objects.filter(use_cases=pk).order_by("term").values("mrid", "term", "definition")
        ),
        "business_cases": list(
            BusinessCase.objects.filter(use_cases=pk).order_by("name").values("mrid", "name", "description")
        ),
    }
    return JsonResponse({"id": pk, "document": document, "libraries": document_libraries})
