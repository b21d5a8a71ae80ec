"""The facets of the use case list: each value counts the visible use cases that have it, given every other active
filter (not the facet's own); values of a facet add up (any matches), facets narrow each other; a fixed number of
queries whatever the number of use cases."""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from sgam.models import Domain, NistDomain, Zone
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    NistPlacementFactory,
    SgamPlacementFactory,
    UseCaseFactory,
    WorkspaceFactory,
    member_of,
)
from usecases.exchange.records import BOOKKEEPING
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

URL = reverse("usecases:usecase_list")


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def counts(response, facet: str) -> dict[str, int]:
    """{value label: count} of one facet as the page got it."""
    (found,) = [item for item in response.context["facets"] if item.name == facet]
    return {value.label: value.count for value in found.values}


def selected(response, facet: str) -> set[str]:
    (found,) = [item for item in response.context["facets"] if item.name == facet]
    return {value.label for value in found.values if value.selected}


def row_names(response) -> set[str]:
    return {use_case.name for use_case in response.context["use_cases"]}


def domain(code):
    return Domain.objects.get(code=code)


def zone(code):
    return Zone.objects.get(code=code)


@pytest.fixture
def catalogue():
    """Grid holds a draft BUC and a published SUC, Market an SUC in review and a draft SUC, with different
    placements and actors; Alpha has two SGAM placements."""
    grid, market = WorkspaceFactory(name="Grid", slug="grid"), WorkspaceFactory(name="Market", slug="market")
    dso, aggregator = ActorFactory(name="DSO"), ActorFactory(name="Aggregator")

    def make(name, workspace, status, nature, placements=(), actors=()):
        use_case = UseCaseFactory(name=name, workspace=workspace, status=status, nature=nature)
        for domain_code, zone_code in placements:
            SgamPlacementFactory(use_case=use_case, domain=domain(domain_code), zone=zone(zone_code))
        for actor in actors:
            ActorRoleFactory(use_case=use_case, actor=actor)
        return use_case

    return {
        "alpha": make("Alpha", grid, "draft", "BUC", [("der", "field"), ("distribution", "station")], [dso]),
        "bravo": make("Bravo", grid, "published", "SUC", [("der", "station")], [dso, aggregator]),
        "charlie": make("Charlie", market, "in_review", "SUC", [("distribution", "field")], [aggregator]),
        "delta": make("Delta", market, "draft", "SUC"),
    }


def test_each_value_counts_the_use_cases_that_have_it(reader, catalogue):
    response = reader.get(URL)

    assert counts(response, "workspace") == {"Grid": 2, "Market": 2}
    assert counts(response, "status") == {"Draft": 2, "In review": 1, "Published": 1}
    assert counts(response, "nature") == {"BUC": 1, "SUC": 3}
    assert counts(response, "actor") == {"Aggregator": 2, "DSO": 2}
    assert counts(response, "sgam_domain") == {"DER": 2, "Distribution": 2}
    assert counts(response, "sgam_zone") == {"Field": 2, "Station": 2}
    assert counts(response, "nist_domain") == {}  # no use case placed: no value offered


def test_a_facet_counts_with_every_other_filter_but_not_its_own(reader, catalogue):
    response = reader.get(URL, {"status": "draft"})

    assert row_names(response) == {"Alpha", "Delta"}
    # Its own values still show what choosing them would add.
    assert counts(response, "status") == {"Draft": 2, "In review": 1, "Published": 1}
    assert selected(response, "status") == {"Draft"}
    # The other facets count the drafts only.
    assert counts(response, "workspace") == {"Grid": 1, "Market": 1}
    assert counts(response, "nature") == {"BUC": 1, "SUC": 1}
    assert counts(response, "actor") == {"DSO": 1}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"Alpha", "Bravo", "Charlie", "Delta"}),
        ({"sgam_domain": "der"}, {"Alpha", "Bravo"}),
        ({"workspace": "market", "nature": "SUC"}, {"Charlie", "Delta"}),
        ({"status": "draft", "workspace": "grid", "nature": "BUC"}, {"Alpha"}),
    ],
    ids=["none", "a placement", "two plain facets", "every plain facet"],
)
def test_the_result_count_is_the_number_of_rows_found(reader, settings, catalogue, params, expected):
    """The count comes with the facet counts when a plain facet is not filtered, else from a query of its own."""
    settings.UCMR_PAGE_SIZE = 1
    response = reader.get(URL, params)

    assert response.context["paginator"].count == len(expected)
    assert response.context["paginator"].num_pages == len(expected)
    assert {row.name for row in response.context["paginator"].object_list} == expected


