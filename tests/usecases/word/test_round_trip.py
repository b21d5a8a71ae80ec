"""Round trips through the Word template: a use case exported as a document (`usecases.word.writer`), imported
into an empty repository (`usecases.word.reader`) and exported again gives the same document, text for text, and
the same counts (scenarios, steps, actors, information, requirements, references, versions, drawings).

Run on the demo use cases and on the real XML examples of ../shared (variant C and variant D)."""

import io

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from tests.usecases.exchange.conftest import EXAMPLE_IDS, EXAMPLES, empty_repository, fingerprint
from usecases.exchange.dumper import repository_export
from usecases.exchange.files import repository_import_file
from usecases.models import UseCase
from usecases.word.writer import write_document
from usecases.xml import document as doc
from usecases.xml.document import iter_steps
from usecases.xml.library import Library

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _documents() -> dict[str, bytes]:
    """Every use case of the repository as a Word document, by identifier (or name)."""
    repository = repository_export(user=None, use_cases=UseCase.objects.all(), generated_drawings=False)
    library = Library.of(repository)
    documents = {}
    for use_case in repository.full_use_cases:
        buffer = io.BytesIO()
        write_document(use_case, library=library, output=buffer)
        documents[use_case.identifier or use_case.name] = buffer.getvalue()
    return documents


def _import(documents: dict[str, bytes]) -> list[str]:
    warnings = []
    for key, data in documents.items():
        report = repository_import_file(user=None, data=data, workspace=None, name=f"{key}.docx")
        warnings += report.warnings
    return warnings


def text_of(data: bytes) -> list:
    """What a reader sees: every heading and paragraph, every table as rows of cell texts (a merged cell once)."""
    document = docx.Document(io.BytesIO(data))
    seen = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.text.strip():
                seen.append(item.text)
            continue
        assert isinstance(item, Table)
        rows = []
        for row in item.rows:
            cells = list({id(cell._tc): _words(cell.text) for cell in row.cells}.values())
            rows.append(cells)
        seen.append(rows)
    return seen


def _words(text: str) -> str:
    """A cell's text as read: lines without the spaces around them, no empty lines at its ends."""
    return "\n".join(line.strip() for line in text.replace("\xa0", " ").strip().splitlines())


def counts(repository: doc.Repository) -> dict[str, list]:
    """Per use case: the sizes a reader of the document would count."""
    result = {}
    for use_case in repository.full_use_cases:
        result[use_case.identifier or use_case.name] = {
            "versions": len(use_case.versions),
            "objectives": len(use_case.objectives),
            "kpis": len(use_case.kpis),
            "actors": sorted(
                ref for g in use_case.actor_groupings for fai in g.further_actor_information for ref in fai.actor_refs
            ).__len__(),
            "references": len(use_case.references),
            "scenarios": [(s.name, len(list(iter_steps(s.steps)))) for s in use_case.scenarios],
            "scenario requirements": [len(s.requirement_refs) for s in use_case.scenarios],
            "drawings": len(use_case.drawings)  # section 2 lists a scenario's and a step's too
            + sum(
                len(s.drawings) + sum(len(step.drawings) for step in iter_steps(s.steps)) for s in use_case.scenarios
            ),
        }
    return result


def comparable(text: list) -> tuple[list, list]:
    """(everything but section 6's tables, section 6's requirement rows but blank ones, in any order)."""
    requirement_tables = [item for item in text if isinstance(item, list) and item[0] == ["Requirements (optional)"]]
    rest = [item for item in text if not any(item is table for table in requirement_tables)]
    rows = [row for table in requirement_tables for row in table[4:] if any(row)]
    return rest, sorted(map(tuple, rows))


def _round_trip() -> None:
    first_repository = repository_export(user=None, use_cases=UseCase.objects.all(), generated_drawings=False)
    first_documents = _documents()
    assert first_documents

    empty_repository()
    _import(first_documents)
    second_documents = _documents()

    assert second_documents.keys() == first_documents.keys()
    for key, data in first_documents.items():
        first, second = comparable(text_of(data)), comparable(text_of(second_documents[key]))
        differences = [(index, a, b) for index, (a, b) in enumerate(zip(first[0], second[0], strict=False)) if a != b]
        assert (len(second[0]), differences[:1], second[1]) == (len(first[0]), [], first[1]), key
    again = repository_export(user=None, use_cases=UseCase.objects.all(), generated_drawings=False)
    before, after = counts(first_repository), counts(again)
    assert after.keys() == before.keys()
    for key, sizes in before.items():
        assert [(name, after[key][name]) for name in sizes] == list(sizes.items()), key


def test_the_demo_use_cases_come_back_from_their_documents():
    from tests.demo_snapshot import demo_repository

    demo_repository()

    _round_trip()


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_a_real_example_comes_back_from_its_documents(iec_dir, example):
    repository_import_file(user=None, data=(iec_dir / "examples" / example).read_bytes(), workspace=None)

    _round_trip()


def test_a_document_read_again_is_unchanged(iec_dir):
    repository_import_file(user=None, data=(iec_dir / "examples" / EXAMPLES[1]).read_bytes(), workspace=None)
    documents = _documents()
    empty_repository()
    _import(documents)
    before = fingerprint()

    _import(documents)

    assert fingerprint() == before
