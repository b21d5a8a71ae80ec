"""The print layout of a use case: the whole template (sections 1.1 to 8, drawings and generated diagrams), a title
block, no navigation, buttons, editors or validation; the detail page's permissions; a fixed number of queries."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    DrawingFactory,
    ReferenceFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
)
from usecases.views import UseCasePrintView

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
SECTIONS = [
    "1 Description of the use case",
    "1.1 Name of use case",
    "1.2 Version management",
    "1.3 Scope and objectives of use case",
    "1.4 Narrative of use case",
    "1.5 Key performance indicators (KPI)",
    "1.6 Use case conditions",
    "1.7 Further information to the use case for classification/mapping",
    "1.8 General remarks",
    "2 Diagrams of use case",
    "3 Technical details",
    "3.1 Actors",
    "3.2 References",
    "4 Step by step analysis of use case",
    "4.1 Overview of scenarios",
    "4.2 Steps per scenario",
    "5 Information exchanged",
    "6 Requirements",
    "7 Common terms and definitions",
    "8 Custom information",
]


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def print_url(use_case) -> str:
    return reverse("usecases:usecase_print", kwargs={"pk": use_case.pk})


def page_text(response) -> str:
    """The print page, streamed (its step tables a scenario at a time)."""
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def headings(text: str) -> list[str]:
    found = (re.sub(r"\s+", " ", heading).strip() for heading in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", text))
    return [heading for heading in found if heading[0].isdigit()]


def test_print_shows_every_section_with_its_content_in_order(reader):
    use_case = make_complete_use_case(steps=12, actors=6, rows=2, name="Flexibility market", identifier="BUC-FM")

    response = reader.get(print_url(use_case))

    assert response.status_code == 200
    text = page_text(response)
    assert headings(text) == SECTIONS
    shown = [
        "Distribution / Operation",
        "Author 1",
        "Objective BUC-FM-1",
        "Business case BUC-FM-1",
        "The complete description.<br>Second line.",
        "KPI BUC-FM-2",
        "assumption 1",
        "prerequisite 2",
        "Detailed",
        "flexibility, congestion",
        "Remark 2",
        "Drawing 1",
        "Grouping 1",
        "Actor BUC-FM-5",
        "IEC 61962",
        "Scenario BUC-FM-3",
        "triggering_event of Scenario BUC-FM-2",
        "postcondition of Scenario BUC-FM-3",
        "Step BUC-FM-11",
        "IO-BUC-FM-3",
        "R-BUC-FM-3",
        "Category BUC-FM-2",
        "Term BUC-FM-2",
        "key-2",
        "value 1",
    ]
    assert [item for item in shown if item not in text] == []
    assert text.count('<tr id="step-') == 12
    # The same anchors as the use case page.
    for anchor in ("section-1-1", "section-4-2", "section-8", f"scenario-{use_case.scenarios.first().pk}-steps"):
        assert f'id="{anchor}"' in text


def test_print_has_a_title_block_and_nothing_to_click_or_edit(client):
    workspace = WorkspaceFactory(name="Grid operations")
    use_case = UseCaseFactory(workspace=workspace, identifier="HLUC-7", name="Voltage control")
    client.force_login(member_of(workspace, "author"))  # may edit: still no editor on paper

    text = page_text(client.get(print_url(use_case)))

    title = re.search(r'<header[^>]*id="title-block".*?</header>', text, re.S).group(0)
    for shown in ("HLUC-7", "Voltage control", "Grid operations", "Draft", "Revision", "Printed", str(use_case.mrid)):
        assert shown in title
    assert re.search(r"Printed</th><td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", title)
    for absent in ("<nav", "<button", "<form", "<script", 'id="validation"', "edit_button", "placement-editor", "Edit"):
        assert absent not in text
    assert "/static/css/print.css" in text and "//cdn" not in text


def test_print_shows_uploaded_drawings_and_generated_diagrams(reader):
    use_case = UseCaseFactory()
    drawing = DrawingFactory(
        use_case=use_case, name="Overview sketch", image=SimpleUploadedFile("sketch.png", PNG, content_type="image/png")
    )
    ScenarioFactory(use_case=use_case)

    response = reader.get(print_url(use_case))
    text = page_text(response)

    image_url = reverse("usecases:drawing_image", kwargs={"pk": drawing.pk})
    assert f'<img src="{image_url}" alt="Overview sketch"' in text
    diagrams = response.context["generated"].diagrams
    assert diagrams
    for entry in diagrams:
        assert f'data-diagram-key="{entry.spec.key}"' in text
        assert entry.spec.title in text
    assert 'loading="lazy"' not in text  # a lazy image below the fold would be missing on paper


def test_print_shows_generated_diagrams_as_svg_images_once_rendered(reader, monkeypatch):
    use_case = UseCaseFactory()
    response = reader.get(print_url(use_case))
    entry = response.context["generated"].diagrams[0]
    monkeypatch.setattr(type(entry), "state", property(lambda self: "ready"))

    text = page_text(reader.get(print_url(use_case)))

    assert f'<img src="{entry.svg_url}?v={entry.version}" alt="{entry.spec.title}">' in text


def test_print_escapes_names_and_sanitises_rich_text(reader):
    attack = "<script>alert(1)</script>"
    use_case = UseCaseFactory(name=f"Evil {attack}", identifier="<b>X</b>", complete_description=f"One\n{attack}")
    StepFactory(scenario=ScenarioFactory(use_case=use_case, name=attack), name=attack, description=attack)
    ReferenceFactory(use_case=use_case, name=attack, link="javascript:alert(1)")

    text = page_text(reader.get(print_url(use_case)))

    assert attack not in text and "<b>X</b>" not in text
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<td>One<br></td>" in text  # a description is rich text: the script is gone
    assert 'href="javascript' not in text


def test_print_is_for_those_who_may_see_the_use_case(client, repository_reader):
    use_case = UseCaseFactory()
    url = print_url(use_case)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{reverse('login')}?next={url}"

    client.force_login(member_of(WorkspaceFactory(), "manager"))  # of another workspace
    assert client.get(url).status_code == 404

    client.force_login(member_of(use_case.workspace, "viewer"))
    assert client.get(url).status_code == 200


def test_the_use_case_page_links_to_its_print_layout(reader):
    use_case = UseCaseFactory()
    text = reader.get(use_case.get_absolute_url()).content.decode()
    assert f'href="{print_url(use_case)}"' in text and "Print / PDF" in text


def _queries(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        text = page_text(response)  # the stream reads what it shows as it goes: its queries count
    assert response.status_code == 200
    return text, len(context.captured_queries)


def test_print_queries_do_not_grow_with_the_document(reader):
    small = make_complete_use_case(steps=10, actors=5, rows=2)
    large = make_complete_use_case(steps=300, actors=50, rows=20)
    _, small_count = _queries(reader, print_url(small))

    text, large_count = _queries(reader, print_url(large))

    assert large_count == small_count
    assert text.count('<tr id="step-') == 300
    assert text.count('<tr id="actorrole-') == 50


def test_rendering_the_print_template_runs_no_query(repository_reader, django_assert_num_queries):
    use_case = make_complete_use_case(steps=12, actors=6, rows=2)
    request = RequestFactory().get("/")
    request.user = repository_reader
    view = UseCasePrintView()
    view.setup(request, pk=use_case.pk)
    view.object = view.get_object()
    context = view.get_context_data(object=view.object)

    with django_assert_num_queries(0):  # its steps fit in the page: nothing left to read while streaming
        text = b"".join(view.render_to_response(context).streaming_content).decode()

    assert use_case.name in text and text.count('<tr id="step-') == 12
