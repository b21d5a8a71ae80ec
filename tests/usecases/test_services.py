import pytest
from django.core.exceptions import ValidationError

from actors.services import actor_create
from sgam.models import Domain
from sgam.services import sgam_placement_add
from tests.factories import ActorFactory, ObjectiveFactory, ScenarioFactory, UseCaseFactory, WorkspaceFactory
from ucmr.models import ChangeLogEntry
from usecases.models import Condition, Kpi, Objective, Scenario, Step, UseCase
from usecases.services import (
    usecase_create,
    usecase_row_create,
    usecase_row_delete,
    usecase_row_update,
    usecase_rows_reorder,
    usecase_update,
)

pytestmark = pytest.mark.django_db


def test_create_strips_names_records_author_and_audit(staff_user):
    workspace = WorkspaceFactory()
    use_case = usecase_create(user=staff_user, workspace=workspace, data={"name": "  Congestion  ", "identifier": "B1"})
    assert use_case.name == "Congestion"
    assert use_case.created_by == staff_user
    entry = ChangeLogEntry.objects.get(object_id=str(use_case.pk))
    assert entry.action == "create" and entry.user == staff_user and entry.after["name"] == "Congestion"


def test_identifier_unique_per_workspace_but_blank_never_collides(staff_user):
    workspace = WorkspaceFactory()
    usecase_create(user=staff_user, workspace=workspace, data={"name": "A", "identifier": "UC-1"})
    with pytest.raises(ValidationError, match="already has this ID"):
        usecase_create(user=staff_user, workspace=workspace, data={"name": "B", "identifier": "UC-1"})
    usecase_create(user=staff_user, workspace=WorkspaceFactory(), data={"name": "C", "identifier": "UC-1"})
    usecase_create(user=staff_user, workspace=workspace, data={"name": "D", "identifier": ""})
    usecase_create(user=staff_user, workspace=workspace, data={"name": "E", "identifier": ""})
    assert UseCase.objects.filter(workspace=workspace).count() == 3


def test_blank_name_is_refused_with_field_message(staff_user):
    with pytest.raises(ValidationError) as error:
        usecase_create(user=staff_user, workspace=WorkspaceFactory(), data={"name": "   "})
    assert "name" in error.value.message_dict


def test_unknown_field_is_refused(staff_user):
    with pytest.raises(ValidationError, match="has no field 'colour'"):
        usecase_create(user=staff_user, workspace=WorkspaceFactory(), data={"name": "A", "colour": "red"})


@pytest.mark.parametrize("duplicate", ["DSO", "dso", "  Dso  "])
def test_actor_names_unique_ignoring_case_and_space(staff_user, duplicate):
    actor_create(user=staff_user, data={"name": "DSO", "type": "organisation"})
    with pytest.raises(ValidationError, match="already exists"):
        actor_create(user=staff_user, data={"name": duplicate, "type": "organisation"})


def test_step_numbers_unique_within_scenario_and_parent(staff_user):
    scenario = ScenarioFactory()
    use_case = scenario.use_case
    first = usecase_row_create(
        user=staff_user, use_case=use_case, model=Step, data={"scenario": scenario, "number": "1", "name": "Send"}
    )
    with pytest.raises(ValidationError, match="already has this number"):
        usecase_row_create(
            user=staff_user, use_case=use_case, model=Step, data={"scenario": scenario, "number": "1", "name": "Again"}
        )
    usecase_row_create(
        user=staff_user,
        use_case=use_case,
        model=Step,
        data={"scenario": scenario, "number": "1", "name": "Sub", "parent": first},
    )
    with pytest.raises(ValidationError, match="sub-step of this step already has this number"):
        usecase_row_create(
            user=staff_user,
            use_case=use_case,
            model=Step,
            data={"scenario": scenario, "number": "1", "name": "Sub again", "parent": first},
        )
    other = ScenarioFactory(use_case=use_case)
    usecase_row_create(
        user=staff_user,
        use_case=use_case,
        model=Step,
        data={"scenario": other, "number": "1", "name": "Other scenario"},
    )


def test_step_nesting_cannot_form_a_cycle(staff_user):
    scenario = ScenarioFactory()
    use_case = scenario.use_case
    top = usecase_row_create(user=staff_user, use_case=use_case, model=Step, data={"scenario": scenario, "name": "A"})
    child = usecase_row_create(
        user=staff_user, use_case=use_case, model=Step, data={"scenario": scenario, "name": "B", "parent": top}
    )
    with pytest.raises(ValidationError, match="cannot be nested inside itself"):
        usecase_row_update(user=staff_user, row=top, data={"parent": child})
    with pytest.raises(ValidationError, match="cannot be nested inside itself"):
        usecase_row_update(user=staff_user, row=top, data={"parent": top})
    top.refresh_from_db()
    assert top.parent is None


