"""The number of queries of the use case pages does not grow with the number of rows they show (permission
filtering included), and rendering their templates runs none at all (everything is loaded by the view)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sgam.models import Domain, NistDomain, Zone
from tests.factories import (
    ActorRoleFactory,
    NistPlacementFactory,
    ScenarioFactory,
    SgamPlacementFactory,
    UseCaseFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
)
from ucmr.permissions import object_grant_add
from usecases.models import ActorRole, UseCase
from usecases.views import (
    UseCaseDetailView,
    UseCaseListView,
)

pytestmark = pytest.mark.django_db


def get_counting_queries(client, url: str, params: dict | None = None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in context.captured_queries]


def make_listed_use_cases(count: int) -> None:
    domain, zone, nist_domain = Domain.objects.first(), Zone.objects.first(), NistDomain.objects.first()
    for use_case in UseCaseFactory.create_batch(count):
        SgamPlacementFactory(use_case=use_case, domain=domain, zone=zone)
        NistPlacementFactory(use_case=use_case, nist_domain=nist_domain)
        ScenarioFactory(use_case=use_case)
        ActorRoleFactory(use_case=use_case)


@pytest.mark.parametrize("params", [{}, {"q": "Use case", "sgam_domain": "generation", "status": "draft"}])
def test_use_case_list_queries_do_not_grow_with_the_rows(client, repository_reader, settings, params):
    settings.UCMR_PAGE_SIZE = 25
    client.force_login(repository_reader)
    url = reverse("usecases:usecase_list")

    make_listed_use_cases(2)
    few_response, few = get_counting_queries(client, url, params)
    make_listed_use_cases(18)
    many_response, many = get_counting_queries(client, url, params)

    assert (len(few_response.context["use_cases"]), len(many_response.context["use_cases"])) == (2, 20)
    assert len(many) == len(few), "\n".join(many)


def test_use_case_detail_queries_do_not_grow_with_the_document(client, repository_reader):
    client.force_login(repository_reader)
    small = make_complete_use_case(steps=10, actors=5, rows=2)
    large = make_complete_use_case(steps=300, actors=50, rows=20)
    # A first page warms what a server process reads once (the content types the library stamp names).
    client.get(make_complete_use_case(steps=1, actors=1, rows=1).get_absolute_url())

    _, small_queries = get_counting_queries(client, small.get_absolute_url())
    large_response, large_queries = get_counting_queries(client, large.get_absolute_url())

    assert large_response.content.decode().count('<tr id="step-') == 300
    assert large_response.content.decode().count('<tr id="actorrole-') == 50
    assert large.scenarios.first().steps.filter(parent__parent__isnull=False).exists()
    assert len(large_queries) == len(small_queries), "\n".join(large_queries)


@pytest.mark.parametrize(
    "view, kwargs",
    [(UseCaseListView, {}), (UseCaseDetailView, {"pk": None})],
    ids=["list", "detail"],
)
def test_rendering_the_templates_runs_no_query(repository_reader, django_assert_num_queries, view, kwargs):
    use_case = make_complete_use_case(steps=12, actors=6, rows=2)
    request = RequestFactory().get("/")
    request.user = repository_reader
    response = view.as_view()(request, **dict.fromkeys(kwargs, use_case.pk))

    with django_assert_num_queries(0):
        response.render()

    assert use_case.name in response.content.decode()


def _make_visible_by_every_path(count: int, *, workspace, person, group) -> None:
    """`count` use cases the person may see, a quarter by each path (workspace role, published, grant to the user,
    grant to their group), and as many they may not see."""
    for n in range(count):
        use_case = UseCaseFactory(workspace=workspace) if n % 4 == 0 else UseCaseFactory()
        if n % 4 == 1:
            UseCase.objects.filter(pk=use_case.pk).update(status=UseCase.Status.PUBLISHED)
        elif n % 4 == 2:
            object_grant_add(use_case, grantee=person, codename="view_usecase")
        elif n % 4 == 3:
            object_grant_add(use_case, grantee=group, codename="change_usecase")
        UseCaseFactory()


@pytest.mark.parametrize("url_name", ["usecases:usecase_list", "usecases:my_work", "home"])
def test_permission_filtering_adds_no_query_per_row(client, settings, url_name):
    settings.UCMR_PAGE_SIZE = 200
    workspace = WorkspaceFactory()
    person = member_of(workspace, "author")
    group = Group.objects.create(name="Partners")
    person.groups.add(group)
    client.force_login(person)

    _make_visible_by_every_path(10, workspace=workspace, person=person, group=group)
    ten_response, ten = get_counting_queries(client, reverse(url_name))
    _make_visible_by_every_path(90, workspace=workspace, person=person, group=group)
    hundred_response, hundred = get_counting_queries(client, reverse(url_name))

    assert len(hundred) == len(ten), "\n".join(hundred)
    if url_name == "usecases:usecase_list":
        assert (ten_response.context["paginator"].count, hundred_response.context["paginator"].count) == (10, 100)
    if url_name == "home":
        assert (ten_response.context["counts"]["use_cases"], hundred_response.context["counts"]["use_cases"]) == (
            10,
            100,
        )


def test_the_api_list_reads_no_facet_values_it_does_not_need(client, repository_reader):
    """An unfiltered list is the count and the page: the filters' values (every workspace, nature, actor, SGAM and
    NIST value) are read only to check a value given for them, or to show the facets on the page."""
    client.force_login(repository_reader)
    make_listed_use_cases(3)
    get_counting_queries(client, "/api/use-cases/")  # the session, the content types: once per client

    _, unfiltered = get_counting_queries(client, "/api/use-cases/")
    actor = ActorRole.objects.values_list("actor_id", flat=True).first()
    _, by_actor = get_counting_queries(client, "/api/use-cases/", {"actor": str(actor)})

    listing = [
        query for query in unfiltered if "django_session" not in query and '"auth_' not in query.split("FROM")[1]
    ]
    assert len(listing) == 2, "\n".join(listing)  # the count and the page, beside signing in
    assert any("actors_actor" in query for query in by_actor)  # the actor's value is checked against the actors
