"""Enumerations spelled several ways land on one value; mRIDs compare in one form."""

import pytest

from usecases.xml import read_document
from usecases.xml.readers.variant_c import NAMESPACE
from usecases.xml.vocabulary import (
    normalise_actor_type,
    normalise_drawing_type,
    normalise_mrid,
    normalise_relation_type,
    normalise_uri_type,
    parse_date,
)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ("use case overview", "use case overview"),
        ("use_case_overview", "use case overview"),
        ("Use Case Overview", "use case overview"),
        ("Use-Case  Overview", "use case overview"),
        ("MacroActivities Flowchart", "activities flowchart"),
        ("Action Overview", "activity overview"),
        ("Role Model", "role model"),
        ("a picture of my cat", None),
    ],
)
def test_drawing_types(found, expected):
    assert normalise_drawing_type(found) == expected


def test_a_drawing_type_we_do_not_know_is_read_as_other_and_kept():
    data = (
        f'<UC:UseCaseRepository xmlns:UC="{NAMESPACE}"><name>R</name><UseCaseLibrary><UseCase>'
        "<Drawing><drawingType>Use_Case_Overview</drawingType><mRID>{AB-1}</mRID><name>a</name>"
        '<URI type="UMLDiagram">a.png</URI></Drawing>'
        '<Drawing><drawingType>sketch</drawingType><mRID>ab-2</mRID><name>b</name><URI type="image">b.png</URI>'
        "</Drawing><identifier/><name>U</name><scope>s</scope></UseCase></UseCaseLibrary></UC:UseCaseRepository>"
    ).encode()
    document = read_document(data=data)
    first, second = document.use_cases[0].drawings
    assert (first.mrid, first.drawing_type, first.uri_type) == ("ab-1", "use case overview", "UMLDiagram")
    assert (second.drawing_type, second.extra) == ("other", {"drawing_type": "sketch"})
    assert any("'sketch'" in warning for warning in document.warnings)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ("Business", ("business", "")),
        ("business", ("business", "business")),
        ("Business actor", ("business", "Business actor")),
        ("System", ("system", "")),
        ("Organization", ("organisation", "Organization")),
        ("Legal entity", ("other", "Legal entity")),
        ("", ("", "")),
    ],
)
def test_actor_types_keep_a_spelling_only_when_it_differs_from_ours(found, expected):
    assert normalise_actor_type(found) == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [("{E22EC6A5-D5DB-4836-8BDC-B20085D8F619}", "e22ec6a5-d5db-4836-8bdc-b20085d8f619"), (" Data Hub ", "data hub")],
)
def test_mrids_compare_without_braces_case_or_surrounding_space(found, expected):
    assert normalise_mrid(found) == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [("UMLDiagram", "UMLDiagram"), ("UML diagram", "UMLDiagram"), ("Image", "image"), ("", "image")],
)
def test_uri_types(found, expected):
    assert normalise_uri_type(found) == expected


@pytest.mark.parametrize(
    ("found", "expected"), [("includes", "include"), ("Extend", "extend"), ("", ""), ("depends on", "depends on")]
)
def test_relation_types(found, expected):
    assert normalise_relation_type(found) == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ("2018-04-12T00:00:00", "2018-04-12T00:00:00"),
        ("2018-06-05T00:00:00.000+02:00", "2018-06-05T00:00:00+02:00"),
        ("2018-06-05T10:00:00Z", "2018-06-05T10:00:00+00:00"),
        ("2018-04-12", "2018-04-12T00:00:00"),
        ("12.04.2018", "2018-04-12T00:00:00"),
    ],
)
def test_dates(found, expected):
    assert parse_date(found).isoformat() == expected


@pytest.mark.parametrize("found", ["", "soon", "0001-01-01T00:00:00"])
def test_no_date(found):
    assert parse_date(found) is None
