"""Images a file embeds in a drawing (the neutral document's `Drawing.content`, which the Excel reader fills from a
workbook's pictures) through the loader: stored in `Drawing.image` with the checks of an upload, a refused image a
warning and never an error, the same bytes imported again no change and no new file."""

import io

import pytest
from PIL import Image

from usecases.exchange.loader import repository_import
from usecases.models import Drawing
from usecases.xml import document as doc

pytestmark = pytest.mark.django_db

UC_MRID = "6a3c2f1e-0000-4000-8000-0000000000d1"
DRAWING_MRID = "6a3c2f1e-0000-4000-8000-0000000000d2"


def png(colour: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _document(content: bytes, *, name: str = "Overview", filename: str = "image1.png") -> doc.Repository:
    drawing = doc.Drawing(mrid=DRAWING_MRID, name=name, content=content, filename=filename)
    use_case = doc.UseCase(mrid=UC_MRID, identifier="UC-IMG", name="With a picture", drawings=[drawing])
    return doc.Repository(use_cases=[use_case])


def _import(document: doc.Repository, **options):
    return repository_import(user=None, document=document, workspace=None, **options)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def test_an_embedded_image_is_stored_as_the_drawings_image(media):
    content = png()

    report = _import(_document(content))

    drawing = Drawing.objects.get()
    assert drawing.image.name.startswith("drawings/") and drawing.image.name.endswith(".png")
    assert drawing.image.read() == content
    assert report.counts["drawing"] == {"created": 1}
    assert _files(media) == [drawing.image.name]


def test_the_same_image_imported_again_is_unchanged_and_stores_no_new_file(media):
    _import(_document(png()))
    stored = Drawing.objects.get().image.name

    report = _import(_document(png()))

    assert report.counts["drawing"] == {"unchanged": 1}
    assert not report.changed
    assert Drawing.objects.get().image.name == stored
    assert _files(media) == [stored]


def test_another_image_replaces_the_stored_one(media):
    _import(_document(png("red")))
    first = Drawing.objects.get().image.name

    report = _import(_document(png("blue")))

    drawing = Drawing.objects.get()
    assert report.counts["drawing"] == {"updated": 1}
    assert drawing.image.name != first
    assert drawing.image.read() == png("blue")


def test_a_document_without_content_leaves_the_stored_image_alone(media):
    """An XML file (or the API's JSON) never carries image bytes: importing it keeps the image the drawing has."""
    _import(_document(png()))
    stored = Drawing.objects.get().image.name

    report = _import(_document(b""))

    assert report.counts["drawing"] == {"unchanged": 1}
    assert Drawing.objects.get().image.name == stored


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "Upload a PNG, JPEG, GIF or WebP"),
        (b"\x89PNG\r\n\x1a\n not really", "Upload a PNG, JPEG, GIF or WebP"),
    ],
    ids=["svg", "broken-png"],
)
def test_an_image_that_is_no_image_is_a_warning_and_the_drawing_is_kept_without_it(media, content, message):
    report = _import(_document(content, filename="image1.svg"))

    drawing = Drawing.objects.get()
    assert drawing.name == "Overview" and not drawing.image
    assert any("images were left out" in warning and message in warning for warning in report.warnings)
    assert _files(media) == []


def test_an_image_over_the_size_limit_is_a_warning(media, settings):
    settings.UCMR_DRAWING_MAX_BYTES = 100

    report = _import(_document(png(size=(200, 200))))

    assert not Drawing.objects.get().image
    assert any("images larger than 100" in warning for warning in report.warnings)


def test_an_image_over_the_pixel_limit_is_a_warning(media, settings):
    settings.UCMR_DRAWING_MAX_PIXELS = 1000

    report = _import(_document(png(size=(40, 30))))

    assert not Drawing.objects.get().image
    assert any("40 x 30 pixels" in warning for warning in report.warnings)


def test_a_dry_run_leaves_no_file_behind(media):
    report = _import(_document(png()), dry_run=True)

    assert report.counts["drawing"] == {"created": 1}
    assert not Drawing.objects.exists()
    assert _files(media) == []


def test_the_digest_stands_for_the_bytes_in_comparisons():
    same = doc.Drawing(name="A", content=png())
    assert same == doc.Drawing(name="A", content=png())
    assert same != doc.Drawing(name="A", content=png("blue"))
    assert png() not in repr(same).encode()
