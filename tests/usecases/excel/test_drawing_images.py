"""Images a file embeds in a drawing (the neutral document's `Drawing.content`, which the Excel reader fills from a
workbook's pictures) through the loader: stored in `Drawing.image` with the checks of an upload, a refused image a
warning and never an error, the same bytes imported again no change and no new file."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from lxml import etree
from openpyxl.drawing.image import Image as XlImage
from PIL import Image

from tests.factories import UseCaseFactory
from tests.usecases.excel.workbooks import template_sheet
from tests.usecases.exchange.conftest import PUBLISHED_XSD, empty_repository, fingerprint
from usecases.excel.reader import read_workbook
from usecases.exchange.dumper import repository_export
from usecases.exchange.files import repository_import_file
from usecases.exchange.loader import repository_import
from usecases.exchange.services import usecases_export_xlsx, usecases_export_xlsx_write
from usecases.models import Drawing, UseCase
from usecases.xml import document as doc
from usecases.xml import schema_problems, write_variant_c

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


# Workbooks with pictures (none of the example workbooks has one): built here with openpyxl and Pillow.


def picture_workbook(*pictures: tuple[str, bytes], cells: dict | None = None) -> bytes:
    """A use case sheet with the diagram of column C named, and each picture anchored at its cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "UC-IMG"
    values = {"C4": "UC-IMG", "C6": "With pictures", "C38": "Overview diagram", "C39": "use_case_overview"}
    template_sheet(sheet, {**values, **(cells or {})})
    for anchor, content in pictures:
        sheet.add_image(XlImage(io.BytesIO(content)), anchor)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_workbook(data: bytes, **options):
    return repository_import_file(user=None, data=data, workspace=None, name="pictures.xlsx", **options)


def test_the_reader_keeps_a_picture_in_the_diagram_rows_as_that_columns_drawing_and_others_as_drawings():
    repository = read_workbook(data=picture_workbook(("C41", png("red")), ("E74", png("blue"))))

    drawings = repository.use_cases[0].drawings
    assert [(d.name, d.drawing_type, d.content) for d in drawings] == [
        ("Overview diagram", "use case overview", png("red")),
        ("Picture (E74, Description of process/activity)", "other", png("blue")),
    ]
    assert not [warning for warning in repository.warnings if "UC-IMG" in warning]


def test_a_picture_in_an_empty_diagram_column_is_a_drawing_of_that_column():
    repository = read_workbook(data=picture_workbook(("D40", png("green"))))

    drawings = repository.use_cases[0].drawings
    assert [d.name for d in drawings] == ["Overview diagram", "Picture"]
    assert drawings[1].content == png("green") and not drawings[0].content


def test_a_picture_larger_than_a_drawing_may_be_is_named_in_a_warning_and_not_read(settings):
    settings.UCMR_DRAWING_MAX_BYTES = 50

    repository = read_workbook(data=picture_workbook(("C41", png())))

    assert repository.use_cases[0].drawings[0].content == b""
    assert any("picture image1.png at C41" in w and "larger than 50 bytes" in w for w in repository.warnings)


