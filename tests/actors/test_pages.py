import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from actors.views import ActorDetailView, ActorListView
from sgam.models import Domain, NistDomain
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    NistPlacementFactory,
    SgamPlacementFactory,
    UseCaseFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def actor_names(response) -> list[str]:
    return [actor.name for actor in response.context["actors"]]


@pytest.mark.parametrize("url_name, kwargs", [("actors:actor_list", None), ("actors:actor_detail", {"pk": 1})])
def test_anonymous_is_sent_to_sign_in(client, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_unknown_actor_is_404(reader):
    assert reader.get(reverse("actors:actor_detail", kwargs={"pk": 424242})).status_code == 404


def test_actor_list_shows_type_placement_and_use_case_count(reader):
    actor = ActorFactory(name="Grid operator Nord", type=Actor.Type.ORGANISATION)
    SgamPlacementFactory(actor=actor, domain=Domain.objects.get(code="distribution"))
    NistPlacementFactory(actor=actor, nist_domain=NistDomain.objects.order_by("order").first())
    ActorRoleFactory.create_batch(2, actor=actor)

    response = reader.get(reverse("actors:actor_list"))

    text = response.content.decode()
    row = text[text.index(f'<tr id="actor-{actor.pk}">') :]
    row = row[: row.index("</tr>")]
    for shown in ("Grid operator Nord", "Organisation", "Distribution", str(NistDomain.objects.first())):
        assert shown in row
    assert '<td class="text-end">2</td>' in row


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"type": "device"}, ["Smart meter"]),
        ({"q": "METER"}, ["Smart meter"]),
        ({"q": "balances the grid"}, ["Balance responsible party"]),
        ({"type": "organisation", "q": "meter"}, []),
    ],
)
def test_actor_filters_narrow_the_list(reader, params, expected):
    ActorFactory(name="Smart meter", type=Actor.Type.DEVICE)
    ActorFactory(name="Balance responsible party", type=Actor.Type.ORGANISATION, description="Balances the grid.")

    assert actor_names(reader.get(reverse("actors:actor_list"))) == ["Balance responsible party", "Smart meter"]
    assert actor_names(reader.get(reverse("actors:actor_list"), params)) == expected


def test_actor_list_is_paginated(reader, settings):
    settings.UCMR_PAGE_SIZE = 2
    for name in ("A1", "A2", "A3"):
        ActorFactory(name=name)
    assert actor_names(reader.get(reverse("actors:actor_list"), {"page": 2})) == ["A3"]


def test_actor_detail_shows_the_use_cases_it_is_used_in(reader):
    actor = ActorFactory(name="Aggregator", description="Pools <flexibility>.\nSells it.")
    ActorRoleFactory(actor=actor, use_case=UseCaseFactory(name="Flexibility market"), further_information="Bids.")
    ActorRoleFactory(use_case=UseCaseFactory(name="Unrelated use case"))

    response = reader.get(actor.get_absolute_url())

    text = response.content.decode()
    assert response.status_code == 200
    assert "Pools &lt;flexibility&gt;.<br>Sells it." in text
    assert "Flexibility market" in text and "Bids." in text
    assert "Unrelated use case" not in text


def test_actor_detail_leaves_out_use_cases_the_user_may_not_see(client):
    actor = ActorFactory()
    ActorRoleFactory(actor=actor, use_case=UseCaseFactory(name="Secret plan"))
    open_plan = ActorRoleFactory(actor=actor, use_case=UseCaseFactory(name="Open plan")).use_case
    client.force_login(member_of(open_plan.workspace, "viewer"))

    text = client.get(actor.get_absolute_url()).content.decode()

    assert "Open plan" in text and "Secret plan" not in text
    assert 'Used in <small class="text-body-secondary">1 use case</small>' in text


@pytest.mark.parametrize("url_name", ["actors:actor_list", "actors:actor_detail"])
def test_actor_pages_queries_do_not_grow_with_the_rows(reader, url_name):
    actor = ActorFactory()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            kwargs = {"pk": actor.pk} if url_name == "actors:actor_detail" else None
            assert reader.get(reverse(url_name, kwargs=kwargs)).status_code == 200
        return len(context.captured_queries)

    def add_rows(count: int) -> None:
        for other in [actor, *ActorFactory.create_batch(count)]:
            SgamPlacementFactory(actor=other, domain=Domain.objects.first())
            ActorRoleFactory.create_batch(count, actor=other)

    add_rows(1)
    few = count_queries()
    add_rows(10)
    assert count_queries() == few


@pytest.mark.parametrize("view", [ActorListView, ActorDetailView])
def test_rendering_the_actor_pages_runs_no_query(repository_reader, django_assert_num_queries, view):
    actor = ActorRoleFactory(actor=ActorFactory(name="Storage operator")).actor
    SgamPlacementFactory(actor=actor, domain=Domain.objects.first())
    request = RequestFactory().get("/")
    request.user = repository_reader
    response = view.as_view()(request, **({"pk": actor.pk} if view is ActorDetailView else {}))

    with django_assert_num_queries(0):
        response.render()

    assert "Storage operator" in response.content.decode()
