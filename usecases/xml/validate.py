"""Schema validation of variant C: our exports before they leave, and uploads when a user asks why one fails.

lxml (libxml2) answers "valid or not" fast, so it runs first; only when a file is invalid does xmlschema walk it
again, because its errors name the element path (`/UC:UseCaseRepository/UseCaseLibrary/UseCase[1]`) and the
reason in words a person can act on. Both get the file from `parse_xml`, so the same size, DOCTYPE and depth
rules apply, and neither ever fetches a schemaLocation: lxml is given the schema document, xmlschema is told to
ignore location hints and may only read files beside the schema.
"""

import functools
import itertools
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from django.core.exceptions import ValidationError
from lxml import etree

from usecases.xml.parsing import parse_xml

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "ucmr-variant-c.xsd"


@dataclass(frozen=True, kw_only=True)
class SchemaProblem:
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line or '?'}, element {self.path}: {self.message}"


class XmlSchemaError(ValidationError):
    """The file is XML but not valid variant C; one message per problem, each with line and element path."""

    def __init__(self, *, problems: list[SchemaProblem]) -> None:
        super().__init__([ValidationError(str(problem), code="xml_schema") for problem in problems])
        self.problems = problems


@functools.lru_cache(maxsize=4)
def _lxml_schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(path, parser=parser))


@functools.lru_cache(maxsize=4)
def _xmlschema_schema(path: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(path, allow="sandbox")


def schema_problems(
    *, data: bytes, schema_path: Path = SCHEMA_PATH, max_bytes: int | None = None
) -> list[SchemaProblem]:
    """What makes `data` invalid against the schema (ours unless another is given); empty when it is valid."""
    root = parse_xml(data=data, max_bytes=max_bytes)
    fast = _lxml_schema(str(schema_path))
    if fast.validate(root.getroottree()):
        return []
    problems = [
        SchemaProblem(line=getattr(error.elem, "sourceline", None), path=error.path or "/", message=error.reason or "")
        for error in _xmlschema_schema(str(schema_path)).iter_errors(
            xmlschema.XMLResource(root, allow="none"), use_location_hints=False
        )
    ]
    return problems or [
        SchemaProblem(line=entry.line, path=entry.path or "/", message=entry.message) for entry in fast.error_log
    ]


def validate_variant_c_file(*, path: Path, schema_path: Path = SCHEMA_PATH, problems_shown: int = 20) -> None:
    """`validate_variant_c` for a file too big to hold (our own streamed exports): libxml2 validates while it
    parses, and each library's entries are dropped once read, so memory does not grow with the file. When it is
    invalid, xmlschema reads it again lazily for the first `problems_shown` problems in words."""
    # Not resolve_entities=False: with it, lxml 6 lets a file that ends too early through. Without a DTD (none is
    # loaded) there are no entities to resolve.
    parser_options = {"no_network": True, "load_dtd": False, "huge_tree": True}
    events = etree.iterparse(str(path), events=("end",), schema=_lxml_schema(str(schema_path)), **parser_options)
    try:
        for _, element in events:
            parent = element.getparent()
            if parent is not None and parent.getparent() is not None and parent.getparent().getparent() is None:
                element.clear()  # an entry of a library (a use case, an actor): validated, not needed any more
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        try:
            resource = xmlschema.XMLResource(str(path), lazy=True, allow="local", defuse="always")
            errors = _xmlschema_schema(str(schema_path)).iter_errors(resource, use_location_hints=False)
            problems = [
                SchemaProblem(
                    line=getattr(item.elem, "sourceline", None), path=item.path or "/", message=item.reason or ""
                )
                for item in itertools.islice(errors, problems_shown)
            ]
        except xmlschema.XMLResourceError:  # not well-formed: lxml's words say where
            problems = []
        raise XmlSchemaError(
            problems=problems or [SchemaProblem(line=error.lineno, path="/", message=str(error))]
        ) from error


def validate_variant_c(*, data: bytes, schema_path: Path = SCHEMA_PATH, max_bytes: int | None = None) -> None:
    """Raise `XmlSchemaError` unless `data` is valid variant C (parse errors raise `XmlImportError` first)."""
    problems = schema_problems(data=data, schema_path=schema_path, max_bytes=max_bytes)
    if problems:
        raise XmlSchemaError(problems=problems)
