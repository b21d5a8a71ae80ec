"""Section 2 of a Word document written: the diagram table, a row per drawing (the author's first, then the
generated diagrams), each its picture scaled to the cell (as `pictures.usecase_pictures` gives it, or the image a
document read from a file embeds), then its name in bold, ": type", a note in italics when the picture is missing,
and its address as a hyperlink when there is no picture. The reader (`usecases.word.drawings`) reads it back so."""

import io

from docx.shared import Emu, Mm
from docx.text.paragraph import Paragraph
from PIL import Image, UnidentifiedImageError

from usecases.word import layout
from usecases.word.cells_writer import TABLE_TEXT_STYLE, hyperlink, set_style, xml_text
from usecases.word.page import PageSetup
from usecases.word.pictures import Picture
from usecases.word.table_writer import TableWriter
from usecases.xml import document as doc

# The share of the page's text height a picture may take, so that its name fits on the same page.
PICTURE_MAX_HEIGHT = 0.75


def write_diagrams(tables: TableWriter, drawings: list[tuple[doc.Drawing, str]], pictures: dict[str, Picture]) -> None:
    """The diagram table of `drawings` ((drawing, the scenario or step it belongs to)), with `pictures` by mRID."""
    spec = layout.TABLES_BY_KEY["diagrams"]
    table = tables.new_table("diagrams", 1)
    tables.caption_row(table, spec)
    drawings.sort(key=lambda pair: isinstance(pair[0], doc.GeneratedDrawing))  # the author's first
    for drawing, owner in drawings:
        # A row each, kept whole: a picture that does not fit below the one before goes to the next page.
        cell = tables.add_row(table, unsplit=True)[0]
        paragraph = cell.paragraphs[0]
        set_style(paragraph, TABLE_TEXT_STYLE)
        picture = pictures.get(drawing.mrid)
        if picture is None and drawing.content:  # a document read from a file that embeds the image
            picture = Picture.of_image(drawing.content)
        if picture is not None and picture.data:
            _add_picture(tables.page, paragraph, picture.data)
            paragraph = cell.add_paragraph()
            set_style(paragraph, TABLE_TEXT_STYLE)
        title = drawing.name or drawing.drawing_type
        label = f"{title} ({owner})" if owner and owner not in title else title
        paragraph.add_run(xml_text(label)).bold = True
        if drawing.drawing_type and drawing.drawing_type not in label.lower():
            paragraph.add_run(xml_text(f": {drawing.drawing_type}"))
        note = picture.note if picture is not None else ""
        if note:
            paragraph.add_run(xml_text(f". {note}")).italic = True
        generated = isinstance(drawing, doc.GeneratedDrawing)  # its address is this repository's, not a link
        if drawing.uri and not generated and not (picture is not None and picture.data):
            paragraph.add_run(" ")
            hyperlink(paragraph, drawing.uri, drawing.uri)
    if not drawings:
        tables.value_row(table, [""])


def _add_picture(page: PageSetup, paragraph: Paragraph, data: bytes) -> None:
    """The image scaled to the cell's width (and at most `PICTURE_MAX_HEIGHT` of the page), never enlarged."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width_px, height_px = image.size
            dpi = image.info.get("dpi", (96, 96))[0] or 96
    except (UnidentifiedImageError, OSError):
        paragraph.add_run("(an image that could not be read)").italic = True
        return
    natural = Emu(int(width_px / float(dpi) * 914400))
    max_width = page.text_width - Mm(10)  # the cell's margins and borders
    max_height = int(page.text_height * PICTURE_MAX_HEIGHT)
    width = min(natural, max_width, int(max_height * width_px / max(height_px, 1)))
    paragraph.add_run().add_picture(io.BytesIO(data), width=Emu(max(width, 1)))
    paragraph.paragraph_format.keep_with_next = True
