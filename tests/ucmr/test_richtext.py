"""Rich text (ucmr.richtext): formatting kept to a small allow-list, anything hostile removed, plain text shown as
text with its line breaks, tool residue cut off, and cleaning a clean text changes nothing."""

import pytest

from actors.models import Actor
from ucmr.richtext import RICH_TEXT_FIELDS, is_rich_text, rich_text_clean, rich_text_html, rich_text_plain
from usecases.models import CustomInformation, Step, UseCase

HOSTILE = {
    "script": '<p>Kept</p><script>alert("x")</script>',
    "event handler": '<p onclick="alert(1)">Kept</p><img src="x" onerror="alert(1)">',
    "javascript link": '<a href="javascript:alert(1)">Kept</a>',
    "javascript link, mixed case": '<a href=" JaVaScRiPt:alert(1)">Kept</a>',
    "javascript link, encoded": '<a href="&#106;avascript:alert(1)">Kept</a>',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD4=">Kept</a>',
    "style attribute": '<p style="position:fixed;top:0;background:url(javascript:alert(1))">Kept</p>',
    "style element": "<style>body { display: none }</style><p>Kept</p>",
    "iframe": '<iframe src="https://evil.example/"></iframe><p>Kept</p>',
    "svg": '<svg onload="alert(1)"><script>alert(1)</script></svg><p>Kept</p>',
    "object": '<object data="evil.swf"></object><embed src="evil.swf"><p>Kept</p>',
    "form": '<form action="https://evil.example/"><input name="password"></form><p>Kept</p>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/"><p>Kept</p>',
    "comment": "<!--[if IE]><script>alert(1)</script><![endif]--><p>Kept</p>",
}
DANGEROUS = ("<script", "onclick", "onerror", "onload", "javascript:", "data:", "style", "<iframe", "<svg")
DANGEROUS += ("<object", "<embed", "<form", "<input", "<meta", "<!--", "alert")


@pytest.mark.parametrize("attack", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_html_is_removed_and_the_text_stays(attack):
    for shown in (rich_text_clean(attack), str(rich_text_html(attack))):
        assert not any(word in shown.lower() for word in DANGEROUS), shown
        assert "Kept" in shown


def test_the_formatting_of_the_allow_list_is_kept():
    fragment = (
        "<p>A <b>bold</b>, <strong>strong</strong>, <i>italic</i>, <em>em</em> and <u>underlined</u> word.<br>"
        '<a href="https://example.org/a?b=1">web</a> <a href="mailto:ops@example.org">mail</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
        '<table><thead><tr><th colspan="2">head</th></tr></thead><tbody><tr><td>a</td><td>b</td></tr></tbody></table>'
    )
    clean = rich_text_clean(fragment)
    for kept in ("<b>bold</b>", "<strong>strong</strong>", "<i>italic</i>", "<em>em</em>", "<u>underlined</u>"):
        assert kept in clean
    assert '<a href="https://example.org/a?b=1" rel="noopener noreferrer nofollow">web</a>' in clean
    assert '<a href="mailto:ops@example.org" rel="noopener noreferrer nofollow">mail</a>' in clean
    assert "<ul><li>one</li></ul><ol><li>two</li></ol>" in clean
    assert '<th colspan="2">head</th>' in clean and "<td>a</td><td>b</td>" in clean


def test_tags_outside_the_allow_list_leave_their_text():
    clean = rich_text_clean('<div><font color="#0000ff"><span class="x">Blue</span></font></div><h1>Title</h1>')
    assert clean == "BlueTitle"


def test_relative_and_unknown_scheme_links_lose_their_address():
    for address in ("/admin/", "ftp://files.example/", "file:///etc/passwd", "vbscript:msgbox(1)"):
        assert "href" not in rich_text_clean(f'<a href="{address}">x</a>')


def test_plain_text_is_text_escaped_with_its_line_breaks():
    text = "Line one & more\nLine <two> > three\r\nx < y"
    assert rich_text_clean(text) == text  # stored as written
    assert str(rich_text_html(text)) == "Line one &amp; more<br>Line &lt;two&gt; &gt; three<br>x &lt; y"
    assert rich_text_plain(text) == text


def test_character_references_are_text_and_lines_stay_lines():
    assert str(rich_text_html("TSO&#8217;s &#8220;baseload&#8221;\nnext")) == "TSO\u2019s \u201cbaseload\u201d<br>next"
    assert str(rich_text_html("WP5&amp;9")) == "WP5&amp;9"
    assert rich_text_plain("WP5&amp;9 &uuml;ber") == "WP5&9 über"


def test_line_breaks_next_to_paragraphs_are_source_formatting():
    shown = str(rich_text_html("<p>One</p>\n<p>Two <b>2</b>\nthree</p>"))
    assert shown == "<p>One</p> <p>Two <b>2</b><br>three</p>"


def test_the_modsarus_trailer_is_cut_off():
    text = (
        "An order by TSO&#8217;s request.<br/>Modsarus Use Case::InstanceName=Control Signal<br/>"
        "Modsarus Use Case::InstanceDescription=All offers<br/>"
    )
    assert rich_text_clean(text) == "An order by TSO\u2019s request."
    assert (
        rich_text_clean("<br/>Modsarus Use Case::InstanceName=Data<br/>Modsarus Use Case::InstanceDescription=") == ""
    )


@pytest.mark.parametrize(
    "text",
    [
        "plain\ntext & <Datum>",
        "<p>a &lt;b&gt; &nbsp;c</p>\n<ul><li>x</li></ul>",
        '<a href="https://x.org">x</a><a href="javascript:1">y</a>',
        "<table><tr><td>1</td></tr></table>",
        "&#8220;quoted&#8221; &amp; more",
        '<font color="#0f0f0f"><b>Scenario 1:</b></font><br/>text',
    ],
)
def test_cleaning_a_clean_text_changes_nothing(text):
    clean = rich_text_clean(text)
    assert rich_text_clean(clean) == clean


def test_the_declared_fields_are_long_texts_and_names_are_not_rich():
    assert is_rich_text(UseCase, "complete_description") and is_rich_text(Step, "description")
    assert is_rich_text(Actor(), "description")
    assert not is_rich_text(UseCase, "name") and not is_rich_text(Step, "name")
    assert not is_rich_text(CustomInformation, "value")  # holds the machine-read ucmr: keys
    from django.apps import apps

    for label, fields in RICH_TEXT_FIELDS.items():
        model = apps.get_model(label)
        for name in fields:
            assert model._meta.get_field(name).get_internal_type() == "TextField", (label, name)
