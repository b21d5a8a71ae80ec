"""The real files of ../shared/iec62559/examples through the database: what lands there is what the file holds,
the export is valid against our XSD and the published one, and export -> empty database -> import -> export
gives the same XML. The demo repository makes the same round trip."""

import dataclasses
from pathlib import Path

import pytest
from django.db.models import Sum
from lxml import etree

from actors.models import Actor
from requirements.models import Requirement
from tests.demo_snapshot import demo_repository
from tests.usecases.exchange.conftest import PUBLISHED_XSD, canonical, empty_repository, fingerprint
from ucmr.models import ChangeLogEntry
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import, repository_import_xml
from usecases.exchange.records import bookkeeping
from usecases.models import CommonTerm, Drawing, InformationObject, Scenario, Step, UseCase
from usecases.xml import read_document, schema_problems, write_variant_c
from usecases.xml.document import Author, iter_steps

pytestmark = pytest.mark.django_db

STUB_FIELDS = "self::identifier or self::mRID or self::name or self::nature"


def _count(tree: etree._ElementTree, xpath: str) -> int:
    return int(tree.xpath(f"count({xpath})"))


def _distinct(tree: etree._ElementTree, xpath: str) -> int:
    return len({element.text.strip().strip("{}").lower() for element in tree.xpath(xpath) if element.text})


def _counts_in_file(path: Path) -> dict[str, int]:
    """What the file holds, counted with plain XPath, each as listed (a step as often as it occurs, Modsarus
    repeating an activity's mRID on each occurrence)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    if tree.getroot().tag == "UseCase":  # variant D: one use case, actors and objects referred to by id
        actor_ids = "//ActorGrouping/Actor/id|//PrimaryActor/id|//InformationProducer/id|//InformationReceiver/id"
        return {
            "use cases": 1,
            "related use cases": _count(tree, "/UseCase/UseCaseRelation/RelatedUseCase"),
            "actors": _distinct(tree, actor_ids),
            "scenarios": _count(tree, "/UseCase/Scenario"),
            "steps": _count(tree, "/UseCase/Scenario//Step"),
            "information objects": _distinct(tree, "//InformationObject/id"),
            "requirements": _distinct(tree, "//Requirement/id"),
            "terms": _count(tree, "/UseCase/Glossary/*"),
        }
    use_cases = tree.xpath(f"/*/UseCaseLibrary/UseCase[*[not({STUB_FIELDS})]]")
    return {
        "use cases": len(use_cases),
        "related use cases": _count(tree, f"/*/UseCaseLibrary/UseCase[not(*[not({STUB_FIELDS})])]"),
        "actors": _count(tree, "/*/ActorLibrary/Actor"),
        "scenarios": _count(tree, "/*/UseCaseLibrary/UseCase/Scenario"),
        "steps": sum(_count(use_case, "Scenario//*[self::Activity or self::ChildActivity]") for use_case in use_cases),
        "information objects": _count(tree, "/*/BusinessObjectLibrary/BusinessObject"),
        "requirements": _count(tree, "/*/RequirementLibrary/RequirementCategory/Requirement"),
        "terms": _count(tree, "/*/CommonTermLibrary/CommonTerm"),
    }


def _counts_in_database() -> dict[str, int]:
    use_cases = list(UseCase.objects.all())
    placeholders = [use_case for use_case in use_cases if bookkeeping(use_case).get("placeholder")]
    return {
        "use cases": len(use_cases) - len(placeholders),
        "related use cases": len(placeholders),
        "actors": Actor.objects.count(),
        "scenarios": Scenario.objects.count(),
        "steps": Step.objects.count(),
        "information objects": InformationObject.objects.count(),
        "requirements": Requirement.objects.count(),
        "terms": CommonTerm.objects.count(),
    }


def _stripped(value):
    """A document part with surrounding space removed from every text (names are stored stripped, as services
    store them)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_stripped(item) for item in value]
    if isinstance(value, dict):
        return {key: _stripped(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{field.name: _stripped(getattr(value, field.name)) for field in dataclasses.fields(value)}
        )
    return value


def _blank_where(value, source):
    """`value` with the mRIDs blanked that are blank in `source` (the loader gives such objects stable mRIDs,
    which the export then writes)."""
    if isinstance(value, list) and isinstance(source, list) and len(value) == len(source):
        return [_blank_where(item, other) for item, other in zip(value, source, strict=True)]
    if dataclasses.is_dataclass(value) and type(value) is type(source):
        changes = {
            field.name: _blank_where(getattr(value, field.name), getattr(source, field.name))
            for field in dataclasses.fields(value)
            if isinstance(getattr(value, field.name), list)
        }
        if hasattr(value, "mrid") and not source.mrid:
            assert value.mrid or isinstance(value, Author), f"{type(value).__name__} exported without mRID"
            changes["mrid"] = changes["mrid_raw"] = ""
        return dataclasses.replace(value, **changes)
    return value


def _export() -> bytes:
    return write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))


