"""Impact analysis for the actor and information object pages: what depends on this object, directly (the use
cases using it) and through related use cases, computed on the repository network (`graphs`) of the use
cases the user may see. The network is loaded only as far as the question needs: the object's links and the
relations between visible use cases, in a fixed number of queries."""

from dataclasses import dataclass, field

from actors.models import Actor
from requirements.models import Requirement
from ucmr.permissions import visible_to
from usecases.analysis.graphs import actor_node
from usecases.analysis.network import impact_analysis, information_node, repository_network
from usecases.models import ActorRole, InformationObject, Scenario, Step, UseCase, UseCaseRelation

SHOWN = 200


@dataclass(frozen=True)
class DirectUse:
    use_case: UseCase
    how: list[str]


@dataclass(frozen=True)
class IndirectUse:
    use_case: UseCase
    via: UseCase
    relation: str
    distance: int


@dataclass(frozen=True)
class Partner:
    """An information object the actor exchanges, or an actor exchanging the information object."""

    obj: object
    how: list[str]


@dataclass
class ImpactReport:
    direct: list[DirectUse] = field(default_factory=list)
    indirect: list[IndirectUse] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    total: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.direct) + len(self.indirect)


HOW_LABELS = {
    "listed": "listed in 3.1",
    "produces": "produces information",
    "receives": "receives information",
    "primary": "primary actor",
    "exchanges": "exchanged in steps",
    "exchanged": "exchanged in steps",
    "include": "includes",
    "extend": "extends",
    "invoke": "invokes",
    "associate": "is associated with",
    "refine": "refines",
}


def _relations(visible) -> list[tuple[int, int, str]]:
    return list(
        UseCaseRelation.objects.filter(use_case__in=visible, related__in=visible).values_list(
            "use_case_id", "related_id", "type"
        )
    )


def _report(graph, node: str, partner_model) -> ImpactReport:
    impact = impact_analysis(graph, node)
    wanted = set(impact.direct) | set(impact.indirect) | {step.via for step in impact.indirect.values()}
    use_cases = UseCase.objects.select_related("workspace").in_bulk(list(wanted))
    partners = partner_model.objects.in_bulk(list(impact.actors or impact.information_objects))
    order = sorted(impact.direct, key=lambda pk: str(use_cases[pk]))
    report = ImpactReport(total=len(impact.direct) + len(impact.indirect))
    report.direct = [
        DirectUse(use_cases[pk], sorted({HOW_LABELS.get(how, how) for how in impact.direct[pk]})) for pk in order
    ][:SHOWN]
    indirect = sorted(impact.indirect.items(), key=lambda item: (item[1].distance, str(use_cases[item[0]])))
    report.indirect = [
        IndirectUse(use_cases[pk], use_cases[step.via], HOW_LABELS.get(step.type, step.type), step.distance)
        for pk, step in indirect
    ][: max(0, SHOWN - len(report.direct))]
    hows = impact.actors or impact.information_objects
    report.partners = sorted(
        (Partner(partners[pk], sorted(hows[pk])) for pk in hows if pk in partners), key=lambda partner: str(partner.obj)
    )[:SHOWN]
    return report


def actor_impact_get(*, user, actor: Actor) -> ImpactReport:
    """The visible use cases that use the actor (listed, producing, receiving, primary), those that depend on them
    through relations, and the information objects the actor produces or receives."""
    visible = visible_to(user, UseCase.objects.order_by())
    step_in_visible = {"step__scenario__use_case__in": visible}
    uses = {
        "listed": ActorRole.objects.filter(actor=actor, use_case__in=visible),
        "produces": Step.producers.through.objects.filter(actor=actor, **step_in_visible),
        "receives": Step.receivers.through.objects.filter(actor=actor, **step_in_visible),
        "primary": Step.primary_actors.through.objects.filter(actor=actor, **step_in_visible),
        "primary in a scenario": Scenario.primary_actors.through.objects.filter(
            actor=actor, scenario__use_case__in=visible
        ),
        "primary of the use case": UseCase.primary_actors.through.objects.filter(actor=actor, usecase__in=visible),
    }
    paths = {
        "listed": "use_case_id",
        "primary in a scenario": "scenario__use_case_id",
        "primary of the use case": "usecase_id",
    }
    actor_links = [
        (use_case, actor.pk, "primary" if how.startswith("primary") else how)
        for how, rows in uses.items()
        for use_case in rows.values_list(paths.get(how, "step__scenario__use_case_id"), flat=True).distinct()
    ]
    exchanged = Step.information_objects.through.objects.filter(**step_in_visible)
    information_links = [
        (use_case, item, actor.pk, how)
        for how, side in (("produces", "step__producers"), ("receives", "step__receivers"))
        for use_case, item in exchanged.filter(**{side: actor})
        .values_list("step__scenario__use_case_id", "informationobject_id")
        .distinct()
    ]
    graph = repository_network(
        use_cases=[], actor_links=actor_links, information_links=information_links, relations=_relations(visible)
    )
    return _report(graph, actor_node(actor.pk), InformationObject)


def information_object_impact_get(*, user, information_object: InformationObject) -> ImpactReport:
    """The visible use cases whose steps exchange the information object, those that depend on them through
    relations, and the actors producing or receiving it."""
    visible = visible_to(user, UseCase.objects.order_by())
    use_case_of_step = dict(
        Step.information_objects.through.objects.filter(
            informationobject=information_object, step__scenario__use_case__in=visible
        ).values_list("step_id", "step__scenario__use_case_id")
    )
    information_links = [
        (use_case, information_object.pk, None, "exchanged") for use_case in sorted(set(use_case_of_step.values()))
    ]
    for through, how in ((Step.producers.through, "produces"), (Step.receivers.through, "receives")):
        rows = through.objects.filter(step_id__in=list(use_case_of_step)).values_list("step_id", "actor_id")
        information_links += [(use_case_of_step[step], information_object.pk, actor, how) for step, actor in rows]
    graph = repository_network(
        use_cases=[], actor_links=[], information_links=information_links, relations=_relations(visible)
    )
    return _report(graph, information_node(information_object.pk), Actor)


def usecase_ids_using(*, obj) -> list[int]:
    """The primary keys of every use case (visible or not) that uses an actor, information object or requirement
    directly: in 3.1, a scenario or a step."""
    if isinstance(obj, Actor):
        queries = [
            ActorRole.objects.filter(actor=obj).values_list("use_case_id", flat=True),
            UseCase.primary_actors.through.objects.filter(actor=obj).values_list("usecase_id", flat=True),
            Scenario.primary_actors.through.objects.filter(actor=obj).values_list("scenario__use_case_id", flat=True),
            *(
                through.objects.filter(actor=obj).values_list("step__scenario__use_case_id", flat=True)
                for through in (Step.producers.through, Step.receivers.through, Step.primary_actors.through)
            ),
        ]
    elif isinstance(obj, InformationObject):
        queries = [
            Step.information_objects.through.objects.filter(informationobject=obj).values_list(
                "step__scenario__use_case_id", flat=True
            )
        ]
    elif isinstance(obj, Requirement):
        queries = [
            Step.requirements.through.objects.filter(requirement=obj).values_list(
                "step__scenario__use_case_id", flat=True
            ),
            Scenario.requirements.through.objects.filter(requirement=obj).values_list(
                "scenario__use_case_id", flat=True
            ),
            Step.information_objects.through.objects.filter(informationobject__requirements=obj).values_list(
                "step__scenario__use_case_id", flat=True
            ),
        ]
    else:
        raise TypeError(f"Not a library object: {obj!r}")
    return sorted({pk for query in queries for pk in query})
