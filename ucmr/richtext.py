"""Rich text: the long text fields of the template keep the author's formatting, and nothing hostile.

A rich text field holds plain text or an HTML fragment. Plain text (no tag of an HTML element, no character
reference) is text: pages escape it and show its line breaks. A fragment is sanitised with nh3 to a small
allow-list (paragraphs, line breaks, lists, emphasis, links to http, https and mailto, tables) on every write:
`ucmr.services` (forms, API, admin) and the import (`usecases.exchange.loader`) call `rich_text_clean`, and pages
show a field with the `rich_text` filter, which cleans again (rows written before this rule hold raw text).

Tool residue is cut off: Modsarus appends `Modsarus Use Case::InstanceName=...<br/>` lines to step descriptions.
The import keeps the file's text as found beside the clean one (`records.found_value`), so the export writes the
file's fragment back as long as the text was not edited.
"""

import html
import re
from itertools import pairwise

import nh3
from django.db import models
from django.template.defaultfilters import linebreaksbr
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

# model label (lower case) -> the fields that hold rich text. Short fields (names, numbers, keywords) and
# custom information values (machine-read `ucmr:` keys among them) are plain text.
RICH_TEXT_FIELDS: dict[str, frozenset[str]] = {
    "usecases.usecase": frozenset({"scope", "short_description", "complete_description"}),
    "usecases.versionentry": frozenset({"changes"}),
    "usecases.objective": frozenset({"description"}),
    "usecases.kpi": frozenset({"description"}),
    "usecases.condition": frozenset({"description"}),
    "usecases.usecaserelation": frozenset({"description"}),
    "usecases.remark": frozenset({"text"}),
    "usecases.actorgrouping": frozenset({"description"}),
    "usecases.actorrole": frozenset({"further_information"}),
    "usecases.reference": frozenset({"impact", "description"}),
    "usecases.scenario": frozenset({"description"}),
    "usecases.step": frozenset({"event", "description"}),
    "usecases.area": frozenset({"description"}),
    "usecases.businesscase": frozenset({"description"}),
    "usecases.informationobject": frozenset({"description"}),
    "usecases.commonterm": frozenset({"definition"}),
    "usecases.comment": frozenset({"text"}),
    "actors.actor": frozenset({"description"}),
    "requirements.requirementcategory": frozenset({"description"}),
    "requirements.requirement": frozenset({"description"}),
}

ALLOWED_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "u", "a", "table", "thead", "tbody", "tr", "th", "td"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with everything inside them: their content is code, styles or a document of its own, never text.
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "template", "noscript"}
    | {"textarea", "select", "title", "xmp", "noembed", "noframes", "plaintext", "head"}
)

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(LINK_SCHEMES),
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)

# Element names of HTML (and the SVG and MathML roots): a text is a fragment only when it holds a tag of one of
# them or a character reference. Anything else in angle brackets ("<Datum>", "x <y> z") stays plain text.
_HTML_ELEMENT_NAMES = (
    "a abbr address applet area article aside audio b base basefont bdi bdo bgsound big blink blockquote body br "
    "button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em "
    "embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html "
    "i iframe image img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu "
    "meta meter nav nobr noembed noframes noscript object ol optgroup option output p param picture plaintext pre "
    "progress q rp rt ruby s samp script search section select slot small source span strike strong style sub "
    "summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp"
)
HTML_ELEMENTS = frozenset(_HTML_ELEMENT_NAMES.split())
_TAG = re.compile(r"<(?:/\s*)?([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])[^<>]*>")
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_COMMENT = re.compile(r"<!--")
# Modsarus' trailer: "Modsarus Use Case::InstanceName=...<br/>Modsarus Use Case::InstanceDescription=...<br/>",
# always at the end of a description, with the line break before it.
_TOOL_NOISE = re.compile(r"(?:<br\s*/?>|\s)*Modsarus Use Case::\w+=.*\Z", re.DOTALL)
# A line break next to a break, paragraph, list or table tag is the fragment's source formatting, not the author's.
_BLOCK = r"</?(?:br|p|ul|ol|li|table|thead|tbody|tr|th|td)\b[^<>]*>"
_ENDS_WITH_BLOCK = re.compile(_BLOCK + r"\s*\Z")
_STARTS_WITH_BLOCK = re.compile(r"\A\s*" + _BLOCK)


def is_rich_text(model: type[models.Model] | models.Model, field: str) -> bool:
    """Whether `field` of `model` (a class or an instance) holds rich text."""
    return field in RICH_TEXT_FIELDS.get(model._meta.label_lower, ())


def is_markup(text: str) -> bool:
    """Whether the text is an HTML fragment rather than plain text."""
    if _CHARACTER_REFERENCE.search(text) or _COMMENT.search(text):
        return True
    return any(match.group(1).lower() in HTML_ELEMENTS for match in _TAG.finditer(text))


def rich_text_clean(text: str) -> str:
    """What a rich text field stores: tool residue cut off, a fragment sanitised, plain text as it is.
    Cleaning a clean text gives it back unchanged."""
    text = _TOOL_NOISE.sub("", text or "")
    return _CLEANER.clean(text) if is_markup(text) else text


def rich_text_html(text: str) -> SafeString:
    """A rich text as HTML to put in a page: the clean fragment, or plain text escaped with its line breaks."""
    clean = rich_text_clean(text)
    if not is_markup(clean):
        return linebreaksbr(clean, autoescape=True)
    lines = clean.replace("\r\n", "\n").split("\n")
    parts = [lines[0]]
    for before, line in pairwise(lines):
        formatting = _ENDS_WITH_BLOCK.search(before) or _STARTS_WITH_BLOCK.search(line)
        parts += [" " if formatting else "<br>", line]
    # Sanitised by nh3 to the allow-list above; only <br> was added.
    return mark_safe("".join(parts))  # noqa: S308


def rich_text_plain(text: str) -> str:
    """A rich text as plain words (for summaries in lists); the template escapes it."""
    clean = rich_text_clean(text)
    if not is_markup(clean):
        return clean
    spaced = re.sub(r"<(?:br|/p|/li|/tr|/td|/th)\b[^>]*>", " ", clean)
    return html.unescape(strip_tags(spaced))
