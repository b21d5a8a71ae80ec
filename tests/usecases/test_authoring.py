"""Editing the tables of a use case in place on its page (usecases.authoring): every editable table is listed,
added to, changed, deleted from and reordered through the row services, each write compared with the row (or the
order of the table) as the editor loaded it; refusals change nothing and say why; permissions are those of the use
case's edit page."""

import io
import json
import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from actors.models import Actor
from requirements.models import Requirement
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    CommonTermFactory,
    InformationObjectFactory,
    ObjectiveFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
)
from ucmr.models import ChangeLogEntry
from ucmr.permissions import object_grant_add
from usecases.authoring.conflicts import order_fingerprint
from usecases.authoring.tables import TABLES
from usecases.authoring.views import DELETE_CHANGED_MESSAGE, ORDER_CHANGED_MESSAGE
from usecases.models import ActorRole, CommonTerm, Drawing, InformationObject, Remark, Step, UseCase, UseCaseRelation
from usecases.services import usecase_row_siblings, usecase_row_update, usecase_rows_reorder, usecase_update

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WRITTEN = "Written in the editor"

# Per table: valid data for a new row (it shows WRITTEN, or the named text), data the form refuses, and a change.
TABLE_DATA = {
    "versions": ({"number": "0.9", "authors": WRITTEN, "date": "2026-01-05"}, {"date": "not a date"}, "authors"),
    "objectives": ({"name": WRITTEN}, {"name": ""}, "name"),
    "business-cases": ({"name": WRITTEN, "description": "Why"}, {"name": ""}, "name"),
    "kpis": (
        lambda w: {"name": WRITTEN, "objectives": [w.objective.pk]},
        lambda w: {"objectives": [w.foreign]},
        "name",
    ),
    "assumptions": ({"name": WRITTEN}, {"name": "x" * 301}, "name"),
    "prerequisites": ({"name": WRITTEN}, {"name": "x" * 301}, "name"),
    "relations": (
        lambda w: {"related": w.other.pk, "type": "include", "description": WRITTEN},
        lambda w: {"related": w.hidden.pk, "type": "include"},
        "description",
    ),
    "drawings": (
        {"name": WRITTEN, "uri": "https://example.org/o.png", "drawing_type": "use case overview", "uri_type": "image"},
        {"name": WRITTEN, "drawing_type": "use case overview", "uri_type": "image"},
        "name",
    ),
    "remarks": ({"text": WRITTEN}, {"fingerprint": "not one" * 10}, "text"),
    "actor-groupings": ({"name": WRITTEN}, {"name": "x" * 301}, "name"),
    "actors": (
        lambda w: {"actor_name": w.library_actor.name, "further_information": WRITTEN},
        {"actor_name": "Nobody"},
        "further_information",
    ),
    "references": ({"name": WRITTEN}, {"name": ""}, "name"),
    "scenarios": ({"name": WRITTEN}, {"name": ""}, "name"),
    "triggering-events": ({"name": WRITTEN}, {"name": "x" * 301}, "name"),
    "preconditions": ({"name": WRITTEN}, {"name": "x" * 301}, "name"),
    "postconditions": ({"name": WRITTEN}, {"name": "x" * 301}, "name"),
    "steps": (lambda w: {"name": WRITTEN, "service": "GET", "producers": [w.actor.pk]}, {"name": ""}, "name"),
    "terms": ({"term": WRITTEN, "definition": "Defined here."}, {"term": ""}, "term"),
    "custom-information": ({"key": WRITTEN, "value": "v"}, {"key": ""}, "key"),
}
KEYS = list(TABLES)
ORDERED_KEYS = [key for key in KEYS if TABLES[key].ordered]  # the others (terms) add and remove only


def test_every_table_of_the_registry_is_tested():
    assert set(TABLE_DATA) == set(TABLES)


@pytest.mark.parametrize("key", KEYS)
def test_every_column_names_the_form_field_that_edits_it(world, key):
    """The keyboard's Enter on a cell opens the row's form on that cell's field (static/js/authoring.js)."""
    table = TABLES[key]
    form = table.form_class(use_case=world.use_case, scenario=world.scenario, user=world.author)
    assert len(table.columns) == len(table.headers)
    assert {column for column in table.columns if column} <= set(form.fields)


