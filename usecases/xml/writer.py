"""Writer of variant C, the project's export format: a `Repository` document to UTF-8 XML bytes.

What the output promises (and `tests/usecases/xml` checks against our XSD and the published Build08082016 XSD):

- Root `UC:UseCaseRepository` in `http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016`; only the root is
  namespace-qualified, every other element is unqualified.
- The children of every element come in case-insensitive alphabetical order, as the schema's sequences require
  (so `Postcondition` before `Precondition`, `identifier` before `KeyPerformanceIndicator`).
- Required elements are always present, empty when we know nothing (`identifier`, a use case's `name`,
  `Narrative/shortDescription`, `Reference/originatorOrganization`, an activity's `description`, ...); optional
  text elements only when they have a value. All libraries are written, even empty ones, as Modsarus does.
- Dates are xs:dateTime; a version without a date gets `0001-01-01T00:00:00`, which our reader reads as none.
- mRIDs are written normalised (lower case, no braces).
- What variant C has no element for goes into `ucmr:` custom information entries, see `usecases.xml.ucmr_keys`.
- Characters XML 1.0 cannot hold (control characters pasted from other tools) are left out, since lxml would
  otherwise refuse the whole export.

`VariantCStreamWriter` writes the same bytes use case by use case, for exports too big to hold in memory. Both
build their elements with `writer_elements.py` (libraries, use cases, scenarios, steps).
"""

import tempfile
from typing import BinaryIO

from lxml import etree

from usecases.xml.document import CustomInformation, Repository, UseCase
from usecases.xml.readers.variant_c import NAMESPACE
from usecases.xml.ucmr_keys import carrier_entry, library_entries
from usecases.xml.vocabulary import derived_mrid
from usecases.xml.writer_elements import libraries_element, use_case_element

CARRIER_NAME = "UCMR library data (not a use case)"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
WRITER_COMMENT = " Written by UCMR. Entries with keys starting ucmr: carry what IEC 62559-3 has no element for. "


def write_variant_c(*, document: Repository) -> bytes:
    """The document as a variant C file (UTF-8, with XML declaration, indented)."""
    root = etree.Element(etree.QName(NAMESPACE, "UseCaseRepository"), nsmap={"UC": NAMESPACE})
    library = libraries_element(root, document)
    for use_case, carried in _with_carrier(document, list(document.use_cases), carrier=_carrier(document)):
        use_case_element(library, use_case, carried=carried)
    root.addprevious(etree.Comment(WRITER_COMMENT))
    return XML_DECLARATION + etree.tostring(root.getroottree(), encoding="UTF-8", pretty_print=True)


class VariantCStreamWriter:
    """A variant C file written use case by use case, in memory independent of their number, byte for byte what
    `write_variant_c` writes for the same document.

    `add` takes the full use cases in the file's order and writes each (indented for its place in the file) to a
    temporary part with lxml's incremental writer. The libraries come first in the file but are only known once
    every use case is read, and the first use case carries the libraries' ucmr: entries: so `finish` writes the
    file: declaration, libraries, then in the UseCaseLibrary the first use case, the part's bytes and the stubs.
    """

    _PART_TAG = "UseCaseLibrary"

    def __init__(self) -> None:
        self._part = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish() or close()
        self._part_file = etree.xmlfile(self._part, encoding="UTF-8")
        self._part_writer = self._part_file.__enter__()
        self._part_element = self._part_writer.element(self._PART_TAG)
        self._part_element.__enter__()
        self._first: UseCase | None = None
        self.count = 0

    def add(self, use_case: UseCase) -> None:
        """The next full (not stub) use case of the file."""
        self.count += 1
        if self._first is None:
            self._first = use_case
            return
        self._write_use_case(self._part_writer, use_case, [])

    def finish(self, *, output: BinaryIO, document: Repository) -> None:
        """Write the file to `output`. `document` holds the libraries, and the stub use cases as its use cases."""
        self._part_element.__exit__(None, None, None)
        self._part_file.__exit__(None, None, None)
        holder = etree.Element("Libraries")  # no namespace: its children serialise without declarations
        library = libraries_element(holder, document)
        holder.remove(library)
        stubs = list(document.use_cases)
        carrier = self._first or (stubs[0] if stubs else None)
        entries = _with_carrier(document, [self._first, *stubs] if self._first else stubs, carrier=carrier)
        output.write(XML_DECLARATION + etree.tostring(etree.Comment(WRITER_COMMENT)) + b"\n")
        with (
            etree.xmlfile(output, encoding="UTF-8") as writer,
            writer.element(etree.QName(NAMESPACE, "UseCaseRepository"), nsmap={"UC": NAMESPACE}),
        ):
            for element in holder:
                writer.write("\n  ")
                writer.write(_indented(element, level=1))
            writer.write("\n  ")
            if not entries and not len(library):
                writer.write(library)
            else:
                with writer.element(self._PART_TAG):
                    for element in library:
                        writer.write("\n    ")
                        writer.write(_indented(element, level=2))
                    held = 1 if self._first is not None else 0  # the first use case, then the part's
                    for use_case, carried in entries[:held]:
                        self._write_use_case(writer, use_case, carried)
                    self._copy_part(writer, output)
                    for use_case, carried in entries[held:]:
                        self._write_use_case(writer, use_case, carried)
                    writer.write("\n  ")
            writer.write("\n")
        output.write(b"\n")
        self.close()

    @staticmethod
    def _write_use_case(writer, use_case: UseCase, carried: list[CustomInformation]) -> None:
        holder = etree.Element("UseCaseLibrary")
        use_case_element(holder, use_case, carried=carried)
        writer.write("\n    ")
        writer.write(_indented(holder[0], level=2))

    def _copy_part(self, writer, output: BinaryIO) -> None:
        """The part's use cases, without the element that held them there."""
        writer.flush()
        end = self._part.seek(0, 2) - len(f"</{self._PART_TAG}>")
        self._part.seek(len(f"<{self._PART_TAG}>"))
        remaining = end - self._part.tell()
        while remaining > 0:
            block = self._part.read(min(remaining, 1 << 20))
            output.write(block)
            remaining -= len(block)

    def close(self) -> None:
        self._part.close()


def _indented(element: etree._Element, *, level: int) -> etree._Element:
    """The element indented as `pretty_print` indents it at this depth of the whole file."""
    etree.indent(element, space="  ", level=level)
    return element


def _with_carrier(
    document: Repository, use_cases: list[UseCase], *, carrier: UseCase | None
) -> list[tuple[UseCase, list[CustomInformation]]]:
    """Each use case with the library's ucmr: entries it carries: all of them on `carrier` (on a stub use case
    added at the end when there is none), none on the others."""
    carried = library_entries(repository=document)
    if carried and carrier is None:
        carrier = UseCase(mrid=derived_mrid("ucmr-carrier", document.mrid), name=CARRIER_NAME, is_stub=True)
        carried = [carrier_entry(), *carried]
        use_cases = [*use_cases, carrier]
    return [(use_case, carried if use_case is carrier else []) for use_case in use_cases]


def _carrier(document: Repository) -> UseCase | None:
    """The use case that carries the library's ucmr: entries: the first full one, else the first one."""
    full = document.full_use_cases
    if full:
        return full[0]
    return document.use_cases[0] if document.use_cases else None
