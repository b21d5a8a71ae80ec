"""Full-text search of use cases (usecases/search/), the list's sorting and its grouped actor facet, on SQLite
(FTS5) and on PostgreSQL (the PG tier runs these with DATABASE_URL set): every text of a use case finds it, best match
first, with the part that matched under the row; what a user may not see is neither found nor counted; an edit is
found right after it is written; the list's queries do not grow with the number of use cases."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    CommonTermFactory,
    InformationObjectFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    WorkspaceFactory,
    member_of,
)
from usecases.models import Scenario, Step, UseCase, UseCaseSearchEntry, UseCaseSearchState
from usecases.search import DOCUMENT_FTS_TABLE, search_index_catch_up, usecase_search, usecase_search_matches
from usecases.services import usecase_create, usecase_row_create, usecase_row_update, usecase_update

pytestmark = pytest.mark.django_db

URL = reverse("usecases:usecase_list")


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def names(response) -> list[str]:
    return [use_case.name for use_case in response.context["use_cases"]]


def facet_counts(response, facet: str) -> dict[str, int]:
    (found,) = [item for item in response.context["facets"] if item.name == facet]
    return {value.label: value.count for value in found.values}


def with_step(use_case_name: str, **step) -> UseCase:
    use_case = UseCaseFactory(name=use_case_name)
    StepFactory(scenario=ScenarioFactory(use_case=use_case, name="Normal operation"), **step)
    return use_case


@pytest.mark.parametrize(
    "step, query",
    [
        ({"name": "Publish congestion signal"}, "Publish congestion signal"),
        ({"description": "The charge point talks OCPP to the backend."}, "OCPP"),
        ({"event": "Frequency drops below the threshold"}, "threshold"),
    ],
    ids=["step name", "step description", "step event"],
)
def test_a_steps_text_finds_its_use_case_in_the_list_the_api_and_the_facets(reader, repository_reader, step, query):
    target = with_step("Congestion management", **step)
    UseCaseFactory(name="Meter reading")

    response = reader.get(URL, {"q": query})

    assert names(response) == ["Congestion management"]
    assert facet_counts(response, "workspace") == {target.workspace.name: 1}
    api = APIClient()
    api.force_authenticate(repository_reader)
    assert [row["name"] for row in api.get("/api/use-cases/", {"search": query}).json()["results"]] == [
        "Congestion management"
    ]


def test_the_part_that_matched_is_shown_under_the_row_escaped_with_the_match_marked(reader):
    with_step(
        "Congestion management",
        number="3",
        description="Tell <script>alert(1)</script> every aggregator when load < 5 & rising.",
    )

    text = reader.get(URL, {"q": "aggregator"}).content.decode()

    match = re.search(r'<div class="small text-body-secondary search-match">(.*?)</div>', text, re.S).group(1)
    assert "4.2 Step 3 of scenario" in match and "Normal operation" in match
    assert "<mark>aggregator</mark>" in match
    assert "&lt; 5 &amp; rising" in match
    assert "<script>" not in match  # PostgreSQL's headline drops what looks like a tag; SQLite's snippet escapes it


def _use_case_with_library_objects() -> UseCase:
    use_case = UseCaseFactory(name="Flexibility market")
    step = StepFactory(scenario=ScenarioFactory(use_case=use_case))
    ActorRoleFactory(use_case=use_case, actor=ActorFactory(name="Balance responsible party"))
    step.information_objects.add(InformationObjectFactory(name="Baseline schedule", identifier="IO-77"))
    step.requirements.add(RequirementFactory(name="Encrypted transport", identifier="R-SEC-9"))
    use_case.common_terms.add(CommonTermFactory(term="Rebound", definition="Consumption after an activation."))
    return use_case


@pytest.mark.parametrize(
    "query", ["balance responsible", "baseline schedule", "IO-77", "encrypted transport", "R-SEC-9", "rebound"]
)
def test_actors_information_objects_requirements_and_terms_find_the_use_cases_that_use_them(reader, query):
    _use_case_with_library_objects()
    UseCaseFactory(name="Unrelated")

    assert names(reader.get(URL, {"q": query})) == ["Flexibility market"]


@pytest.mark.parametrize("field", ["scope", "complete_description", "keywords"])
def test_the_fields_of_section_1_find_the_use_case(reader, field):
    UseCaseFactory(name="Target", **{field: "Islanded microgrid operation"})
    UseCaseFactory(name="Other")

    assert names(reader.get(URL, {"q": "microgrids"})) == ["Target"]  # stemmed: the plural finds it


def test_who_may_not_see_a_use_case_sees_neither_the_hit_nor_its_count():
    grid, market = WorkspaceFactory(name="Grid", slug="grid"), WorkspaceFactory(name="Market", slug="market")
    visible = with_step("Visible plan", name="Dispatch reserve power")
    visible.workspace = grid
    visible.save()
    secret = with_step("Secret plan", name="Dispatch reserve power")
    secret.workspace = market
    secret.save()
    viewer = member_of(grid, "viewer")
    client = reader_client(viewer)

    response = client.get(URL, {"q": "reserve"})

    assert names(response) == ["Visible plan"]
    assert response.context["paginator"].count == 1
    assert facet_counts(response, "workspace") == {"Grid": 1}
    assert sum(facet_counts(response, "status").values()) == 1
    assert "Secret plan" not in response.content.decode()
    api = APIClient()
    api.force_authenticate(viewer)
    assert api.get("/api/use-cases/", {"search": "reserve"}).json()["count"] == 1


def reader_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_an_edit_is_found_right_after_it_is_written_and_the_old_text_no_longer(
    reader, staff_user, django_capture_on_commit_callbacks
):
    workspace = WorkspaceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        use_case = usecase_create(user=staff_user, workspace=workspace, data={"name": "Voltage control"})
    scenario = ScenarioFactory(use_case=use_case)
    with django_capture_on_commit_callbacks(execute=True):
        step = usecase_row_create(
            user=staff_user, use_case=use_case, model=Step, data={"scenario": scenario, "name": "Measure the voltage"}
        )
    with django_capture_on_commit_callbacks(execute=True):
        usecase_row_update(user=staff_user, row=step, data={"description": "Read the transformer's tap position"})
    use_case.refresh_from_db()

    # The write's own commit brought the index up to date; the search had nothing to catch up.
    assert UseCaseSearchState.objects.get(use_case=use_case).revision == use_case.revision
    assert names(reader.get(URL, {"q": "tap position"})) == ["Voltage control"]
    with django_capture_on_commit_callbacks(execute=True):
        usecase_row_update(user=staff_user, row=step, data={"description": "Read the meter"})
    assert names(reader.get(URL, {"q": "tap position"})) == []
    assert names(reader.get(URL, {"q": "meter"})) == ["Voltage control"]
    with django_capture_on_commit_callbacks(execute=True):
        usecase_update(user=staff_user, use_case=use_case, data={"name": "Voltage regulation"})
    assert names(reader.get(URL, {"q": "regulation"})) == ["Voltage regulation"]


def test_a_write_that_changes_no_text_keeps_the_use_case_found_without_rewriting_its_document(
    reader, staff_user, django_capture_on_commit_callbacks
):
    use_case = with_step("Storage dispatch", name="Charge the battery")
    second = StepFactory(scenario=use_case.scenarios.get(), name="Report the state of charge")
    search_index_catch_up()
    use_case.refresh_from_db()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        usecase_row_update(user=staff_user, row=second, data={"position": 0})

    # The step moved (a new revision, indexed on commit), but no text changed: the document is the one already there.
    use_case.refresh_from_db()
    assert UseCaseSearchState.objects.get(use_case=use_case).revision == use_case.revision
    document_writes = ("SET document =", f"INSERT INTO {DOCUMENT_FTS_TABLE}")
    assert not [query for query in queries if any(write in query["sql"] for write in document_writes)]
    assert names(reader.get(URL, {"q": "battery"})) == ["Storage dispatch"]
    assert names(reader.get(URL, {"q": "state of charge"})) == ["Storage dispatch"]


def test_a_write_without_the_services_is_caught_up_by_the_next_search(reader):
    use_case = with_step("Storage dispatch", name="Charge the battery")
    search_index_catch_up()
    Step.objects.filter(scenario__use_case=use_case).update(name="Discharge the flywheel")
    UseCase.objects.filter(pk=use_case.pk).update(revision=use_case.revision + 1)

    assert names(reader.get(URL, {"q": "flywheel"})) == ["Storage dispatch"]
    assert names(reader.get(URL, {"q": "battery"})) == []


def test_a_name_hit_ranks_above_a_step_hit_and_a_step_hit_above_a_library_hit(reader):
    with_step("Meter reading", name="Forecast the demand")
    UseCaseFactory(name="Demand forecast")
    library = UseCaseFactory(name="Tariff design")
    ActorRoleFactory(use_case=library, actor=ActorFactory(name="Demand aggregator"))

    assert names(reader.get(URL, {"q": "demand"})) == ["Demand forecast", "Meter reading", "Tariff design"]


def test_phrases_alternatives_and_exclusions(reader):
    with_step("One", name="Publish the congestion signal")
    with_step("Two", name="Signal congestion to the market")
    with_step("Three", name="Publish prices")

    assert names(reader.get(URL, {"q": '"congestion signal"'})) == ["One"]
    assert sorted(names(reader.get(URL, {"q": "congestion -market"}))) == ["One"]
    assert sorted(names(reader.get(URL, {"q": "prices or market"}))) == ["Three", "Two"]
    assert names(reader.get(URL, {"q": '" ( * NEAR'})) == []  # FTS5 syntax is never passed through


def test_a_quoted_phrase_is_found_however_far_into_a_long_use_case_it_sits(reader):
    # PostgreSQL keeps a word's position in a document only up to 16,383: a phrase past that (a use case of thousands
    # of steps, or an edited step, whose text goes to the end of the document) must still be found as a phrase.
    long_text = " ".join(f"filler{number % 500} operates the grid" for number in range(4200))  # 16,800 words
    target = with_step("Congestion management", name="Publish congestion signal")
    UseCase.objects.filter(pk=target.pk).update(complete_description=long_text)
    scattered = with_step("Scattered words", name="Signal the congestion then publish")
    UseCase.objects.filter(pk=scattered.pk).update(complete_description=long_text)
    UseCaseFactory(name="Meter reading")
    UseCase.objects.update(revision=F("revision") + 1)  # written without the services: the search indexes them

    for query in ('"publish congestion signal"', '"publish congestion signal" grid', '"congestion signal" or tariff'):
        response = reader.get(URL, {"q": query})

        assert names(response) == ["Congestion management"], query
        assert response.context["paginator"].count == 1, query
        assert facet_counts(response, "workspace") == {target.workspace.name: 1}, query
    match = reader.get(URL, {"q": '"publish congestion signal"'}).context["use_cases"][0].search_match
    assert match.section.startswith("4.2 Step") and "<mark>" in match.snippet
    assert sorted(names(reader.get(URL, {"q": "publish congestion signal"}))) == [
        "Congestion management",
        "Scattered words",
    ]
    assert names(reader.get(URL, {"q": 'grid -"publish congestion signal"'})) == ["Scattered words"]


def test_the_id_and_the_name_match_as_typed_after_the_ranked_hits(reader):
    UseCaseFactory(identifier="BUC-07", name="Voltage control")
    UseCaseFactory(identifier="SUC-01", name="One", short_description="Volt and VAr optimisation")
    UseCaseFactory(identifier="SUC-02", name="Is it")

    assert names(reader.get(URL, {"q": "BUC-0"})) == ["Voltage control"]
    assert names(reader.get(URL, {"q": "volt"})) == ["One", "Voltage control"]  # a word first, then part of a name
    assert names(reader.get(URL, {"q": "it"})) == ["Is it"]  # a word the language may ignore


def test_usecase_search_and_its_matches_as_functions():
    target = with_step("Congestion management", number="5", name="Publish congestion signal")

    found = list(usecase_search(UseCase.objects.all(), "congestion"))
    matches = usecase_search_matches([target.pk], "signal")

    assert found == [target] and found[0].search_rank > 0
    assert matches[target.pk].section.startswith("4.2 Step 5")
    assert "<mark>signal</mark>" in matches[target.pk].snippet


def test_the_rebuild_command_writes_the_index_of_every_use_case_again():
    target = with_step("Congestion management", name="Publish congestion signal")
    UseCaseSearchEntry.objects.all().delete()
    UseCaseSearchState.objects.all().delete()

    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert UseCaseSearchState.objects.get(use_case=target).revision == target.revision
    assert list(usecase_search(UseCase.objects.all(), "signal", catch_up=False)) == [target]


# Sorting and the "last changed" column.


@pytest.fixture
def sortable():
    now = timezone.now()
    rows = [
        ("B-2", "Alpha", "Zeta", UseCase.Status.PUBLISHED, 3),
        ("A-1", "Charlie", "Eta", UseCase.Status.DRAFT, 1),
        ("C-3", "Bravo", "Theta", UseCase.Status.IN_REVIEW, 2),
    ]
    for identifier, name, workspace, status, age in rows:
        use_case = UseCaseFactory(
            identifier=identifier, name=name, status=status, workspace=WorkspaceFactory(name=workspace)
        )
        UseCase.objects.filter(pk=use_case.pk).update(modified=now - timedelta(days=age))


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("id", ["Charlie", "Alpha", "Bravo"]),
        ("-id", ["Bravo", "Alpha", "Charlie"]),
        ("name", ["Alpha", "Bravo", "Charlie"]),
        ("-name", ["Charlie", "Bravo", "Alpha"]),
        ("status", ["Charlie", "Bravo", "Alpha"]),  # the order of the workflow: draft, in review, published
        ("-status", ["Alpha", "Bravo", "Charlie"]),
        ("workspace", ["Charlie", "Bravo", "Alpha"]),
        ("-workspace", ["Alpha", "Bravo", "Charlie"]),
        ("changed", ["Alpha", "Bravo", "Charlie"]),
        ("-changed", ["Charlie", "Bravo", "Alpha"]),
    ],
)
def test_the_list_and_the_api_sort_by_each_column(reader, repository_reader, sortable, sort, expected):
    assert names(reader.get(URL, {"sort": sort})) == expected
    api = APIClient()
    api.force_authenticate(repository_reader)
    assert [row["name"] for row in api.get("/api/use-cases/", {"sort": sort}).json()["results"]] == expected


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "name"}, {"sort": "-status"}, {"sort": "-changed"}, {"q": "demand"}, {"q": "demand", "sort": "id"}],
)
def test_the_pages_of_the_list_follow_its_order_without_a_gap_or_a_repeat(reader, settings, sortable, params):
    UseCaseFactory(name="Demand forecast", identifier="D-1")
    with_step("Another case", name="Forecast the demand")
    whole = names(reader.get(URL, params))
    settings.UCMR_PAGE_SIZE = 2

    pages = reader.get(URL, params).context["paginator"].num_pages
    paged = [name for page in range(1, pages + 1) for name in names(reader.get(URL, {**params, "page": page}))]

    assert paged == whole and len(whole) == (2 if "q" in params else 5)


def test_column_headers_sort_and_turn_round_and_the_last_change_is_shown(reader, sortable):
    text = reader.get(URL, {"sort": "name", "page": "1"}).content.decode()

    headers = dict(re.findall(r'href="\?([^"]*)" data-sort="(\w+)"', text)[i][::-1] for i in range(5))
    assert headers["name"] == "sort=-name"  # the current sort, the other way round (from the first page)
    assert headers["id"] == "sort=id" and headers["changed"] == "sort=-changed"  # latest change first
    assert 'aria-sort="ascending"' in text
    assert (timezone.now() - timedelta(days=3)).strftime("%Y-%m-%d") in text


def test_a_sort_overrides_the_order_of_relevance(reader):
    UseCaseFactory(name="Demand forecast")
    with_step("Another case", name="Forecast the demand")

    assert names(reader.get(URL, {"q": "demand"})) == ["Demand forecast", "Another case"]  # a name hit first
    assert names(reader.get(URL, {"q": "demand", "sort": "name"})) == ["Another case", "Demand forecast"]


# The actor facet, grouped.


def test_an_abbreviation_and_the_full_name_of_one_actor_are_one_facet_value(reader):
    full = ActorFactory(name="Distribution System Operator (DSO)")
    short = ActorFactory(name="DSO")
    other = ActorFactory(name="Aggregator")
    both = UseCaseFactory(name="Both")
    ActorRoleFactory(use_case=both, actor=full)
    ActorRoleFactory(use_case=both, actor=short)
    ActorRoleFactory(use_case=UseCaseFactory(name="Short only"), actor=short)
    ActorRoleFactory(use_case=UseCaseFactory(name="Full only"), actor=full)
    ActorRoleFactory(use_case=UseCaseFactory(name="Other"), actor=other)

    response = reader.get(URL)

    assert facet_counts(response, "actor") == {"Aggregator": 1, "Distribution System Operator (DSO)": 3}
    assert sorted(names(reader.get(URL, {"actor": str(full.pk)}))) == ["Both", "Full only", "Short only"]
    assert sorted(names(reader.get(URL, {"actor": str(short.pk)}))) == ["Both", "Full only", "Short only"]


def test_an_abbreviation_two_actors_end_with_stays_apart(reader):
    ActorRoleFactory(use_case=UseCaseFactory(), actor=ActorFactory(name="Distribution System Operator (DSO)"))
    ActorRoleFactory(use_case=UseCaseFactory(), actor=ActorFactory(name="Demand Side Operator (DSO)"))
    ActorRoleFactory(use_case=UseCaseFactory(), actor=ActorFactory(name="DSO"))

    assert facet_counts(reader.get(URL), "actor") == {
        "Demand Side Operator (DSO)": 1,
        "Distribution System Operator (DSO)": 1,
        "DSO": 1,
    }


# Priced by the page.


def _make_searchable(count: int) -> None:
    for use_case in UseCaseFactory.create_batch(count):
        scenario = ScenarioFactory(use_case=use_case)
        StepFactory(scenario=scenario, name="Publish congestion signal", description="Sent to every aggregator.")
        ActorRoleFactory(use_case=use_case)


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"q": "congestion signal"}, {"q": "aggregator", "sort": "-changed"}], ids=["list", "search", "sort"]
)
def test_the_list_pages_queries_do_not_grow_with_the_use_cases(reader, settings, params):
    settings.UCMR_PAGE_SIZE = 10
    _make_searchable(3)
    search_index_catch_up()
    few = _queries(reader, params)
    _make_searchable(30)
    search_index_catch_up()

    with CaptureQueriesContext(connection) as context:
        response = reader.get(URL, params)

    assert len(context.captured_queries) == few, "\n".join(query["sql"] for query in context.captured_queries)
    assert response.context["paginator"].count == 33
    if "q" in params:
        assert all(use_case.search_match for use_case in response.context["use_cases"])


def test_the_list_counts_scenarios_and_actors_of_each_row(reader):
    use_case = UseCaseFactory(name="Counted")
    ScenarioFactory.create_batch(3, use_case=use_case)
    ActorRoleFactory.create_batch(2, use_case=use_case)
    UseCaseFactory(name="Empty")

    rows = {row.name: (row.scenario_count, row.actor_count) for row in reader.get(URL).context["use_cases"]}

    assert rows == {"Counted": (3, 2), "Empty": (0, 0)}
    assert Scenario.objects.count() == 3


def test_a_facet_of_many_values_lists_sixty_and_says_how_many_more(reader):
    use_case = UseCaseFactory()
    actors = [ActorFactory(name=f"Actor {number:02d}") for number in range(70)]
    for actor in actors:
        ActorRoleFactory(use_case=use_case, actor=actor)

    response = reader.get(URL)
    facet = re.search(r'<section[^>]*id="facet-actor".*?</section>', response.content.decode(), re.S).group(0)

    assert len(facet_counts(response, "actor")) == 70
    assert facet.count('class="facet-value') == 60 and "10 more not listed" in facet
    # Each listed value, the first eight and those under "more" alike, links to the list filtered by its actor.
    links = re.findall(r'class="facet-value[^"]*" href="\?([^"]*)"', facet)
    assert len(set(links)) == 60
    assert set(links) <= {f"actor={actor.pk}" for actor in actors}


def test_an_import_is_indexed_when_it_commits_new_and_updated_use_cases_alike(
    reader, django_capture_on_commit_callbacks
):
    from usecases.exchange.loader import repository_import
    from usecases.xml import document as doc

    def file(step_name: str) -> doc.Repository:
        step = doc.Step(mrid="6a3c2f1e-0000-4000-8000-000000000101", number="1", name=step_name)
        scenario = doc.Scenario(mrid="6a3c2f1e-0000-4000-8000-0000000000a1", number="1", name="Normal", steps=[step])
        use_case = doc.UseCase(
            mrid="6a3c2f1e-0000-4000-8000-000000000001", identifier="UC-1", name="Collect", scenarios=[scenario]
        )
        return doc.Repository(use_cases=[use_case])

    with django_capture_on_commit_callbacks(execute=True):
        repository_import(user=None, document=file("Read the smart meter"), workspace=None)
    use_case = UseCase.objects.get(identifier="UC-1")
    assert UseCaseSearchState.objects.get(use_case=use_case).revision == use_case.revision
    with django_capture_on_commit_callbacks(execute=True):
        repository_import(user=None, document=file("Poll the heat pump"), workspace=None)
    use_case.refresh_from_db()

    assert UseCaseSearchState.objects.get(use_case=use_case).revision == use_case.revision
    assert names(reader.get(URL, {"q": "heat pump"})) == ["Collect"]
    assert names(reader.get(URL, {"q": "smart meter"})) == []


def test_the_migration_indexes_the_use_cases_already_there_with_the_models_of_its_time():
    from django.db.migrations.loader import MigrationLoader

    from usecases.search import search_index_rebuild

    target = _use_case_with_library_objects()
    historical = MigrationLoader(connection).project_state(("usecases", "0007_search_documents")).apps

    assert search_index_rebuild(apps=historical) == 1
    assert UseCaseSearchState.objects.get(use_case=target).revision == target.revision
    assert list(usecase_search(UseCase.objects.all(), "rebound", catch_up=False)) == [target]