def _data(world, key: str, which: int) -> dict:
    data = TABLE_DATA[key][which]
    return data(world) if callable(data) else dict(data)


@pytest.fixture
def world():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    actor = ActorRoleFactory(use_case=use_case).actor
    return SimpleNamespace(
        workspace=workspace,
        use_case=use_case,
        author=member_of(workspace, "author"),
        colleague=member_of(workspace, "author"),
        viewer=member_of(workspace, "viewer"),
        outsider=member_of(WorkspaceFactory(), "author"),
        actor=actor,
        library_actor=ActorFactory(name="Library meter"),
        objective=ObjectiveFactory(use_case=use_case),
        foreign=ObjectiveFactory().pk,
        scenario=ScenarioFactory(use_case=use_case),
        other=UseCaseFactory(workspace=workspace, name="Neighbour"),
        hidden=UseCaseFactory(name="Secret neighbour"),
    )


def url(world, name: str, key: str, row: int | None = None) -> str:
    kwargs = {"pk": world.use_case.pk, "table": key}
    if TABLES[key].scoped:
        kwargs["scenario"] = world.scenario.pk
    if row is not None:
        kwargs["row"] = row
    return reverse(f"usecases:{name}", kwargs=kwargs)


def revision_of(use_case) -> int:
    return UseCase.objects.values_list("revision", flat=True).get(pk=use_case.pk)


def rows_of(world, key: str) -> list:
    table = TABLES[key]
    return list(table.rows(use_case=world.use_case, scenario=world.scenario if table.scoped else None))


def as_loaded(name: str, key: str, row: int, *, use_case, scenario=None) -> dict:
    """What the page posts with a write of an existing row: its values as loaded (a save, a delete), or the order of
    its siblings as shown (a move)."""
    table = TABLES[key]
    shown = table.row_get(use_case=use_case, scenario=scenario if table.scoped else None, pk=row)
    if name == "row_move" and table.ordered:
        return {"order": order_fingerprint(usecase_row_siblings(shown).order_by("position", "pk"))}
    return {"fingerprint": table.fingerprint(shown)}


def post(client, world, name: str, key: str, data: dict, *, row=None, htmx=True, loaded: dict | None = None):
    if loaded is None and row is not None:
        loaded = as_loaded(name, key, row, use_case=world.use_case, scenario=world.scenario)
    data = {**(loaded or {}), **data}
    return client.post(url(world, name, key, row), data, **(HTMX if htmx else {}))


def create(client, world, key: str, **changes):
    response = post(client, world, "row_create", key, {**_data(world, key, 0), **changes})
    assert response.status_code == 200, response.content.decode()
    return max(rows_of(world, key), key=lambda row: row.pk)


@pytest.mark.parametrize("key", KEYS)
def test_a_valid_new_row_appears_bumps_the_revision_and_is_logged(client, world, key):
    client.force_login(world.author)
    before, count = revision_of(world.use_case), len(rows_of(world, key))

    response = post(client, world, "row_create", key, _data(world, key, 0))

    assert response.status_code == 200
    assert len(rows_of(world, key)) == count + 1
    assert WRITTEN in response.content.decode()
    assert revision_of(world.use_case) == before + 1
    assert json.loads(response["HX-Trigger"]) == {"usecaseRevised": {"from": before, "to": before + 1}}
    if TABLES[key].ordered:
        row = rows_of(world, key)[-1]
        entry = ChangeLogEntry.objects.get(
            action="create", object_id=str(row.pk), content_type__model=row._meta.model_name
        )
        assert entry.related_object_id == str(world.use_case.pk)
    else:
        assert_use_case_changed(world)


def assert_use_case_changed(world) -> None:
    """A row of a many-to-many table (terms) is a change of the use case itself."""
    last = ChangeLogEntry.objects.filter(content_type__model="usecase", object_id=str(world.use_case.pk)).last()
    assert last is not None and last.action == "update"


