"""The Excel reader on workbooks built here, one hazard of excel-template.md (sections 4, 5 and 8) at a time."""

import io
from datetime import datetime

import openpyxl

from tests.usecases.excel.workbooks import template_sheet, template_workbook
from usecases.excel import layout
from usecases.excel.reader import read_workbook
from usecases.xml import document as doc

BASE = {"C4": "UC-T", "C6": "Test use case"}


def _read(*sheets, **options) -> doc.Repository:
    return read_workbook(data=template_workbook(*sheets, **options))


def _only(repository: doc.Repository) -> doc.UseCase:
    [use_case] = repository.use_cases
    return use_case


def test_a_float_step_number_that_goes_back_is_read_as_the_one_excel_lost():
    cells = {**BASE, "C62": 1, "C63": "Only", "C71": 1.1, "D71": 1.9, "E71": 1.1, "F71": 1.11}
    cells |= {"C73": "a", "D73": "b", "E73": "c", "F73": "d"}

    repository = _read(cells)

    [scenario] = _only(repository).scenarios
    assert [step.number for step in scenario.steps] == ["1.1", "1.9", "1.10", "1.11"]
    assert any("step number 1.1 follows 1.9: read as 1.10" in warning for warning in repository.warnings)


def test_steps_find_their_scenario_by_number_then_name_then_step_number_prefix():
    cells = {**BASE, "C62": 1, "C63": "Prepare", "D62": 2, "E62": 3, "D63": "Market phase", "E63": "Settle"}
    cells |= {"C73": "by row 79", "C79": "Sc1\xa0"}
    cells |= {"D73": "by row 70", "D70": 'Sc2- "Market phase - short term"'}
    cells |= {"E73": "by its number", "E71": "3.1"}
    cells |= {"F73": "by the one before"}

    scenarios = _only(_read(cells)).scenarios

    assert [[step.name for step in scenario.steps] for scenario in scenarios] == [
        ["by row 79"],
        ["by row 70"],
        ["by its number", "by the one before"],
    ]


def test_a_scenario_name_merged_across_step_columns_names_each_of_them():
    cells = {**BASE, "C62": 1, "C63": "Prepare", "D62": 2, "D63": "Run"}
    cells |= {"C70": "Run", "C73": "first", "D73": "second", "E70": "Prepare", "E73": "third"}

    scenarios = _only(_read(cells, merges=("C70:D70",))).scenarios

    assert [[step.name for step in scenario.steps] for scenario in scenarios] == [["third"], ["first", "second"]]


def test_producers_and_receivers_resolve_by_folded_name_abbreviation_and_split_keeping_the_raw_text():
    cells = {**BASE, "C46": "Distribution System Operator (DSO)", "D46": "Market operator", "E46": "FSP"}
    cells |= {"C62": 1, "C63": "Only", "C73": "step"}
    cells |= {"C76": "dso", "C77": "TSO, market operator & FSP", "D73": "other", "D76": "MO (flexi register)"}

    repository = _read(cells)

    mrid = {actor.name: actor.mrid for actor in repository.actors}
    first, second = _only(repository).scenarios[0].steps
    assert first.producer_refs == [mrid["Distribution System Operator (DSO)"]]
    assert first.receiver_refs == [mrid["Market operator"], mrid["FSP"]]
    assert first.extra["receiver"] == "TSO, market operator & FSP"
    assert second.producer_refs == [mrid["Market operator"]]
    assert any("'TSO' (step ? in C)" in warning for warning in repository.warnings)


def test_information_resolves_by_id_annotated_id_abbreviated_list_and_name():
    cells = {**BASE, "C82": "Inf.1", "D82": "Inf.2", "E82": "Inf.3\n\n", "E83": "Metering data"}
    cells |= {"C62": 1, "C63": "Only", "C73": "s1", "C78": "Inf.1, 2, 3", "D73": "s2", "D78": "Inf.2 (market)"}
    cells |= {"E73": "s3", "E78": "metering data\nbids"}

    repository = _read(cells)

    mrid = {item.identifier: item.mrid for item in repository.information_objects}
    steps = _only(repository).scenarios[0].steps
    assert steps[0].information_object_refs == [mrid["Inf.1"], mrid["Inf.2"], mrid["Inf.3"]]
    assert steps[1].information_object_refs == [mrid["Inf.2"]]
    assert steps[2].information_object_refs == [mrid["Inf.3"]]
    assert any("'bids' (step ? in E)" in warning for warning in repository.warnings)


