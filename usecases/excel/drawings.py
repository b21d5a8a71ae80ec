"""Section 2 of a use case sheet read: one drawing per column of rows 38 to 41, the picture anchored in that column
of those rows as its image (`sheets.Image`, read from the sheet's drawing part), and every other picture of the sheet
a drawing of its own, named by its alternative text or name and where it stands."""

from usecases.excel import layout
from usecases.excel.layout import FIRST_VALUE_COLUMN, column_letter
from usecases.excel.reading import SheetReading
from usecases.excel.sheets import Image
from usecases.exchange.office_names import strip_enum
from usecases.xml import document as doc
from usecases.xml.vocabulary import normalise_drawing_type, normalise_uri_type


def read_drawings(reading: SheetReading) -> list[doc.Drawing]:
    """Section 2: one drawing per column of rows 38 to 41, with the picture anchored in that column of those rows
    as its image; every other picture of the sheet (anchored beside a step, in a description, ...) is a
    drawing of its own, named by its alternative text or name and where it stands."""
    rows = {row: key for key, row in reading.rows.items() if key.startswith("drawing.")}
    in_column: dict[int, list[Image]] = {}
    elsewhere: list[Image] = []
    for image in reading.sheet.images:
        if image.row in rows and image.column >= FIRST_VALUE_COLUMN:
            in_column.setdefault(image.column, []).append(image)
        else:
            elsewhere.append(image)
    drawings = []
    for column in sorted({*reading.columns(layout.DRAWINGS), *in_column}):
        found_type = strip_enum(reading.text("drawing.type", column))
        uri = reading.text("drawing.uri", column)
        images = in_column.get(column, [])
        image = images[0] if images else None
        name = reading.text("drawing.name", column) or uri or (_image_name(image) if image else "")
        drawing = doc.Drawing(
            mrid=reading.mrid("drawing", column),
            name=name,
            drawing_type=normalise_drawing_type(found_type.replace("_", " ")) or "other",
            uri=uri,
            uri_type=normalise_uri_type(strip_enum(reading.text("drawing.uri_type", column))),
            **(_image_content(reading, image) if image else {}),
        )
        if found_type and normalise_drawing_type(found_type.replace("_", " ")) is None:
            drawing.extra["drawing_type"] = found_type
        drawings.append(drawing)
        elsewhere += images[1:]
    for image in elsewhere:
        drawings.append(
            doc.Drawing(
                mrid=reading.mrid("image", image.row, image.column, image.path),
                name=f"{_image_name(image)} ({_image_place(reading, image)})",
                drawing_type="other",
                **_image_content(reading, image),
            )
        )
    return drawings


def _image_name(image: Image) -> str:
    return image.description or image.name or image.filename


def _image_place(reading: SheetReading, image: Image) -> str:
    """Where a picture stands: its cell and the label of its row ("E74, Description of process/activity")."""
    if not image.row:
        return "not anchored to a cell"
    keys = [key for key, number in reading.rows.items() if number == image.row and key in layout.FIELDS]
    label = layout.FIELDS[keys[0]].label.strip() if keys else ""
    cell = f"{column_letter(image.column)}{image.row}"
    return f"{cell}, {label}" if label else cell


def _image_content(reading: SheetReading, image: Image) -> dict[str, object]:
    if image.problem:
        reading.warn(
            f"the picture {image.filename} at {_image_place(reading, image)} was not imported: {image.problem}."
        )
        return {}
    return {"content": image.content, "filename": image.filename}
