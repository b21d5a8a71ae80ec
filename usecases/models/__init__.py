from usecases.models.library import Area, BusinessCase, CommonTerm, InformationObject, Workspace
from usecases.models.scenario import Scenario, Step
from usecases.models.usecase import (
    ActorGrouping,
    ActorRole,
    Condition,
    CustomInformation,
    Drawing,
    Kpi,
    Objective,
    Reference,
    Remark,
    UseCase,
    UseCaseRelation,
    VersionEntry,
)

__all__ = [
    "ActorGrouping",
    "ActorRole",
    "Area",
    "BusinessCase",
    "CommonTerm",
    "Condition",
    "CustomInformation",
    "Drawing",
    "InformationObject",
    "Kpi",
    "Objective",
    "Reference",
    "Remark",
    "Scenario",
    "Step",
    "UseCase",
    "UseCaseRelation",
    "VersionEntry",
    "Workspace",
]