def test_placeholders_are_empty_numbers_are_plain_text_and_dates_are_read_leniently():
    cells = {**BASE, "C5": "N/A", "C30": "-", "C31": "(none)", "C8": 0.25, "D8": 2, "E8": "v3"}
    cells |= {"C9": " 06.07.2021\xa0", "D9": datetime(2022, 3, 1), "E9": "someday"}

    repository = _read(cells)

    use_case = _only(repository)
    assert (use_case.area, use_case.level_of_depth, use_case.prioritisation) == ("", "", "")
    assert [version.number for version in use_case.versions] == ["0.25", "2", "v3"]
    assert [version.date for version in use_case.versions] == [datetime(2021, 7, 6), datetime(2022, 3, 1), None]
    assert use_case.versions[2].extra["date"] == "someday"


def test_enum_reprs_of_diagram_rows_are_stripped():
    cells = {**BASE, "C38": "Overview", "C39": "IEC62559.DrawingClassification.use_case_overview,"}
    cells |= {"C40": "IEC62559.ResourceType.image", "C41": "overview.png", "D39": "Architecture", "D41": "arch.png"}

    drawings = _only(_read(cells)).drawings

    assert [(d.name, d.drawing_type, d.uri_type, d.uri) for d in drawings] == [
        ("Overview", "use case overview", "image", "overview.png"),
        ("arch.png", "other", "image", "arch.png"),
    ]
    assert drawings[1].extra["drawing_type"] == "Architecture"


def test_a_corrupted_label_falls_back_to_its_canonical_row_and_says_so():
    repository = _read({**BASE, "B31": "nioc", "C31": "High"})

    assert _only(repository).prioritisation == "High"
    assert any("no row labelled 'Prioritisation'; read row 31 (labelled 'nioc')" in w for w in repository.warnings)


def test_inserted_rows_move_the_fields_with_their_labels():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook({**BASE, "C14": "the scope"})))
    sheet = workbook.worksheets[0]
    sheet.insert_rows(10, amount=2)  # two rows inside the version block: everything below moves down by two
    buffer = io.BytesIO()
    workbook.save(buffer)

    use_case = _only(read_workbook(data=buffer.getvalue()))

    assert use_case.scope == "the scope"


def test_the_extended_variant_rows_of_sections_6_to_8_are_read():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    template_sheet(sheet, {**BASE, "C87": "CAT-1", "C88": "Accuracy", "C90": "R-1", "C91": "Exact", "C93": "Be exact"})
    for row in layout.EXTENDED_ROWS:
        sheet.cell(row=row.row, column=layout.LABEL_COLUMN, value=row.label)
    sheet["C96"], sheet["C98"] = "Flexibility: the ability to change", "country: ES"
    buffer = io.BytesIO()
    workbook.save(buffer)

    repository = read_workbook(data=buffer.getvalue())

    [category] = repository.requirement_categories
    assert (category.identifier, category.name) == ("CAT-1", "Accuracy")
    assert [(r.identifier, r.name, r.description) for r in category.requirements] == [("R-1", "Exact", "Be exact")]
    assert [(t.term, t.definition) for t in repository.common_terms] == [("Flexibility", "the ability to change")]
    assert [(c.key, c.value) for c in _only(repository).custom_information] == [("country", "ES")]


def test_every_use_case_sheet_is_a_use_case_other_sheets_are_reported_and_mrids_are_stable():
    data = template_workbook(BASE, {"C4": "UC-2", "C6": "Second"}, titles=("UC-8", "WECL-FR-01"))

    first, second = read_workbook(data=data), read_workbook(data=data)

    assert [use_case.identifier for use_case in first.use_cases] == ["UC-T", "UC-2"]
    assert [u.mrid for u in first.use_cases] == [u.mrid for u in second.use_cases]
    assert first.use_cases[0].mrid != first.use_cases[1].mrid
    assert any("Sheet 'Instructions' is not laid out as the use case template" in w for w in first.warnings)


def test_a_reference_link_prefers_the_cells_hyperlink():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    template_sheet(sheet, {**BASE, "C51": "Grid code", "C58": "the grid code"})
    sheet["C58"].hyperlink = "https://example.org/grid-code.pdf"
    buffer = io.BytesIO()
    workbook.save(buffer)

    [reference] = _only(read_workbook(data=buffer.getvalue())).references

    assert (reference.name, reference.link) == ("Grid code", "https://example.org/grid-code.pdf")
