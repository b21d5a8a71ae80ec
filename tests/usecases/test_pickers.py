"""The library pickers of the table editors (usecases/authoring/pickers.py): the search endpoint they ask, the new
library objects a step names under them (several in one save, with ID, name and category), the select that still
works without script; and the creator of a library object, who may change it while only their use case uses it."""

from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from requirements.models import Requirement
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    InformationObjectFactory,
    RequirementCategoryFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
)
from ucmr.permissions import object_grant_add
from usecases.authoring import pickers
from usecases.authoring.selectors import PICKER_PAGE_SIZE_MAX
from usecases.models import InformationObject, Step, UseCase

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    return SimpleNamespace(
        workspace=workspace,
        use_case=use_case,
        scenario=ScenarioFactory(use_case=use_case),
        author=member_of(workspace, "author"),
        colleague=member_of(workspace, "author"),
        outsider=member_of(WorkspaceFactory(), "author"),
        hidden=UseCaseFactory(name="Secret neighbour"),
    )


def search(client, library: str, **params):
    return client.get(reverse("usecases:library_search", kwargs={"library": library}), params)


def texts(response) -> list[str]:
    return [result["text"] for result in response.json()["results"]]


def steps_url(world, name: str = "row_create", **kwargs) -> str:
    kwargs = {"pk": world.use_case.pk, "scenario": world.scenario.pk, "table": "steps", **kwargs}
    return reverse(f"usecases:{name}", kwargs=kwargs)


def create_step(client, world, data: dict):
    revision = UseCase.objects.values_list("revision", flat=True).get(pk=world.use_case.pk)
    return client.post(steps_url(world), {"revision": revision, "fingerprint": "", **data}, **HTMX)


# The search endpoint


def test_the_search_finds_by_id_or_name_in_any_case_exact_matches_first(client, world):
    InformationObjectFactory(identifier="IO-12", name="Meter reading")
    InformationObjectFactory(identifier="IO-1", name="Schedule")
    InformationObjectFactory(identifier="X-9", name="Forecast of io-1 deviations")
    InformationObjectFactory(identifier="Z-3", name="Unrelated")
    client.force_login(world.author)

    assert texts(search(client, "information", q="io-1")) == [
        "IO-1 · Schedule",  # the ID itself
        "IO-12 · Meter reading",  # an ID that starts so
        "X-9 · Forecast of io-1 deviations",  # a name that holds it
    ]
    assert texts(search(client, "information", q="SCHED")) == ["IO-1 · Schedule"]
    RequirementFactory(identifier="R-7", name="Latency under a second")
    assert texts(search(client, "requirements", q="r-7")) == ["R-7 · Latency under a second"]
    assert texts(search(client, "requirements", q="LATENCY")) == ["R-7 · Latency under a second"]
    ActorFactory(name="Battery management system")
    assert texts(search(client, "actors", q="battery")) == ["Battery management system"]
    result = search(client, "information", q="schedule").json()["results"][0]
    assert result == {"id": InformationObject.objects.get(identifier="IO-1").pk, "text": "IO-1 · Schedule"}


def test_the_search_answers_a_page_at_a_time_and_no_more_than_the_limit(client, world):
    InformationObjectFactory.create_batch(60, name="Measurement")
    client.force_login(world.author)

    first = search(client, "information", q="measure").json()
    assert len(first["results"]) == 20 and first["more"] is True and first["page"] == 1
    third = search(client, "information", q="measure", page=3).json()
    assert len(third["results"]) == 20 and third["more"] is False
    seen = {result["id"] for page in (1, 2, 3) for result in search(client, "information", page=page).json()["results"]}
    assert len(seen) == 60  # the pages do not overlap
    capped = search(client, "information", page_size=1000).json()
    assert len(capped["results"]) == PICKER_PAGE_SIZE_MAX and capped["more"] is True
    assert search(client, "information", page="x", page_size="y").json()["page"] == 1


def test_the_search_is_for_signed_in_users_and_the_actors_of_a_use_case_only_for_who_may_see_it(client, world):
    ActorRoleFactory(use_case=world.use_case, actor=ActorFactory(name="Meter of this use case"))
    ActorRoleFactory(use_case=world.hidden, actor=ActorFactory(name="Meter of a hidden use case"))
    ActorFactory(name="Meter of no use case")

    anonymous = search(client, "actors", q="meter")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    client.force_login(world.author)
    assert len(texts(search(client, "actors", q="meter"))) == 3  # the library: every signed-in user reads it
    assert texts(search(client, "actors", q="meter", use_case=world.use_case.pk)) == ["Meter of this use case"]
    assert search(client, "actors", use_case=world.hidden.pk).status_code == 404
    assert search(client, "actors", use_case="1 or 1=1").status_code == 404
    assert search(client, "nothing", q="meter").status_code == 404
    client.force_login(world.outsider)
    assert search(client, "actors", use_case=world.use_case.pk).status_code == 404


