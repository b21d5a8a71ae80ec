import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sgam.models import Domain, NistDomain, Zone
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    CommonTermFactory,
    ConditionFactory,
    DrawingFactory,
    InformationObjectFactory,
    NistPlacementFactory,
    ReferenceFactory,
    RequirementFactory,
    ScenarioFactory,
    SgamPlacementFactory,
    StepFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
)
from usecases import selectors
from usecases.models import Condition, InformationObject, Step, UseCase

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def text_of(response) -> str:
    return response.content.decode()


def row_names(response) -> set[str]:
    return {use_case.name for use_case in response.context["use_cases"]}


@pytest.mark.parametrize(
    "url_name, needs_pk",
    [
        ("usecases:usecase_list", False),
        ("usecases:usecase_detail", True),
        ("usecases:drawing_image", True),
        ("usecases:information_object_list", False),
        ("usecases:information_object_detail", True),
        ("usecases:term_list", False),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url_name, needs_pk):
    url = reverse(url_name, kwargs={"pk": 1} if needs_pk else None)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    "url_name", ["usecases:usecase_detail", "usecases:information_object_detail", "usecases:drawing_image"]
)
def test_unknown_object_is_404(reader, url_name):
    assert reader.get(reverse(url_name, kwargs={"pk": 987654})).status_code == 404


def test_use_case_list_shows_each_use_case_with_its_placement_and_counts(reader):
    use_case = UseCaseFactory(identifier="BUC-7", name="Congestion management", nature="BUC", status="published")
    SgamPlacementFactory(use_case=use_case, domain=Domain.objects.get(code="distribution"))
    SgamPlacementFactory(use_case=use_case, zone=Zone.objects.get(code="operation"))
    ScenarioFactory.create_batch(2, use_case=use_case)
    ActorRoleFactory.create_batch(3, use_case=use_case)

    response = reader.get(reverse("usecases:usecase_list"))

    assert response.status_code == 200
    row = re.search(rf'<tr id="usecase-{use_case.pk}">(.*?)</tr>', text_of(response), re.S).group(1)
    for shown in ("BUC-7", "Congestion management", use_case.workspace.name, "Published", "BUC", "Distribution"):
        assert shown in row
    assert "Operation" in row
    cells = re.findall(r'<td class="text-end">(\d+)</td>', row)
    assert cells == ["2", "3"]


def test_use_case_list_is_paginated(reader, settings):
    settings.UCMR_PAGE_SIZE = 2
    workspace = WorkspaceFactory()
    for name in ("Alpha", "Bravo", "Charlie"):
        UseCaseFactory(workspace=workspace, identifier=name[0], name=name)

    first = reader.get(reverse("usecases:usecase_list"))
    second = reader.get(reverse("usecases:usecase_list"), {"page": 2})

    assert row_names(first) == {"Alpha", "Bravo"}
    assert row_names(second) == {"Charlie"}
    assert "Page 1 of 2" in text_of(first)


def _workspace_case(wanted, other):
    wanted.workspace = WorkspaceFactory(slug="grid-team")
    wanted.save()
    return {"workspace": "grid-team"}


def _status_case(wanted, other):
    UseCase.objects.filter(pk=wanted.pk).update(status=UseCase.Status.IN_REVIEW)
    return {"status": "in_review"}


def _nature_case(wanted, other):
    UseCase.objects.filter(pk=wanted.pk).update(nature="BUC")
    return {"nature": "BUC"}


def _sgam_domain_case(wanted, other):
    SgamPlacementFactory(use_case=wanted, domain=Domain.objects.get(code="der"))
    SgamPlacementFactory(use_case=other, domain=Domain.objects.get(code="transmission"))
    return {"sgam_domain": "der"}


def _sgam_zone_case(wanted, other):
    SgamPlacementFactory(use_case=wanted, zone=Zone.objects.get(code="market"))
    SgamPlacementFactory(use_case=other, zone=Zone.objects.get(code="field"))
    return {"sgam_zone": "market"}


def _nist_domain_case(wanted, other):
    first, second = NistDomain.objects.order_by("order")[:2]
    NistPlacementFactory(use_case=wanted, nist_domain=first)
    NistPlacementFactory(use_case=other, nist_domain=second)
    return {"nist_domain": first.code}