def test_a_picture_whose_media_part_is_missing_is_a_warning():
    data = picture_workbook(("C41", png()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            if not info.filename.startswith("xl/media/"):
                target.writestr(info, source.read(info))

    repository = read_workbook(data=damaged.getvalue())

    assert repository.use_cases[0].drawings[0].content == b""
    assert any("its part is missing or damaged" in warning for warning in repository.warnings)


def test_a_workbook_picture_is_imported_and_importing_it_again_changes_nothing(media):
    data = picture_workbook(("C41", png()))

    first = _import_workbook(data)
    stored = Drawing.objects.get().image.name
    before = fingerprint()
    again = _import_workbook(data)

    assert first.counts["drawing"] == {"created": 1}
    assert Drawing.objects.get().image.read() == png()
    assert again.counts["drawing"] == {"unchanged": 1} and not again.changed
    assert fingerprint() == before
    assert _files(media) == [stored]


def test_a_workbook_picture_comes_back_from_the_excel_export(media):
    _import_workbook(picture_workbook(("C41", png("red")), ("D40", png("green"))))
    exported = usecases_export_xlsx(user=None, use_cases=UseCase.objects.all())
    before = fingerprint()

    report = _import_workbook(exported)  # onto what it came from

    assert fingerprint() == before and not report.changed


def test_every_picture_of_a_sheet_comes_back_from_the_excel_export_as_a_diagram(media):
    _import_workbook(picture_workbook(("C41", png("red")), ("E74", png("blue"))))
    exported = usecases_export_xlsx(user=None, use_cases=UseCase.objects.all())

    empty_repository()
    _import_workbook(exported)

    drawings = Drawing.objects.order_by("position")
    assert [(d.name, d.drawing_type, d.uri, d.image.read()) for d in drawings] == [
        ("Overview diagram", "use case overview", "", png("red")),
        ("Picture (E74, Description of process/activity)", "other", "", png("blue")),
    ]


def test_an_uploaded_image_goes_to_the_workbook_and_its_address_to_the_xml(media, iec_dir):
    use_case = UseCaseFactory()
    Drawing.objects.create(use_case=use_case, name="Uploaded", image=ContentFile(png("green"), name="a.png"))

    workbook = read_workbook(data=usecases_export_xlsx(user=None, use_cases=UseCase.objects.all()))
    xml = write_variant_c(
        document=repository_export(user=None, use_cases=UseCase.objects.all(), generated_drawings=False)
    )

    (drawing,) = workbook.full_use_cases[0].drawings
    assert (drawing.name, drawing.uri, drawing.content) == ("Uploaded", "", png("green"))
    stored = Drawing.objects.get().image
    (uri,) = etree.fromstring(xml).xpath("//*[local-name()='Drawing']/*[local-name()='URI']/text()")
    assert uri == stored.url
    assert schema_problems(data=xml) == []
    assert schema_problems(data=xml, schema_path=iec_dir / PUBLISHED_XSD) == []


def test_the_pictures_of_a_real_workbook_become_drawings_with_their_bytes(iec_dir):
    """TIGON's two use case sheets each hold a PNG, anchored in section 1 (E16, D23), beside a diagram row whose
    URI is a caption."""
    path = iec_dir / "examples" / "excel" / "TIGON__IEC62559-TEMPLATE-TIGON-v00.xlsx"
    with zipfile.ZipFile(path) as archive:
        media = {archive.read(name) for name in archive.namelist() if name.startswith("xl/media/")}

    _import_workbook(path.read_bytes())

    stored = {drawing.image.read() for drawing in Drawing.objects.exclude(image="")}
    assert len(media) == 2 and stored == media
    assert set(Drawing.objects.exclude(image="").values_list("name", flat=True)) == {
        "Picture 1 (E16, Related business case(s))",
        "Picture 1 (D23, Description)",
    }


def _rewritten(data: bytes, part: str, change) -> bytes:
    """The workbook with one part's text changed."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content.decode()).encode() if info.filename == part else content)
    return output.getvalue()


@pytest.mark.parametrize(
    "target",
    ['Target="https://example.org/x.png" TargetMode="External"', 'Target="../../../../etc/passwd"'],
    ids=["external", "outside-the-package"],
)
def test_a_picture_is_read_from_the_workbooks_own_parts_only(target):
    def retarget(text: str) -> str:
        assert 'Target="/xl/media/image1.png"' in text
        return text.replace('Target="/xl/media/image1.png"', target)

    data = _rewritten(picture_workbook(("C41", png())), "xl/drawings/_rels/drawing1.xml.rels", retarget)

    repository = read_workbook(data=data)

    assert [drawing.content for drawing in repository.use_cases[0].drawings] == [b""]


def test_the_streamed_excel_export_embeds_the_pictures_too(media):
    _import_workbook(picture_workbook(("C41", png("red")), ("E74", png("blue"))))
    output = io.BytesIO()

    usecases_export_xlsx_write(user=None, use_cases=UseCase.objects.all(), output=output, batch_size=1)

    drawings = read_workbook(data=output.getvalue()).full_use_cases[0].drawings
    assert [drawing.content for drawing in drawings] == [png("red"), png("blue")]
