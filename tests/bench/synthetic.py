"""Synthetic repositories for benchmarks: realistic shapes, written with bulk inserts so setup stays quick."""

from django.db import transaction

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from usecases.models import ActorRole, InformationObject, Scenario, Step, UseCase, Workspace


@transaction.atomic
def make_use_case(*, steps: int, actors: int = 50, scenarios: int = 3, tag: str = "") -> UseCase:
    """A use case with `steps` steps spread over `scenarios` scenarios (every fifth step nested under the
    previous top-level one), `actors` actors, and information objects and requirements on every step."""
    tag = tag or f"{steps}-{UseCase.objects.count()}"
    workspace, _ = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Benchmarks"})
    use_case = UseCase.objects.create(
        workspace=workspace,
        identifier=f"BENCH-{tag}",
        name=f"Benchmark {tag}",
        scope="Synthetic",
        short_description="Synthetic use case for benchmarks.",
    )
    actor_rows = Actor.objects.bulk_create(Actor(name=f"Bench actor {tag}-{n}") for n in range(actors))
    ActorRole.objects.bulk_create(
        ActorRole(use_case=use_case, actor=actor, position=n) for n, actor in enumerate(actor_rows)
    )
    category = RequirementCategory.objects.create(identifier=f"BC-{tag}", name=f"Bench category {tag}")
    requirements = Requirement.objects.bulk_create(
        Requirement(identifier=f"R-{tag}-{n}", name=f"Requirement {n}", category=category) for n in range(10)
    )
    objects = InformationObject.objects.bulk_create(
        InformationObject(identifier=f"IO-{tag}-{n}", name=f"Information {n}") for n in range(10)
    )
    scenario_rows = Scenario.objects.bulk_create(
        Scenario(use_case=use_case, number=str(n + 1), name=f"Scenario {n + 1}", position=n) for n in range(scenarios)
    )
    per_scenario = -(-steps // scenarios)
    created = 0
    for scenario in scenario_rows:
        count = min(per_scenario, steps - created)
        tops: list[Step] = []
        children: list[tuple[int, Step]] = []
        for n in range(count):
            step = Step(scenario=scenario, name=f"Step {n + 1}", description="Sends data.", service="GET", position=n)
            if n % 5 and tops:
                step.number = f"{len(tops)}.{n % 5}"
                children.append((len(tops) - 1, step))
            else:
                step.number = str(len(tops) + 1)
                tops.append(step)
        Step.objects.bulk_create(tops)
        for parent_index, step in children:
            step.parent = tops[parent_index]
        Step.objects.bulk_create(step for _, step in children)
        all_steps = tops + [step for _, step in children]
        created += count
        for field, pool in (
            ("producers", actor_rows),
            ("receivers", actor_rows[1:] or actor_rows),
            ("information_objects", objects),
            ("requirements", requirements),
        ):
            through = getattr(Step, field).through
            target = getattr(Step, field).field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(step_id=step.pk, **{f"{target}_id": pool[n % len(pool)].pk}) for n, step in enumerate(all_steps)
            )
    return use_case


STEP_VERBS = ("Publish", "Request", "Forecast", "Measure", "Acknowledge", "Dispatch", "Settle", "Curtail")
STEP_OBJECTS = ("congestion signal", "flexibility offer", "meter reading", "set point", "schedule", "tariff")
PROTOCOLS = ("OCPP", "IEC 61850", "OpenADR", "DLMS/COSEM", "CIM")


def make_repository(
    *, use_cases: int, workspaces: int = 10, scenarios: int = 2, steps: int = 8, actors: int = 300, batch: int = 2000
) -> list[int]:
    """`use_cases` small use cases (`scenarios` scenarios of `steps` steps each, producers and receivers from a shared
    library of `actors`, three actor roles, varied names and texts that a search can find) spread over
    `workspaces` workspaces, inserted in bulk `batch` use cases at a time, each batch its own transaction. Returns
    the new use cases' ids in insertion order."""
    spaces = [
        Workspace.objects.get_or_create(slug=f"scale-{n}", defaults={"name": f"Scale workspace {n}"})[0]
        for n in range(workspaces)
    ]
    library = Actor.objects.bulk_create(
        Actor(name=f"Scale actor {n}", type=Actor.Type.SYSTEM, description=f"Library actor {n}.") for n in range(actors)
    )
    natures = ["BUC", "SUC", "HLUC", "PUC"]
    statuses = [UseCase.Status.DRAFT, UseCase.Status.DRAFT, UseCase.Status.PUBLISHED, UseCase.Status.APPROVED]
    ids: list[int] = []
    for start in range(0, use_cases, batch):
        with transaction.atomic():
            rows = UseCase.objects.bulk_create(
                UseCase(
                    workspace=spaces[n % workspaces],
                    identifier=f"SCALE-{n:05d}",
                    name=f"{STEP_VERBS[n % 8]} {STEP_OBJECTS[n % 6]} for area {n}",
                    short_description=f"Synthetic use case {n} exchanging data over {PROTOCOLS[n % 5]}.",
                    scope="Synthetic repository for the scale benchmark.",
                    nature=natures[n % len(natures)],
                    status=statuses[n % len(statuses)],
                    keywords=f"scale, {PROTOCOLS[n % 5]}",
                )
                for n in range(start, min(start + batch, use_cases))
            )
            ids += [row.pk for row in rows]
            ActorRole.objects.bulk_create(
                ActorRole(use_case=row, actor=library[(row.pk * 7 + k) % actors], position=k)
                for row in rows
                for k in range(3)
            )
            scenario_rows = Scenario.objects.bulk_create(
                Scenario(use_case=row, number=str(k + 1), name=f"Scenario {k + 1}", position=k)
                for row in rows
                for k in range(scenarios)
            )
            step_rows = Step.objects.bulk_create(
                Step(
                    scenario=scenario,
                    number=str(k + 1),
                    position=k,
                    name=f"{STEP_VERBS[(scenario.pk + k) % 8]} {STEP_OBJECTS[(scenario.pk * 3 + k) % 6]}",
                    description=f"The message goes over {PROTOCOLS[(scenario.pk + k) % 5]}.",
                    service="REPORT",
                )
                for scenario in scenario_rows
                for k in range(steps)
            )
            for field, shift in (("producers", 0), ("receivers", 1)):
                through = getattr(Step, field).through
                target = getattr(Step, field).field.m2m_reverse_field_name()
                through.objects.bulk_create(
                    through(step_id=step.pk, **{f"{target}_id": library[(step.pk + shift) % actors].pk})
                    for step in step_rows
                )
    return ids
