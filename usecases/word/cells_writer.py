"""Writing values into the Word document's cells: plain text with its line breaks, addresses as hyperlinks, grey
caption and label cells, and rich text (`ucmr.richtext`: paragraphs, breaks, lists, emphasis, links, tables) as Word
paragraphs, runs, hyperlinks and nested tables. Used by the writer (`usecases.word.writer`)."""

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from ucmr.richtext import LINK_SCHEMES, is_markup, rich_text_clean
from usecases.word import layout

TABLE_TEXT_STYLE = "TableText"
# Characters XML 1.0 cannot carry.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    return ILLEGAL_CHARACTERS.sub("", "" if value is None else str(value))


@dataclass(frozen=True)
class Rich:
    """A rich text value (`ucmr.richtext`), with an optional first line in bold (`lead`)."""

    text: str
    lead: str = ""


class RichList(Rich):
    """Several rich texts in one cell, one after the other."""

    def __init__(self, texts: Iterable[str]) -> None:
        super().__init__(text="")
        object.__setattr__(self, "texts", [text for text in texts if text])


@dataclass(frozen=True)
class LinkText:
    """A cell holding an address: a hyperlink when it is one Word should follow."""

    text: str


def shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


# The style ids of each document being written, by style type and name (`style_id`).
_STYLE_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style_id(part, name: str, style_type: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
    """The id of the style `name` in the document of `part`, as python-docx's `style` setters find it, looked up once
    per document: python-docx looks it up anew on each use, scanning every style of the document twice, which was
    most of the time a document took to write."""
    ids = _STYLE_IDS.setdefault(part, {})
    if (style_type, name) not in ids:
        ids[style_type, name] = part.get_style_id(part.document.styles[name], style_type)
    return ids[style_type, name]


def set_style(paragraph: Paragraph, name: str) -> None:
    """`paragraph.style = name`, the id looked up once per document (`style_id`)."""
    paragraph._p.style = style_id(paragraph.part, name)


def set_table_style(table: Table, name: str) -> None:
    """`table.style = name`, the id looked up once per document (`style_id`)."""
    table._tbl.tblStyle_val = style_id(table.part, name, WD_STYLE_TYPE.TABLE)


def label_cell(cell: _Cell, text: str, fill: str) -> None:
    """A caption or label cell: grey, in the template's `TableHeading` style."""
    shade(cell, fill)
    paragraph = cell.paragraphs[0]
    set_style(paragraph, layout.LABEL_STYLE)
    paragraph.text = xml_text(text)
    paragraph.paragraph_format.keep_with_next = True  # never a caption or header alone at the foot of a page


def plain(paragraph: Paragraph, value) -> None:
    """Plain text; its line breaks kept as breaks in one paragraph. An address (`LinkText`) is a hyperlink."""
    if isinstance(value, LinkText):
        text = xml_text(value.text)
        if linkable(text):
            hyperlink(paragraph, text, text)
        else:
            paragraph.add_run(text)
        return
    lines = xml_text(value).replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()


def linkable(address: str) -> bool:
    scheme, _, rest = address.partition(":")
    return scheme.lower() in LINK_SCHEMES and bool(rest) and " " not in address.strip()


def hyperlink(paragraph: Paragraph, address: str, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """A hyperlink run (python-docx writes none): blue and underlined, as Word shows them."""
    if not linkable(address):
        paragraph.add_run(xml_text(text))
        return
    relation = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    if bold:
        properties.append(OxmlElement("w:b"))
    if italic:
        properties.append(OxmlElement("w:i"))
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = xml_text(text)
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    link: str = ""


class RichText:
    """A rich text into a cell: the clean fragment's paragraphs, breaks, lists (bulleted or numbered, nested),
    emphasis, links and tables; plain text with its line breaks."""

    BLOCKS = frozenset({"p", "ul", "ol", "li", "table", "div"})

    def __init__(self, document: docx.Document, cell: _Cell) -> None:
        self.document = document
        self.cell = cell
        self.paragraph: Paragraph | None = cell.paragraphs[0]
        self.used = False  # whether the cell's first paragraph holds anything yet

    def write(self, value: "Rich | str") -> None:
        texts = value.texts if isinstance(value, RichList) else [value.text]
        lead = value.lead if isinstance(value, Rich) else ""
        if lead:
            self.run(lead, Format(bold=True))
            self.new_paragraph()
        for text in texts:
            clean = rich_text_clean(text or "")
            if not clean.strip():
                continue
            if is_markup(clean):
                root = lxml_html.fragment_fromstring(clean, create_parent="div")
                self.walk(root, Format(), depth=0)
            else:
                lines = clean.replace("\r\n", "\n").split("\n")
                for index, line in enumerate(lines):
                    self.run(line, Format(), collapse=False)
                    if index < len(lines) - 1:
                        self.line_break()
            self.new_paragraph()

    # Paragraphs and runs

    def new_paragraph(self) -> None:
        """The next text starts a paragraph of its own (only when something was written)."""
        if self.used:
            self.paragraph = None

    def ensure(self, *, indent: int = 0, prefix: str = "") -> Paragraph:
        if self.paragraph is None:
            self.paragraph = self.cell.add_paragraph()
            set_style(self.paragraph, TABLE_TEXT_STYLE)
        self.used = True
        if indent:
            self.paragraph.paragraph_format.left_indent = Mm(5 * indent)
            self.paragraph.paragraph_format.first_line_indent = -Mm(4)
        if prefix:
            self.paragraph.add_run(prefix)
        return self.paragraph

    def run(self, text: str, fmt: Format, *, collapse: bool = True) -> None:
        """Text in the current paragraph; in a fragment, white space runs are one space (none at its start)."""
        if collapse:
            text = re.sub(r"\s+", " ", text)
            if self.paragraph is None or not self.paragraph.text:
                text = text.lstrip()
        if not text:
            return
        paragraph = self.ensure()
        if fmt.link:
            hyperlink(paragraph, fmt.link, text, bold=fmt.bold, italic=fmt.italic)
            return
        run = paragraph.add_run(xml_text(text))
        run.bold, run.italic = fmt.bold or None, fmt.italic or None
        run.underline = fmt.underline or None

    def line_break(self) -> None:
        self.ensure().add_run().add_break()

    # The fragment

    def walk(self, element, fmt: Format, *, depth: int) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("p", "div"):
            self.new_paragraph()
        self.inline_text(element.text, fmt)
        for child in element:
            child_tag = child.tag if isinstance(child.tag, str) else ""
            if child_tag == "br":
                self.line_break()
            elif child_tag in ("ul", "ol"):
                self.new_paragraph()
                self.list(child, fmt, depth=depth + 1)
            elif child_tag == "table":
                self.new_paragraph()
                self.table(child)
            elif child_tag == "li":  # a list item outside a list
                self.new_paragraph()
                self.ensure(indent=depth + 1, prefix="\u2022\t")
                self.walk(child, fmt, depth=depth)
            else:
                self.walk(child, self.format_of(child_tag, child, fmt), depth=depth)
            self.inline_text(child.tail, fmt)
        if tag in ("p", "div"):
            self.new_paragraph()

    def format_of(self, tag: str, element, fmt: Format) -> Format:
        if tag in ("b", "strong", "th"):
            return Format(True, fmt.italic, fmt.underline, fmt.link)
        if tag in ("i", "em"):
            return Format(fmt.bold, True, fmt.underline, fmt.link)
        if tag == "u":
            return Format(fmt.bold, fmt.italic, True, fmt.link)
        if tag == "a" and element.get("href"):
            return Format(fmt.bold, fmt.italic, fmt.underline, element.get("href"))
        return fmt

    def inline_text(self, text: str | None, fmt: Format) -> None:
        if text:
            self.run(text, fmt)

    def list(self, element, fmt: Format, *, depth: int) -> None:
        number = 0
        ordered = element.tag == "ol"
        for item in element:
            if not isinstance(item.tag, str) or item.tag != "li":
                continue
            number += 1
            self.new_paragraph()
            self.paragraph = None
            self.ensure(indent=depth, prefix=f"{number}.\t" if ordered else "\u2022\t")
            self.walk(item, fmt, depth=depth)
            self.new_paragraph()

    def table(self, element) -> None:
        rows = list(element.iter("tr"))
        width = max((len([c for c in row if c.tag in ("td", "th")]) for row in rows), default=0)
        if not rows or not width:
            return
        table = self.cell.add_table(rows=len(rows), cols=width)
        set_table_style(table, "Table Grid")
        for row, tr in zip(table.rows, rows, strict=True):
            for cell, td in zip(row.cells, [c for c in tr if c.tag in ("td", "th")], strict=False):
                paragraph = cell.paragraphs[0]
                set_style(paragraph, TABLE_TEXT_STYLE)
                run = paragraph.add_run(xml_text(" ".join(td.text_content().split())))
                run.bold = td.tag == "th" or None
        self.paragraph = None
        self.used = True