def _actor_case(wanted, other):
    actor = ActorFactory(name="Aggregator")
    ActorRoleFactory(use_case=wanted, actor=actor)
    ActorRoleFactory(use_case=other)
    return {"actor": actor.pk}


@pytest.mark.parametrize(
    "arrange",
    [_workspace_case, _status_case, _nature_case, _sgam_domain_case, _sgam_zone_case, _nist_domain_case, _actor_case],
)
def test_each_use_case_filter_narrows_the_list(reader, arrange):
    wanted = UseCaseFactory(name="Wanted use case")
    other = UseCaseFactory(name="Other use case")
    params = arrange(wanted, other)

    unfiltered = reader.get(reverse("usecases:usecase_list"))
    filtered = reader.get(reverse("usecases:usecase_list"), params)

    assert row_names(unfiltered) == {"Wanted use case", "Other use case"}
    assert row_names(filtered) == {"Wanted use case"}


def test_filters_combine_and_a_use_case_in_two_cells_is_listed_once(reader):
    use_case = UseCaseFactory(name="Twice placed")
    SgamPlacementFactory(use_case=use_case, domain=Domain.objects.get(code="der"), zone=Zone.objects.get(code="field"))
    SgamPlacementFactory(
        use_case=use_case, domain=Domain.objects.get(code="der"), zone=Zone.objects.get(code="station")
    )
    UseCaseFactory(name="Nowhere")

    response = reader.get(reverse("usecases:usecase_list"), {"sgam_domain": "der", "status": "draft"})

    assert [row.name for row in response.context["use_cases"]] == ["Twice placed"]


def test_unknown_filter_value_shows_the_error_and_no_rows(reader):
    UseCaseFactory(name="Any")
    response = reader.get(reverse("usecases:usecase_list"), {"workspace": "no-such-team"})
    assert response.status_code == 200
    assert row_names(response) == set()
    assert "Select a valid choice" in text_of(response)


@pytest.mark.parametrize(
    "field, value, query",
    [
        ("identifier", "HLUC-42", "hluc-42"),
        ("name", "Voltage control", "voltage"),
        ("keywords", "flexibility, redispatch", "redispatch"),
        ("scope", "Whole Nordic region", "nordic"),
        ("short_description", "Balancing the grid with heat pumps", "heat pump"),
    ],
)
def test_text_search_finds_use_cases_by_id_name_keywords_scope_and_description(reader, field, value, query):
    target = UseCaseFactory(**{field: value})
    UseCaseFactory(name="Unrelated")

    response = reader.get(reverse("usecases:usecase_list"), {"q": query})

    assert row_names(response) == {target.name}


def test_navbar_search_box_searches_use_cases(reader):
    response = reader.get(reverse("usecases:usecase_list"), {"q": "storage"})
    text = text_of(response)
    assert f'action="{reverse("usecases:usecase_list")}"' in text
    assert 'name="q"' in text and 'value="storage"' in text


