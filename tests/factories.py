"""factory_boy factories for every model, for tests and benchmarks. Rows are created directly (fast);
tests of behaviour go through the services."""

import factory
from django.contrib.auth import get_user_model

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from usecases.models import (
    ActorRole,
    CommonTerm,
    Condition,
    InformationObject,
    Kpi,
    Objective,
    Scenario,
    Step,
    UseCase,
    VersionEntry,
    Workspace,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-test-1")


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    type = Actor.Type.SYSTEM
    description = "An actor made by a test."


class RequirementCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementCategory

    identifier = factory.Sequence(lambda n: f"CAT-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    identifier = factory.Sequence(lambda n: f"R-{n}")
    name = factory.Sequence(lambda n: f"Requirement {n}")
    category = factory.SubFactory(RequirementCategoryFactory)


class InformationObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationObject

    identifier = factory.Sequence(lambda n: f"IO-{n}")
    name = factory.Sequence(lambda n: f"Information {n}")
    data_class = InformationObject.DataClass.OPERATIONAL


class CommonTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommonTerm

    term = factory.Sequence(lambda n: f"Term {n}")
    definition = "A definition."


class UseCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UseCase

    workspace = factory.SubFactory(WorkspaceFactory)
    identifier = factory.Sequence(lambda n: f"UC-{n}")
    name = factory.Sequence(lambda n: f"Use case {n}")
    scope = "Scope of the use case."
    short_description = "A short description."
    nature = "SUC"


class VersionEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VersionEntry

    use_case = factory.SubFactory(UseCaseFactory)
    number = factory.Sequence(lambda n: f"0.{n}")
    authors = "A. Author"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    use_case = factory.SubFactory(UseCaseFactory)
    name = factory.Sequence(lambda n: f"Objective {n}")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    use_case = factory.SubFactory(UseCaseFactory)
    identifier = factory.Sequence(lambda n: f"KPI-{n}")
    name = factory.Sequence(lambda n: f"KPI {n}")


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition

    use_case = factory.SubFactory(UseCaseFactory)
    kind = Condition.Kind.ASSUMPTION
    description = "An assumption."


class ActorRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorRole

    use_case = factory.SubFactory(UseCaseFactory)
    actor = factory.SubFactory(ActorFactory)


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    use_case = factory.SubFactory(UseCaseFactory)
    number = factory.Sequence(lambda n: str(n))
    name = factory.Sequence(lambda n: f"Scenario {n}")


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    scenario = factory.SubFactory(ScenarioFactory)
    number = factory.Sequence(lambda n: str(n))
    name = factory.Sequence(lambda n: f"Step {n}")
    service = Step.Service.GET
