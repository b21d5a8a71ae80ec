"""The cells of a Word document's tables as the Word reader reads them: each cell's paragraphs as plain text and as
an HTML fragment (lists, bold, italic, underline, links), its pictures (embedded or linked, never fetched), and a
table as a grid of distinct cells (merged cells once, at most `MAX_COLUMNS` columns and the rows an import reads).
"""

import html
import itertools
import posixpath
import re
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as REL
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.table import _Cell as DocxCell
from docx.text.paragraph import Paragraph

from usecases.word import layout

MAX_COLUMNS = 63  # Word's own limit
_RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_R_EMBED = f"{{{_RELATIONSHIP_NS}}}embed"
_R_LINK = f"{{{_RELATIONSHIP_NS}}}link"
_R_ID = f"{{{_RELATIONSHIP_NS}}}id"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_INCLUDE_PICTURE = re.compile(r"INCLUDEPICTURE\s+\"?([^\"\s]+)", re.IGNORECASE)
_WRITTEN_LIST_ITEM = re.compile(r"^(\u2022|\d+\.)\t")


@dataclass
class Picture:
    name: str
    content: bytes = b""
    filename: str = ""
    link: str = ""  # the target of a linked picture (never fetched)


@dataclass
class Block:
    """A paragraph of a cell: its text, its runs (text, bold, italic, link target), pictures and link targets."""

    text: str
    runs: list[tuple[str, bool, bool, str]]
    pictures: list[Picture]
    links: list[str]


@dataclass
class Cell:
    """A cell's content: `text` plain (paragraphs one per line), `rich` its stored form (plain text, or an HTML
    fragment when it has lists, emphasis or links), `items` one per non-empty paragraph, the hyperlink targets and
    pictures it holds. `identity` tells the grid positions of one merged cell apart from another cell's."""

    text: str = ""
    rich: str = ""
    items: list[str] = field(default_factory=list)
    rich_items: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    blocks: list["Block"] = field(default_factory=list)
    identity: int = 0

    @property
    def label(self) -> str:
        return layout.normalise(self.text)


EMPTY = Cell()