def test_counts_across_placements_count_use_cases_not_matching_placements(reader, catalogue):
    """Alpha is in zone Field through its DER placement; it also has a Distribution placement (in Station). A use
    case "in zone Field and in domain Distribution" is a use case with both, as the filters read it."""
    response = reader.get(URL, {"sgam_zone": "field"})

    assert row_names(response) == {"Alpha", "Charlie"}
    assert counts(response, "sgam_domain") == {"DER": 1, "Distribution": 2}

    narrowed = reader.get(URL, {"sgam_zone": "field", "sgam_domain": "distribution"})
    assert row_names(narrowed) == {"Alpha", "Charlie"}
    assert counts(narrowed, "sgam_zone") == {"Field": 2, "Station": 1}


def test_values_of_one_facet_add_up_and_facets_narrow_each_other(reader, catalogue):
    either_status = reader.get(URL, {"status": ["draft", "published"]})
    assert row_names(either_status) == {"Alpha", "Bravo", "Delta"}
    assert selected(either_status, "status") == {"Draft", "Published"}

    dso = str(Actor.objects.get(name="DSO").pk)
    narrowed = reader.get(URL, {"status": ["draft", "published"], "workspace": "grid", "actor": dso})
    assert row_names(narrowed) == {"Alpha", "Bravo"}
    assert counts(narrowed, "workspace") == {"Grid": 2}
    assert counts(narrowed, "status") == {"Draft": 1, "Published": 1}
    assert counts(narrowed, "nature") == {"BUC": 1, "SUC": 1}

    with_text = reader.get(URL, {"q": "Alpha", "workspace": "grid"})
    assert row_names(with_text) == {"Alpha"}
    assert counts(with_text, "workspace") == {"Grid": 1}
    assert counts(with_text, "status") == {"Draft": 1}


def test_a_chosen_value_nothing_matches_stays_shown_to_be_removed(reader, catalogue):
    response = reader.get(URL, {"nature": "BUC", "workspace": "market"})

    assert row_names(response) == set()
    assert counts(response, "workspace") == {"Grid": 1, "Market": 0}
    assert selected(response, "workspace") == {"Market"}


def test_counts_leave_out_use_cases_the_user_may_not_see(client):
    ours, theirs = WorkspaceFactory(name="Ours", slug="ours"), WorkspaceFactory(name="Theirs", slug="theirs")
    secret_actor = ActorFactory(name="Shared actor")
    ActorRoleFactory(use_case=UseCaseFactory(name="Visible", workspace=ours, nature="BUC"), actor=secret_actor)
    for n in range(3):
        hidden = UseCaseFactory(name=f"Hidden {n}", workspace=theirs, nature="SECRET-NATURE")
        ActorRoleFactory(use_case=hidden, actor=secret_actor)
        SgamPlacementFactory(use_case=hidden, domain=domain("der"))
    published = UseCaseFactory(name="Published", workspace=theirs, nature="BUC")
    UseCase.objects.filter(pk=published.pk).update(status=UseCase.Status.PUBLISHED)
    client.force_login(member_of(ours, "viewer"))

    response = client.get(URL)

    assert row_names(response) == {"Visible", "Published"}
    assert counts(response, "nature") == {"BUC": 2}
    assert counts(response, "status") == {"Draft": 1, "Published": 1}
    assert counts(response, "actor") == {"Shared actor": 1}
    assert counts(response, "sgam_domain") == {}
    assert sum(counts(response, "workspace").values()) == 2
    assert "SECRET-NATURE" not in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"status": "draft"}], ids=["every use case", "filtered"])
def test_counts_leave_out_the_placeholders_of_related_use_cases(reader, catalogue, params):
    """A use case a file names only as the target of a relation is no use case: none of its actors or placements
    count, whether the list shows every use case or is filtered; nor do the placements of actors."""
    placeholder = UseCaseFactory(name="Named by a file", status="draft", extra={BOOKKEEPING: {"placeholder": True}})
    ActorRoleFactory(use_case=placeholder, actor=Actor.objects.get(name="DSO"))
    SgamPlacementFactory(use_case=placeholder, domain=domain("der"), zone=zone("field"))
    NistPlacementFactory(use_case=placeholder, nist_domain=NistDomain.objects.get(code="distribution"))
    # Placed, but no use case: an actor of the library.
    SgamPlacementFactory(actor=Actor.objects.get(name="DSO"), domain=domain("transmission"), zone=zone("process"))
    NistPlacementFactory(actor=Actor.objects.get(name="DSO"), nist_domain=NistDomain.objects.get(code="markets"))

    response = reader.get(URL, params)

    assert "Named by a file" not in row_names(response)
    assert counts(response, "actor") == ({"DSO": 2, "Aggregator": 2} if not params else {"DSO": 1})
    assert counts(response, "sgam_domain") == (
        {"DER": 2, "Distribution": 2} if not params else {"DER": 1, "Distribution": 1}
    )
    assert counts(response, "nist_domain") == {}


