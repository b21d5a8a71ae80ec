"""Reads of use cases, workspaces and the section 5 and 7 libraries.

Every function returns only rows the user may see (`ucmr.permissions.visible_to`), eager-loaded for the page
that shows them: the number of queries does not grow with the number of rows.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from requirements.models import Requirement
from ucmr.models import ChangeLogEntry
from ucmr.permissions import visible_to
from usecases.models import CommonTerm, Drawing, InformationObject, Step, UseCase, Workspace

# A use case shaped for reading lives in usecases/reading.py; the pages, the authoring tables and the template
# read it from here.
from usecases.reading import ActorGroup as ActorGroup
from usecases.reading import DrawingRow as DrawingRow
from usecases.reading import RelationRow as RelationRow
from usecases.reading import RequirementGroup as RequirementGroup
from usecases.reading import ScenarioSection as ScenarioSection
from usecases.reading import StepNode as StepNode
from usecases.reading import UseCaseDocument as UseCaseDocument
from usecases.reading import step_rows as step_rows
from usecases.reading import step_tree as step_tree
from usecases.reading import usecase_document as usecase_document
from usecases.reading import usecase_document_assemble as usecase_document_assemble

# Meta.ordering plus the primary key, so that pages of a long list never share or skip a row.
USECASE_ORDERING = ("workspace__name", "identifier", "name", "pk")
# The orders the list offers (`?sort=key`, `?sort=-key` the other way round), by key, with their column labels.
USECASE_SORTS = {"id": "ID", "name": "Name", "workspace": "Workspace", "status": "Status", "changed": "Last changed"}
# The library objects a use case shows as they are now (names, descriptions, placements, requirements): a change to
# one changes no use case's revision. Every write of them is recorded in the audit trail (`library_stamp`).
LIBRARY_MODELS = (
    ("actors", "actor"),
    ("usecases", "informationobject"),
    ("usecases", "commonterm"),
    ("usecases", "businesscase"),
    ("usecases", "area"),
    ("requirements", "requirement"),
    ("requirements", "requirementcategory"),
    ("sgam", "sgamplacement"),
    ("sgam", "nistplacement"),
)
STATUS_ORDER = [UseCase.Status.DRAFT, UseCase.Status.IN_REVIEW, UseCase.Status.APPROVED, UseCase.Status.PUBLISHED]


def workspace_list(*, user) -> QuerySet[Workspace]:
    return visible_to(user, Workspace.objects.order_by("name"))


def usecase_list(*, user) -> QuerySet[UseCase]:
    """What a list row shows: workspace, SGAM/NIST placement, numbers of scenarios and actors."""
    return visible_to(user, UseCase.objects.listed().with_related().with_counts()).order_by(*USECASE_ORDERING)


def usecase_key_list(*, user) -> QuerySet[UseCase]:
    """The use cases the user may see, in the list's order, with nothing loaded but their columns: what the list page's
    filters narrow and its page's keys are read from (`usecase_row_list` then reads those rows)."""
    return visible_to(user, UseCase.objects.listed()).order_by(*USECASE_ORDERING)


def usecase_row_list() -> QuerySet[UseCase]:
    """What a row of the list page shows (workspace, SGAM domains and zones, numbers of scenarios and actors), for
    use cases found among those a user may see (`usecase_key_list`): the placements with their domain and zone in one
    query, not one per relation, in no order (a row lists its domains and zones each in their own order)."""
    from sgam.models import SgamPlacement

    placements = SgamPlacement.objects.select_related("domain", "zone").order_by()
    return (
        UseCase.objects.select_related("workspace")
        .prefetch_related(Prefetch("sgam_placements", queryset=placements))
        .with_counts()
    )


def usecase_brief_list(*, user) -> QuerySet[UseCase]:
    """What the API's list shows: the header, the workspace and the counts (no placements)."""
    use_cases = UseCase.objects.listed().select_related("workspace").with_counts()
    return visible_to(user, use_cases).order_by(*USECASE_ORDERING)


def usecase_sorted(queryset: QuerySet[UseCase], sort: str) -> QuerySet[UseCase]:
    """`queryset` in the order `sort` names (a key of USECASE_SORTS, "-" first for the other way round), then in the
    list's usual order. Statuses sort in the order of the workflow, not of their names."""
    key = sort.removeprefix("-")
    expression = {
        "id": F("identifier"),
        "name": F("name"),
        "workspace": F("workspace__name"),
        "status": Case(
            *(When(status=status, then=Value(number)) for number, status in enumerate(STATUS_ORDER)),
            output_field=IntegerField(),
        ),
        "changed": F("modified"),
    }[key]
    ordered = expression.desc() if sort.startswith("-") else expression.asc()
    return queryset.order_by(ordered, *USECASE_ORDERING)


