"""The kinds of object an import writes (the names its report counts them by) and their models."""

from django.db import models

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import NistPlacement, SgamPlacement
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Area,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    InformationObject,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    Step,
    UseCaseRelation,
    VersionEntry,
)

LIBRARY_MODELS: dict[str, type[models.Model]] = {
    "area": Area,
    "business_case": BusinessCase,
    "requirement_category": RequirementCategory,
    "requirement": Requirement,
    "actor": Actor,
    "information_object": InformationObject,
    "common_term": CommonTerm,
}
ROW_MODELS: dict[str, type[models.Model]] = {
    "version": VersionEntry,
    "objective": Objective,
    "kpi": Kpi,
    "relation": UseCaseRelation,
    "remark": Remark,
    "actor_grouping": ActorGrouping,
    "actor_role": ActorRole,
    "reference": Reference,
    "scenario": Scenario,
    "condition": Condition,
    "step": Step,
    "drawing": Drawing,
    "custom_information": CustomInformation,
    "sgam_placement": SgamPlacement,
    "nist_placement": NistPlacement,
}
KINDS_BY_MODEL = {model: kind for kind, model in {**LIBRARY_MODELS, **ROW_MODELS}.items()}
# What an existing row's change log text (`str()`) reads, joined when the rows are loaded.
ROW_RELATED = {
    ActorRole: ("actor",),
    UseCaseRelation: ("related",),
    SgamPlacement: ("layer", "domain", "zone"),
    NistPlacement: ("nist_domain",),
}


def kind_of(model: type[models.Model]) -> str:
    return KINDS_BY_MODEL[model]


def placement_key(placement: models.Model) -> tuple:
    """A placement's cell: what tells two placements of one subject apart."""
    if isinstance(placement, SgamPlacement):
        return ("sgam", placement.layer_id, placement.domain_id, placement.zone_id)
    return ("nist", placement.nist_domain_id)