@pytest.mark.parametrize("key", KEYS)
def test_an_invalid_new_row_shows_the_errors_and_writes_nothing(client, world, key):
    client.force_login(world.author)
    before, count = revision_of(world.use_case), len(rows_of(world, key))

    response = post(client, world, "row_create", key, _data(world, key, 1))

    assert response.status_code == 422
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
    assert (revision_of(world.use_case), len(rows_of(world, key))) == (before, count)


@pytest.mark.parametrize("key", ORDERED_KEYS)
def test_a_row_is_changed_through_its_form(client, world, key):
    client.force_login(world.author)
    row = create(client, world, key)
    form = client.get(url(world, "row_update", key, row.pk), **HTMX)
    assert form.status_code == 200 and "Save" in form.content.decode()
    field = TABLE_DATA[key][2]
    before = revision_of(world.use_case)

    response = post(client, world, "row_update", key, {**_data(world, key, 0), field: "Changed"}, row=row.pk)

    assert response.status_code == 200
    row.refresh_from_db()
    assert getattr(row, field) == "Changed"
    assert revision_of(world.use_case) == before + 1
    assert ChangeLogEntry.objects.filter(action="update", object_id=str(row.pk)).exists()


@pytest.mark.parametrize("key", KEYS)
def test_a_row_is_deleted(client, world, key):
    client.force_login(world.author)
    row = create(client, world, key)

    response = post(client, world, "row_delete", key, {}, row=row.pk)

    assert response.status_code == 200
    assert row.pk not in [kept.pk for kept in rows_of(world, key)]
    if TABLES[key].ordered:
        assert ChangeLogEntry.objects.filter(action="delete", object_id=str(row.pk)).exists()
    else:
        assert_use_case_changed(world)


@pytest.mark.parametrize("key", ORDERED_KEYS)
def test_rows_move_up_and_down_among_their_siblings(client, world, key):
    client.force_login(world.author)
    if key == "actors":
        ActorRole.objects.filter(use_case=world.use_case).delete()
        first = create(client, world, key)
        second = create(client, world, key, actor_name=world.actor.name)
    elif key == "relations":  # one relation of each type to a use case
        first, second = create(client, world, key), create(client, world, key, type="extend")
    else:
        first, second = create(client, world, key), create(client, world, key)
    start = [row.pk for row in rows_of(world, key)]
    assert start[-2:] == [first.pk, second.pk]

    response = post(client, world, "row_move", key, {"direction": "up"}, row=second.pk)
    assert response.status_code == 200
    assert [row.pk for row in rows_of(world, key)][-2:] == [second.pk, first.pk]

    post(client, world, "row_move", key, {"direction": "down"}, row=second.pk)
    assert [row.pk for row in rows_of(world, key)] == start
    assert ChangeLogEntry.objects.filter(action="update", object_id=str(world.use_case.pk)).count() == 2


def _another(world, key: str, which: int) -> dict:
    """What makes another new row of the table differ where its rows must (links, relations, actors)."""
    if key == "relations":
        return {"type": ("extend", "invoke")[which]}
    if key == "actors":
        return {"actor_name": ActorFactory(name=f"Another actor {which}").name}
    return {} if TABLES[key].ordered else {TABLE_DATA[key][2]: f"Another {which}"}


