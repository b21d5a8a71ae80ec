"""The drawings of a planned use case (`usecases.exchange.rows`), with the images a file embeds checked as an
upload is."""

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat

from usecases.exchange.rows.base import RowsBase
from usecases.models import Drawing
from usecases.models.images import image_check
from usecases.xml import document


def stored_digest(image: Any) -> str:
    """SHA-256 of a stored image file ("" when the file is gone)."""
    digest = hashlib.sha256()
    try:
        with image.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


class DrawingRows(RowsBase):
    """The rows of drawings, on the use case, a scenario or a step."""

    def drawing(
        self, drawing: document.Drawing, uid: uuid.UUID | None, *, links: dict[str, Any], mrid: str = ""
    ) -> None:
        if uid is None:
            return
        values = {
            "name": drawing.name,
            "drawing_type": drawing.drawing_type,
            "uri": drawing.uri,
            "uri_type": drawing.uri_type,
        }
        image = self.drawing_image(drawing, self.existing.peek(Drawing, uid))
        if image is not None:
            values["image"] = image
        self.row(
            Drawing,
            "drawing",
            uid=uid,
            node=drawing,
            values=values,
            fills={"name": "(unnamed drawing)", "drawing_type": Drawing.Type.OTHER, "uri_type": Drawing.UriType.IMAGE},
            what=f"drawing {drawing.name!r}",
            links={"scenario": None, "step": None, **links},
            book={"mrid": mrid},
        )

    def drawing_image(self, drawing: document.Drawing, existing: models.Model | None) -> ContentFile | None:
        """The image a file embeds in a drawing (an Excel picture), to store in `Drawing.image` as an upload would
        be: within UCMR_DRAWING_MAX_BYTES, and a PNG, JPEG, GIF or WebP within UCMR_DRAWING_MAX_PIXELS. None when
        there is none, when the drawing holds the same bytes already (a re-import stores no new file), or when it
        is refused: then the drawing is kept without it, with a warning."""
        if not drawing.content:
            return None
        what = f"drawing {drawing.name!r}"
        limit = settings.UCMR_DRAWING_MAX_BYTES
        if len(drawing.content) > limit:
            self.report.note(self.owner, f"images larger than {filesizeformat(limit)} were left out", what)
            return None
        image = ContentFile(drawing.content, name=drawing.filename or "image")
        try:
            image_check(image)
        except ValidationError as error:
            self.report.note(self.owner, f"images were left out: {' '.join(error.messages)}", what)
            return None
        if existing is not None and existing.image and stored_digest(existing.image) == drawing.digest:
            return None
        return image
