"""The row forms of the table editors: the base every row form extends and the form of a row's delete or move
(`base`), the tables whose rows hold their own values (`plain`), those that name a library object by its name
(`library`), and the scenarios and steps (`scenarios`). A field that is a column of the template
(usecases.template) is labelled as the template labels the column."""

from usecases.authoring.forms.base import RowActionForm, RowForm
from usecases.authoring.forms.library import ActorRoleForm, BusinessCaseForm, LinkForm, TermForm
from usecases.authoring.forms.plain import (
    ActorGroupingForm,
    ConditionForm,
    CustomInformationForm,
    DrawingForm,
    KpiForm,
    ObjectiveForm,
    ReferenceForm,
    RelationForm,
    RemarkForm,
    VersionEntryForm,
)
from usecases.authoring.forms.scenarios import ScenarioForm, StepForm

__all__ = [
    "ActorGroupingForm",
    "ActorRoleForm",
    "BusinessCaseForm",
    "ConditionForm",
    "CustomInformationForm",
    "DrawingForm",
    "KpiForm",
    "LinkForm",
    "ObjectiveForm",
    "ReferenceForm",
    "RelationForm",
    "RemarkForm",
    "RowActionForm",
    "RowForm",
    "ScenarioForm",
    "StepForm",
    "TermForm",
    "VersionEntryForm",
]
