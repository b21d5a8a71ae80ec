"""The real files in ../shared/iec62559/examples: each is read by the right reader, nothing in it is lost or
invented (counted independently with XPath), it survives read -> write -> read unchanged, and what we write
validates against our XSD and the published Build08082016 XSD."""

from pathlib import Path

import pytest
from lxml import etree

from usecases.xml import Dialect, detect_dialect, parse_xml, read_document, schema_problems, write_variant_c
from usecases.xml.document import iter_steps

EXAMPLES = [
    ("variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml", Dialect.VARIANT_C),
    ("variant-c/elering-1_aggregate-energy-data.xml", Dialect.VARIANT_C),
    ("variant-c/elering-5_collect-energy-data.xml", Dialect.VARIANT_C),
    ("variant-c/elering-14_manage-sub-meter-data.xml", Dialect.VARIANT_C),
    ("variant-d/offis-2_1201.xml", Dialect.VARIANT_D),
]
EXAMPLE_IDS = [Path(name).stem for name, _ in EXAMPLES]
PUBLISHED_XSD = "xsd/IEC62559-3_UC_Build08082016.xsd"


def _counts_in_document(document) -> dict[str, int]:
    return {
        "use cases": len(document.full_use_cases),
        "stubs": len(document.use_cases) - len(document.full_use_cases),
        "actors": len(document.actors),
        "scenarios": sum(len(use_case.scenarios) for use_case in document.use_cases),
        "steps": sum(
            len(list(iter_steps(scenario.steps))) for use_case in document.use_cases for scenario in use_case.scenarios
        ),
        "information objects": len(document.information_objects),
        "requirements": len(document.all_requirements()),
        "terms": len(document.common_terms),
    }


def _count(tree: etree._ElementTree, xpath: str) -> int:
    return int(tree.xpath(f"count({xpath})"))


def _distinct(tree: etree._ElementTree, xpath: str) -> int:
    """How many different ids the elements found hold (variant D repeats an actor wherever it is referred to)."""
    return len({element.text for element in tree.xpath(xpath)})


def _counts_in_file(path: Path, dialect: Dialect) -> dict[str, int]:
    """Counted with plain lxml/XPath, independently of the readers."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    if dialect == Dialect.VARIANT_C:
        use_cases = _count(tree, "/*/UseCaseLibrary/UseCase")
        stub_fields = "self::identifier or self::mRID or self::name or self::nature"
        full = _count(tree, f"/*/UseCaseLibrary/UseCase[*[not({stub_fields})]]")
        return {
            "use cases": full,
            "stubs": use_cases - full,
            "actors": _count(tree, "/*/ActorLibrary/Actor"),
            "scenarios": _count(tree, "/*/UseCaseLibrary/UseCase/Scenario"),
            "steps": _count(tree, "//Scenario//Activity | //Scenario//ChildActivity"),
            "information objects": _count(tree, "/*/BusinessObjectLibrary/BusinessObject"),
            "requirements": _count(tree, "/*/RequirementLibrary/RequirementCategory/Requirement"),
            "terms": _count(tree, "/*/CommonTermLibrary/CommonTerm"),
        }
    actor_ids = "//ActorGrouping/Actor/id | //PrimaryActor/id | //InformationProducer/id | //InformationReceiver/id"
    return {
        "use cases": _count(tree, "/UseCase"),
        "stubs": _count(tree, "/UseCase/UseCaseRelation/RelatedUseCase"),
        "actors": _distinct(tree, actor_ids),
        "scenarios": _count(tree, "/UseCase/Scenario"),
        "steps": _count(tree, "/UseCase/Scenario//Step"),
        "information objects": _distinct(tree, "//InformationObject/id"),
        "requirements": _distinct(tree, "//Requirement/id"),
        "terms": _count(tree, "/UseCase/Glossary/*"),
    }


@pytest.fixture(params=EXAMPLES, ids=EXAMPLE_IDS)
def example(request, iec_dir):
    name, dialect = request.param
    path = iec_dir / "examples" / name
    return path, dialect


def test_each_example_is_read_by_the_reader_of_its_dialect(example):
    path, dialect = example
    assert detect_dialect(root=parse_xml(data=path.read_bytes())) == dialect


def test_the_document_holds_exactly_what_the_file_holds(example):
    path, dialect = example
    document = read_document(data=path.read_bytes())
    expected = _counts_in_file(path, dialect)
    assert _counts_in_document(document) == expected
    assert expected["use cases"] >= 1 and expected["scenarios"] >= 1 and expected["steps"] >= 7


def test_read_write_read_gives_the_same_document(example):
    path, _ = example
    document = read_document(data=path.read_bytes())
    assert read_document(data=write_variant_c(document=document)) == document


def test_what_we_write_validates_against_our_xsd_and_the_published_one(example, iec_dir):
    path, _ = example
    written = write_variant_c(document=read_document(data=path.read_bytes()))
    assert schema_problems(data=written) == []
    assert schema_problems(data=written, schema_path=iec_dir / PUBLISHED_XSD) == []


@pytest.mark.parametrize("name", [name for name, dialect in EXAMPLES if dialect == Dialect.VARIANT_C])
def test_our_xsd_accepts_the_real_variant_c_files_as_the_published_one_does(name, iec_dir):
    path = iec_dir / "examples" / name
    assert schema_problems(data=path.read_bytes(), schema_path=iec_dir / PUBLISHED_XSD) == []
    assert schema_problems(data=path.read_bytes()) == []


def test_modsarus_quirks_are_read_as_found(iec_dir):
    """Braced upper-case mRIDs, a stub for the related use case, dangling references, repeated steps."""
    path = iec_dir / "examples" / EXAMPLES[0][0]
    document = read_document(data=path.read_bytes())
    stub, full = document.use_cases
    assert stub.is_stub and stub.name == "Market Offering" and stub.nature == "SUC"
    assert [relation.use_case_ref for relation in full.relations] == [stub.mrid]
    drawings = [d for s in full.scenarios for step in iter_steps(s.steps) for d in step.drawings]
    assert {drawing.mrid for drawing in drawings} == {"e22ec6a5-d5db-4836-8bdc-b20085d8f619"}
    assert {drawing.mrid_raw for drawing in drawings} == {"{E22EC6A5-D5DB-4836-8BDC-B20085D8F619}"}
    assert any("0118bddd-f390-48e9-ab0b-6f36ccfed4c2" in warning for warning in document.warnings)
    assert any("share an mRID" in warning for warning in document.warnings)
    assert full.kpis[0].objective_refs == [full.objectives[0].mrid, full.objectives[1].mrid]


def test_texts_stay_as_found_and_versions_keep_their_authors(iec_dir):
    path = iec_dir / "examples" / "variant-c/elering-1_aggregate-energy-data.xml"
    use_case = read_document(data=path.read_bytes()).full_use_cases[0]
    assert "&#8211;" in use_case.short_description  # escaped twice in the file: once stays
    assert use_case.versions[2].changes == "Version post WP5&amp;9 physical meeting in Tallinn"
    assert [author.name for author in use_case.versions[0].authors] == ["Kalle Kukk (Elering)"]
    assert use_case.versions[0].date.isoformat() == "2018-04-12T00:00:00"
