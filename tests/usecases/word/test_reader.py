"""The Word reader on the public blank NIST template and on documents built here in the NIST 2014 and TC8 2012
layouts: what each section becomes, how steps find their scenario, how names and IDs resolve, and that a second
import of the same document changes nothing."""

import pytest

from tests.usecases.exchange.conftest import fingerprint
from tests.usecases.word.documents import Picture, Rich, Span, heading, nist_document, save, table, tc8_document
from usecases.exchange.files import repository_import_file
from usecases.models import Drawing, Step, UseCase
from usecases.word.reader import read_word_document
from usecases.xml import document as doc

BLANK = "examples/word/NIST_IEC_UseCaseTemplate_blank.docx"


def _read(document, name: str = "flex.docx") -> doc.Repository:
    return read_word_document(data=save(document), name=name)


def _only(repository: doc.Repository) -> doc.UseCase:
    [use_case] = repository.use_cases
    return use_case


def test_the_blank_nist_template_reads_as_an_empty_use_case_named_after_the_file_and_says_so(iec_dir):
    repository = read_word_document(data=(iec_dir / BLANK).read_bytes(), name="NIST_IEC_UseCaseTemplate_blank.docx")

    use_case = _only(repository)
    assert use_case.name == "NIST_IEC_UseCaseTemplate_blank"
    assert not any([use_case.versions, use_case.actor_groupings, use_case.scenarios, use_case.references])
    assert not repository.actors and not repository.information_objects
    assert any("no name (section 1.1)" in warning for warning in repository.warnings)
    assert any("empty template" in warning for warning in repository.warnings)


@pytest.mark.django_db
def test_the_blank_nist_template_imports_as_an_empty_use_case_with_a_clear_report(iec_dir):
    report = repository_import_file(
        user=None, data=(iec_dir / BLANK).read_bytes(), workspace=None, name="NIST_IEC_UseCaseTemplate_blank.docx"
    )

    assert report.counts["use_case"] == {"created": 1}
    use_case = UseCase.objects.get()
    assert use_case.name == "NIST_IEC_UseCaseTemplate_blank"
    assert not use_case.scenarios.exists()
    assert any("empty template" in warning for warning in report.warnings)


def test_a_nist_document_reads_every_section():
    repository = _read(nist_document())

    use_case = _only(repository)
    assert (use_case.identifier, use_case.name, use_case.area) == ("UC-W1", "Manage flexibility", "Distribution")
    assert [(v.number, v.date.date().isoformat(), [a.name for a in v.authors]) for v in use_case.versions] == [
        ("0.1", "2024-01-15", ["A. Lindqvist, B. Smith"]),  # the cell as written
        ("1.0", "2024-03-15", ["A. Lindqvist"]),
    ]
    assert use_case.scope == "Congestion in the distribution grid"
    assert [objective.name for objective in use_case.objectives] == ["Avoid congestion", "Reduce cost"]
    assert [case.name for case in repository.business_cases] == ["Flexibility market"]
    [kpi] = use_case.kpis
    assert kpi.objective_refs == [use_case.objectives[0].mrid]
    assert [(c.kind, c.description) for c in use_case.conditions] == [
        ("assumption", "Meters are installed"),
        ("prerequisite", "Market is open"),
        ("prerequisite", "FSPs are registered"),
    ]
    assert (use_case.level_of_depth, use_case.prioritisation, use_case.classification) == (
        "Detailed",
        "High",
        "European",
    )
    assert (use_case.nature, use_case.keywords, use_case.extra["relations"]) == (
        "Business",
        "flexibility, congestion",
        "UC-W0",
    )
    assert [remark.text for remark in use_case.remarks] == ["A remark"]
    [drawing] = use_case.drawings
    assert drawing.name == "overview.png" and drawing.content.startswith(b"\x89PNG")
    assert [(g.name, g.description, len(g.further_actor_information)) for g in use_case.actor_groupings] == [
        ("Grid operators", "Operate the grid", 2),
        ("Providers", "Sell flexibility", 1),
    ]
    assert {actor.name: actor.type_text or actor.type for actor in repository.actors}.keys() == {
        "Distribution System Operator (DSO)",
        "Market operator",
        "Flexibility Service Provider (FSP)",
    }
    [reference] = use_case.references
    assert (reference.number, reference.description, reference.link) == ("1", "IEC 62559-2", "https://webstore.iec.ch/")
    assert [(s.number, s.name, len(s.steps)) for s in use_case.scenarios] == [
        ("1", "Prequalification", 2),
        ("2", "Market phase", 3),
    ]
    assert [c.kind for c in use_case.scenarios[0].conditions] == list(doc.SCENARIO_CONDITION_KINDS)
    assert [item.identifier for item in repository.information_objects] == ["I-01", "I-02"]
    [category] = repository.requirement_categories
    assert (category.identifier, [r.identifier for r in category.requirements]) == ("C1", ["R-1", "R-2"])
    assert [(term.term, term.definition) for term in repository.common_terms] == [
        ("DSO", "Distribution System Operator")
    ]
    assert use_case.common_term_refs == [repository.common_terms[0].mrid]
    assert [(c.key, c.value, c.reference) for c in use_case.custom_information] == [("Source", "Test", "1.1")]


