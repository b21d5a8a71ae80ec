"""How the dumper (`usecases.exchange.dumper`) writes a row's values and orders rows: by what they say, never by
database ids, and dates and extra fields as the file had them."""

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from usecases.exchange.records import split_extra
from usecases.models import Drawing, InformationObject, UseCase
from usecases.xml import document as doc
from usecases.xml.vocabulary import parse_date

logger = logging.getLogger(__name__)


def image_content(drawing: Drawing) -> bytes:
    """The bytes of a drawing's stored image (none when the file is gone: the export goes on without it)."""
    try:
        with drawing.image.open("rb") as file:
            return file.read()
    except OSError:
        logger.warning("The image %s of drawing %s is missing from storage.", drawing.image.name, drawing.pk)
        return b""


def by_position(rows: Iterable) -> list:
    return sorted(rows, key=lambda row: (row.position, row.pk))


def text_key(*values: Any) -> tuple:
    return tuple(str(value or "").lower() for value in values)


def placements_of(subject) -> tuple[list[doc.SgamPlacement], list[str]]:
    """SGAM cells and NIST domains in the reference order (layers, domains, zones as SGAM draws them)."""

    def order(item) -> int:
        return item.order if item is not None else -1

    cells = sorted(
        subject.exported_sgam_placements,
        key=lambda placement: (order(placement.layer), order(placement.domain), order(placement.zone)),
    )
    sgam = [
        doc.SgamPlacement(
            layer=placement.layer.code if placement.layer_id else "",
            domain=placement.domain.code if placement.domain_id else "",
            zone=placement.zone.code if placement.zone_id else "",
        )
        for placement in cells
    ]
    domains = sorted(subject.exported_nist_placements, key=lambda placement: placement.nist_domain.order)
    return sgam, [placement.nist_domain.code for placement in domains]


def extra_of(instance) -> dict[str, str]:
    return split_extra(instance.extra)[0]


def written_date(value: datetime | None, found: str) -> datetime | None:
    """The stored date, written as the file had it (naive, or with its offset) while it is the same moment."""
    if value is None or not found:
        return value
    original = parse_date(found)
    if original is None:
        return value
    moment = original if original.tzinfo is not None else original.replace(tzinfo=UTC)
    return original if moment == value else value


def use_case_key(use_case: UseCase) -> tuple:
    """The order of the full use cases in the file."""
    return use_case_order_key(use_case.workspace.name, use_case.identifier, use_case.name, use_case.mrid)


def use_case_order_key(workspace_name: str, identifier: str, name: str, mrid) -> tuple:
    return (*text_key(workspace_name, identifier, name), str(mrid))


def name_key(item) -> tuple:
    return (*text_key(item.name), str(item.mrid))


def actor_key(actor: Actor) -> tuple:
    return (*text_key(actor.name), str(actor.mrid))


def information_object_key(item: InformationObject) -> tuple:
    return (*text_key(item.identifier, item.name), str(item.mrid))


def requirement_key(requirement: Requirement) -> tuple:
    return (*text_key(requirement.identifier, requirement.name), str(requirement.mrid))


def category_key(category: RequirementCategory) -> tuple:
    return (*text_key(category.identifier, category.name), str(category.mrid))
