"""The number of queries of the use case pages does not grow with the number of rows they show, and rendering
their templates runs none at all (everything is loaded by the view)."""

import pytest
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
    make_complete_use_case,
)
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
def test_use_case_list_queries_do_not_grow_with_the_rows(client, user, settings, params):
    settings.UCMR_PAGE_SIZE = 25
    client.force_login(user)
    url = reverse("usecases:usecase_list")

    make_listed_use_cases(2)
    few_response, few = get_counting_queries(client, url, params)
    make_listed_use_cases(18)
    many_response, many = get_counting_queries(client, url, params)

    assert (len(few_response.context["use_cases"]), len(many_response.context["use_cases"])) == (2, 20)
    assert len(many) == len(few), "\n".join(many)


def test_use_case_detail_queries_do_not_grow_with_the_document(client, user):
    client.force_login(user)
    small = make_complete_use_case(steps=10, actors=5, rows=2)
    large = make_complete_use_case(steps=300, actors=50, rows=20)

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
def test_rendering_the_templates_runs_no_query(user, django_assert_num_queries, view, kwargs):
    use_case = make_complete_use_case(steps=12, actors=6, rows=2)
    request = RequestFactory().get("/")
    request.user = user
    response = view.as_view()(request, **dict.fromkeys(kwargs, use_case.pk))

    with django_assert_num_queries(0):
        response.render()

    assert use_case.name in response.content.decode()
