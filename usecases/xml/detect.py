"""Which dialect a file is written in, told from its root element and namespace, and reading it with that reader.

- variant C (Modsarus, BRIDGE, OneNet; our export): root `UseCaseRepository` in namespace
  `http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016`;
- variant B (IEC 62559-3 draft of 2015): root `UseCaseRepository` in namespace
  `http://www.TC8.org/IEC62559/part3/V01/Build11022015`;
- variant D (OFFIS UCMR export): root `UseCase` without namespace.
"""

import enum
from collections.abc import Callable
from typing import BinaryIO

from lxml import etree

from usecases.xml.document import Repository, StreamedRepository
from usecases.xml.integrity import integrity_warnings
from usecases.xml.parsing import XmlImportError, checked_events, parse_xml
from usecases.xml.readers import variant_b, variant_c, variant_d


class Dialect(enum.StrEnum):
    VARIANT_B = "variant B (IEC 62559-3 draft, Build11022015)"
    VARIANT_C = "variant C (IEC 62559-3, Build08082016)"
    VARIANT_D = "variant D (OFFIS UCMR export)"


_DIALECTS: dict[tuple[str | None, str], Dialect] = {
    (variant_c.NAMESPACE, "UseCaseRepository"): Dialect.VARIANT_C,
    (variant_b.NAMESPACE, "UseCaseRepository"): Dialect.VARIANT_B,
    (None, "UseCase"): Dialect.VARIANT_D,
}
_READERS: dict[Dialect, Callable[..., Repository]] = {
    Dialect.VARIANT_B: variant_b.read_variant_b,
    Dialect.VARIANT_C: variant_c.read_variant_c,
    Dialect.VARIANT_D: variant_d.read_variant_d,
}


def detect_dialect(*, root: etree._Element) -> Dialect:
    """The dialect of a parsed file, or an `XmlImportError` that says what root was found instead."""
    name = etree.QName(root)
    dialect = _DIALECTS.get((name.namespace, name.localname))
    if dialect is None:
        found = f"<{name.localname}> in namespace {name.namespace}" if name.namespace else f"<{name.localname}>"
        expected = "; ".join(
            f"<{local}>" + (f" in namespace {namespace}" if namespace else " without namespace")
            for namespace, local in _DIALECTS
        )
        raise XmlImportError(
            f"Not an IEC 62559 use case file we can read: the root element at line {root.sourceline} is {found}. "
            f"Expected one of: {expected}.",
            code="xml_unknown_dialect",
            line=root.sourceline,
            path=f"/{name.localname}",
        )
    return dialect


def read_root(*, root: etree._Element) -> Repository:
    """The document a parsed file describes, with warnings about what the loader will have to decide."""
    repository = _READERS[detect_dialect(root=root)](root=root)
    repository.warnings += integrity_warnings(repository=repository)
    return repository


def read_document(*, data: bytes, max_bytes: int | None = None) -> Repository:
    """Parse untrusted bytes safely, detect the dialect and read the document (`XmlImportError` if we cannot)."""
    return read_root(root=parse_xml(data=data, max_bytes=max_bytes))


def stream_document(*, source: BinaryIO) -> StreamedRepository | None:
    """A large file read in pieces (see `StreamedRepository`), when its dialect can be: variant C, the dialect of
    our exports and of the files that run to thousands of use cases. None for the others (they are read whole)."""
    events = checked_events(source)
    _, root = next(events)
    events.close()
    if detect_dialect(root=root) is not Dialect.VARIANT_C:
        return None
    return variant_c.stream_variant_c(events=lambda: checked_events(source))
