"""The dumper: a fixed number of queries whatever the number of use cases, only what the user may see, and every
table of the template in the document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UseCaseFactory, WorkspaceFactory, make_complete_use_case, member_of
from usecases.exchange.dumper import repository_export
from usecases.models import UseCase, UseCaseRelation
from usecases.xml import schema_problems, write_variant_c
from usecases.xml.document import GeneratedDrawing

pytestmark = pytest.mark.django_db


def _generated(use_case) -> list:
    drawings = [*use_case.drawings, *(drawing for scenario in use_case.scenarios for drawing in scenario.drawings)]
    return [drawing for drawing in drawings if isinstance(drawing, GeneratedDrawing)]


def _export_counting_queries(user) -> tuple[int, object]:
    user = type(user).objects.get(pk=user.pk)  # no permissions cached from an earlier export
    with CaptureQueriesContext(connection) as queries:
        document = repository_export(user=user, use_cases=UseCase.objects.all())
    return len(queries), document


def test_the_export_runs_the_same_number_of_queries_for_2_and_for_20_use_cases(repository_reader):
    for _ in range(2):
        make_complete_use_case(steps=9)
    few, small = _export_counting_queries(repository_reader)
    for _ in range(18):
        make_complete_use_case(steps=30)

    many, large = _export_counting_queries(repository_reader)

    assert len(large.full_use_cases) == UseCase.objects.count() == 10 * len(small.full_use_cases)
    assert many == few
    for document in (small, large):  # the generated diagrams are in the count: actors, NIST, one per scenario, SGAM
        assert all(len(_generated(use_case)) >= 2 + len(use_case.scenarios) for use_case in document.full_use_cases)
    assert sum(len(scenario.steps) for use_case in large.use_cases for scenario in use_case.scenarios) > 100


def test_the_document_holds_every_table_and_validates(repository_reader):
    complete = make_complete_use_case(steps=12)

    document = repository_export(user=repository_reader, use_cases=UseCase.objects.all())

    [use_case] = [use_case for use_case in document.full_use_cases if use_case.mrid == str(complete.mrid)]
    filled = {
        name: bool(getattr(use_case, name))
        for name in (
            "versions",
            "objectives",
            "kpis",
            "conditions",
            "relations",
            "remarks",
            "actor_groupings",
            "references",
            "scenarios",
            "custom_information",
            "common_term_refs",
            "business_case_refs",
            "sgam",
            "nist",
        )
    }
    assert all(filled.values()), filled
    drawings = [*use_case.drawings, *(drawing for scenario in use_case.scenarios for drawing in scenario.drawings)]
    assert drawings
    assert document.actors and document.information_objects and document.requirement_categories
    assert (use_case.status, use_case.workspace) == ("draft", complete.workspace.name)
    assert schema_problems(data=write_variant_c(document=document)) == []


def test_only_what_the_user_may_see_is_exported_and_hidden_related_use_cases_are_not_named():
    mine, theirs = WorkspaceFactory(), WorkspaceFactory()
    viewer = member_of(mine, "viewer")
    shown = UseCaseFactory(workspace=mine, name="Shown")
    hidden = UseCaseFactory(workspace=theirs, name="Secret plans")
    public = UseCaseFactory(workspace=theirs, name="Published elsewhere", status=UseCase.Status.PUBLISHED)
    for position, related in enumerate((hidden, public)):
        UseCaseRelation.objects.create(use_case=shown, related=related, position=position)

    document = repository_export(user=viewer, use_cases=UseCase.objects.all())

    assert sorted(use_case.name for use_case in document.full_use_cases) == ["Published elsewhere", "Shown"]
    assert "Secret plans" not in write_variant_c(document=document).decode()
    [exported] = [use_case for use_case in document.full_use_cases if use_case.name == "Shown"]
    assert [relation.use_case_ref for relation in exported.relations] == [str(public.mrid)]


def test_related_use_cases_outside_the_selection_travel_as_stubs(repository_reader):
    source = UseCaseFactory(name="Source")
    target = UseCaseFactory(name="Target", identifier="UC-T", nature="SUC")
    UseCaseRelation.objects.create(use_case=source, related=target, type="include")

    document = repository_export(user=repository_reader, use_cases=UseCase.objects.filter(pk=source.pk))

    [full] = document.full_use_cases
    [stub] = [use_case for use_case in document.use_cases if use_case.is_stub]
    assert (stub.mrid, stub.identifier, stub.name, stub.nature) == (str(target.mrid), "UC-T", "Target", "SUC")
    assert [(relation.use_case_ref, relation.type) for relation in full.relations] == [(stub.mrid, "include")]
