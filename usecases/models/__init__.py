from usecases.models.access import WorkspaceMembership
from usecases.models.comments import Comment, CommentThread, UseCaseWatch
from usecases.models.library import Area, BusinessCase, CommonTerm, InformationObject, Workspace
from usecases.models.scenario import Scenario, Step
from usecases.models.search import UseCaseSearchEntry, UseCaseSearchState
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
from usecases.models.versions import StatusChange, UseCaseSnapshot

__all__ = [
    "ActorGrouping",
    "ActorRole",
    "Area",
    "BusinessCase",
    "Comment",
    "CommentThread",
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
    "StatusChange",
    "Step",
    "UseCase",
    "UseCaseRelation",
    "UseCaseSearchEntry",
    "UseCaseSearchState",
    "UseCaseSnapshot",
    "UseCaseWatch",
    "VersionEntry",
    "Workspace",
    "WorkspaceMembership",
]