def test_rich_text_keeps_paragraphs_lists_emphasis_and_links_and_plain_cells_stay_plain():
    use_case = _only(_read(nist_document()))

    assert use_case.complete_description == (
        "<p>The aggregator <b>bids</b> on the <i>market</i>.</p><ul><li>first item</li><li>second item</li></ul>"
        '<p>See <a href="https://example.org/rules">the rules</a></p>'
    )
    assert use_case.short_description == "The DSO buys flexibility."


def test_producers_receivers_and_information_resolve_by_name_abbreviation_and_id_keeping_the_text():
    repository = _read(nist_document())

    actor = {actor.name: actor.mrid for actor in repository.actors}
    information = {item.identifier: item.mrid for item in repository.information_objects}
    requirement = {r.identifier: r.mrid for r in repository.all_requirements()}
    prequalification, market = _only(repository).scenarios
    confirm = prequalification.steps[1]
    assert confirm.producer_refs == [actor["Distribution System Operator (DSO)"]]  # "dso"
    assert confirm.information_object_refs == [information["I-01"]]  # by name, "Flexibility offer"
    assert confirm.service == "REPORT"  # "report"
    bid, clear, activate = market.steps
    assert bid.receiver_refs == [actor["Market operator"]]  # "MO": the initials
    assert bid.information_object_refs == [information["I-01"], information["I-02"]]
    assert bid.requirement_refs == [requirement["R-1"]]
    assert clear.receiver_refs == [
        actor["Flexibility Service Provider (FSP)"],
        actor["Distribution System Operator (DSO)"],
    ]
    assert market.primary_actor_refs == [actor["Market operator"]]
    assert (activate.producer_refs, activate.extra["producer"]) == ([], "TSO")
    warnings = " ".join(repository.warnings)
    assert "'TSO' (step 2.3 of 'Market phase')" in warnings
    assert "'I-03' (step 2.2 of 'Market phase')" in warnings
    assert "'R-9' (step 2.1 of 'Market phase')" in warnings


def test_steps_tables_find_their_scenario_by_the_heading_when_they_have_no_scenario_name_row():
    use_case = _only(_read(nist_document(steps_by_heading=True)))

    assert [[step.number for step in scenario.steps] for scenario in use_case.scenarios] == [
        ["1.1", "1.2"],
        ["2.1", "2.2", "2.3"],
    ]


def test_a_steps_table_naming_no_scenario_goes_to_the_next_one_without_steps_with_a_warning():
    document = nist_document()
    heading(document, "4.2.3\tSteps \u2013 Extra")
    table(
        document,
        "Scenario",
        [
            [Span("Scenario Name :", 2), Span("Settlement", 7)],
            ["Step No.", "Event", "Name of process/ activity"],
            ["9", "", "Pay"],
        ],
    )

    repository = _read(document)

    [scenario] = [s for s in _only(repository).scenarios if s.name == "Settlement"]
    assert [step.name for step in scenario.steps] == ["Pay"]  # no scenario without steps left: one was made