@pytest.mark.parametrize("key", KEYS)
def test_changes_elsewhere_in_the_use_case_refuse_no_write_of_the_table(client, world, key):
    client.force_login(world.author)
    mine, mine_too = create(client, world, key), create(client, world, key, **_another(world, key, 0))
    scenario = world.scenario
    loaded = as_loaded("row_update", key, mine.pk, use_case=world.use_case, scenario=scenario)
    deleting = as_loaded("row_delete", key, mine_too.pk, use_case=world.use_case, scenario=scenario)
    usecase_update(user=world.colleague, use_case=world.use_case, data={"name": "Changed by someone else"})
    remark = Remark.objects.create(use_case=world.use_case, text="Theirs", position=99)
    usecase_row_update(user=world.colleague, row=remark, data={"text": "Theirs, changed"})
    count = len(rows_of(world, key))

    added = post(client, world, "row_create", key, {**_data(world, key, 0), **_another(world, key, 1)})
    assert added.status_code == 200 and len(rows_of(world, key)) == count + 1
    if TABLES[key].ordered:
        field = TABLE_DATA[key][2]
        changed = {**_data(world, key, 0), field: "Changed"}
        saved = post(client, world, "row_update", key, changed, row=mine.pk, loaded=loaded)
        assert saved.status_code == 200, saved.content.decode()
        mine.refresh_from_db()
        assert getattr(mine, field) == "Changed"
    deleted = post(client, world, "row_delete", key, {}, row=mine_too.pk, loaded=deleting)
    assert deleted.status_code == 200 and mine_too.pk not in [row.pk for row in rows_of(world, key)]


def test_a_move_after_someone_reordered_the_table_and_a_delete_of_a_row_they_changed_are_refused(client, world):
    client.force_login(world.author)
    first, second, third = (create(client, world, "remarks") for _ in range(3))
    move = as_loaded("row_move", "remarks", third.pk, use_case=world.use_case)
    delete = as_loaded("row_delete", "remarks", first.pk, use_case=world.use_case)
    usecase_rows_reorder(user=world.colleague, use_case=world.use_case, rows=[first, third, second])
    usecase_row_update(user=world.colleague, row=first, data={"text": "Theirs"})

    moved = post(client, world, "row_move", "remarks", {"direction": "up"}, row=third.pk, loaded=move)
    deleted = post(client, world, "row_delete", "remarks", {}, row=first.pk, loaded=delete)

    assert (moved.status_code, deleted.status_code) == (409, 409)
    assert ORDER_CHANGED_MESSAGE in unescape(moved.content.decode())
    assert DELETE_CHANGED_MESSAGE.format(noun="remark") in unescape(deleted.content.decode())
    assert "Theirs" in deleted.content.decode()  # the table as it is now
    assert [row.pk for row in rows_of(world, "remarks")] == [first.pk, third.pk, second.pk]


@pytest.mark.parametrize("key", KEYS)
def test_only_drafts_are_edited(client, world, key):
    client.force_login(world.author)
    UseCase.objects.filter(pk=world.use_case.pk).update(status=UseCase.Status.IN_REVIEW)
    count = len(rows_of(world, key))

    refused = post(client, world, "row_create", key, _data(world, key, 0))
    listed = client.get(url(world, "row_list", key), **HTMX)
    without_htmx = post(client, world, "row_create", key, _data(world, key, 0), htmx=False)

    assert (refused.status_code, listed.status_code) == (409, 409)
    assert "Only drafts are edited; this use case is in review." in refused.content.decode()
    assert without_htmx.status_code == 302 and without_htmx["Location"] == world.use_case.get_absolute_url()
    assert len(rows_of(world, key)) == count


@pytest.mark.parametrize("key", KEYS)
def test_who_may_not_change_the_draft_is_refused(client, world, key):
    count = len(rows_of(world, key))
    anonymous = post(client, world, "row_create", key, _data(world, key, 0))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    for user, status in ((world.viewer, 403), (world.outsider, 404)):
        client.force_login(user)
        assert client.get(url(world, "row_list", key), **HTMX).status_code == status
        assert post(client, world, "row_create", key, _data(world, key, 0)).status_code == status
    assert len(rows_of(world, key)) == count


def test_a_row_of_another_table_or_scenario_is_not_found(client, world):
    client.force_login(world.author)
    step = StepFactory(scenario=ScenarioFactory(use_case=world.use_case))
    assert client.get(url(world, "row_update", "steps", step.pk), **HTMX).status_code == 404
    for table in ("steps", "nope"):  # steps belong to a scenario; "nope" is no table
        assert (
            client.get(reverse("usecases:row_list", kwargs={"pk": world.use_case.pk, "table": table})).status_code
            == 404
        )


