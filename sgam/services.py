"""Writes of SGAM and NIST placements.

A placement of a use case, or of an actor in one use case, is a change of that use case. (The rendered diagrams'
writes are in `usecases.analysis.services`.)
"""

from django.db import models, transaction

from sgam.models import (
    Domain,
    Layer,
    NistDomain,
    NistPlacement,
    SgamPlacement,
    Zone,
)
from ucmr.services import model_create, model_delete
from usecases.analysis.followup import library_object_changed
from usecases.models import ActorRole, UseCase
from usecases.services import usecase_bump_revision

SUBJECT_FIELD_BY_MODEL = {
    "usecase": "use_case",
    "actor": "actor",
    "informationobject": "information_object",
    "actorrole": "actor_role",
}


def _subject_field(subject: models.Model) -> str:
    return SUBJECT_FIELD_BY_MODEL[subject._meta.model_name]


def _touch(subject: models.Model, expected_revision: int | None = None) -> models.Model:
    """What a placement of `subject` changes, for the audit trail: a use case (its revision goes up, refused when
    `expected_revision` is given and stale), or the library object (the use cases using it are validated again)."""
    if isinstance(subject, UseCase):
        usecase_bump_revision(use_case=subject, expected_revision=expected_revision)
        return subject
    if isinstance(subject, ActorRole):
        usecase_bump_revision(use_case=subject.use_case, expected_revision=expected_revision)
        return subject.use_case
    library_object_changed(obj=subject)
    return subject


@transaction.atomic
def sgam_placement_add(
    *,
    user,
    subject: models.Model,
    layer: Layer | None = None,
    domain: Domain | None = None,
    zone: Zone | None = None,
    expected_revision: int | None = None,
) -> SgamPlacement:
    """Place a use case, an actor (its default placement), an information object, or an actor in one use case
    (an `ActorRole`: there it replaces the actor's default placement)."""
    data = {_subject_field(subject): subject, "layer": layer, "domain": domain, "zone": zone}
    return model_create(user=user, model=SgamPlacement, data=data, related=_touch(subject, expected_revision))


@transaction.atomic
def sgam_placement_ensure(
    *, user, subject: models.Model, layer: Layer | None, domain: Domain | None, zone: Zone | None
) -> SgamPlacement:
    """Place `subject` in the cell unless it is placed there already (an actor's edit page adds a cell)."""
    cell = {_subject_field(subject): subject, "layer": layer, "domain": domain, "zone": zone}
    existing = SgamPlacement.objects.filter(**cell).first()
    return existing or sgam_placement_add(user=user, subject=subject, layer=layer, domain=domain, zone=zone)


@transaction.atomic
def nist_placement_add(
    *, user, subject: models.Model, nist_domain: NistDomain, expected_revision: int | None = None
) -> NistPlacement:
    data = {_subject_field(subject): subject, "nist_domain": nist_domain}
    return model_create(user=user, model=NistPlacement, data=data, related=_touch(subject, expected_revision))


@transaction.atomic
def placement_delete(*, user, placement: SgamPlacement | NistPlacement, expected_revision: int | None = None) -> None:
    model_delete(user=user, instance=placement, related=_touch(placement.subject, expected_revision))
