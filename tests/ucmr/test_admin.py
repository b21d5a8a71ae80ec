import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms import FileField, MultiWidget
from django.urls import reverse

from actors.models import Actor
from actors.services import actor_create
from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from tests.factories import (
    ActorFactory,
    ActorGroupingFactory,
    ActorRoleFactory,
    AreaFactory,
    BusinessCaseFactory,
    CommonTermFactory,
    ConditionFactory,
    CustomInformationFactory,
    DrawingFactory,
    InformationObjectFactory,
    KpiFactory,
    ObjectiveFactory,
    ReferenceFactory,
    RemarkFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
    VersionEntryFactory,
    WorkspaceFactory,
    WorkspaceMembershipFactory,
)
from ucmr.jobs import job_create
from ucmr.models import BackgroundJob, ChangeLogEntry
from usecases.models import Condition, Objective, StatusChange, Step, UseCase, UseCaseSnapshot
from usecases.services import usecase_update
from usecases.workflow import usecase_approve

pytestmark = pytest.mark.django_db

READ_ONLY_MODELS = {ChangeLogEntry, BackgroundJob, Layer, Domain, Zone, NistDomain, StatusChange, UseCaseSnapshot}
# django-axes' records of sign-ins are written by sign-ins only (deleting an access attempt unlocks its username).
SIGN_IN_RECORDS = {AccessAttempt, AccessLog, AccessFailureLog}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def repository(superuser):
    """One row of every model, so lists and change pages render real values."""
    use_case = UseCaseFactory()
    scenario = ScenarioFactory(use_case=use_case)
    step = StepFactory(scenario=scenario)
    StepFactory(scenario=scenario, parent=step, number="1.1")
    objective = ObjectiveFactory(use_case=use_case)
    KpiFactory(use_case=use_case).objectives.add(objective)
    VersionEntryFactory(use_case=use_case)
    ConditionFactory(use_case=use_case)
    ConditionFactory(use_case=use_case, scenario=scenario, kind=Condition.Kind.PRECONDITION)
    UseCaseRelationFactory(use_case=use_case, related=UseCaseFactory(workspace=use_case.workspace))
    RemarkFactory(use_case=use_case)
    DrawingFactory(use_case=use_case, scenario=scenario)
    grouping = ActorGroupingFactory(use_case=use_case)
    ActorRoleFactory(use_case=use_case, grouping=grouping)
    ReferenceFactory(use_case=use_case)
    CustomInformationFactory(use_case=use_case)
    BusinessCaseFactory().areas.add(AreaFactory())
    CommonTermFactory()
    InformationObjectFactory().requirements.add(RequirementFactory())
    SgamPlacement.objects.create(use_case=use_case, domain=Domain.objects.first(), zone=Zone.objects.first())
    NistPlacement.objects.create(actor=ActorFactory(), nist_domain=NistDomain.objects.first())
    actor_create(user=superuser, data={"name": "Market operator", "type": "organisation"})
    job_create(user=superuser, kind="repository_stats")
    reviewed = UseCaseFactory(workspace=use_case.workspace, status=UseCase.Status.IN_REVIEW)
    usecase_approve(user=superuser, use_case=reviewed)  # a status change and a frozen version
    WorkspaceMembershipFactory(workspace=use_case.workspace)
    return use_case


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _post_data(response) -> dict:
    """What the browser posts back for an admin change page as rendered: main form and every inline."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(field, FileField):
                continue  # nothing uploaded: the stored file stays
            if isinstance(widget, MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else part
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = value
    return data


def test_every_admin_list_add_and_change_page_renders(admin_client, repository):
    assert len(admin.site._registry) >= 30
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(_url(model, "changelist"))
        assert response.status_code == 200, f"{model.__name__} list"
        if model_admin.search_fields:
            searched = admin_client.get(_url(model, "changelist"), {"q": "1"})
            assert searched.status_code == 200, f"{model.__name__} search"
        add = admin_client.get(_url(model, "add"))
        assert add.status_code == (403 if model in READ_ONLY_MODELS | SIGN_IN_RECORDS else 200), f"{model.__name__} add"
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            change = admin_client.get(_url(model, "change", obj.pk))
            assert change.status_code == 200, f"{model.__name__} change page"


def test_use_case_change_page_shows_every_table_as_an_inline(admin_client, repository):
    response = admin_client.get(_url(UseCase, "change", repository.pk))

    assert response.status_code == 200
    prefixes = {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}
    assert prefixes == {
        "versions",
        "objectives",
        "kpis",
        "conditions",
        "relations",
        "remarks",
        "drawings",
        "actor_groupings",
        "actor_roles",
        "references",
        "scenarios",
        "custom_information",
    }
    conditions = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "conditions")
    assert [form.instance.kind for form in conditions.forms] == [Condition.Kind.ASSUMPTION]  # not the pre-condition


def test_saving_a_use_case_with_inline_rows_goes_through_the_services(admin_client, superuser, repository):
    use_case, actor = repository, ActorFactory(name="DSO")
    revision = use_case.revision
    url = _url(UseCase, "change", use_case.pk)
    data = _post_data(admin_client.get(url))
    data["name"] = "Congestion management"
    data["primary_actors"] = [str(actor.pk)]
    data["objectives-0-name"] = "Keep the grid within limits"
    data["objectives-TOTAL_FORMS"] = 2
    data["objectives-1-name"] = "  Lower cost  "
    data["objectives-1-description"] = "Added in the admin."
    data["remarks-0-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    use_case.refresh_from_db()
    assert use_case.name == "Congestion management" and list(use_case.primary_actors.all()) == [actor]
    assert use_case.revision == revision + 4  # the use case, two objectives, one remark
    assert list(use_case.objectives.values_list("name", flat=True)) == ["Keep the grid within limits", "Lower cost"]
    assert not use_case.remarks.exists()
    entries = ChangeLogEntry.objects.filter(related_object_id=str(use_case.pk)) | ChangeLogEntry.objects.filter(
        object_id=str(use_case.pk), content_type__model="usecase"
    )
    changes = {(entry.content_type.model, entry.action): entry for entry in entries}
    assert set(changes) == {
        ("usecase", "update"),
        ("objective", "update"),
        ("objective", "create"),
        ("remark", "delete"),
    }
    assert all(entry.user == superuser for entry in entries)
    update = changes[("usecase", "update")]
    assert update.before["primary_actors"] == [] and update.after["primary_actors"] == [actor.pk]
    assert update.after["name"] == "Congestion management" and update.before["name"] != "Congestion management"
    created = Objective.objects.get(name="Lower cost")
    assert changes[("objective", "create")].object_id == str(created.pk)
    assert created.position > use_case.objectives.get(name="Keep the grid within limits").position  # went last


def test_adding_a_use_case_in_the_admin_records_author_and_change(admin_client, superuser):
    workspace = WorkspaceFactory()
    data = _post_data(admin_client.get(_url(UseCase, "add")))
    data.update({"workspace": workspace.pk, "name": "Voltage control", "identifier": "UC-V1", "status": "draft"})
    data["versions-TOTAL_FORMS"] = 1
    data["versions-0-number"] = "0.1"
    data["versions-0-authors"] = "A. Analyst"

    response = admin_client.post(_url(UseCase, "add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    use_case = UseCase.objects.get(identifier="UC-V1")
    assert use_case.created_by == superuser and use_case.versions.get().authors == "A. Analyst"
    assert ChangeLogEntry.objects.filter(action="create", object_id=str(use_case.pk)).exists()
    assert ChangeLogEntry.objects.filter(action="create", related_object_id=str(use_case.pk)).count() == 1


def test_steps_saved_in_the_scenario_admin_keep_their_actors_in_the_change_log(admin_client, repository):
    scenario = repository.scenarios.get()
    producer, receiver = ActorFactory(), ActorFactory()
    revision = repository.revision
    url = _url(scenario._meta.model, "change", scenario.pk)
    data = _post_data(admin_client.get(url))
    data["steps-TOTAL_FORMS"] = int(data["steps-TOTAL_FORMS"]) + 1
    new = f"steps-{data['steps-TOTAL_FORMS'] - 1}"
    data.update({f"{new}-number": "2", f"{new}-name": "Send forecast", f"{new}-service": "REPORT"})
    data[f"{new}-producers"] = [str(producer.pk)]
    data[f"{new}-receivers"] = [str(receiver.pk)]

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    step = Step.objects.get(scenario=scenario, number="2")
    assert list(step.producers.all()) == [producer] and list(step.receivers.all()) == [receiver]
    entry = ChangeLogEntry.objects.get(action="create", object_id=str(step.pk), content_type__model="step")
    assert entry.after["producers"] == [producer.pk] and entry.after["receivers"] == [receiver.pk]
    assert entry.related_object_id == str(repository.pk)
    repository.refresh_from_db()
    assert repository.revision == revision + 1


def test_a_use_case_changed_meanwhile_is_not_overwritten(admin_client, superuser, repository):
    url = _url(UseCase, "change", repository.pk)
    data = _post_data(admin_client.get(url))
    usecase_update(user=superuser, use_case=repository, data={"scope": "Changed by a colleague."})
    data["name"] = "My rename"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Someone else changed this use case" in response.content.decode()
    repository.refresh_from_db()
    assert repository.name != "My rename" and repository.scope == "Changed by a colleague."


def test_kpi_objectives_of_another_use_case_are_refused_on_the_form(admin_client, repository):
    kpi = repository.kpis.get()
    foreign = ObjectiveFactory()
    url = _url(kpi._meta.model, "change", kpi.pk)
    data = _post_data(admin_client.get(url))
    data["objectives"] = [str(foreign.pk)]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Not objectives of this use case" in response.content.decode()
    assert list(kpi.objectives.values_list("pk", flat=True)) != [foreign.pk]


def test_library_rows_added_and_deleted_in_the_admin_are_audited(admin_client, superuser):
    data = _post_data(admin_client.get(_url(Actor, "add")))
    data.update({"name": "  Aggregator ", "type": "organisation"})

    assert admin_client.post(_url(Actor, "add"), data).status_code == 302
    actor = Actor.objects.get(name="Aggregator")
    assert admin_client.post(_url(Actor, "delete", actor.pk), {"post": "yes"}).status_code == 302

    assert not Actor.objects.filter(pk=actor.pk).exists()
    actions = ChangeLogEntry.objects.filter(object_id=str(actor.pk), content_type__model="actor")
    assert sorted(actions.values_list("action", flat=True)) == ["create", "delete"]
    assert {entry.user for entry in actions} == {superuser}


def test_an_actor_still_in_use_is_not_deleted(admin_client, repository):
    actor = repository.actor_roles.get().actor

    response = admin_client.post(_url(Actor, "delete", actor.pk), {"post": "yes"})

    assert response.status_code == 200 and "protected" in response.content.decode()
    assert Actor.objects.filter(pk=actor.pk).exists()


@pytest.mark.parametrize("model", sorted(READ_ONLY_MODELS, key=lambda model: model.__name__))
def test_read_only_rows_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, repository, model):
    obj = model.objects.first()
    before = model.objects.filter(pk=obj.pk).values().get()

    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200  # may be looked at
    assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(_url(model, "add"), {}).status_code == 403
    changelist = admin_client.post(
        _url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )

    assert changelist.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).values().get() == before


def test_change_log_entry_page_shows_what_changed(admin_client, repository):
    entry = ChangeLogEntry.objects.get(content_type__model="actor", action="create")

    response = admin_client.get(_url(ChangeLogEntry, "change", entry.pk))

    assert "<th>name</th><td></td><td>Market operator</td>" in response.content.decode()