def _generated_drawings(data: bytes) -> int:
    """How many drawings of the file are diagrams UCMR generated (and marked so)."""
    tree = etree.fromstring(data)
    marked = tree.xpath("//CustomInformation[key='ucmr:drawing.generated']/reference/text()")
    assert len(marked) == len(set(marked)) == len(tree.xpath("//Drawing[starts-with(URI, '/diagrams/')]"))
    return len(marked)


def test_the_database_holds_what_the_file_holds(example):
    report = repository_import_xml(user=None, data=example.read_bytes(), workspace=None)

    expected = _counts_in_file(example)
    assert _counts_in_database() == expected
    assert expected["use cases"] >= 1 and expected["steps"] >= 7
    assert report.counts["use_case"] == {"created": expected["use cases"]}
    assert report.counts["step"] == {"created": expected["steps"]}


def test_the_export_validates_against_our_xsd_and_the_published_one(example, iec_dir):
    repository_import_xml(user=None, data=example.read_bytes(), workspace=None)

    exported = _export()

    assert schema_problems(data=exported) == []
    assert schema_problems(data=exported, schema_path=iec_dir / PUBLISHED_XSD) == []


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_xml(example):
    repository_import_xml(user=None, data=example.read_bytes(), workspace=None)
    first = _export()
    counts = _counts_in_database()
    drawings = Drawing.objects.count()

    empty_repository()
    assert sum(_counts_in_database().values()) == 0
    report = repository_import_xml(user=None, data=first, workspace=None)
    second = _export()

    assert canonical(second) == canonical(first)
    assert _counts_in_database() == counts
    assert report.total("updated") == report.total("deleted") == 0
    # The generated diagrams made the trip as drawings, and were not stored as the author's.
    assert _generated_drawings(first) >= 2 * counts["use cases"] + counts["scenarios"]
    assert Drawing.objects.count() == drawings


def test_the_export_keeps_what_the_file_said(example):
    """The document read back from the export is the file's, apart from what the loader says it adds or repairs:
    the workspace and status it gives, mRIDs for objects without one, surrounding space of names (stored
    stripped, as the services store them). Every step occurrence is there, repeated mRIDs as they came."""
    original = read_document(data=example.read_bytes())
    repository_import(user=None, document=original, workspace=None)

    exported = _stripped(read_document(data=_export()))
    original = _stripped(original)

    assert {actor.mrid: actor.name for actor in exported.actors} == {a.mrid: a.name for a in original.actors}
    assert {item.mrid for item in exported.information_objects} == {i.mrid for i in original.information_objects}
    [source] = original.full_use_cases
    [use_case] = [_blank_where(use_case, source) for use_case in exported.full_use_cases]
    assert (use_case.status, use_case.workspace) == ("draft", "Imported use cases")
    assert use_case.versions == source.versions  # authors with their mRIDs, dates as written (naive or not)
    assert use_case.kpis == source.kpis  # with the targets and calculations variant D has, in extra
    comparable = {"status": "", "workspace": ""}
    source = _without_dangling_step_refs(source, original)
    assert dataclasses.replace(use_case, **comparable) == dataclasses.replace(source, **comparable)


def _without_dangling_step_refs(use_case, repository):
    """`use_case` with the steps' references to actors and information objects the file does not define left out
    (the loader drops them, and says so)."""
    actors = {actor.mrid for actor in repository.actors}
    information = {item.mrid for item in repository.information_objects}

    def step(node):
        return dataclasses.replace(
            node,
            producer_refs=[ref for ref in node.producer_refs if ref in actors],
            receiver_refs=[ref for ref in node.receiver_refs if ref in actors],
            primary_actor_refs=[ref for ref in node.primary_actor_refs if ref in actors],
            information_object_refs=[ref for ref in node.information_object_refs if ref in information],
            children=[step(child) for child in node.children],
        )

    scenarios = [dataclasses.replace(s, steps=[step(node) for node in s.steps]) for s in use_case.scenarios]
    return dataclasses.replace(use_case, scenarios=scenarios)


def _step_occurrences(use_cases) -> list[tuple]:
    """Every step of `use_cases` in order: (mRID, number, receivers, information exchanged)."""
    return [
        (step.mrid, step.number.strip(), step.receiver_refs, step.information_object_refs)
        for use_case in use_cases
        for scenario in use_case.scenarios
        for step in iter_steps(scenario.steps)
    ]