def test_without_htmx_a_write_goes_back_to_the_table_on_the_page_and_the_editor_is_a_page(client, world):
    client.force_login(world.author)
    response = post(client, world, "row_create", "remarks", {"text": WRITTEN}, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"{world.use_case.get_absolute_url()}#table-remarks"
    page = client.get(url(world, "row_list", "remarks")).content.decode()
    assert "<html" in page and WRITTEN in page and "js/authoring.js" in page
    partial = client.get(url(world, "row_list", "remarks"), **HTMX).content.decode()
    assert "<html" not in partial and WRITTEN in partial


def test_user_text_keeps_its_formatting_and_loses_its_script(client, world):
    client.force_login(world.author)
    text = "<b>Firm</b> <script>alert(1)</script>a <Datum> b"
    response = post(client, world, "row_create", "remarks", {"text": text})
    assert "<b>Firm</b>" in response.content.decode()
    assert "alert(1)" not in response.content.decode()
    plain = post(client, world, "row_create", "remarks", {"text": "a <Datum> b"})
    assert "a &lt;Datum&gt; b" in plain.content.decode()  # not markup: plain text, escaped


def test_steps_nest_under_a_parent_of_the_same_scenario_and_are_numbered_by_place(client, world):
    client.force_login(world.author)
    top = create(client, world, "steps", name="Top")
    other = create(client, world, "steps", name="Other")
    first = create(client, world, "steps", name="First sub-step", parent=top.pk)
    second = create(client, world, "steps", name="Second sub-step", parent=top.pk)
    foreign = StepFactory(scenario=ScenarioFactory(use_case=world.use_case))

    refused = post(client, world, "row_create", "steps", {"name": "Astray", "parent": foreign.pk})
    assert refused.status_code == 422 and not Step.objects.filter(name="Astray").exists()

    response = post(client, world, "row_move", "steps", {"direction": "up"}, row=second.pk)
    assert list(top.children.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    assert list(world.scenario.steps.filter(parent=None).order_by("position")) == [top, other]
    page = response.content.decode()
    assert page.index("Second sub-step") < page.index("First sub-step") < page.index("Other")
    assert '<td class="step-number text-nowrap" data-depth="1">1.1</td>' in page
    assert 'aria-label="Move step 1.1 up" disabled' in page and 'aria-label="Move step 1.2 down" disabled' in page
    assert 'aria-label="Move step 1 down">' in page  # a top-level step moves among the top-level steps


def test_moving_steps_numbered_by_their_place_renumbers_them_and_keeps_other_numbering(client, world):
    client.force_login(world.author)
    for number, name in enumerate("ABC", start=1):
        third = create(client, world, "steps", name=name, number=str(number))

    moved = post(client, world, "row_move", "steps", {"direction": "up"}, row=third.pk)

    assert moved.status_code == 200
    numbers = dict(world.scenario.steps.values_list("name", "number"))
    assert numbers == {"A": "1", "C": "2", "B": "3"}
    lettered = ScenarioFactory(use_case=world.use_case)
    StepFactory(scenario=lettered, number="A", position=1)
    b = StepFactory(scenario=lettered, number="B", position=2)
    kwargs = {"pk": world.use_case.pk, "scenario": lettered.pk, "table": "steps", "row": b.pk}
    data = {"direction": "up", **as_loaded("row_move", "steps", b.pk, use_case=world.use_case, scenario=lettered)}
    assert client.post(reverse("usecases:row_move", kwargs=kwargs), data, **HTMX).status_code == 200
    assert list(lettered.steps.order_by("position").values_list("number", flat=True)) == ["B", "A"]


def test_an_author_picks_library_actors_or_adds_a_new_one_as_an_import_would(client, world):
    client.force_login(world.author)
    form = client.get(url(world, "row_list", "actors"), **HTMX).content.decode()
    assert 'name="new_actor_type"' in form and "Library meter" in form  # the datalist of the library
    added = post(client, world, "row_create", "actors", {"actor_name": "Brand new actor", "new_actor_type": "system"})
    assert added.status_code == 200
    actor = Actor.objects.get(name="Brand new actor")
    assert ActorRole.objects.filter(use_case=world.use_case, actor=actor).exists()

    role = ActorRole.objects.get(use_case=world.use_case, actor=actor)
    loaded = as_loaded("row_update", "actors", role.pk, use_case=world.use_case)
    usecase_row_update(user=world.colleague, row=role, data={"further_information": "Theirs"})
    renamed = {"actor_name": "Never added", "new_actor_type": "system"}
    conflict = post(client, world, "row_update", "actors", renamed, row=role.pk, loaded=loaded)
    assert conflict.status_code == 409 and not Actor.objects.filter(name="Never added").exists()


def test_a_step_picks_information_and_requirements_by_id_and_name_or_adds_new_ones_to_the_library(client, world):
    client.force_login(world.author)
    schedule = InformationObjectFactory(identifier="IO-1", name="Schedule")
    limit = RequirementFactory(identifier="R-1", name="Limit")
    form = client.get(url(world, "row_list", "steps"), **HTMX).content.decode()
    assert f'<option value="{schedule.pk}">IO-1 · Schedule</option>' in form
    assert f'<option value="{limit.pk}">R-1 · Limit</option>' in form

    named = {"new_information-0-identifier": "io-1", "new_requirement-0-identifier": "R-1"}
    picked = create(client, world, "steps", **named, **{"new_requirement-0-name": "limit"})
    assert list(picked.information_objects.all()) == [schedule] and list(picked.requirements.all()) == [limit]

    new = {"new_information-0-identifier": "IO-9", "new_information-0-name": "Forecast"}
    added = create(client, world, "steps", **new, **{"new_requirement-0-name": "Latency"})
    forecast = InformationObject.objects.get(identifier="IO-9", name="Forecast")
    latency = Requirement.objects.get(identifier="", name="Latency")
    assert list(added.information_objects.all()) == [forecast] and list(added.requirements.all()) == [latency]
    assert ChangeLogEntry.objects.filter(action="create", object_id=str(forecast.pk)).exists()

    both = create(client, world, "steps", information_objects=[schedule.pk], **{"new_information-0-name": "Schedule"})
    assert list(both.information_objects.all()) == [schedule]  # named twice, linked once

    loaded = as_loaded("row_update", "steps", both.pk, use_case=world.use_case, scenario=world.scenario)
    usecase_row_update(user=world.colleague, row=both, data={"name": "Theirs"})
    late = {"name": "Late", "new_requirement-0-identifier": "R-77", "new_requirement-0-name": "Never"}
    conflict = post(client, world, "row_update", "steps", late, row=both.pk, loaded=loaded)
    assert conflict.status_code == 409 and not Requirement.objects.filter(identifier="R-77").exists()


def test_a_user_who_may_not_add_to_the_library_is_told_so_and_nothing_is_written(client, world):
    guest = UserFactory()  # may change this one use case, shared with them, but add nothing
    object_grant_add(world.use_case, grantee=guest, codename="change_usecase")
    client.force_login(guest)
    refused = post(client, world, "row_create", "steps", {"name": "Step", "new_information-0-name": "Unknown data"})
    assert refused.status_code == 422
    assert "The library has no information object “Unknown data”, and you may not add one." in unescape(
        refused.content.decode()
    )
    assert not InformationObject.objects.filter(name="Unknown data").exists()
    assert not Step.objects.filter(name="Step").exists()


def _png(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


DRAWING = {"name": "Overview", "drawing_type": "use case overview", "uri_type": "image"}


def test_a_drawing_uploads_an_image_that_the_use_case_page_then_shows(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.author)
    upload = SimpleUploadedFile("overview.png", _png(), content_type="image/png")

    response = post(
        client, world, "row_create", "drawings", {**DRAWING, "image": upload, "scenario": world.scenario.pk}
    )

    assert response.status_code == 200, response.content.decode()
    drawing = world.use_case.drawings.get()
    assert drawing.scenario == world.scenario and drawing.image.name.endswith(".png")
    assert "uploaded image" in response.content.decode()
    image_url = reverse("usecases:drawing_image", kwargs={"pk": drawing.pk})
    assert f'src="{image_url}"' in client.get(world.use_case.get_absolute_url()).content.decode()
    served = client.get(image_url)
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\x89PNG")

    renamed = post(client, world, "row_update", "drawings", {**DRAWING, "name": "Renamed"}, row=drawing.pk)
    assert renamed.status_code == 200
    drawing.refresh_from_db()
    assert drawing.name == "Renamed" and drawing.image  # no new file: the image stays


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Upload a valid image",
        ),
        ("huge.png", None, "drawings may be at most 1.0"),
    ],
)
def test_a_drawing_refuses_markup_and_oversized_images(client, world, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    settings.UCMR_DRAWING_MAX_BYTES = 1024
    client.force_login(world.author)
    upload = SimpleUploadedFile(name, content or _png((600, 600)) + b"\0" * 2048, content_type="image/png")

    response = post(client, world, "row_create", "drawings", {**DRAWING, "image": upload})

    assert response.status_code == 422 and message in unescape(response.content.decode())
    assert not world.use_case.drawings.exists() and not list(tmp_path.rglob("*.*"))


def test_a_drawing_is_what_its_content_is_whatever_it_is_called(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.author)
    upload = SimpleUploadedFile("Quarterly report.pdf", _png(), content_type="application/pdf")

    assert post(client, world, "row_create", "drawings", {**DRAWING, "image": upload}).status_code == 200

    drawing = world.use_case.drawings.get()
    assert re.fullmatch(r"drawings/\d{4}/[0-9a-f]{32}\.png", drawing.image.name)  # a generated name
    served = client.get(reverse("usecases:drawing_image", kwargs={"pk": drawing.pk}))
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"] == f'inline; filename="drawing-{drawing.pk}.png"'
    assert "sandbox" in served["Content-Security-Policy"]


def test_a_drawing_refuses_more_pixels_than_the_setting_allows(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.author)
    buffer = io.BytesIO()
    Image.new("1", (7000, 6000)).save(buffer, "PNG")  # 42 megapixels in a few kilobytes
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")

    response = post(client, world, "row_create", "drawings", {**DRAWING, "image": upload})

    assert response.status_code == 422
    assert "The image is 7000 x 6000 pixels; drawings may have at most 40 megapixels." in response.content.decode()
    assert not world.use_case.drawings.exists() and not list(tmp_path.rglob("*.*"))


def test_every_way_in_checks_a_drawing_image_by_its_content(world):
    """The admin and the services validate with the model (full_clean), not with the page's form."""
    drawing = Drawing(use_case=world.use_case, name="Disguised", image=SimpleUploadedFile("a.png", b"GIF89a, no"))
    with pytest.raises(ValidationError) as refused:
        drawing.full_clean()
    assert refused.value.message_dict["image"] == ["Upload a PNG, JPEG, GIF or WebP image."]


def test_terms_are_picked_from_the_library_or_added_and_removed_without_leaving_it(client, world):
    known = CommonTermFactory(term="Flexibility", definition="As the library defines it.")
    client.force_login(world.author)

    picked = post(client, world, "row_create", "terms", {"term": "flexibility ", "definition": "Mine."})
    added = post(client, world, "row_create", "terms", {"term": "Prosumer", "definition": "Produces and consumes."})
    again = post(client, world, "row_create", "terms", {"term": "FLEXIBILITY"})

    assert picked.status_code == added.status_code == 200 and again.status_code == 422
    assert "The use case already lists “Flexibility”." in unescape(again.content.decode())
    known.refresh_from_db()
    assert known.definition == "As the library defines it."  # picking a term does not change its definition
    prosumer = CommonTerm.objects.get(term="Prosumer", definition="Produces and consumes.")
    assert set(world.use_case.common_terms.all()) == {known, prosumer}
    editor = added.content.decode()
    assert "Remove term Prosumer" in editor and "Edit term" not in editor and "Move term" not in editor
    assert client.get(url(world, "row_update", "terms", known.pk), **HTMX).status_code == 404
    assert post(client, world, "row_move", "terms", {"direction": "up"}, row=known.pk).status_code == 404

    removed = post(client, world, "row_delete", "terms", {}, row=known.pk)

    assert removed.status_code == 200 and list(world.use_case.common_terms.all()) == [prosumer]
    assert CommonTerm.objects.filter(pk=known.pk).exists()  # still in the library
    again = post(client, world, "row_delete", "terms", {}, row=known.pk, loaded={"fingerprint": "as shown"})
    assert again.status_code == 409 and "deleted this term already" in again.content.decode()  # by the first tab


def test_a_relation_offers_only_visible_use_cases_and_hides_the_name_of_others(client, world):
    UseCaseRelation.objects.create(use_case=world.use_case, related=world.hidden, type="include")
    client.force_login(world.author)

    editor = client.get(url(world, "row_list", "relations"), **HTMX).content.decode()

    assert "Neighbour" in editor and "Secret neighbour" not in editor
    assert "a use case you may not see" in editor


def test_the_use_case_page_offers_the_editors_only_to_who_may_change_the_draft(client, world):
    page_url = world.use_case.get_absolute_url()
    editor = url(world, "row_list", "versions")
    client.force_login(world.author)
    page = client.get(page_url).content.decode()
    assert f'hx-get="{editor}"' in page and "js/authoring.js" in page and 'id="table-versions"' in page
    client.force_login(world.viewer)
    assert editor not in client.get(page_url).content.decode()
    client.force_login(world.author)
    UseCase.objects.filter(pk=world.use_case.pk).update(status=UseCase.Status.PUBLISHED)
    assert editor not in client.get(page_url).content.decode()


def _count_queries(client, method: str, path: str, data: dict | None = None) -> tuple[int, int]:
    ContentType.objects.clear_cache()  # every measurement starts as cold as the first
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(path, data or {}, **HTMX)
    return response.status_code, len(context.captured_queries)


def _steps_budget(client, steps: int) -> dict[str, tuple[int, int]]:
    """(status, queries) of each row endpoint of the steps table, for a use case of `steps` steps."""
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author", username=f"author-{steps}")
    use_case = make_complete_use_case(steps=steps, workspace=workspace, created_by=author)
    scenario = use_case.scenarios.order_by("position").first()
    step, *_, last = scenario.steps.order_by("position", "pk")
    second = scenario.steps.filter(parent=step.parent_id, position__gt=step.position).order_by("position").first()
    second = second or scenario.steps.exclude(parent=None).order_by("-position").first()
    kwargs = {"pk": use_case.pk, "scenario": scenario.pk, "table": "steps"}
    client.force_login(author)

    def write(name: str, data: dict, **row) -> tuple[int, int]:
        path = reverse(f"usecases:{name}", kwargs={**kwargs, **row})
        loaded = as_loaded(name, "steps", row["row"], use_case=use_case, scenario=scenario) if row else {}
        return _count_queries(client, "post", path, {**loaded, **data})

    producers = [actor.pk for actor in step.producers.all()]
    step_data = {"name": "Renamed", "service": "GET", "producers": producers}
    return {
        "list": _count_queries(client, "get", reverse("usecases:row_list", kwargs=kwargs)),
        "form": _count_queries(client, "get", reverse("usecases:row_update", kwargs={**kwargs, "row": step.pk})),
        "update": write("row_update", {**step_data, "number": step.number}, row=step.pk),
        "create": write("row_create", {**step_data, "name": "Added"}),
        "move": write("row_move", {"direction": "up"}, row=second.pk),
        "delete": write("row_delete", {}, row=last.pk),
    }


def test_the_steps_editor_runs_as_many_queries_for_300_steps_as_for_10(client):
    few = _steps_budget(client, 10)
    many = _steps_budget(client, 300)
    assert {status for status, _ in [*few.values(), *many.values()]} == {200}
    assert {name: queries for name, (_, queries) in many.items()} == {
        name: queries for name, (_, queries) in few.items()
    }


def test_a_user_without_any_role_is_not_told_the_use_case_exists(client, world):
    client.force_login(UserFactory())
    assert client.get(url(world, "row_list", "versions"), **HTMX).status_code == 404
