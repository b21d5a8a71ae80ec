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


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.Area"

    name = factory.Sequence(lambda n: f"Area {n}")


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.BusinessCase"

    name = factory.Sequence(lambda n: f"Business case {n}")


class ActorGroupingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.ActorGrouping"

    use_case = factory.SubFactory(UseCaseFactory)
    name = factory.Sequence(lambda n: f"Grouping {n}")


class UseCaseRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.UseCaseRelation"

    use_case = factory.SubFactory(UseCaseFactory)
    related = factory.SubFactory(UseCaseFactory)
    type = "include"


class RemarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.Remark"

    use_case = factory.SubFactory(UseCaseFactory)
    text = factory.Sequence(lambda n: f"Remark {n}")


class DrawingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.Drawing"

    use_case = factory.SubFactory(UseCaseFactory)
    name = factory.Sequence(lambda n: f"Drawing {n}")


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.Reference"

    use_case = factory.SubFactory(UseCaseFactory)
    number = factory.Sequence(lambda n: str(n))
    name = factory.Sequence(lambda n: f"Reference {n}")


class CustomInformationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "usecases.CustomInformation"

    use_case = factory.SubFactory(UseCaseFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    value = "A value."


class SgamPlacementFactory(factory.django.DjangoModelFactory):
    """Give exactly one of use_case, actor or information_object, and a domain or a zone (sgam.models rows)."""

    class Meta:
        model = "sgam.SgamPlacement"


class NistPlacementFactory(factory.django.DjangoModelFactory):
    """Give exactly one of use_case, actor or information_object, and nist_domain."""

    class Meta:
        model = "sgam.NistPlacement"


def make_complete_use_case(*, steps: int = 12, actors: int = 6, rows: int = 2, **fields) -> UseCase:
    """A use case with `rows` rows in every table of sections 1 to 8, `actors` actors (in two groupings and
    ungrouped) and `steps` steps over three scenarios, two in three of them nested: sub-steps of the top-level
    step before them, and sub-sub-steps. Each step has producers, receivers, information objects and
    requirements. Written with bulk inserts, so that hundreds of steps stay quick to make."""
    from collections import defaultdict

    from sgam.models import Domain, NistDomain, NistPlacement, SgamPlacement, Zone
    from usecases.models import (
        ActorGrouping,
        Area,
        BusinessCase,
        CustomInformation,
        Drawing,
        Reference,
        Remark,
        UseCaseRelation,
    )

    use_case = UseCaseFactory(
        area="Distribution / Operation",
        complete_description="The complete description.\nSecond line.",
        level_of_depth="Detailed",
        prioritisation="Mandatory",
        classification="Generic",
        keywords="flexibility, congestion",
        **fields,
    )
    tag = use_case.identifier
    SgamPlacement.objects.create(use_case=use_case, domain=Domain.objects.get(code="distribution"))
    SgamPlacement.objects.create(use_case=use_case, zone=Zone.objects.get(code="operation"))
    NistPlacement.objects.create(use_case=use_case, nist_domain=NistDomain.objects.order_by("order").first())

    numbered = range(1, rows + 1)
    VersionEntry.objects.bulk_create(
        VersionEntry(use_case=use_case, number=f"0.{n}", authors=f"Author {n}", position=n) for n in numbered
    )
    objectives = Objective.objects.bulk_create(
        Objective(use_case=use_case, name=f"Objective {tag}-{n}", position=n) for n in numbered
    )
    kpis = Kpi.objects.bulk_create(
        Kpi(use_case=use_case, identifier=f"KPI-{n}", name=f"KPI {tag}-{n}", position=n) for n in numbered
    )
    Kpi.objectives.through.objects.bulk_create(
        Kpi.objectives.through(kpi=kpi, objective=objective) for kpi in kpis for objective in objectives
    )
    area = Area.objects.create(name=f"Area of {tag}")
    business_cases = BusinessCase.objects.bulk_create(BusinessCase(name=f"Business case {tag}-{n}") for n in numbered)
    for business_case in business_cases:
        business_case.areas.add(area)
    use_case.business_cases.add(*business_cases)
    Condition.objects.bulk_create(
        Condition(use_case=use_case, kind=kind, name=f"{kind} {n}", position=n)
        for kind in (Condition.Kind.ASSUMPTION, Condition.Kind.PREREQUISITE)
        for n in numbered
    )
    UseCaseRelation.objects.bulk_create(
        UseCaseRelation(use_case=use_case, related=UseCaseFactory(workspace=use_case.workspace), position=n)
        for n in numbered
    )
    Remark.objects.bulk_create(Remark(use_case=use_case, text=f"Remark {n}", position=n) for n in numbered)
    Reference.objects.bulk_create(
        Reference(use_case=use_case, number=str(n), name=f"IEC 6196{n}", link="https://example.org/", position=n)
        for n in numbered
    )
    CustomInformation.objects.bulk_create(
        CustomInformation(use_case=use_case, key=f"key-{n}", value=f"value {n}", position=n) for n in numbered
    )
    use_case.common_terms.add(*CommonTerm.objects.bulk_create(CommonTerm(term=f"Term {tag}-{n}") for n in numbered))

    groupings = ActorGrouping.objects.bulk_create(
        ActorGrouping(use_case=use_case, name=f"Grouping {n}", position=n) for n in (1, 2)
    )
    actor_rows = Actor.objects.bulk_create(
        Actor(name=f"Actor {tag}-{n}", type=Actor.Type.SYSTEM) for n in range(actors)
    )
    ActorRole.objects.bulk_create(
        ActorRole(use_case=use_case, actor=actor, grouping=[*groupings, None][n % 3], position=n)
        for n, actor in enumerate(actor_rows)
    )
    use_case.primary_actors.add(actor_rows[0])

    categories = RequirementCategory.objects.bulk_create(
        RequirementCategory(identifier=f"CAT-{tag}-{n}", name=f"Category {tag}-{n}") for n in (1, 2)
    )
    requirements = Requirement.objects.bulk_create(
        Requirement(identifier=f"R-{tag}-{n}", name=f"Requirement {n}", category=categories[n % 2])
        for n in range(max(rows, 4))
    )
    information_objects = InformationObject.objects.bulk_create(
        InformationObject(identifier=f"IO-{tag}-{n}", name=f"Information {tag}-{n}") for n in range(max(rows, 4))
    )
    InformationObject.requirements.through.objects.bulk_create(
        InformationObject.requirements.through(informationobject=item, requirement=requirements[n % len(requirements)])
        for n, item in enumerate(information_objects)
    )

    scenarios = Scenario.objects.bulk_create(
        Scenario(use_case=use_case, number=str(n), name=f"Scenario {tag}-{n}", position=n) for n in (1, 2, 3)
    )
    Condition.objects.bulk_create(
        Condition(use_case=use_case, scenario=scenario, kind=kind, name=f"{kind} of {scenario.name}")
        for scenario in scenarios
        for kind in Condition.SCENARIO_KINDS
    )
    for scenario in scenarios:
        scenario.primary_actors.add(actor_rows[0])
        scenario.requirements.add(requirements[0])
    Drawing.objects.bulk_create(
        Drawing(use_case=use_case, scenario=scenarios[n % 3], name=f"Drawing {n}", uri="https://example.org/d.png")
        for n in numbered
    )

    made: list[Step] = []
    tops: dict[int, list[Step]] = {scenario.pk: [] for scenario in scenarios}
    children: dict[int, list[Step]] = defaultdict(list)
    for n in range(steps):
        scenario = scenarios[n * 3 // steps]
        last_top = tops[scenario.pk][-1] if tops[scenario.pk] else None
        if last_top is None or n % 6 in (0, 4):
            parent = None
        elif n % 6 == 2 and children[last_top.pk]:
            parent = children[last_top.pk][-1]
        else:
            parent = last_top
        siblings = children[parent.pk] if parent else tops[scenario.pk]
        step = Step.objects.create(
            scenario=scenario,
            parent=parent,
            number=str(len(siblings) + 1),
            name=f"Step {tag}-{n}",
            service="GET",
            position=n,
        )
        siblings.append(step)
        made.append(step)
    through = {name: getattr(Step, name).through for name in ("producers", "receivers", "information_objects")}
    through["producers"].objects.bulk_create(
        through["producers"](step=step, actor=actor_rows[n % actors]) for n, step in enumerate(made)
    )
    through["receivers"].objects.bulk_create(
        through["receivers"](step=step, actor=actor_rows[k])
        for n, step in enumerate(made)
        for k in {(n + 1) % actors, (n + 2) % actors}
    )
    through["information_objects"].objects.bulk_create(
        through["information_objects"](step=step, informationobject=information_objects[n % len(information_objects)])
        for n, step in enumerate(made)
    )
    Step.requirements.through.objects.bulk_create(
        Step.requirements.through(step=step, requirement=requirements[n % len(requirements)])
        for n, step in enumerate(made)
    )
    return use_case


class WorkspaceMembershipFactory(factory.django.DjangoModelFactory):
    """A member with a role, and the django-guardian permissions of that role (what the membership service writes,
    without its audit trail)."""

    class Meta:
        model = "usecases.WorkspaceMembership"
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = "viewer"

    @factory.post_generation
    def grants(membership, create, extracted, **kwargs):
        from usecases.permissions import workspace_role_set

        if create:
            workspace_role_set(member=membership.user, workspace=membership.workspace, role=membership.role)


def member_of(workspace: Workspace, role: str, username: str | None = None):
    """A user holding `role` in `workspace`."""
    user = UserFactory(**({"username": username} if username else {}))
    WorkspaceMembershipFactory(workspace=workspace, user=user, role=role)
    return user


def with_repository_role(user, role: str):
    """Give `user` a repository-wide role: "administrator" or "curator" (the groups the migrations create), without
    the audit trail `repository_role_add` writes."""
    from django.contrib.auth.models import Group

    from ucmr.permissions import REPOSITORY_ROLES

    user.groups.add(Group.objects.get(name=REPOSITORY_ROLES[role]))
    return user