def usecase_nature_list(*, user) -> list[str]:
    """The natures (BUC, SUC, ...) that visible use cases have, for a filter's choices."""
    natures = (
        visible_to(user, UseCase.objects.listed().exclude(nature=""))
        .order_by("nature")
        .values_list("nature", flat=True)
    )
    return list(natures.distinct())


def library_stamp() -> tuple:
    """The latest recorded change to a library object (every write is recorded in the audit trail): what a cached
    view of a use case that shows library objects is keyed by (one query)."""
    types = ContentType.objects.get_for_models(*(apps.get_model(*name) for name in LIBRARY_MODELS)).values()
    latest = ChangeLogEntry.objects.filter(content_type__in=types).order_by("-id").values_list("id", "time").first()
    return latest or ()


def usecase_get(*, user, pk) -> UseCase:
    """The whole document (sections 1 to 8) of a use case the user may see; a 404 for any other."""
    return get_object_or_404(visible_to(user, UseCase.objects.with_document()), pk=pk)


def usecase_by_mrid_get(*, user, mrid) -> UseCase:
    """As `usecase_get`, found by the mRID that names the use case in every repository holding it."""
    return get_object_or_404(visible_to(user, UseCase.objects.with_document()), mrid=mrid)


def usecase_header_list(*, user) -> QuerySet[UseCase]:
    """The use cases the user may see, with their workspaces (one use case's header, for the API)."""
    return visible_to(user, UseCase.objects.select_related("workspace", "created_by")).order_by(*USECASE_ORDERING)


def usecase_header_get(*, user, pk) -> UseCase:
    """A use case the user may see with its workspace only (for forms and workflow steps); a 404 for any other."""
    return get_object_or_404(usecase_header_list(user=user), pk=pk)


def step_list(*, user) -> QuerySet[Step]:
    """Steps of the visible use cases with their scenario and use case, grouped by use case in list order."""
    use_case_order = [f"scenario__use_case__{name}" for name in USECASE_ORDERING]
    return (
        Step.objects.filter(scenario__use_case__in=visible_to(user, UseCase.objects.all()))
        .select_related("scenario__use_case__workspace")
        .order_by(*use_case_order, "scenario__position", "scenario_id", "position", "pk")
    )


def drawing_image_get(*, user, pk) -> Drawing:
    """A drawing with an uploaded image, of a use case the user may see."""
    drawings = Drawing.objects.filter(use_case__in=visible_to(user, UseCase.objects.all())).exclude(image="")
    return get_object_or_404(drawings.select_related("use_case"), pk=pk)


def information_object_list(*, user) -> QuerySet[InformationObject]:
    """With `step_count`: the steps of use cases the user may see that exchange it; `id_shared`: whether another
    object has the same ID (files reuse IDs such as "Info1" for unrelated objects); `origin`: the name of the first
    visible use case whose steps exchange it, which tells such objects apart."""
    visible = visible_to(user, UseCase.objects.all())
    same_id = InformationObject.objects.filter(identifier__iexact=OuterRef("identifier")).exclude(pk=OuterRef("pk"))
    origin = UseCase.objects.filter(
        pk__in=visible.values("pk"), scenarios__steps__information_objects=OuterRef("pk")
    ).order_by("pk")
    information_objects = (
        InformationObject.objects.with_related()
        .with_counts(use_cases=visible)
        .annotate(id_shared=Exists(same_id.exclude(identifier="")), origin=Subquery(origin.values("name")[:1]))
    )
    return visible_to(user, information_objects).order_by("identifier", "name", "pk")


def information_object_get(*, user, pk) -> InformationObject:
    """With `visible_steps`: the steps of visible use cases that exchange it."""
    information_objects = InformationObject.objects.with_related().prefetch_related(
        "requirements__category", Prefetch("steps", queryset=step_list(user=user), to_attr="visible_steps")
    )
    return get_object_or_404(visible_to(user, information_objects), pk=pk)


def common_term_list(*, user) -> QuerySet[CommonTerm]:
    """With `use_case_count`: the use cases the user may see that define the term."""
    counted = Q(use_cases__in=visible_to(user, UseCase.objects.all()))
    terms = CommonTerm.objects.annotate(use_case_count=Count("use_cases", filter=counted, distinct=True))
    return visible_to(user, terms).order_by("term", "pk")


def common_term_get(*, user, pk) -> CommonTerm:
    return get_object_or_404(visible_to(user, CommonTerm.objects.all()), pk=pk)


def information_object_api_list(*, user) -> QuerySet[InformationObject]:
    """The information objects the user may see with the ids of their requirements: what an API row shows."""
    requirements = Prefetch("requirements", queryset=Requirement.objects.only("pk"))
    return visible_to(user, InformationObject.objects.prefetch_related(requirements)).order_by(
        "identifier", "name", "pk"
    )


def common_term_api_list(*, user) -> QuerySet[CommonTerm]:
    """The common terms the user may see, with nothing more: what an API row shows."""
    return visible_to(user, CommonTerm.objects.order_by("term", "pk"))