def test_use_case_detail_shows_the_whole_template_in_order(reader):
    use_case = make_complete_use_case(steps=12, actors=6, rows=2, name="Flexibility market", identifier="BUC-FM")

    response = reader.get(use_case.get_absolute_url())

    assert response.status_code == 200
    text = text_of(response)
    headings = [
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
    comment_marks = re.compile(r'<span class="comment-marks[^"]*">.*?</span>')  # the comment badges beside headings
    shown_headings = [
        re.sub(r"\s+", " ", comment_marks.sub("", heading)).strip()
        for heading in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", text)
    ]
    assert [heading for heading in shown_headings if heading[0].isdigit()] == headings
    shown = [
        "BUC-FM",
        "Flexibility market",
        "Distribution / Operation",  # the 1.1 area as written
        "Distribution",  # the SGAM placement
        "Author 1",
        "Objective BUC-FM-1",
        "Business case BUC-FM-1",
        "Area of BUC-FM",
        "The complete description.<br>Second line.",
        "KPI BUC-FM-2",
        "assumption 1",
        "prerequisite 2",
        "Detailed",
        "Mandatory",
        "flexibility, congestion",
        "Remark 2",
        "Drawing 1",
        "Grouping 1",
        "Actor BUC-FM-5",
        "IEC 61962",
        "Scenario BUC-FM-3",
        "triggering_event of Scenario BUC-FM-2",
        "precondition of Scenario BUC-FM-1",
        "postcondition of Scenario BUC-FM-3",
        "Step BUC-FM-11",
        "IO-BUC-FM-3",
        "R-BUC-FM-3",
        "Category BUC-FM-2",
        "Term BUC-FM-2",
        "key-2",
        "value 1",
    ]
    missing = [item for item in shown if item not in text]
    assert not missing


def test_use_case_detail_nests_sub_steps_under_their_parent(reader):
    scenario = ScenarioFactory(name="Dispatch")
    top = StepFactory(scenario=scenario, number="1", name="Send schedule", position=1)
    sub = StepFactory(scenario=scenario, parent=top, number="1", name="Validate schedule", position=1)
    StepFactory(scenario=scenario, parent=sub, number="1", name="Check limits", position=1)
    StepFactory(scenario=scenario, number="2", name="Confirm", position=2)

    text = text_of(reader.get(scenario.use_case.get_absolute_url()))

    rows = re.findall(
        r'<tr id="step-\d+"[^>]*>\s*<td class="step-number[^"]*" data-depth="(\d)">([^<]*)'
        r'(?:<span class="comment-marks.*?</span>)?</td>',
        text,
    )
    assert rows == [("0", "1"), ("1", "1.1"), ("2", "1.1.1"), ("0", "2")]
    order = [text.index(name) for name in ("Send schedule", "Validate schedule", "Check limits", "Confirm")]
    assert order == sorted(order)


def test_use_case_detail_lists_step_actors_information_and_requirements(reader):
    scenario = ScenarioFactory()
    step = StepFactory(scenario=scenario, name="Publish forecast", service="REPORT")
    producer, receiver = ActorFactory(name="DSO"), ActorFactory(name="Aggregator")
    information_object = InformationObjectFactory(identifier="IO-FC", name="Load forecast", description="Per hour.")
    step_requirement = RequirementFactory(identifier="R-SEC-1", name="Encrypted")
    information_requirement = RequirementFactory(identifier="R-QOS-2", name="Within 5 minutes")
    information_object.requirements.add(information_requirement)
    step.producers.add(producer)
    step.receivers.add(receiver)
    step.information_objects.add(information_object)
    step.requirements.add(step_requirement)
    unused = RequirementFactory(identifier="R-UNUSED")

    text = text_of(reader.get(scenario.use_case.get_absolute_url()))

    step_row = re.search(rf'<tr id="step-{step.pk}".*?</tr>', text, re.S).group(0)
    for shown in ("Publish forecast", "REPORT", "DSO", "Aggregator", "IO-FC", "R-SEC-1"):
        assert shown in step_row
    section_5 = text[text.index('id="section-5"') : text.index('id="section-6"')]
    assert "Load forecast" in section_5 and "Per hour." in section_5 and "R-QOS-2" in section_5
    section_6 = text[text.index('id="section-6"') : text.index('id="section-7"')]
    assert "R-SEC-1" in section_6 and "R-QOS-2" in section_6
    assert step_requirement.category.name in section_6
    assert unused.identifier not in text


def test_use_case_detail_escapes_names_and_sanitises_rich_text(reader):
    attack = "<script>alert(1)</script>"
    use_case = UseCaseFactory(name=f"Evil {attack}", complete_description=f"Line one\n{attack}")
    step = StepFactory(scenario=ScenarioFactory(use_case=use_case), description=attack, name=attack)
    ActorRoleFactory(use_case=use_case, actor=ActorFactory(name=attack, description=attack))
    ConditionFactory(use_case=use_case, kind=Condition.Kind.ASSUMPTION, description=attack)
    step.information_objects.add(InformationObjectFactory(name=attack))

    text = text_of(reader.get(use_case.get_absolute_url()))

    assert attack not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # names are plain text
    assert "<td>Line one<br></td>" in text  # descriptions are rich text: the script is gone


def test_use_case_detail_never_links_to_unsafe_addresses(reader):
    use_case = UseCaseFactory()
    ReferenceFactory(use_case=use_case, name="Bad", link="javascript:alert(1)")
    ReferenceFactory(use_case=use_case, name="Good", link="https://webstore.iec.ch/")
    DrawingFactory(use_case=use_case, uri=" JavaScript:alert(2)")

    text = text_of(reader.get(use_case.get_absolute_url()))

    assert 'href="https://webstore.iec.ch/"' in text
    assert 'href="javascript' not in text.lower() and 'href=" javascript' not in text.lower()
    assert "javascript:alert(1)" in text  # still shown, as text


def test_relation_to_a_use_case_the_user_may_not_see_does_not_name_it(client):
    relation = UseCaseRelationFactory(related=UseCaseFactory(name="Secret merger plan"))
    client.force_login(member_of(relation.use_case.workspace, "viewer"))

    text = text_of(client.get(relation.use_case.get_absolute_url()))
    assert "Secret merger plan" not in text
    assert "a use case you may not see" in text
    assert client.get(reverse("usecases:usecase_detail", kwargs={"pk": relation.related_id})).status_code == 404


def test_drawing_image_is_served_to_readers_without_letting_it_run_script(reader, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    drawing = DrawingFactory(image=SimpleUploadedFile("overview.png", PNG, content_type="image/png"))

    detail = text_of(reader.get(drawing.use_case.get_absolute_url()))
    response = reader.get(reverse("usecases:drawing_image", kwargs={"pk": drawing.pk}))

    assert f'src="{reverse("usecases:drawing_image", kwargs={"pk": drawing.pk})}"' in detail
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]


def test_drawing_without_uploaded_image_has_no_image_page(reader):
    drawing = DrawingFactory(uri="https://example.org/overview.png")
    assert reader.get(reverse("usecases:drawing_image", kwargs={"pk": drawing.pk})).status_code == 404


def test_information_object_list_shows_and_filters(reader):
    meter = InformationObjectFactory(
        identifier="IO-MR",
        name="Meter reading",
        data_class=InformationObject.DataClass.METER_USAGE,
        standards="IEC 61968-9",
    )
    meter.requirements.add(RequirementFactory(identifier="R-PRIV"))
    InformationObjectFactory(
        identifier="IO-SW", name="Switch command", data_class=InformationObject.DataClass.OPERATIONAL
    )
    url = reverse("usecases:information_object_list")

    everything = reader.get(url)
    by_class = reader.get(url, {"data_class": "meter_usage"})
    by_text = reader.get(url, {"q": "61968"})

    assert everything.status_code == 200
    assert "Meter reading" in text_of(everything) and "Switch command" in text_of(everything)
    assert "R-PRIV" in text_of(everything) and "Meter usage data" in text_of(everything)
    for response in (by_class, by_text):
        assert [item.name for item in response.context["information_objects"]] == ["Meter reading"]


def test_information_object_detail_shows_requirements_and_the_steps_using_it(reader):
    information_object = InformationObjectFactory(identifier="IO-SP", name="Set point", description="Active power.")
    information_object.requirements.add(RequirementFactory(identifier="R-LAT"))
    step = StepFactory(scenario=ScenarioFactory(use_case=UseCaseFactory(name="Frequency support")), number="3")
    step.information_objects.add(information_object)

    response = reader.get(information_object.get_absolute_url())

    text = text_of(response)
    assert response.status_code == 200
    for shown in ("IO-SP", "Set point", "Active power.", "R-LAT", "Frequency support"):
        assert shown in text
    assert f'{step.scenario.use_case.get_absolute_url()}#step-{step.pk}"' in text


def test_term_list_shows_anchored_terms_and_searches(reader):
    term = CommonTermFactory(term="Flexibility", definition="The ability to shift <load>.")
    CommonTermFactory(term="Congestion", definition="Too much flow.")
    url = reverse("usecases:term_list")

    everything = text_of(reader.get(url))
    searched = reader.get(url, {"q": "shift"})

    assert f'id="term-{term.pk}"' in everything
    assert "The ability to shift &lt;load&gt;." in everything and "Congestion" in everything
    assert [item.term for item in searched.context["terms"]] == ["Flexibility"]


def test_steps_of_a_use_case_are_not_dropped_when_their_parent_is_missing():
    steps = [Step(pk=1, number="1", name="a"), Step(pk=2, number="", name="b", parent_id=99)]
    steps.append(Step(pk=3, number="1", name="c", parent_id=4))
    steps.append(Step(pk=4, number="1", name="d", parent_id=3))  # a cycle the database could hold

    rows = selectors.step_rows(selectors.step_tree(steps))

    assert [(row.step.pk, row.number, row.depth) for row in rows] == [
        (1, "1", 0),
        (2, "2", 0),
        (3, "1", 0),
        (4, "1.1", 1),
    ]
