"""A use case read once into plain lists (`usecase_facts`): what the graphs, the diagrams and the validation rules
read, many times over, without going through Django's related managers again; and the loaders that make those
plain lists (`plain_rows`, `step_link_rows`)."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Model, Prefetch, Q, QuerySet

from actors.models import Actor
from requirements.models import Requirement
from usecases.models import ActorRole, InformationObject, Scenario, Step, UseCase
from usecases.selectors import StepNode, step_rows, step_tree

# How `usecase_facts` and `effective_placements` read a relation of an object: (object, relation name) -> its rows.
Related = Callable[[Model, str], Iterable]


def prefetched(obj: Model, name: str) -> Iterable:
    """A relation as loaded beforehand, without a query: a plain list `exported_<name>` where the loader made one
    (`plain_rows`; reading it costs nothing, where `.all()` on a prefetched relation builds a manager and a
    queryset every time), else the prefetched relation (`with_document()`)."""
    rows = getattr(obj, f"exported_{name}", None)
    return rows if rows is not None else getattr(obj, name).all()


def plain_rows(name: str, queryset: QuerySet | None = None) -> Prefetch:
    """A prefetch into a plain list `exported_<name>`, which `prefetched` reads first."""
    return Prefetch(name, queryset=queryset, to_attr=f"exported_{name}")


# The references of steps, and the library models they point at.
STEP_LINKS = {
    "producers": Actor,
    "receivers": Actor,
    "primary_actors": Actor,
    "information_objects": InformationObject,
    "requirements": Requirement,
}


def step_link_rows(use_cases: list[UseCase], queryset: QuerySet[Step], *, links: Iterable[str] | None = None) -> None:
    """The references of the steps of `use_cases` (the rows of `queryset`; scenarios and steps loaded beforehand,
    see `prefetched`) as plain lists `exported_<relation>` that share one
    instance per library object. A prefetch would make one instance per reference (thousands for a 300-step use
    case) and a related manager per step and relation, most of the time of an export or a validation (measured);
    here it is the link tables' ids, then each library object once: eight queries at most, whatever the number of
    steps. `links`: the relations that may have rows (the caller knows the others have none), else all of them."""
    read = set(STEP_LINKS) if links is None else set(links)
    targets: dict[str, dict[int, list[int]]] = {name: {} for name in STEP_LINKS}
    wanted: dict[type, Q] = {}
    for name, model in STEP_LINKS.items():
        if name not in read:
            continue
        field = Step._meta.get_field(name)
        step_id, target_id = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        through = field.remote_field.through.objects.filter(**{f"{step_id}__in": queryset.values("pk")})
        targets[name] = defaultdict(list)
        for step, target in through.values_list(step_id, target_id):
            targets[name][step].append(target)
        if targets[name]:
            wanted[model] = wanted.get(model, Q()) | Q(pk__in=through.values(target_id))
    loaded = {model: {item.pk: item for item in model.objects.filter(condition)} for model, condition in wanted.items()}
    for use_case in use_cases:
        for scenario in prefetched(use_case, "scenarios"):
            for step in prefetched(scenario, "steps"):
                for name, model in STEP_LINKS.items():
                    setattr(step, f"exported_{name}", [loaded[model][pk] for pk in targets[name].get(step.pk, ())])


@dataclass(frozen=True)
class StepFacts:
    """A step in reading order (`node`: its full number and depth) with its related rows as plain lists."""

    node: StepNode
    producers: list[Actor]
    receivers: list[Actor]
    primary_actors: list[Actor]
    information_objects: list[InformationObject]
    requirements: list[Requirement]

    @property
    def step(self) -> Step:
        return self.node.step

    @property
    def number(self) -> str:
        return self.node.number


@dataclass(frozen=True)
class ScenarioFacts:
    scenario: Scenario
    primary_actors: list[Actor]
    requirements: list[Requirement]
    steps: list[StepFacts]


@dataclass
class UseCaseFacts:
    """A use case loaded with `with_document()`, read once into plain lists: what the graphs, the diagrams and the
    rules read, many times over, without going through Django's related managers again."""

    use_case: UseCase
    roles: list[ActorRole]
    primary_actors: list[Actor]
    scenarios: list[ScenarioFacts]
    actors: list[Actor] = field(default_factory=list)
    information_objects: list[InformationObject] = field(default_factory=list)

    def steps(self) -> Iterator[tuple[ScenarioFacts, StepFacts]]:
        for scenario in self.scenarios:
            for step in scenario.steps:
                yield scenario, step


def _step_facts(node: StepNode, related: Related) -> StepFacts:
    step = node.step
    return StepFacts(
        node=node,
        producers=list(related(step, "producers")),
        receivers=list(related(step, "receivers")),
        primary_actors=list(related(step, "primary_actors")),
        information_objects=list(related(step, "information_objects")),
        requirements=list(related(step, "requirements")),
    )


def usecase_facts(*, use_case: UseCase, related: Related = prefetched) -> UseCaseFacts:
    """Read a use case loaded with `with_document()` (no query); `related` reads the relations of a use case loaded
    otherwise (the XML export's lists). `actors`: every actor it names, 3.1 first (in order), then those only
    scenarios and steps name; `information_objects`: those its steps exchange."""
    facts = UseCaseFacts(
        use_case=use_case,
        roles=list(related(use_case, "actor_roles")),
        primary_actors=list(related(use_case, "primary_actors")),
        scenarios=[
            ScenarioFacts(
                scenario=scenario,
                primary_actors=list(related(scenario, "primary_actors")),
                requirements=list(related(scenario, "requirements")),
                steps=[_step_facts(node, related) for node in step_rows(step_tree(related(scenario, "steps")))],
            )
            for scenario in related(use_case, "scenarios")
        ],
    )
    actors: dict[int, Actor] = {}
    for actor in (
        *(role.actor for role in facts.roles),
        *facts.primary_actors,
        *(actor for scenario in facts.scenarios for actor in scenario.primary_actors),
        *(actor for _, step in facts.steps() for actor in (*step.producers, *step.receivers, *step.primary_actors)),
    ):
        actors.setdefault(actor.pk, actor)
    information: dict[int, InformationObject] = {}
    for _, step in facts.steps():
        for information_object in step.information_objects:
            information.setdefault(information_object.pk, information_object)
    facts.actors, facts.information_objects = list(actors.values()), list(information.values())
    return facts