class TextReader:
    """Paragraphs -> text and rich text, with the document's styles and list definitions looked up once."""

    def __init__(self, part) -> None:
        self.part = part
        self.styles = {
            style.get(qn("w:styleId")): (
                style.find(qn("w:name")).get(qn("w:val")) if style.find(qn("w:name")) is not None else ""
            )
            for style in part.styles.element.findall(qn("w:style"))
        }
        self.list_formats: dict[tuple[str, str], str] = {}
        numbering = part.part_related_by(REL.NUMBERING).element if self._has(REL.NUMBERING) else None
        if numbering is not None:
            abstract = {
                node.get(qn("w:abstractNumId")): {
                    level.get(qn("w:ilvl")): (
                        level.find(qn("w:numFmt")).get(qn("w:val")) if level.find(qn("w:numFmt")) is not None else ""
                    )
                    for level in node.findall(qn("w:lvl"))
                }
                for node in numbering.findall(qn("w:abstractNum"))
            }
            for num in numbering.findall(qn("w:num")):
                reference = num.find(qn("w:abstractNumId"))
                levels = abstract.get(reference.get(qn("w:val")) if reference is not None else "", {})
                for level, number_format in levels.items():
                    self.list_formats[(num.get(qn("w:numId")), level)] = number_format
        self.external_pictures: list[str] = []

    def _has(self, reltype: str) -> bool:
        return any(rel.reltype == reltype for rel in self.part.rels.values())

    def style_name(self, paragraph: Paragraph) -> str:
        style_id = paragraph._p.style
        return self.styles.get(style_id, style_id or "")

    def list_kind(self, paragraph: Paragraph) -> str:
        """ "ul" or "ol" for a list item, else ""."""
        numbering = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style = self.style_name(paragraph).casefold()
        if numbering is not None:
            num_id = numbering.find(qn("w:numId"))
            level = numbering.find(qn("w:ilvl"))
            num = num_id.get(qn("w:val")) if num_id is not None else ""
            if num == "0":
                return ""
            number_format = self.list_formats.get((num, level.get(qn("w:val")) if level is not None else "0"), "")
            return "ul" if number_format in ("bullet", "none", "") else "ol"
        if style.startswith("list bullet"):
            return "ul"
        if style.startswith("list number"):
            return "ol"
        return ""

    def cell(self, cell: DocxCell, identity: int) -> Cell:
        result = Cell(identity=identity)
        plain_lines, html_parts, formatted = [], [], False
        open_list = ""
        for paragraph in cell.iter_inner_content():
            if isinstance(paragraph, DocxTable):  # a table in the cell (rich text keeps tables): its cells' text
                if open_list:
                    html_parts.append(f"</{open_list}>")
                    open_list = ""
                rows = [[" ".join(inner.text.split()) for inner in _distinct(row.cells)] for row in paragraph.rows[:50]]
                html_parts.append(
                    "<table>"
                    + "".join("<tr>" + "".join(f"<td>{_escape(text)}</td>" for text in row) + "</tr>" for row in rows)
                    + "</table>"
                )
                plain_lines += [" | ".join(row) for row in rows]
                formatted = True
                continue
            pictures, links = len(result.pictures), len(result.links)
            html_text, plain, is_formatted, runs = self.paragraph(paragraph, result)
            plain_line = plain.replace("\xa0", " ").strip()
            result.blocks.append(Block(plain_line, runs, result.pictures[pictures:], result.links[links:]))
            kind = self.list_kind(paragraph) if plain_line else ""
            written = _WRITTEN_LIST_ITEM.match(plain_line) if not kind else None
            if written:  # our writer's list item: "•<tab>" or "1.<tab>" before the text
                kind = "ol" if written.group(1)[0].isdigit() else "ul"
                plain_line = plain_line[written.end() :]
                html_text = _WRITTEN_LIST_ITEM.sub("", html_text.lstrip(), count=1)
            formatted = formatted or is_formatted or bool(kind)
            if plain_line:
                result.items += [line.strip() for line in plain_line.split("\n") if line.strip()]
                result.rich_items.append(html_text.strip() if is_formatted else html.escape(plain_line))
            plain_lines.append(plain_line)
            if kind != open_list and open_list:
                html_parts.append(f"</{open_list}>")
                open_list = ""
            if kind:
                if not open_list:
                    html_parts.append(f"<{kind}>")
                    open_list = kind
                html_parts.append(f"<li>{html_text.strip()}</li>")
            elif plain_line:
                html_parts.append(f"<p>{html_text.strip()}</p>")
        if open_list:
            html_parts.append(f"</{open_list}>")
        result.text = "\n".join(plain_lines).strip("\n")
        result.text = re.sub(r"\n{3,}", "\n\n", result.text)
        result.rich = "".join(html_parts) if formatted else result.text
        return result

    def paragraph(self, paragraph: Paragraph, cell: Cell) -> tuple[str, str, bool, list]:
        """(HTML, plain text, whether it has emphasis or links, its runs as (text, bold, italic, link target)) of a
        paragraph; its pictures and link targets are added to `cell`. Read from the XML directly: python-docx's
        run properties cost an XPath query each, most of the time of a large document."""
        html_parts, plain_parts, formatted, runs = [], [], False, []
        link: list = [None, "", []]  # the hyperlink element being read, its target, its texts

        def close_link() -> None:
            nonlocal formatted
            if link[0] is None:
                return
            text, address = "".join(link[2]), link[1]
            runs.append((text, False, False, address))
            plain_parts.append(text)
            if address:
                cell.links.append(address)
                html_parts.append(f'<a href="{html.escape(address)}">{_escape(text)}</a>')
                formatted = True
            else:
                html_parts.append(_escape(text))
            link[:] = [None, "", []]

        for run, hyperlink in _runs(paragraph._p):
            if hyperlink is not link[0]:
                close_link()
                if hyperlink is not None:
                    link[:] = [hyperlink, self._address(hyperlink), []]
            text = _run_text(run)
            if hyperlink is not None:
                link[2].append(text)
                continue
            properties = run.find(_W_RPR)
            emphasis = [_on(properties, tag) for tag in (_W_B, _W_I, _W_U)]
            runs.append((text, emphasis[0], emphasis[1], ""))
            plain_parts.append(text)
            wrapped = _escape(text)
            if text.strip():
                for on, tag in zip(emphasis, ("b", "i", "u"), strict=True):
                    if on:
                        wrapped = f"<{tag}>{wrapped}</{tag}>"
                        formatted = True
            html_parts.append(wrapped)
        close_link()
        self.pictures(paragraph._p, cell)
        return "".join(html_parts), "".join(plain_parts), formatted, runs

    def _address(self, hyperlink) -> str:
        rid = hyperlink.get(_R_ID)
        rel = self.part.rels.get(rid) if rid else None
        address = rel.target_ref if rel is not None and rel.is_external else ""
        anchor = hyperlink.get(qn("w:anchor"))
        return f"{address}#{anchor}" if address and anchor else address

    def pictures(self, element, cell: Cell) -> None:
        """The pictures drawn in `element`: embedded ones with their bytes, linked ones by their target only."""
        for blip in element.iter(_BLIP, _IMAGEDATA):
            drawing = next(blip.iterancestors(qn("w:drawing")), None)
            properties = drawing.find(f".//{_DOC_PR}") if drawing is not None else None
            name = (properties.get("descr") or properties.get("name") or "") if properties is not None else ""
            for attribute in (_R_EMBED, _R_LINK, _R_ID):
                rid = blip.get(attribute)
                if not rid:
                    continue
                rel = self.part.rels.get(rid)
                if rel is None:
                    continue
                if rel.is_external:
                    cell.pictures.append(Picture(name=name, link=rel.target_ref))
                else:
                    image = rel.target_part
                    filename = posixpath.basename(str(image.partname))
                    cell.pictures.append(Picture(name=name or filename, content=image.blob, filename=filename))
                break
        for instruction in element.iter(qn("w:instrText"), qn("w:fldSimple")):
            text = instruction.text if instruction.tag == qn("w:instrText") else instruction.get(qn("w:instr"), "")
            match = _INCLUDE_PICTURE.search(text or "")
            if match:
                cell.pictures.append(Picture(name=match.group(1), link=match.group(1)))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_R, _W_RPR, _W_HYPERLINK = f"{_W}r", f"{_W}rPr", f"{_W}hyperlink"