def test_step_parent_must_be_in_same_scenario(staff_user):
    scenario = ScenarioFactory()
    elsewhere = usecase_row_create(
        user=staff_user,
        use_case=scenario.use_case,
        model=Step,
        data={"scenario": ScenarioFactory(use_case=scenario.use_case), "name": "X"},
    )
    with pytest.raises(ValidationError, match="another scenario"):
        usecase_row_create(
            user=staff_user,
            use_case=scenario.use_case,
            model=Step,
            data={"scenario": scenario, "name": "Y", "parent": elsewhere},
        )


def test_step_of_foreign_scenario_is_refused(staff_user):
    with pytest.raises(ValidationError, match="scenario of this use case"):
        usecase_row_create(
            user=staff_user, use_case=UseCaseFactory(), model=Step, data={"scenario": ScenarioFactory(), "name": "X"}
        )


def test_rows_get_positions_and_reorder_renumbers(staff_user):
    use_case = UseCaseFactory()
    rows = [
        usecase_row_create(user=staff_user, use_case=use_case, model=Objective, data={"name": name})
        for name in ("a", "b", "c")
    ]
    assert [row.position for row in rows] == [1, 2, 3]
    usecase_rows_reorder(user=staff_user, use_case=use_case, rows=[rows[2], rows[0], rows[1]])
    assert list(use_case.objectives.values_list("name", flat=True)) == ["c", "a", "b"]
    with pytest.raises(ValidationError, match="exactly once"):
        usecase_rows_reorder(user=staff_user, use_case=use_case, rows=rows[:2])


def test_every_row_change_bumps_revision_and_stale_writes_are_refused(staff_user):
    use_case = UseCaseFactory()
    start = use_case.revision
    objective = usecase_row_create(user=staff_user, use_case=use_case, model=Objective, data={"name": "o"})
    usecase_row_update(user=staff_user, row=objective, data={"name": "o2"})
    usecase_row_delete(user=staff_user, row=objective)
    use_case.refresh_from_db()
    assert use_case.revision == start + 3
    with pytest.raises(ValidationError, match="Someone else changed this use case"):
        usecase_update(user=staff_user, use_case=use_case, data={"name": "late"}, expected_revision=start)
    use_case.refresh_from_db()
    assert use_case.name != "late"
    usecase_update(user=staff_user, use_case=use_case, data={"name": "fresh"}, expected_revision=use_case.revision)


def test_kpi_refers_only_to_objectives_of_its_use_case(staff_user):
    use_case = UseCaseFactory()
    own, foreign = ObjectiveFactory(use_case=use_case), ObjectiveFactory()
    kpi = usecase_row_create(user=staff_user, use_case=use_case, model=Kpi, data={"name": "k", "objectives": [own]})
    assert list(kpi.objectives.all()) == [own]
    with pytest.raises(ValidationError, match="Not objectives of this use case"):
        usecase_row_create(user=staff_user, use_case=use_case, model=Kpi, data={"name": "k", "objectives": [foreign]})


@pytest.mark.parametrize(
    ("kind", "on_scenario", "ok"),
    [
        ("assumption", False, True),
        ("prerequisite", False, True),
        ("precondition", True, True),
        ("triggering_event", True, True),
        ("precondition", False, False),
        ("assumption", True, False),
    ],
)
def test_condition_kind_matches_its_owner(staff_user, kind, on_scenario, ok):
    scenario = ScenarioFactory()
    data = {"kind": kind, "description": "x", **({"scenario": scenario} if on_scenario else {})}
    if ok:
        usecase_row_create(user=staff_user, use_case=scenario.use_case, model=Condition, data=data)
    else:
        with pytest.raises(ValidationError, match="belong to"):
            usecase_row_create(user=staff_user, use_case=scenario.use_case, model=Condition, data=data)


def test_failed_write_leaves_nothing_behind(staff_user):
    use_case = UseCaseFactory()
    before = (use_case.revision, ChangeLogEntry.objects.count(), Scenario.objects.count())
    with pytest.raises(ValidationError):
        usecase_row_create(user=staff_user, use_case=use_case, model=Scenario, data={"name": ""})
    use_case.refresh_from_db()
    assert (use_case.revision, ChangeLogEntry.objects.count(), Scenario.objects.count()) == before


def test_actor_in_use_is_protected(staff_user):
    from actors.services import actor_delete
    from tests.factories import ActorRoleFactory

    role = ActorRoleFactory()
    with pytest.raises(ValidationError, match="still in use"):
        actor_delete(user=staff_user, actor=role.actor)


def test_sgam_placement_once_per_cell(staff_user):
    use_case = UseCaseFactory()
    der = Domain.objects.get(code="der")
    sgam_placement_add(user=staff_user, subject=use_case, domain=der)
    with pytest.raises(ValidationError, match="already recorded"):
        sgam_placement_add(user=staff_user, subject=use_case, domain=der)
    sgam_placement_add(user=staff_user, subject=ActorFactory(), domain=der)
