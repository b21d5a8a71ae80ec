"""Issue 20, part 2: a rendered diagram is found by (use case, revision, key), or by its content hash, without
building a graph: a download makes the same queries for 50 steps as for 500; a change of the use case asks for the
diagrams of its new revision; a long scenario's sequence diagram comes in pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sgam.models import RenderedDiagram, UseCaseDiagram
from tests.usecases.test_big_usecase import make_big_use_case
from usecases.analysis.diagrams import usecase_diagram_facts_load, usecase_diagram_specs_get, usecase_generated_get
from usecases.analysis.graphs import SEQUENCE_PAGE_ROWS
from usecases.analysis.services import usecase_diagrams_render
from usecases.models import Step, UseCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def download_url(use_case, key, output_format="svg"):
    kwargs = {"pk": use_case.pk, "key": key, "output_format": output_format}
    return reverse("usecases:diagram_download", kwargs=kwargs)


def _download(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.parametrize("key", ["actors", "nist", "sequence"])
def test_a_download_makes_the_same_queries_for_50_and_500_steps(reader, settings, key):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    small = make_big_use_case(scenarios=1, steps=50)
    large = make_big_use_case(scenarios=1, steps=500)
    for use_case in (small, large):
        usecase_diagrams_render(use_case_id=use_case.pk)

    def url(use_case):
        scenario = use_case.scenarios.get()
        return download_url(use_case, f"sequence-{scenario.mrid}" if key == "sequence" else key)

    small_response, small_queries = _download(reader, url(small))
    large_response, large_queries = _download(reader, url(large))

    assert small_response.status_code == large_response.status_code == 200
    assert large_response.content.startswith(b"<?xml") and b"<svg" in large_response.content
    assert large_queries == small_queries


def test_a_download_serves_the_diagram_of_the_revision_and_asks_for_the_next_one(reader, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    use_case = make_big_use_case(scenarios=1, steps=5)
    scenario = use_case.scenarios.get()
    url = download_url(use_case, f"sequence-{scenario.mrid}")
    usecase_diagrams_render(use_case_id=use_case.pk)

    Step.objects.filter(scenario=scenario, number="1").update(name="Renamed meanwhile")  # not a new revision
    served = reader.get(url)
    assert served.status_code == 200 and b"Renamed meanwhile" not in served.content  # found, not drawn again

    UseCase.objects.filter(pk=use_case.pk).update(revision=use_case.revision + 1)  # a change of the use case
    assert reader.get(url).status_code == 202  # its diagrams are asked for again
    usecase_diagrams_render(use_case_id=use_case.pk)
    again = reader.get(url)
    assert again.status_code == 200 and b"Renamed meanwhile" in again.content
    assert set(UseCaseDiagram.objects.filter(use_case=use_case).values_list("revision", flat=True)) == {
        use_case.revision + 1
    }


def test_an_unknown_key_is_404_before_and_after_rendering(reader, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    use_case = make_big_use_case(scenarios=1, steps=3)
    scenario = use_case.scenarios.get()
    for key in ("no-such", "sequence-not-a-uuid", f"sequence-{scenario.mrid}-p7"):
        if not key.endswith("-p7"):  # a page may exist until the diagrams are stored
            assert reader.get(download_url(use_case, key)).status_code == 404
    usecase_diagrams_render(use_case_id=use_case.pk)
    assert reader.get(download_url(use_case, f"sequence-{scenario.mrid}-p7")).status_code == 404


def test_a_diagram_by_its_content_hash_is_cached_for_good_and_only_for_who_may_see_it(reader, client, user):
    use_case = make_big_use_case(scenarios=1, steps=3)
    usecase_diagrams_render(use_case_id=use_case.pk)
    stored = UseCaseDiagram.objects.get(use_case=use_case, key="nist")
    url = reverse("usecases:diagram_by_hash", kwargs={"content_hash": stored.content_hash, "output_format": "svg"})

    response = reader.get(url)
    assert response.status_code == 200 and b"<svg" in response.content
    assert "immutable" in response["Cache-Control"] and response["ETag"] == f'"{stored.content_hash}-svg"'

    client.force_login(user)  # no role anywhere
    assert client.get(url).status_code == 404


def test_the_page_panel_builds_no_graph_and_counts_the_same_queries(reader, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    small = make_big_use_case(scenarios=2, steps=25)
    large = make_big_use_case(scenarios=2, steps=250)
    counts = []
    for use_case in (small, large):
        usecase_diagrams_render(use_case_id=use_case.pk)
        header = UseCase.objects.get(pk=use_case.pk)
        with CaptureQueriesContext(connection) as queries:
            panel = usecase_generated_get(use_case=header)
        counts.append(len(queries))
        assert {entry.state for entry in panel.diagrams} == {"ready"}
    assert counts[0] == counts[1]


def test_a_long_scenario_is_drawn_in_pages_of_whole_steps(reader, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    use_case = make_big_use_case(scenarios=1, steps=150)
    scenario = use_case.scenarios.get()
    specs = usecase_diagram_specs_get(use_case=usecase_diagram_facts_load(use_case_id=use_case.pk))
    pages = [spec for spec in specs if spec.kind == "sequence"]

    assert len(pages) == 3  # 150 rows (and 30 frame headers), 60 to a page, whole top-level steps
    assert [spec.key for spec in pages] == [
        f"sequence-{scenario.mrid}",
        f"sequence-{scenario.mrid}-p2",
        f"sequence-{scenario.mrid}-p3",
    ]
    # steps 1 to 30 have a sub-step each (a frame's header, the step, its sub-step: 3 rows), the others none
    assert pages[0].title.endswith("page 1 of 3 (steps 1 to 20.1)")
    assert pages[1].title.startswith(f"Sequence diagram of scenario {scenario}, page 2 of 3 (steps 21 to ")
    for spec in pages:
        rows = spec.dot.source.count("-label")
        assert 0 < rows <= SEQUENCE_PAGE_ROWS + 10  # labels: a message's, or a frame's

    usecase_diagrams_render(use_case_id=use_case.pk)
    page = reader.get(use_case.get_absolute_url()).content.decode()
    card = page[page.index(f'data-diagram-key="sequence-{scenario.mrid}"') :]
    card = card[: card.index("</nav>")]
    assert "3 pages:" in card and card.count("data-diagram-page=") == 3
    assert reader.get(download_url(use_case, f"sequence-{scenario.mrid}-p3")).status_code == 200


def test_a_png_of_a_stored_diagram_is_drawn_from_its_source_in_the_same_queries_for_50_and_500_steps(settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    counts = []
    for steps in (50, 500):
        use_case = make_big_use_case(scenarios=1, steps=steps)
        usecase_diagrams_render(use_case_id=use_case.pk)
        with CaptureQueriesContext(connection) as queries:
            result = usecase_diagrams_render(use_case_id=use_case.pk, png_keys=["nist"])
        counts.append(len(queries))
        assert result["cached"] == ["nist"] and not result["failed"]
        stored = UseCaseDiagram.objects.get(use_case=use_case, key="nist")
        assert bytes(RenderedDiagram.objects.get(content_hash=stored.content_hash).png).startswith(b"\x89PNG")
    assert counts[0] == counts[1]
