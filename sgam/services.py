"""Writes of SGAM and NIST placements. A placement of a use case is a change of that use case."""

from django.db import models, transaction

from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from ucmr.services import model_create, model_delete
from usecases.models import UseCase
from usecases.services import usecase_bump_revision

SUBJECT_FIELD_BY_MODEL = {"usecase": "use_case", "actor": "actor", "informationobject": "information_object"}


def _subject_field(subject: models.Model) -> str:
    return SUBJECT_FIELD_BY_MODEL[subject._meta.model_name]


def _touch(subject: models.Model) -> models.Model | None:
    if isinstance(subject, UseCase):
        usecase_bump_revision(use_case=subject)
    return subject


@transaction.atomic
def sgam_placement_add(
    *, user, subject: models.Model, layer: Layer | None = None, domain: Domain | None = None, zone: Zone | None = None
) -> SgamPlacement:
    data = {_subject_field(subject): subject, "layer": layer, "domain": domain, "zone": zone}
    return model_create(user=user, model=SgamPlacement, data=data, related=_touch(subject))


@transaction.atomic
def nist_placement_add(*, user, subject: models.Model, nist_domain: NistDomain) -> NistPlacement:
    data = {_subject_field(subject): subject, "nist_domain": nist_domain}
    return model_create(user=user, model=NistPlacement, data=data, related=_touch(subject))


@transaction.atomic
def placement_delete(*, user, placement: SgamPlacement | NistPlacement) -> None:
    model_delete(user=user, instance=placement, related=_touch(placement.subject))
