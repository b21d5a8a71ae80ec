"""The demo repository of `make run`: complete in every section of the template, valid, and loaded idempotently."""

import json
import shutil
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import NistPlacement, SgamPlacement
from ucmr.models import ChangeLogEntry
from ucmr.permissions import allowed_actions
from usecases.demo import DEMO_DIR, LIBRARY_FILE, demo_load
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Area,
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
    Workspace,
    WorkspaceMembership,
)
from usecases.services import common_term_delete, usecase_row_delete

pytestmark = pytest.mark.django_db

LOADED_MODELS = (
    Workspace,
    Area,
    BusinessCase,
    RequirementCategory,
    Requirement,
    Actor,
    InformationObject,
    CommonTerm,
    UseCase,
    VersionEntry,
    Objective,
    Kpi,
    Condition,
    UseCaseRelation,
    Remark,
    Drawing,
    ActorGrouping,
    ActorRole,
    Reference,
    Scenario,
    Step,
    CustomInformation,
    SgamPlacement,
    NistPlacement,
)
MRID_MODELS = tuple(model for model in LOADED_MODELS if any(field.name == "mrid" for field in model._meta.fields))
SCALARS = (
    "identifier",
    "name",
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
)
TABLES = (
    "versions",
    "objectives",
    "kpis",
    "relations",
    "remarks",
    "drawings",
    "actor_groupings",
    "actor_roles",
    "references",
    "scenarios",
    "custom_information",
    "business_cases",
    "primary_actors",
    "common_terms",
    "sgam_placements",
    "nist_placements",
)
DOCUMENT_PREFETCH = (
    *TABLES,
    "conditions",
    "kpis__objectives",
    "business_cases__areas",
    "sgam_placements__layer",
    "sgam_placements__domain",
    "sgam_placements__zone",
    "actor_roles__actor",
    "scenarios__primary_actors",
    "scenarios__conditions",
    "scenarios__steps__producers",
    "scenarios__steps__receivers",
    "scenarios__steps__information_objects",
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module (a load takes a couple of seconds), rolled back when the module ends.
    Each test runs in its own savepoint inside this transaction, so tests may change the data."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


def _file_mrids() -> list[str]:
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "mrid" in value:
                found.append(value["mrid"])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    for path in DEMO_DIR.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def _state() -> dict:
    """What a second load must not change: how many rows of each kind, the audit trail, the revisions."""
    return {
        "rows": {model.__name__: model.objects.count() for model in LOADED_MODELS},
        "audit": ChangeLogEntry.objects.count(),
        "revisions": dict(UseCase.objects.values_list("mrid", "revision")),
        "modified": dict(UseCase.objects.values_list("mrid", "modified")),
    }


def test_every_demo_object_has_its_own_fixed_mrid_in_the_files():
    mrids = _file_mrids()
    assert len(mrids) == len(set(mrids)), "an mRID is used twice in fixtures/demo"
    assert len(mrids) > 500


def test_demo_loads_a_realistic_repository(demo):
    created = {kind: outcome["created"] for kind, outcome in demo.items()}
    assert not any(outcome["skipped"] for outcome in demo.values())
    assert created["workspace"] == 2
    assert created["usecase"] >= 6 and UseCase.objects.count() == created["usecase"]
    assert created["actor"] >= 20
    assert {actor.type for actor in Actor.objects.all()} >= {"business", "organisation", "person", "system", "device"}
    assert set(InformationObject.objects.values_list("data_class", flat=True)) == set(InformationObject.DataClass)
    assert RequirementCategory.objects.filter(parent__isnull=False).exists()
    assert not Requirement.objects.filter(category__isnull=True).exists()
    # Every library object the files name was created with the mRID the files give it.
    database_mrids = {str(mrid) for model in MRID_MODELS for mrid in model.objects.values_list("mrid", flat=True)}
    assert set(_file_mrids()) == database_mrids


def test_every_actor_and_information_object_is_placed_on_sgam_and_nist(demo):
    for subject in (*Actor.objects.all(), *InformationObject.objects.all()):
        assert subject.sgam_placements.exists(), subject
        assert subject.nist_placements.exists(), subject
    assert InformationObject.objects.exclude(standards="").count() >= 30


def test_every_use_case_fills_every_section_of_the_template(demo):
    use_cases = list(UseCase.objects.select_related("workspace").prefetch_related(*DOCUMENT_PREFETCH))
    assert {use_case.workspace.slug for use_case in use_cases} == {"demo-grid-operators", "demo-market"}
    for use_case in use_cases:
        for field in SCALARS:
            assert getattr(use_case, field), f"{use_case.identifier}: {field} is empty"
        assert use_case.short_description_words < 150, use_case.identifier
        for table in TABLES:
            assert getattr(use_case, table).all(), f"{use_case.identifier}: {table} is empty"
        kinds = {condition.kind for condition in use_case.conditions.all() if condition.scenario_id is None}
        assert kinds == {Condition.Kind.ASSUMPTION, Condition.Kind.PREREQUISITE}, use_case.identifier
        assert all(kpi.objectives.all() for kpi in use_case.kpis.all()), use_case.identifier
        assert all(case.areas.all() for case in use_case.business_cases.all()), use_case.identifier
        assert all(cell.layer and cell.domain and cell.zone for cell in use_case.sgam_placements.all())
        assert all(role.grouping for role in use_case.actor_roles.all()), use_case.identifier
        listed = {role.actor for role in use_case.actor_roles.all()}
        assert 2 <= len(use_case.scenarios.all()) <= 3, use_case.identifier
        for scenario in use_case.scenarios.all():
            where = f"{use_case.identifier} scenario {scenario.number}"
            assert scenario.name and scenario.description and scenario.primary_actors.all(), where
            assert {condition.kind for condition in scenario.conditions.all()} == set(Condition.SCENARIO_KINDS), where
            steps = list(scenario.steps.all())
            assert 4 <= len([step for step in steps if step.parent_id is None]) <= 12, where
            for step in steps:
                at = f"{where} step {step.number}"
                assert step.number and step.event and step.name and step.description and step.service, at
                assert step.producers.all() and step.receivers.all(), at
                assert step.information_objects.all(), at
                # Section 3.1 lists every actor that the steps name.
                assert {*step.producers.all(), *step.receivers.all()} <= listed, at


def test_demo_has_nested_steps_and_links_use_cases_to_each_other(demo):
    sub_steps = Step.objects.filter(parent__isnull=False)
    assert sub_steps.count() >= 6
    assert sub_steps.values("scenario__use_case").distinct().count() >= 2
    assert all(step.parent.scenario_id == step.scenario_id for step in sub_steps.select_related("parent"))
    related = UseCaseRelation.objects.values_list("use_case__identifier", "related__identifier")
    assert {source for source, _ in related} == set(UseCase.objects.values_list("identifier", flat=True))
    assert Drawing.objects.filter(scenario__isnull=False).exists()
    assert Drawing.objects.filter(uri_type=Drawing.UriType.UML_DIAGRAM).exists()


def test_demo_went_through_the_services_and_passes_model_validation(demo):
    created = sum(outcome["created"] for outcome in demo.values())
    assert ChangeLogEntry.objects.filter(action=ChangeLogEntry.Action.CREATE).count() == created
    for model in LOADED_MODELS:
        for instance in model.objects.all():
            instance.full_clean()
    for kpi in Kpi.objects.prefetch_related("objectives"):
        kpi.clean_many_to_many({"objectives": list(kpi.objectives.all())})


def test_loading_twice_changes_nothing(demo):
    before = _state()
    again = demo_load()
    assert _state() == before
    assert {kind: outcome["created"] for kind, outcome in again.items()} == dict.fromkeys(demo, 0)
    assert {kind: outcome["skipped"] for kind, outcome in again.items()} == {
        kind: outcome["created"] for kind, outcome in demo.items()
    }


def test_a_use_case_already_present_is_left_as_its_authors_changed_it(demo):
    use_case = UseCase.objects.get(identifier="DEMO-GO-02")
    UseCase.objects.filter(pk=use_case.pk).update(status=UseCase.Status.DRAFT)  # withdrawn, so that it can be edited
    step = Step.objects.filter(scenario__use_case=use_case, parent=None).first()
    usecase_row_delete(user=None, row=step)
    revision = UseCase.objects.get(pk=use_case.pk).revision
    demo_load()
    assert not Step.objects.filter(mrid=step.mrid).exists()
    assert UseCase.objects.get(pk=use_case.pk).revision == revision


def test_a_deleted_library_object_comes_back_with_its_mrid(demo):
    term = CommonTerm.objects.get(term="Last gasp")
    common_term_delete(user=None, common_term=term)
    counts = demo_load()
    assert counts["commonterm"]["created"] == 1
    assert CommonTerm.objects.get(mrid=term.mrid).term == "Last gasp"


def test_a_mistake_in_a_demo_file_is_named_and_nothing_is_written(demo, tmp_path):
    shutil.copy(DEMO_DIR / LIBRARY_FILE, tmp_path / LIBRARY_FILE)
    spec = json.loads((DEMO_DIR / "go_02_ami_outage_management.json").read_text(encoding="utf-8"))
    spec["mrid"], spec["identifier"], spec["relations"] = "00000000-0000-4000-8000-000000000001", "DEMO-BROKEN", []
    spec["scenarios"][1]["steps"][2]["producers"] = ["Head end system"]
    (tmp_path / "broken.json").write_text(json.dumps(spec), encoding="utf-8")
    before = _state()
    with pytest.raises(ValidationError, match=r"broken\.json: no actor 'Head end system'"):
        demo_load(directory=tmp_path)
    assert _state() == before


def test_load_demo_command_prints_one_line(demo, staff_user):
    out = StringIO()
    call_command("load_demo", user=staff_user.username, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert "6 use cases" in lines[0] and "0 objects created" in lines[0]


def test_load_demo_command_refuses_an_unknown_user(demo):
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("load_demo", user="nobody", stdout=StringIO())


def test_ensure_demo_user_makes_an_administrator_and_people_for_every_role(demo, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("ensure_demo_user", stdout=out)
    call_command("ensure_demo_user", stdout=StringIO())  # again: nothing new, nothing breaks

    lines = out.getvalue().splitlines()
    assert lines[0] == "  Sign in as: demo / demo-ucmr"  # the line `make run` users (and CI's smoke test) read
    assert sum("Sign in as:" in line for line in lines) == 1
    for login in (
        "analyst / analyst-ucmr",
        "reviewer / reviewer-ucmr",
        "manager / manager-ucmr",
        "curator / curator-ucmr",
    ):
        assert any(login in line for line in lines), login
    user_model = get_user_model()
    demo_user = user_model.objects.get(username="demo")
    assert demo_user.check_password("demo-ucmr") and demo_user.groups.filter(name="Administrators").exists()
    roles = {
        (membership.user.username, membership.workspace.slug): membership.role
        for membership in WorkspaceMembership.objects.select_related("user", "workspace")
    }
    assert roles == {
        (name, slug): role
        for name, role in [
            ("analyst", "author"),
            ("reviewer", "reviewer"),
            ("manager", "manager"),
            ("viewer", "viewer"),
        ]
        for slug in ("demo-grid-operators", "demo-market")
    }
    in_review = UseCase.objects.filter(status="in_review").first()
    analyst, reviewer = user_model.objects.get(username="analyst"), user_model.objects.get(username="reviewer")
    assert allowed_actions(reviewer, in_review) == {"view", "review", "comment"}
    assert allowed_actions(analyst, in_review) == {"view", "change", "comment"}
    assert user_model.objects.get(username="curator").has_perm("actors.change_actor")


def test_ensure_demo_user_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development"):
        call_command("ensure_demo_user", stdout=StringIO())


def test_demo_use_cases_past_draft_have_the_versions_the_workflow_would_have_frozen(demo, client, staff_user):
    frozen = {
        use_case.identifier: [(s.version_number, s.status) for s in use_case.snapshots.order_by("sequence")]
        for use_case in UseCase.objects.exclude(status=UseCase.Status.DRAFT)
    }
    last_listed = {
        use_case.identifier: use_case.versions.order_by("-position").values_list("number", flat=True).first()
        for use_case in UseCase.objects.exclude(status=UseCase.Status.DRAFT)
    }
    for identifier, status in UseCase.objects.exclude(status=UseCase.Status.DRAFT).values_list("identifier", "status"):
        if status == UseCase.Status.IN_REVIEW:
            assert frozen[identifier] == [(f"{float(last_listed[identifier]) + 0.1:.1f} submission 1", status)]
        else:
            assert frozen[identifier] == [(last_listed[identifier], status)], identifier
    published = UseCase.objects.filter(status=UseCase.Status.PUBLISHED).first()
    client.force_login(staff_user)
    page = client.get(reverse("usecases:usecase_versions", kwargs={"pk": published.pk})).content.decode()
    assert "No version has been submitted, approved or published yet" not in page
    assert f"{last_listed[published.identifier]}</a>" in page
