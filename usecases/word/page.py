"""A new Word document's page and styles: the paper (`UCMR_WORD_PAGE`: A4 or Letter, landscape by default), the
template's fonts (Arial body, Cambria headings, every script naming the font), its table text style and the grey
label style (`layout.LABEL_STYLE`)."""

from dataclasses import dataclass

import docx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Mm, Pt, RGBColor

from usecases.word import layout
from usecases.word.cells_writer import TABLE_TEXT_STYLE, xml_text

BODY_FONT = "Arial"
HEADING_FONT = "Cambria"


@dataclass(frozen=True)
class PageSetup:
    """Paper size, orientation and margins of the document."""

    width: Emu
    height: Emu
    landscape: bool
    margin: Emu

    PAPERS = {"a4": (Mm(210), Mm(297), Mm(20)), "letter": (Inches(8.5), Inches(11), Inches(1))}

    @classmethod
    def from_setting(cls, value: str | None = None) -> "PageSetup":
        """`UCMR_WORD_PAGE` (or `value`): "a4" or "letter", optionally with "-landscape" (the default) or
        "-portrait": "a4-landscape", "letter-landscape", "a4-portrait" ..."""
        text = (value if value is not None else getattr(settings, "UCMR_WORD_PAGE", "a4-landscape")) or "a4"
        paper, _, orientation = text.strip().lower().partition("-")
        if paper not in cls.PAPERS or orientation not in ("", "landscape", "portrait"):
            raise ImproperlyConfigured(
                f"UCMR_WORD_PAGE={text!r}: use a4 or letter, with -landscape (the default) or -portrait."
            )
        short, long, margin = cls.PAPERS[paper]
        landscape = orientation != "portrait"
        return cls(
            width=Emu(long if landscape else short),
            height=Emu(short if landscape else long),
            landscape=landscape,
            margin=Emu(margin),
        )

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin

    @property
    def text_height(self) -> int:
        return self.height - 2 * self.margin


def new_document(page: PageSetup, *, title: str) -> docx.Document:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = page.width, page.height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, page.margin)
    document.core_properties.title = xml_text(title)[:255]
    document.core_properties.author = "UCMR"
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10)
    _east_asian_font(normal, BODY_FONT)
    for name, size in (("Heading 1", 14), ("Heading 2", 13), ("Heading 3", 11)):
        style = styles[name]
        style.font.name, style.font.size, style.font.bold = HEADING_FONT, Pt(size), True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _east_asian_font(style, HEADING_FONT)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(12), Pt(6)
        style.paragraph_format.keep_with_next = True
    text_style = styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    text_style.base_style = normal
    text_style.font.size = Pt(9)
    text_style.paragraph_format.space_before, text_style.paragraph_format.space_after = Pt(1), Pt(1)
    label_style = styles.add_style(layout.LABEL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    label_style.base_style = text_style
    label_style.font.bold = True
    return document


def _east_asian_font(style, name: str) -> None:
    """python-docx sets the ASCII and high-ANSI font; the other scripts name it too, so that no run falls back."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