def test_every_step_occurrence_survives_import_and_export(example):
    """Modsarus repeats an activity's mRID on each occurrence of the activity in a sequence, each with its own
    receivers and information: every occurrence is a step, exported again under the mRID it came with."""
    original = read_document(data=example.read_bytes())
    report = repository_import(user=None, document=original, workspace=None)
    exported = _step_occurrences(read_document(data=_export()).full_use_cases)

    source = _step_occurrences(_without_dangling_step_refs(u, original) for u in original.full_use_cases)
    assert len(exported) == len(source) == Step.objects.count() == report.counts["step"]["created"]
    # Steps the file gives no mRID get one from the loader; every other mRID is written back as it came.
    pairs = zip(exported, source, strict=True)
    assert [(mrid if found else "", *rest) for (mrid, *rest), (found, *_) in pairs] == source
    assert not any("merged" in warning for warning in report.warnings)
    if "edf-1" in example.name:
        assert (len(source), len({mrid for mrid, *_ in source})) == (102, 67)
        repeated = [step for step in exported if step[0] == "ea1da368-b9be-425b-a235-fd41570e4c17"]
        assert [number for _, number, *_ in repeated] == ["4.5", "4.6"]
        assert repeated[0][2:] != repeated[1][2:]  # each occurrence with its own receivers and information


def test_importing_the_same_file_twice_changes_nothing(example):
    repository_import_xml(user=None, data=example.read_bytes(), workspace=None)
    before = fingerprint()
    revisions = UseCase.objects.aggregate(total=Sum("revision"))["total"]
    entries = ChangeLogEntry.objects.count()

    report = repository_import_xml(user=None, data=example.read_bytes(), workspace=None)

    assert ChangeLogEntry.objects.count() == entries
    assert UseCase.objects.aggregate(total=Sum("revision"))["total"] == revisions
    assert fingerprint() == before
    assert report.total("created") == report.total("updated") == report.total("deleted") == 0
    assert report.counts["use_case"] == {"unchanged": len(read_document(data=example.read_bytes()).full_use_cases)}


def test_a_dry_run_writes_nothing_and_reports_what_the_import_does(example):
    before = fingerprint()

    dry = repository_import_xml(user=None, data=example.read_bytes(), workspace=None, dry_run=True)

    assert fingerprint() == before
    real = repository_import_xml(user=None, data=example.read_bytes(), workspace=None)
    assert dry.dry_run and not real.dry_run
    assert (dry.counts, dry.warnings) == (real.counts, real.warnings)
    assert [{k: v for k, v in row.items() if k != "pk"} for row in real.use_cases] == dry.use_cases
    assert all(row["pk"] for row in real.use_cases)


def test_the_demo_repository_makes_the_round_trip():
    demo_repository()
    workspaces = set(UseCase.objects.values_list("workspace__name", flat=True))
    first = _export()
    assert schema_problems(data=first) == []
    counts = _counts_in_database()

    drawings = Drawing.objects.count()

    empty_repository()
    report = repository_import_xml(user=None, data=first, workspace=None)
    second = _export()

    assert canonical(second) == canonical(first)
    assert _counts_in_database() == counts
    assert report.counts["use_case"] == {"created": counts["use cases"]}
    assert set(UseCase.objects.values_list("workspace__name", flat=True)) == workspaces
    assert _generated_drawings(first) >= 2 * counts["use cases"] + counts["scenarios"]
    assert Drawing.objects.count() == drawings


def test_importing_its_own_export_into_the_same_repository_changes_nothing():
    """Use cases written in the application (the demo repository) come back onto themselves: every row is found
    again by its mRID and nothing is rewritten."""
    demo_repository()
    before = fingerprint()

    report = repository_import_xml(user=None, data=_export(), workspace=None)

    assert report.total("created") == report.total("updated") == report.total("deleted") == 0
    assert fingerprint() == before


def test_an_export_edited_elsewhere_updates_the_use_case_it_came_from():
    demo_repository()
    document = read_document(data=_export())
    use_case = document.full_use_cases[0]
    use_case.scope = "Edited in another tool."
    del use_case.scenarios[0].steps[-1]
    stored = UseCase.objects.get(mrid=use_case.mrid)
    UseCase.objects.filter(pk=stored.pk).update(status=UseCase.Status.DRAFT)  # withdrawn: only drafts change
    revision = stored.revision

    report = repository_import(user=None, document=document, workspace=None)

    stored.refresh_from_db()
    assert stored.scope == "Edited in another tool." and stored.revision == revision + 1
    assert report.counts["use_case"]["updated"] == 1
    assert report.counts["step"]["deleted"] >= 1 and "created" not in report.counts["step"]