def test_a_tc8_document_reads_in_its_own_layout():
    repository = _read(tc8_document(), name="tc8.docx")

    use_case = _only(repository)
    assert (use_case.identifier, use_case.area, use_case.name) == ("TC8-7", "Transmission", "Voltage control")
    [version] = use_case.versions
    assert (version.number, version.approval_status, version.extra) == (
        "0.3",
        "Draft",
        {"domain_expert": "J. Doe", "expertise": "Transmission", "title": "Draft for review"},
    )
    assert (use_case.short_description, use_case.complete_description) == ("Short", "Complete")
    assert [remark.text for remark in use_case.remarks] == ["Old remark"]
    assert (use_case.level_of_depth, use_case.view_point, use_case.nature) == ("Primary", "Technical", "")
    assert [(c.kind, c.name, c.description, c.extra) for c in use_case.conditions] == [
        ("assumption", "TSO", "Telemetry works", {"triggering_event": "Voltage out of band"}),
        ("prerequisite", "TSO", "Measurements available", {"triggering_event": "Voltage out of band"}),
    ]
    assert [actor.name for actor in repository.actors] == [
        "Transmission System Operator (TSO)",
        "Energy Management System",
    ]
    [grouping] = use_case.actor_groupings  # a table without a grouping: the actors are in none
    assert (grouping.name, grouping.extra, len(grouping.further_actor_information)) == ("", {"ungrouped": "true"}, 2)
    normal, failure = use_case.scenarios
    assert [step.name for step in normal.steps] == ["Measure", "Command"]  # "4.1 Steps - Normal"
    assert [step.name for step in failure.steps] == ["Alert"]
    actor = {actor.name: actor.mrid for actor in repository.actors}
    assert normal.steps[1].receiver_refs == [actor["Energy Management System"]]  # "EMS"
    assert [item.name for item in repository.information_objects] == ["Voltage measurement", "Set point"]
    assert normal.steps[0].information_object_refs == [repository.information_objects[0].mrid]
    assert [(term.term, term.definition) for term in repository.common_terms] == [("EMS", "Energy Management System")]
    assert any("'Communication failure'" in warning and "next scenario" in warning for warning in repository.warnings)


def test_a_table_that_is_none_of_the_templates_and_loose_text_are_reported():
    document = nist_document()
    document.add_paragraph("Printed on 2024-05-01")
    table(document, "Budget", [["Item", "Cost"], ["Meters", "100"]])

    warnings = " ".join(_read(document).warnings)

    assert "('Budget') is none of the template's tables: skipped" in warnings
    assert "'Printed on 2024-05-01'" in warnings


def test_mrids_are_stable_and_a_renamed_file_reads_the_same():
    first, second = _read(nist_document(), name="a.docx"), _read(nist_document(), name="b.docx")

    assert first.use_cases == second.use_cases
    assert first.actors == second.actors


@pytest.mark.django_db
def test_a_second_import_of_the_same_document_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = save(nist_document())
    repository_import_file(user=None, data=data, workspace=None, name="flex.docx")
    before = fingerprint()

    report = repository_import_file(user=None, data=data, workspace=None, name="flex.docx")

    assert fingerprint() == before
    assert {outcome for counts in report.counts.values() for outcome in counts} == {"unchanged"}
    assert Step.objects.count() == 5
    drawing = Drawing.objects.get()
    assert drawing.image.name.endswith(".png")


def test_pictures_outside_the_diagram_table_are_drawings_too():
    document = nist_document(picture=False)
    table(document, "Diagram of use case", [[""]])
    document.add_paragraph().add_run()
    table(
        document, "Common terms and definitions", [["Term", "Definition"], [Rich(((("x", ""),),)), Picture("late.png")]]
    )

    use_case = _only(_read(document))

    assert [drawing.name for drawing in use_case.drawings] == ["late.png"]


def test_a_table_inside_a_cell_is_kept_as_a_table_of_the_rich_text():
    document = nist_document()
    narrative = next(t for t in document.tables if t.rows[0].cells[0].text == "Narrative of use case")
    inner = narrative.rows[4].cells[0].add_table(rows=2, cols=2)
    for row, values in zip(inner.rows, (("Phase", "Time"), ("Bid", "D-1 12:00")), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value

    description = _only(_read(document)).complete_description

    assert description.endswith(
        '<p>See <a href="https://example.org/rules">the rules</a></p>'
        "<table><tr><td>Phase</td><td>Time</td></tr><tr><td>Bid</td><td>D-1 12:00</td></tr></table>"
    )
