"""The pictures of a Word document's section 2: uploaded drawings' images and the generated diagrams' PNGs, as
Word takes them (`Picture`), found by the keys the rendering job stored (`usecase_pictures`: no graph is built)."""

import io
import uuid
from dataclasses import dataclass

from docx.image.image import Image as DocxImage
from PIL import Image, UnidentifiedImageError

from sgam.models import RenderedDiagram, UseCaseDiagram
from sgam.selectors import usecase_placements
from ucmr.jobs import job_start
from usecases.analysis.diagrams import usecase_diagram_headings
from usecases.analysis.dot import RENDERER_VERSION
from usecases.analysis.facts import usecase_facts
from usecases.analysis.followup import RENDER_KIND
from usecases.analysis.services import usecase_diagrams_render
from usecases.exchange.records import document_mrid
from usecases.models import Drawing, UseCase
from usecases.xml.vocabulary import normalise_mrid

# Larger images are scaled down to this many pixels on their long side (a page shows no more).
PICTURE_MAX_PIXELS = 2400


@dataclass(frozen=True)
class Picture:
    """An image to put in section 2 (PNG, JPEG or GIF bytes), or, without `data`, why there is none (`note`)."""

    data: bytes | None = None
    note: str = ""

    @classmethod
    def of_image(cls, data: bytes) -> "Picture":
        """An image file as Word takes it: PNG, JPEG and GIF as they are, unless wider than `PICTURE_MAX_PIXELS`;
        anything else Pillow reads (WebP) as PNG; what it cannot read, a note."""
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # a truncated or damaged file fails here, not in Word
                if (
                    image.format in ("PNG", "JPEG", "GIF")
                    and max(image.size) <= PICTURE_MAX_PIXELS
                    and word_reads(data)
                ):
                    return cls(data=data)
                image.thumbnail((PICTURE_MAX_PIXELS, PICTURE_MAX_PIXELS))
                converted = io.BytesIO()
                image.save(converted, format="PNG")
                return cls(data=converted.getvalue())
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):  # Pillow: SyntaxError for a broken PNG
            return cls(note="The image could not be read")


def word_reads(data: bytes) -> bool:
    """Whether python-docx parses the image's header as it is (it is stricter than Pillow about PNG chunks); an image
    it does not is written re-encoded."""
    try:
        DocxImage.from_blob(data)
    except Exception:  # noqa: BLE001 - python-docx raises anything from struct, codec and its own errors
        return False
    return True


def usecase_pictures(*, use_case_ids: list[int], render: bool = False) -> dict[str, Picture]:
    """The pictures of section 2 of these use cases, by the mRID their drawing has in an export: the uploaded
    images, and the PNGs of the generated diagrams already drawn, found by the keys the rendering job stored for
    the use case's revision (no graph is built here). With `render` (a job or a command, never a request) the
    diagrams not drawn yet are drawn first (a use case whose diagrams are stored for its revision only their
    missing PNGs, from the stored sources); else what is missing is queued, as a page does, and the document says
    so."""
    pictures: dict[str, Picture] = {}
    for drawing in Drawing.objects.filter(use_case_id__in=use_case_ids).exclude(image=""):
        try:
            with drawing.image.open("rb") as handle:
                pictures[normalise_mrid(document_mrid(drawing))] = Picture.of_image(handle.read())
        except OSError:
            pictures[normalise_mrid(document_mrid(drawing))] = Picture(note="The image file is missing")
    use_cases = list(UseCase.objects.filter(pk__in=use_case_ids).only("pk", "mrid", "revision"))
    stored, drawn = _stored_diagrams(use_cases)
    if render:
        rendered = False
        for use_case in use_cases:
            keys = stored[use_case.pk]
            missing = [key for key in keys if _missing(drawn.get(keys[key]))]
            if not keys:  # not stored for this revision: the graphs are built
                usecase_diagrams_render(use_case_id=use_case.pk, png_all=True)
            elif missing:
                usecase_diagrams_render(use_case_id=use_case.pk, png_keys=missing)
            rendered = rendered or not keys or bool(missing)
        if rendered:
            stored, drawn = _stored_diagrams(use_cases)
    for use_case in use_cases:
        keys = list(stored[use_case.pk]) or diagram_keys(use_case.pk)
        missing = []
        for key in keys:
            diagram = drawn.get(stored[use_case.pk].get(key, ""))
            mrid = str(uuid.uuid5(use_case.mrid, key))
            if diagram is not None and diagram.png:
                pictures[mrid] = Picture(data=bytes(diagram.png))
            elif diagram is not None and (diagram.error or diagram.png_error):
                pictures[mrid] = Picture(note="The diagram could not be drawn")
            else:
                pictures[mrid] = Picture(note="Not drawn yet: export again in a moment")
                missing.append(key)
        if missing:
            job_start(
                user=None,
                kind=RENDER_KIND,
                params={"use_case": use_case.pk, "png": missing},
                dedupe_key=f"{RENDER_KIND}:{use_case.pk}:png:word",
            )
    return pictures


def _stored_diagrams(use_cases: list[UseCase]) -> tuple[dict[int, dict[str, str]], dict[str, RenderedDiagram]]:
    """(the content hash of each diagram key stored for each use case's current revision, by use case id; the
    rendered diagrams of those hashes, by hash): two queries."""
    revisions = {use_case.pk: use_case.revision for use_case in use_cases}
    stored: dict[int, dict[str, str]] = {use_case.pk: {} for use_case in use_cases}
    rows = UseCaseDiagram.objects.filter(use_case_id__in=revisions, renderer=RENDERER_VERSION).only(
        "use_case_id", "revision", "key", "content_hash"
    )
    for row in rows:
        if row.revision == revisions.get(row.use_case_id):
            stored[row.use_case_id][row.key] = row.content_hash
    hashes = {content_hash for keys in stored.values() for content_hash in keys.values()}
    drawn = {
        diagram.content_hash: diagram
        for diagram in RenderedDiagram.objects.filter(content_hash__in=hashes).only(
            "content_hash", "png", "error", "png_error"
        )
    }
    return stored, drawn


def _missing(diagram: RenderedDiagram | None) -> bool:
    """Whether a stored diagram is still to be drawn: neither its PNG nor a failure is there."""
    return diagram is None or not (diagram.png or diagram.error or diagram.png_error)


def diagram_keys(use_case_id: int) -> list[str]:
    """The keys of a use case's diagrams before the rendering job stored them: named from its rows (a few queries),
    not drawn."""
    use_case = UseCase.objects.with_document().get(pk=use_case_id)
    facts = usecase_facts(use_case=use_case)
    headings = usecase_diagram_headings(facts=facts, placements=usecase_placements(facts=facts))
    return [heading.key for heading in headings]