def test_the_page_offers_each_value_as_a_link_and_the_chosen_ones_as_removable_chips(reader, catalogue):
    response = reader.get(URL, {"status": "draft", "q": "a", "page": "1"})
    text = response.content.decode()

    facet = re.search(r'<section[^>]*id="facet-status".*?</section>', text, re.S).group(0)
    links = {
        label: sorted(parse_qsl(unescape(query)))
        for query, label in re.findall(
            r'class="facet-value[^"]*" href="\?([^"]*)".*?(Draft|Published|In review)', facet, re.S
        )
    }
    # Choosing adds the value to the others (from the first page); the chosen one's link removes it.
    assert links["Published"] == [("q", "a"), ("status", "draft"), ("status", "published")]
    assert links["Draft"] == [("q", "a")]
    assert "Filter by Status:" in facet and "Remove filter Status:" in facet
    chips = re.search(r'<div[^>]*aria-label="Active filters".*?</div>', text, re.S).group(0)
    assert "Status: Draft" in chips and "Text: “a”" in chips
    assert 'href="?q=a"' in chips  # removing the status chip keeps the text
    assert f'href="{URL}" id="clear-filters"' in chips
    # The text search keeps the chosen facet values.
    assert '<input type="hidden" name="status" value="draft">' in text


def test_no_chips_and_no_clear_link_without_filters(reader, catalogue):
    text = reader.get(URL).content.decode()
    assert 'aria-label="Active filters"' not in text
    assert 'id="facet-workspace"' in text


def test_facet_labels_are_escaped(reader):
    UseCaseFactory(workspace=WorkspaceFactory(name="<script>alert(1)</script>", slug="evil"), nature="<b>N</b>")

    text = reader.get(URL, {"workspace": "evil"}).content.decode()

    assert "<script>alert(1)</script>" not in text and "<b>N</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_an_unknown_value_shows_the_error_no_rows_and_no_facets(reader, catalogue):
    response = reader.get(URL, {"status": ["draft", "no-such-status"]})

    assert row_names(response) == set()
    assert response.context["facets"] == []
    assert "Select a valid choice" in response.content.decode()


def test_the_api_takes_one_value_or_several(reader, catalogue):
    url = reverse("api:usecase-list")
    one = reader.get(url, {"status": "draft"}).json()
    several = reader.get(f"{url}?status=draft&status=published").json()

    def names(page):
        return {row["name"] for row in page["results"]}

    assert names(one) == {"Alpha", "Delta"}
    assert names(several) == {"Alpha", "Bravo", "Delta"}


def _make_placed_use_cases(count: int) -> None:
    workspaces = [WorkspaceFactory() for _ in range(2)]
    nist = NistDomain.objects.order_by("order").first()
    for n in range(count):
        use_case = UseCaseFactory(workspace=workspaces[n % 2], nature=f"N{n % 3}")
        SgamPlacementFactory(use_case=use_case, domain=domain("der"), zone=zone("field"))
        NistPlacementFactory(use_case=use_case, nist_domain=nist)
        ActorRoleFactory(use_case=use_case)


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "draft", "sgam_domain": ["der", "distribution"], "q": "Use case", "sgam_zone": "field"}],
    ids=["unfiltered", "filtered"],
)
def test_facets_cost_a_fixed_number_of_queries(reader, settings, django_assert_num_queries, params):
    settings.UCMR_PAGE_SIZE = 100
    _make_placed_use_cases(4)
    few = _count_queries(reader, params)
    _make_placed_use_cases(60)

    with django_assert_num_queries(few):
        response = reader.get(URL, params)

    assert len(response.context["use_cases"]) == 64
    assert counts(response, "sgam_domain") == ({"DER": 64, "Distribution": 0} if params else {"DER": 64})
    assert sum(counts(response, "workspace").values()) == 64


# The whole page, query by query: the session, the user and their permissions (one query: ucmr.backends), the
# workspaces and actors the facets list, one GROUP BY for status, workspace and nature, one query per relation's facet
# (actor, SGAM domain, SGAM zone, NIST domain), the reference values of the facets with counts, the page's keys, its
# rows and their SGAM placements (with domain and zone), the search index's catch-up and the rows' matches.
@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, 17),
        ({"status": "draft", "nature": "N1", "workspace": "FIRST", "actor": "ACTOR"}, 18),
        ({"q": "Use case", "sort": "-changed"}, 20),
    ],
    ids=["list", "filtered", "search"],
)
def test_the_list_page_costs_so_many_queries(reader, params, expected):
    _make_placed_use_cases(6)
    use_case = UseCase.objects.filter(nature="N1").order_by("pk").first()
    values = {"FIRST": use_case.workspace.slug, "ACTOR": str(use_case.actor_roles.get().actor_id)}
    params = {name: values.get(value, value) for name, value in params.items()}
    reader.get(URL, params)  # what a client reads once (content types)

    with CaptureQueriesContext(connection) as context:
        response = reader.get(URL, params)

    assert response.context["paginator"].count >= 1
    assert len(context.captured_queries) == expected, "\n".join(query["sql"] for query in context.captured_queries)
