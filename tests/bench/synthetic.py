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