_W_B, _W_I, _W_U, _W_VAL = f"{_W}b", f"{_W}i", f"{_W}u", f"{_W}val"
# Where a paragraph's runs may stand besides directly in it (not in drawings, whose text boxes are paragraphs of
# their own, nor in deleted text).
_RUN_CONTAINERS = frozenset(
    f"{_W}{name}" for name in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple", "moveTo")
)
_OFF = frozenset({"0", "false", "off", "none"})


def _runs(element, hyperlink=None):
    """(run, the hyperlink element it is in or None) of a paragraph, in order."""
    for child in element:
        if child.tag == _W_R:
            yield child, hyperlink
        elif child.tag in _RUN_CONTAINERS:
            yield from _runs(child, child if child.tag == _W_HYPERLINK else hyperlink)


def _run_text(run) -> str:
    """A run's text as python-docx gives it: tabs, line breaks (not page breaks) and non-breaking hyphens as text."""
    parts = []
    for child in run:
        tag = child.tag
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr") and child.get(f"{_W}type") in (None, "textWrapping"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _on(properties, tag: str) -> bool:
    """Whether a run property (bold, italic, underline) is set on the run itself."""
    element = properties.find(tag) if properties is not None else None
    return element is not None and (element.get(_W_VAL) or "true").lower() not in _OFF


def _distinct(cells) -> list:
    """A row's cells, a merged cell once."""
    seen, result = [], []
    for cell in cells:
        if not any(cell._tc is other for other in seen):
            seen.append(cell._tc)
            result.append(cell)
    return result


def _escape(text: str) -> str:
    return html.escape(text.replace("\xa0", " "), quote=False).replace("\n", "<br>")


@dataclass
class Grid:
    """A table as rows of cells, one per grid column (a merged cell repeated over the columns and rows it spans)."""

    rows: list[list[Cell]]
    truncated: bool = False

    def caption(self) -> str:
        """The first row's text when it is one cell spanning the whole row."""
        if not self.rows:
            return ""
        first = self.rows[0]
        if not first or len({cell.identity for cell in first}) != 1:
            return ""
        # In a table of one column every row is one cell: there only a caption of the template's is one.
        if len(first) == 1 and layout.table_for_caption(first[0].text) is None:
            return ""
        return first[0].text


def read_grid(table: DocxTable, text: TextReader, *, max_rows: int) -> Grid:
    rows: list[list[Cell]] = []
    truncated = False
    identities = itertools.count(1)  # not id(tc): lxml's proxies come and go, and their ids with them
    for number, tr in enumerate(table._tbl.tr_lst):
        if number >= max_rows:
            truncated = True
            break
        row: list[Cell] = [EMPTY] * (tr.grid_before or 0)
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span or 1, MAX_COLUMNS))
            if tc.vMerge == "continue" and rows:
                above = rows[-1]
                cells = [above[index] if index < len(above) else EMPTY for index in range(len(row), len(row) + span)]
            else:
                cell = text.cell(DocxCell(tc, table), identity=next(identities))
                cells = [cell] * span
            row.extend(cells)
            if len(row) >= MAX_COLUMNS:
                truncated = truncated or len(row) > MAX_COLUMNS
                row = row[:MAX_COLUMNS]
                break
        rows.append(row)
    return Grid(rows=rows, truncated=truncated)
