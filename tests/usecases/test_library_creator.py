"""The creator of a library object (who added it with a use case, in the step or actor editors) may change it
while only their use case uses it: its description, and an actor's default placement (ucmr.permissions,
CREATOR_EDITED). Once another use case uses it, or for anyone else, it is the curators' again."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from sgam.models import Domain, SgamPlacement, Zone
from tests.factories import (
    ActorRoleFactory,
    InformationObjectFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
    with_repository_role,
)
from tests.usecases.test_pickers import HTMX, create_step
from ucmr.permissions import CHANGE, user_can
from usecases.models import InformationObject, UseCase

pytestmark = pytest.mark.django_db


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


def _add_information_inline(client, world, name: str) -> InformationObject:
    client.force_login(world.author)
    assert create_step(client, world, {"name": f"Uses {name}", "new_information-0-name": name}).status_code == 200
    return InformationObject.objects.get(name=name)


def _edit(client, obj, data: dict):
    name = {"information object": "usecases:information_object_update", "actor": "actors:actor_update"}
    return client.post(reverse(name[obj._meta.verbose_name], kwargs={"pk": obj.pk}), data)


def test_the_creator_edits_the_description_while_only_their_use_case_uses_it(client, world):
    created = _add_information_inline(client, world, "Forecast")
    page = client.get(created.get_absolute_url()).content.decode()
    edit_url = reverse("usecases:information_object_update", kwargs={"pk": created.pk})
    assert f'href="{edit_url}"' in page  # the Edit link

    form = client.get(edit_url).content.decode()
    assert 'name="description"' in form and 'name="name"' not in form  # the description only, not what names it
    response = _edit(client, created, {"description": "Day-ahead forecast", "name": "Renamed"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.name, created.description) == ("Forecast", "Day-ahead forecast")


def test_the_creator_may_not_edit_it_once_another_use_case_uses_it(client, world):
    created = _add_information_inline(client, world, "Forecast")
    StepFactory(scenario=ScenarioFactory(use_case=world.hidden)).information_objects.add(created)

    assert not user_can(world.author, CHANGE, created)
    assert client.get(reverse("usecases:information_object_update", kwargs={"pk": created.pk})).status_code == 403
    assert _edit(client, created, {"description": "Changed"}).status_code == 403
    assert InformationObject.objects.get(pk=created.pk).description == ""


def test_others_never_edit_what_an_analyst_created_and_curators_always_do(client, world):
    created = _add_information_inline(client, world, "Forecast")
    library_made = InformationObjectFactory()  # created by no one in the audit trail
    assert user_can(world.author, CHANGE, created) and not user_can(world.author, CHANGE, library_made)
    for other in (world.colleague, world.outsider):  # who may change the use case that uses it, or not
        assert not user_can(other, CHANGE, created)
        client.force_login(other)
        assert _edit(client, created, {"description": "Not mine"}).status_code == 403
    curator = with_repository_role(UserFactory(), "curator")
    StepFactory(scenario=ScenarioFactory(use_case=world.hidden)).information_objects.add(created)
    assert user_can(curator, CHANGE, created) and user_can(curator, CHANGE, InformationObject)
    assert not user_can(world.author, CHANGE, InformationObject)  # the library as a whole stays the curators'


def test_the_creator_of_an_actor_edits_its_description_and_default_placement(client, world):
    client.force_login(world.author)
    revision = UseCase.objects.values_list("revision", flat=True).get(pk=world.use_case.pk)
    url = reverse("usecases:row_create", kwargs={"pk": world.use_case.pk, "table": "actors"})
    data = {"revision": revision, "actor_name": "Home battery", "new_actor_type": "device"}
    assert client.post(url, data, **HTMX).status_code == 200
    actor = Actor.objects.get(name="Home battery")
    domain, zone = Domain.objects.first(), Zone.objects.first()

    response = _edit(client, actor, {"description": "In the garage", "sgam_domain": domain.pk, "sgam_zone": zone.pk})

    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.description == "In the garage" and actor.type == "device"
    assert SgamPlacement.objects.filter(actor=actor, domain=domain, zone=zone).exists()
    ActorRoleFactory(actor=actor, use_case=UseCaseFactory(workspace=world.workspace))  # even one they may change
    assert _edit(client, actor, {"description": "Not any more"}).status_code == 403
    assert Actor.objects.get(pk=actor.pk).description == "In the garage"


def test_the_api_lets_the_creator_change_the_description_only_and_as_long_as_the_page_does(client, world):
    created = _add_information_inline(client, world, "Forecast")
    api = APIClient()
    api.force_authenticate(world.author)
    url = reverse("api:information-object-detail", kwargs={"pk": created.pk})

    assert api.patch(url, {"description": "Day-ahead"}, format="json").status_code == 200
    renamed = api.patch(url, {"name": "Renamed", "description": "Day-ahead"}, format="json")
    assert renamed.status_code == 403 and "only the description" in str(renamed.json())
    assert api.patch(url, {"name": "Forecast"}, format="json").status_code == 200  # unchanged: nothing refused
    StepFactory(scenario=ScenarioFactory(use_case=world.hidden)).information_objects.add(created)
    assert api.patch(url, {"description": "Later"}, format="json").status_code == 403
    assert InformationObject.objects.get(pk=created.pk).description == "Day-ahead"


def test_which_of_many_actors_their_creator_may_change_is_asked_in_one_go(world, django_assert_max_num_queries):
    """What an import asks of a batch of library objects at once (`visible_to` over many rows): the creator's
    actor that no use case uses, or that one use case they may change uses by several paths, is theirs; one that a
    second use case uses, or that only a use case they may not change uses, is not; nor is one someone else made."""
    from actors.services import actor_create
    from ucmr.permissions import visible_to

    def made(name, user=world.author):
        return actor_create(user=user, data={"name": name, "type": Actor.Type.SYSTEM})

    unused, twice_in_mine, in_two, only_hidden = (made(n) for n in ("Unused", "Twice", "In two", "Hidden only"))
    someone_elses = made("Colleague's", user=world.colleague)
    mine = world.use_case
    ActorRoleFactory(use_case=mine, actor=twice_in_mine)
    StepFactory(scenario=world.scenario).producers.add(twice_in_mine)
    mine.primary_actors.add(twice_in_mine)
    ActorRoleFactory(use_case=mine, actor=in_two)
    StepFactory(scenario=ScenarioFactory(use_case=world.hidden)).receivers.add(in_two)
    ScenarioFactory(use_case=world.hidden).primary_actors.add(only_hidden)
    ActorRoleFactory(use_case=mine, actor=someone_elses)

    asked = Actor.objects.filter(pk__in=[a.pk for a in (unused, twice_in_mine, in_two, only_hidden, someone_elses)])
    with django_assert_max_num_queries(3):  # the user's permissions and content types, then the rows
        allowed = set(visible_to(world.author, asked, CHANGE).values_list("name", flat=True))
    assert allowed == {"Unused", "Twice"}
    for actor, expected in ((unused, True), (twice_in_mine, True), (in_two, False), (only_hidden, False)):
        assert user_can(world.author, CHANGE, actor) is expected, actor
    assert not user_can(world.author, CHANGE, someone_elses) and user_can(world.colleague, CHANGE, someone_elses)
