"""Section 2 of a Word document read into drawings: the diagram table paragraph by paragraph (a picture, then the
paragraph naming it as our writer writes it: the bold name, ": type", an address), and every picture elsewhere in
the document. Linked pictures are never fetched: they are reported."""

from usecases.word import layout
from usecases.word.cells import Block, Picture
from usecases.word.reading import Reading
from usecases.word.tables import value_cells
from usecases.xml import document as doc
from usecases.xml.vocabulary import DRAWING_TYPES, normalise_drawing_type

# (picture, name, type, address) of each drawing found.
_Found = tuple[Picture | None, str, str, str]


def read_drawings(reading: Reading) -> list[doc.Drawing]:
    """Section 2's table, paragraph by paragraph: a picture, then the paragraph naming it (its bold name, then
    ": type"); a paragraph without a picture is a drawing by its address or name alone. Pictures anywhere else
    (figures after the table, pictures in other tables) are drawings too, named by their file."""
    found = _pictures(reading)
    linked = [picture for picture, *_ in found if picture is not None and picture.link]
    if linked:
        targets = ", ".join(picture.link[:80] for picture in linked[:3])
        reading.warn(
            f"{len(linked)} linked picture(s) ({targets}) point outside the document: they were not fetched; add "
            "the images to the use case's diagrams by hand."
        )
    drawings = []
    for picture, name, type_text, address in found:
        if picture is not None and not picture.content:
            continue
        drawing = doc.Drawing(
            mrid=reading.mrid("drawing", len(drawings) + 1),
            name=name or (picture.name if picture else address),
            drawing_type=normalise_drawing_type(type_text) or ("other" if type_text else _type_in(name)),
            uri=address,
            content=picture.content if picture else b"",
            filename=picture.filename if picture else "",
        )
        if type_text and normalise_drawing_type(type_text) is None:
            drawing.extra["drawing_type"] = type_text
        drawings.append(drawing)
    return drawings


def _pictures(reading: Reading) -> list[_Found]:
    """The pictures of the diagram table, each with the name, type and address of the paragraph after it, then every
    other picture of the document (of other tables, and outside the tables)."""
    found: list[_Found] = []
    pending: list[Picture] = []
    for table in reading.body.tables("diagrams"):
        for cell in value_cells(table.grid):
            for block in cell.blocks:
                if block.pictures:
                    found += [(picture, "", "", "") for picture in pending]
                    pending = list(block.pictures)
                    continue
                if not block.text:
                    continue
                name, drawing_type, address = _drawing_label(block)
                if pending:
                    found.append((pending.pop(0), name, drawing_type, ""))
                    found += [(picture, "", "", "") for picture in pending]
                    pending = []
                else:  # a drawing by its address, or by name alone
                    found.append((None, name, drawing_type, address))
    found += [(picture, "", "", "") for picture in pending]
    for key, tables in reading.body.found.items():
        for table in tables if key != "diagrams" else ():
            for row in table.grid.rows:
                for cell in {cell.identity: cell for cell in row}.values():
                    found += [(picture, "", "", "") for picture in cell.pictures]
    found += [(picture, "", "", "") for picture in reading.body.loose_pictures]
    return found


def _drawing_label(block: Block) -> tuple[str, str, str]:
    """(name, type, address) of the paragraph naming a drawing, as our writer writes it: the name in bold, then
    ": type", then ". note" in italics, then " " and the address (a hyperlink, or text when it is none)."""
    runs = [run for run in block.runs if run[0]]
    lead = 0
    while lead < len(runs) and runs[lead][1] and not runs[lead][3]:
        lead += 1
    if not lead:
        return block.text, "", block.links[0] if block.links else ""
    name = "".join(run[0] for run in runs[:lead]).strip()
    rest = runs[lead:]
    type_text = ""
    if rest and rest[0][0].startswith(": ") and not rest[0][3]:
        type_text = rest.pop(0)[0][2:].strip()
    rest = [run for run in rest if not run[2]]  # the note
    address = ""
    if rest and (rest[-1][3] or (len(rest) >= 2 and rest[-2][0] == " ")):
        address = rest[-1][3] or rest[-1][0].strip()
    return name, type_text, address


def _type_in(name: str) -> str:
    """The drawing type a name says ("Role model of the market" is a role model; our writer then leaves the type
    out), else a use case overview."""
    words = layout.normalise(name)
    return max((kind for kind in DRAWING_TYPES if kind in words), key=len, default="use case overview")
