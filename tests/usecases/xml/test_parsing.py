"""Untrusted bytes: every hostile or broken file is refused with a message that says where (line, element)."""

import contextlib
import re
import socket
import threading

import pytest
from django.core.exceptions import ValidationError

from usecases.xml import XmlImportError, XmlSchemaError, parse_xml, read_document, validate_variant_c
from usecases.xml.readers.variant_c import NAMESPACE

PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'
LAUGHS = (
    PROLOG
    + b"<!DOCTYPE lolz [\n"
    + b'  <!ENTITY lol0 "lol">\n'
    + b"".join(b'  <!ENTITY lol%d "%s">\n' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10))
    + b"]>\n<lolz>&lol9;</lolz>\n"
)
QUADRATIC = PROLOG + b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 100_000 + b'">]>\n<r>' + b"&a;" * 50_000 + b"</r>\n"
HOSTILE = {
    "xxe local file": (
        PROLOG + b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<r>&xxe;</r>',
        "xml_doctype",
        3,
    ),
    "xxe network": (
        PROLOG + b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/">]>\n<r>&xxe;</r>',
        "xml_doctype",
        3,
    ),
    "xxe parameter entity": (
        PROLOG + b'<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n<r/>',
        "xml_doctype",
        3,
    ),
    "billion laughs": (LAUGHS, "xml_doctype", 14),
    "quadratic blow-up": (QUADRATIC, "xml_doctype", 3),
    "external dtd": (PROLOG + b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd">\n<r/>', "xml_doctype", 3),
    "malformed": (PROLOG + b"<r>\n  <a>\n  </b>\n</r>", "xml_malformed", 4),
    "truncated": (PROLOG + b"<r>\n  <a>\n    <b>some te", "xml_malformed", 4),
    "latin-1 bytes declared utf-8": (
        PROLOG + "<r>\n  <name>Caf\xe9</name>\n</r>".encode("latin-1"),
        "xml_encoding",
        3,
    ),
    "latin-1 bytes, no declaration": ("<r>\n  <name>Caf\xe9</name>\n</r>".encode("latin-1"), "xml_encoding", 2),
    "unknown encoding": (b'<?xml version="1.0" encoding="x-unknown"?>\n<r/>', "xml_encoding", 1),
}


def _says_where(error: XmlImportError, *, line: int) -> None:
    assert error.line == line
    assert re.search(rf"\bline {line}\b", error.message), error.message
    assert "element" in error.message or "XML declaration" in error.message, error.message


@pytest.mark.parametrize(("data", "code", "line"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_and_broken_files_are_refused_saying_where(data, code, line):
    with pytest.raises(ValidationError) as caught:  # what forms and the API turn into a message
        read_document(data=data)
    assert isinstance(caught.value, XmlImportError)
    assert caught.value.code == code
    _says_where(caught.value, line=line)


def test_doctype_refusal_names_the_root_element():
    with pytest.raises(XmlImportError, match=r"before the root element <r> at line 3"):
        parse_xml(data=HOSTILE["xxe local file"][0])


def test_the_local_file_never_reaches_the_document():
    with pytest.raises(XmlImportError) as caught:
        parse_xml(data=HOSTILE["xxe local file"][0])
    assert "root:" not in caught.value.message


def test_nothing_is_fetched_from_the_network():
    """A listening socket sees no connection when the file's external DTD and entity point at it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    connections = []

    def accept():
        with contextlib.suppress(TimeoutError):
            connections.append(server.accept())

    listener = threading.Thread(target=accept)
    listener.start()
    data = PROLOG + b'<!DOCTYPE r SYSTEM "http://127.0.0.1:%d/r.dtd" [<!ENTITY e SYSTEM "http://127.0.0.1:%d/e">]>' % (
        port,
        port,
    )
    with pytest.raises(XmlImportError):
        parse_xml(data=data + b"\n<r>&e;</r>")
    listener.join()
    server.close()
    assert connections == []


def test_a_file_above_the_size_limit_is_refused():
    data = PROLOG + b"<r>\n" + b"  <a>text</a>\n" * 100 + b"</r>\n"
    with pytest.raises(XmlImportError) as caught:
        parse_xml(data=data, max_bytes=500)
    assert caught.value.code == "xml_too_large"
    assert re.search(r"more than the limit of 500 bytes \(reached at line \d+\)", caught.value.message)


def test_the_size_limit_comes_from_the_setting(settings):
    settings.UCMR_XML_MAX_BYTES = 100
    with pytest.raises(XmlImportError, match="limit of 100 bytes"):
        parse_xml(data=PROLOG + b"<r>" + b"x" * 200 + b"</r>")


def test_a_file_nested_too_deep_is_refused_at_the_element_that_is_too_deep():
    data = PROLOG + b"<r>\n" + b"<a>\n" * 250 + b"</a>" * 250 + b"</r>"
    with pytest.raises(XmlImportError) as caught:
        parse_xml(data=data, max_depth=200)
    assert caught.value.code == "xml_too_deep"
    _says_where(caught.value, line=202)
    assert caught.value.path.startswith("/r/a/a")


def test_an_unknown_root_is_refused_naming_what_was_found():
    data = PROLOG + b'<UC:UseCaseRepository xmlns:UC="urn:example:other">\n<name>x</name>\n</UC:UseCaseRepository>'
    with pytest.raises(XmlImportError) as caught:
        read_document(data=data)
    assert caught.value.code == "xml_unknown_dialect"
    assert "<UseCaseRepository> in namespace urn:example:other" in caught.value.message
    _says_where(caught.value, line=2)


def test_an_empty_file_is_refused():
    with pytest.raises(XmlImportError, match="empty"):
        parse_xml(data=b"  \n")


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + PROLOG + b"<r>Caf\xc3\xa9</r>",
        '<?xml version="1.0" encoding="UTF-16"?>\n<r>Café</r>'.encode("utf-16"),
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<r>Caf\xe9</r>',
    ],
    ids=["utf-8 with bom", "utf-16 with bom", "declared latin-1"],
)
def test_encodings_that_are_declared_or_marked_are_read(data):
    assert parse_xml(data=data).text == "Café"


def test_schema_invalid_content_is_reported_with_the_element_path():
    data = (
        PROLOG
        + f'<UC:UseCaseRepository xmlns:UC="{NAMESPACE}">\n'.encode()
        + b"  <name>Repository</name>\n  <UseCaseLibrary>\n    <UseCase>\n      <identifier>UC-1</identifier>\n"
        + b"      <scope>No name</scope>\n    </UseCase>\n  </UseCaseLibrary>\n</UC:UseCaseRepository>\n"
    )
    with pytest.raises(XmlSchemaError) as caught:
        validate_variant_c(data=data)
    [problem] = caught.value.problems
    assert problem.line == 5
    assert problem.path == "/UC:UseCaseRepository/UseCaseLibrary/UseCase"
    assert "'name'" in problem.message
    assert caught.value.messages == [f"line 5, element {problem.path}: {problem.message}"]


def test_schema_locations_in_a_file_are_not_followed():
    data = (
        PROLOG
        + f'<UC:UseCaseRepository xmlns:UC="{NAMESPACE}" '.encode()
        + b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        + f'xsi:schemaLocation="{NAMESPACE} http://127.0.0.1:9/evil.xsd">'.encode()
        + b"<name>Repository</name></UC:UseCaseRepository>"
    )
    validate_variant_c(data=data)