def test_the_search_runs_one_query_whatever_the_library_holds(client, world, django_assert_max_num_queries):
    InformationObjectFactory.create_batch(30)
    client.force_login(world.author)
    with django_assert_max_num_queries(6):  # the session and user, then one query for the page
        assert search(client, "information", q="information").status_code == 200


# The step form's pickers


def test_a_step_adds_several_new_library_objects_in_one_save(client, world):
    client.force_login(world.author)
    producers = [ActorRoleFactory(use_case=world.use_case).actor for _ in range(3)]
    schedule = InformationObjectFactory(identifier="IO-1", name="Schedule")
    category = RequirementCategoryFactory(identifier="QoS", name="Quality of service")

    response = create_step(
        client,
        world,
        {
            "name": "Send the schedules",
            "producers": [actor.pk for actor in producers],
            "new_information-0-identifier": "IO-8",
            "new_information-0-name": "Forecast",
            "new_information-3-identifier": "",
            "new_information-3-name": "Price signal",
            "new_information-4-identifier": "io-1",  # the library has it: picked, not added again
            "new_information-4-name": "SCHEDULE",
            "new_information-5-identifier": "",  # a blank row is no object
            "new_information-5-name": "",
            "new_requirement-0-identifier": "R-9",
            "new_requirement-0-name": "Within 15 minutes",
            "new_requirement-0-category": str(category.pk),
        },
    )

    assert response.status_code == 200, unescape(response.content.decode())
    step = Step.objects.get(name="Send the schedules")
    assert set(step.producers.all()) == set(producers)
    forecast = InformationObject.objects.get(identifier="IO-8", name="Forecast")
    price = InformationObject.objects.get(identifier="", name="Price signal")
    assert set(step.information_objects.all()) == {forecast, price, schedule}
    assert InformationObject.objects.filter(name__iexact="schedule").count() == 1
    requirement = step.requirements.get()
    assert (requirement.identifier, requirement.name, requirement.category) == ("R-9", "Within 15 minutes", category)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"new_information-0-identifier": "IO-8"}, "New information 1: give its name (the library has no IO-8)."),
        ({"new_information-0-name": "x" * 301}, "New information 1: the name is too long."),
        ({"new_requirement-0-name": "R", "new_requirement-0-category": "999999"}, "choose one of the categories"),
    ],
)
def test_a_new_library_object_the_form_cannot_add_is_refused_with_the_reason(client, world, row, message):
    client.force_login(world.author)
    response = create_step(client, world, {"name": "Refused", **row})
    assert response.status_code == 422 and message in unescape(response.content.decode())
    assert not Step.objects.filter(name="Refused").exists() and not Requirement.objects.filter(name="R").exists()


def test_who_may_not_add_to_the_library_picks_from_it_but_adds_nothing(client, world):
    guest = UserFactory()  # may change this one use case, shared with them, but add nothing to the libraries
    object_grant_add(world.use_case, grantee=guest, codename="change_usecase")
    schedule = InformationObjectFactory(identifier="IO-1", name="Schedule")
    client.force_login(guest)

    refused = create_step(client, world, {"name": "Step", "new_information-0-name": "Unknown data"})
    assert refused.status_code == 422
    assert "The library has no information object “Unknown data”, and you may not add one." in unescape(
        refused.content.decode()
    )
    assert not InformationObject.objects.filter(name="Unknown data").exists() and not Step.objects.exists()
    picked = create_step(client, world, {"name": "Step", "new_information-0-identifier": "IO-1"})
    assert picked.status_code == 200 and list(Step.objects.get().information_objects.all()) == [schedule]


def test_without_script_the_pickers_are_selects_with_the_library_while_it_is_small(client, world, monkeypatch):
    client.force_login(world.author)
    chosen, other = InformationObjectFactory(name="Chosen"), InformationObjectFactory(name="Not chosen")
    step = StepFactory(scenario=world.scenario, name="A step")
    step.information_objects.add(chosen)

    form = client.get(steps_url(world, "row_update", row=step.pk), **HTMX).content.decode()
    assert 'name="information_objects"' in form and 'data-picker="information"' in form
    assert f'value="{other.pk}"' in form and f'<option value="{chosen.pk}" selected>' in form
    assert 'name="new_information-0-identifier"' in form and 'name="new_requirement-1-category"' in form
    assert f"use_case={world.use_case.pk}" in form  # the actor pickers search the use case's actors

    monkeypatch.setattr(pickers, "INLINE_LIMIT", 1)  # a large library: only what is selected is rendered
    form = client.get(steps_url(world, "row_update", row=step.pk), **HTMX).content.decode()
    assert f'<option value="{chosen.pk}" selected>' in form and f'value="{other.pk}"' not in form
