"""Reads of the SGAM and NIST reference tables, and the effective placement of what a use case shows (from the use
case read once into plain lists: `usecases.analysis.facts.usecase_facts`).

Effective placements are computed, never copied into rows:
- an actor of a use case sits where the use case places it (placements of its `ActorRole`), else where the actor
  is placed by default (the actor's own placements);
- a placement that leaves the layer open gets a default layer: business actors (persons, organisations, roles)
  the Business layer, technical ones (systems, devices, applications) the Component layer, information objects
  the Information layer, the use case itself the Function layer;
- an information object without a placement of its own sits on the Information layer in the cells of the actors
  that produce it in the use case.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from actors.models import Actor
from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from ucmr.permissions import visible_to
from usecases.analysis.facts import Related, UseCaseFacts, plain_rows, prefetched
from usecases.models import ActorRole, InformationObject, UseCase

BUSINESS_LAYER, FUNCTION_LAYER, INFORMATION_LAYER, COMPONENT_LAYER = "business", "function", "information", "component"
ACTOR_TYPE_LAYERS = {
    Actor.Type.SYSTEM: COMPONENT_LAYER,
    Actor.Type.DEVICE: COMPONENT_LAYER,
    Actor.Type.APPLICATION: COMPONENT_LAYER,
}


def domain_list() -> QuerySet[Domain]:
    return Domain.objects.order_by("order")


def zone_list() -> QuerySet[Zone]:
    return Zone.objects.order_by("order")


def nist_domain_list() -> QuerySet[NistDomain]:
    return NistDomain.objects.order_by("order")


@dataclass(frozen=True)
class SgamReference:
    """The reference tables, loaded once per request or job (four small queries)."""

    layers: list[Layer]
    domains: list[Domain]
    zones: list[Zone]
    nist_domains: list[NistDomain]

    def layer(self, code: str) -> Layer:
        return next(layer for layer in self.layers if layer.code == code)


def sgam_reference_get() -> SgamReference:
    return SgamReference(
        layers=list(Layer.objects.order_by("order")),
        domains=list(domain_list()),
        zones=list(zone_list()),
        nist_domains=list(nist_domain_list()),
    )


class Source:
    """Where an effective placement comes from."""

    OWN = "own"  # the object's own placement (the use case, an information object)
    USE_CASE = "use case"  # the actor as placed in this use case
    DEFAULT = "default"  # the actor's default placement, inherited by the use case
    DERIVED = "derived"  # an information object in the cells of the actors producing it


@dataclass(frozen=True)
class Cell:
    """An effective SGAM placement: a layer (never open), a domain and a zone (either may be open)."""

    layer: Layer
    domain: Domain | None
    zone: Zone | None
    source: str
    layer_defaulted: bool = False

    @property
    def key(self) -> tuple[int, int | None, int | None]:
        return (self.layer.pk, self.domain.pk if self.domain else None, self.zone.pk if self.zone else None)

    def __str__(self) -> str:
        parts = [
            self.layer.name,
            self.domain.name if self.domain else "any domain",
            self.zone.name if self.zone else "",
        ]
        return " / ".join(part for part in parts if part)


@dataclass
class UseCasePlacements:
    """Effective placements of a use case, of every actor it names (3.1 and the steps) and of every information
    object its steps exchange, keyed by primary key."""

    reference: SgamReference
    use_case: list[Cell]
    use_case_nist: list[NistDomain]
    actors: dict[int, list[Cell]] = field(default_factory=dict)
    actor_nist: dict[int, list[NistDomain]] = field(default_factory=dict)
    actor_sources: dict[int, str] = field(default_factory=dict)
    information_objects: dict[int, list[Cell]] = field(default_factory=dict)


def _unique(cells: Iterable[Cell]) -> list[Cell]:
    seen: dict[tuple, Cell] = {}
    for cell in cells:
        seen.setdefault(cell.key, cell)
    return list(seen.values())


def _cells(placements, *, reference: SgamReference, default_layer: str, source: str) -> list[Cell]:
    """Cells of prefetched `SgamPlacement` rows, resolving reference ids in memory (no query)."""
    layers = {layer.pk: layer for layer in reference.layers}
    domains = {domain.pk: domain for domain in reference.domains}
    zones = {zone.pk: zone for zone in reference.zones}
    cells = []
    for placement in placements:
        layer = layers.get(placement.layer_id)
        cells.append(
            Cell(
                layer=layer or reference.layer(default_layer),
                domain=domains.get(placement.domain_id),
                zone=zones.get(placement.zone_id),
                source=source,
                layer_defaulted=layer is None,
            )
        )
    return _unique(cells)


def _nist(placements, *, reference: SgamReference) -> list[NistDomain]:
    by_pk = {domain.pk: domain for domain in reference.nist_domains}
    found = {placement.nist_domain_id: by_pk[placement.nist_domain_id] for placement in placements}
    return sorted(found.values(), key=lambda domain: domain.order)


def placement_rows() -> tuple[Prefetch, Prefetch]:
    """SGAM and NIST placements as plain lists, their cells joined (not prefetched: Django 5.2 prefetches a foreign
    key with one OR term per row, which SQLite refuses beyond 1,000 rows)."""
    return (
        plain_rows("sgam_placements", SgamPlacement.objects.select_related("layer", "domain", "zone")),
        plain_rows("nist_placements", NistPlacement.objects.select_related("nist_domain")),
    )


def actor_default_layer(actor: Actor) -> str:
    return ACTOR_TYPE_LAYERS.get(actor.type, BUSINESS_LAYER)


def effective_placements(
    *, facts: UseCaseFacts, reference: SgamReference, related: Related = prefetched
) -> UseCasePlacements:
    """Compute the effective placements from prefetched rows (see `usecase_placements_many`; `related` as for
    `usecase_facts`); runs no query."""
    use_case = facts.use_case
    result = UseCasePlacements(
        reference=reference,
        use_case=_cells(
            related(use_case, "sgam_placements"), reference=reference, default_layer=FUNCTION_LAYER, source=Source.OWN
        ),
        use_case_nist=_nist(related(use_case, "nist_placements"), reference=reference),
    )
    roles = {role.actor_id: role for role in facts.roles}
    for actor in facts.actors:
        role = roles.get(actor.pk)
        layer = actor_default_layer(actor)
        role_cells = list(related(role, "sgam_placements")) if role is not None else []
        source = Source.USE_CASE if role_cells else Source.DEFAULT
        placed = role_cells or related(actor, "sgam_placements")
        result.actors[actor.pk] = _cells(placed, reference=reference, default_layer=layer, source=source)
        result.actor_sources[actor.pk] = source
        role_nist = list(related(role, "nist_placements")) if role is not None else []
        result.actor_nist[actor.pk] = _nist(role_nist or related(actor, "nist_placements"), reference=reference)

    information_layer = reference.layer(INFORMATION_LAYER)
    producers_of: dict[int, list[int]] = defaultdict(list)
    for _, step in facts.steps():
        for information_object in step.information_objects:
            producers_of[information_object.pk].extend(actor.pk for actor in step.producers)
    for information_object in facts.information_objects:
        own = _cells(
            related(information_object, "sgam_placements"),
            reference=reference,
            default_layer=INFORMATION_LAYER,
            source=Source.OWN,
        )
        if not own:
            own = _unique(
                Cell(layer=information_layer, domain=cell.domain, zone=cell.zone, source=Source.DERIVED)
                for actor_pk in producers_of[information_object.pk]
                for cell in result.actors.get(actor_pk, [])
            )
        result.information_objects[information_object.pk] = own
    return result


def usecase_placements_many(
    *, facts: Iterable[UseCaseFacts], reference: SgamReference | None = None
) -> dict[int, UseCasePlacements]:
    """Effective placements of use cases (read with `usecase_facts`), by use case pk, in a fixed number of queries
    however many and however large (placements of their actor roles, actors and information objects)."""
    facts = list(facts)
    reference = reference or sgam_reference_get()
    sgam_rows, nist_rows = placement_rows()
    prefetch_related_objects([role for item in facts for role in item.roles], sgam_rows, nist_rows)
    prefetch_related_objects([actor for item in facts for actor in item.actors], sgam_rows, nist_rows)
    prefetch_related_objects([thing for item in facts for thing in item.information_objects], sgam_rows)
    return {item.use_case.pk: effective_placements(facts=item, reference=reference) for item in facts}


def usecase_placements(*, facts: UseCaseFacts, reference: SgamReference | None = None) -> UseCasePlacements:
    """The effective placements of one use case (read with `usecase_facts`)."""
    return usecase_placements_many(facts=[facts], reference=reference)[facts.use_case.pk]


def layer_list() -> QuerySet[Layer]:
    return Layer.objects.order_by("order")


def _placements_visible_to(user, placements: QuerySet) -> QuerySet:
    """The placements whose subject the user may see: a use case's with the use case, an actor's or an information
    object's with the library, an actor's in one use case with that use case."""
    return placements.filter(
        Q(use_case__in=visible_to(user, UseCase.objects.order_by()))
        | Q(actor__in=visible_to(user, Actor.objects.order_by()))
        | Q(information_object__in=visible_to(user, InformationObject.objects.order_by()))
        | Q(actor_role__in=visible_to(user, ActorRole.objects.order_by()))
    )


def sgam_placement_list(*, user) -> QuerySet[SgamPlacement]:
    """Every SGAM placement the user may see, with its layer, domain and zone."""
    placements = SgamPlacement.objects.select_related("layer", "domain", "zone").order_by("pk")
    return _placements_visible_to(user, placements)


def nist_placement_list(*, user) -> QuerySet[NistPlacement]:
    """Every NIST placement the user may see, with its domain."""
    return _placements_visible_to(user, NistPlacement.objects.select_related("nist_domain").order_by("pk"))


@dataclass
class PlacementEditorGrid:
    """What the placement editor of a use case shows: the layers, the chosen layer's grid (zones by domains, each
    cell placed or not; Market at the top, as the SGAM plane diagrams draw it), the SGAM placements, and the NIST
    domains (each placed or not)."""

    layers: list[Layer]
    layer: Layer | None
    domains: list[Domain]
    rows: list[tuple[Zone, list[tuple[Domain, bool]]]]
    placements: list[SgamPlacement]
    nist_domains: list[tuple[NistDomain, bool]]


def usecase_placement_grid_get(*, use_case: UseCase, layer_code: str | None) -> PlacementEditorGrid:
    """The placement editor's content in a fixed number of queries, whatever the number of placements; an unknown
    `layer_code` shows the first layer."""
    layers = list(layer_list())
    layer = next((item for item in layers if item.code == layer_code), layers[0] if layers else None)
    domains = list(domain_list())
    placements = list(use_case.sgam_placements.select_related("layer", "domain", "zone"))
    placed = {(item.layer_id, item.domain_id, item.zone_id) for item in placements}
    layer_id = layer.pk if layer else None
    nist_placed = set(use_case.nist_placements.values_list("nist_domain_id", flat=True))
    return PlacementEditorGrid(
        layers=layers,
        layer=layer,
        domains=domains,
        rows=[
            (zone, [(domain, (layer_id, domain.pk, zone.pk) in placed) for domain in domains])
            for zone in reversed(list(zone_list()))
        ],
        placements=placements,
        nist_domains=[(domain, domain.pk in nist_placed) for domain in nist_domain_list()],
    )
