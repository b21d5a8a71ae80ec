"""What variant C has no element for travels in `CustomInformation` entries whose key starts with `ucmr:`.

Variant C (the project's export format) has no SGAM or NIST placement, no status, no workspace, no nesting of
requirement categories, no data class of an information object, and no place for what another dialect says that
our model keeps as `extra`. Rather than break the schema, an export adds `CustomInformation` entries (key, value,
reference) with the keys below; other tools show them as ordinary custom information, and our variant C reader
turns them back into fields, so document -> XML -> document is the identity.

Keys about the use case itself sit in that use case; the reference is blank unless said:

- `ucmr:workspace`: name of the workspace the use case belongs to.
- `ucmr:status`: draft, in_review, approved or published.
- `ucmr:area`: the 1.1 "Area / Domain(s) / Zone(s)" text.
- `ucmr:view_point`: the view point.
- `ucmr:sgam`: one SGAM placement, `layer=<code>;domain=<code>;zone=<code>` with open parts left out (codes of
  `sgam.reference`).
- `ucmr:nist`: one NIST domain code.
- `ucmr:relation.type`: include, extend, invoke, associate, refine or blank; one entry per RelatedUseCase, in
  the same order; reference: mRID of the related use case.
- `ucmr:relation.description`: likewise, the relation's description.
- `ucmr:condition.number`: number of a triggering event (variant C's TriggeringEvent has no number); reference:
  mRID of the event.
- `ucmr:drawing.generated`: `true`; reference: mRID of a Drawing (of the use case or of a scenario) that is a
  diagram the repository generated, not one the author made. Our reader leaves such drawings out, so that
  importing our own export gives back exactly the author's drawings.
- `ucmr:extra.<kind>.<name>`: a field another dialect has and we keep in `extra`; reference: mRID of the object
  (blank or the use case's mRID for the use case itself).

Keys about the shared libraries sit in the first full use case of the file (the carrier); a file without use
cases gets a stub use case holding only them and `ucmr:carrier` = `true`, which our reader drops. The reference
is the mRID of the library object:

- `ucmr:actor.type`: our actor type code, when the `type` element's text does not say it.
- `ucmr:actor.sgam`, `ucmr:actor.nist`: as `ucmr:sgam`, `ucmr:nist`, for an actor.
- `ucmr:information_object.data_class`: operational, non_operational, meter_usage, event_message or metadata.
- `ucmr:information_object.standards`: the standards that define the business object.
- `ucmr:information_object.sgam`, `ucmr:information_object.nist`: as `ucmr:sgam`, `ucmr:nist`.
- `ucmr:requirement_category.parent`: mRID of the parent category (variant C categories do not nest).
- `ucmr:extra.<kind>.<name>`: as above, for an actor, area, business_case, information_object, common_term,
  requirement_category, requirement, or the repository itself.

`<kind>` is the `KIND` of the document class (`kpi`, `version`, `step`, ...). An object whose facts need a key
must have an mRID; the writer refuses a document where one does not.
"""

from collections import defaultdict

from usecases.xml.document import (
    CustomInformation,
    GeneratedDrawing,
    Node,
    Repository,
    RequirementCategory,
    SgamPlacement,
    UseCase,
    iter_nodes,
    iter_steps,
)
from usecases.xml.vocabulary import actor_type_spelling, normalise_actor_type, normalise_mrid

PREFIX = "ucmr:"
WORKSPACE = "ucmr:workspace"
STATUS = "ucmr:status"
AREA = "ucmr:area"
VIEW_POINT = "ucmr:view_point"
SGAM = "ucmr:sgam"
NIST = "ucmr:nist"
RELATION_TYPE = "ucmr:relation.type"
RELATION_DESCRIPTION = "ucmr:relation.description"
CONDITION_NUMBER = "ucmr:condition.number"
DRAWING_GENERATED = "ucmr:drawing.generated"
ACTOR_TYPE = "ucmr:actor.type"
ACTOR_SGAM = "ucmr:actor.sgam"
ACTOR_NIST = "ucmr:actor.nist"
INFORMATION_OBJECT_DATA_CLASS = "ucmr:information_object.data_class"
INFORMATION_OBJECT_STANDARDS = "ucmr:information_object.standards"
INFORMATION_OBJECT_SGAM = "ucmr:information_object.sgam"
INFORMATION_OBJECT_NIST = "ucmr:information_object.nist"
CATEGORY_PARENT = "ucmr:requirement_category.parent"
EXTRA = "ucmr:extra."
CARRIER = "ucmr:carrier"

USE_CASE_SCALARS = {WORKSPACE: "workspace", STATUS: "status", AREA: "area", VIEW_POINT: "view_point"}
LIBRARY_KINDS = (
    "repository",
    "actor",
    "area",
    "business_case",
    "information_object",
    "common_term",
    "requirement_category",
    "requirement",
)
LIBRARY_KEYS = (
    ACTOR_TYPE,
    ACTOR_SGAM,
    ACTOR_NIST,
    INFORMATION_OBJECT_DATA_CLASS,
    INFORMATION_OBJECT_STANDARDS,
    INFORMATION_OBJECT_SGAM,
    INFORMATION_OBJECT_NIST,
    CATEGORY_PARENT,
)


def _entry(key: str, value: str, reference: str = "") -> CustomInformation:
    return CustomInformation(key=key, value=value, reference=reference)


def _needs_mrid(node: Node, what: str) -> str:
    if not node.mrid:
        raise ValueError(
            f"Cannot export {what} of a {node.KIND} without an mRID: variant C can only refer to it by mRID."
        )
    return node.mrid


def _extra_entries(node: Node, *, reference: str | None = None) -> list[CustomInformation]:
    if not node.extra:
        return []
    target = _needs_mrid(node, "the extra fields") if reference is None else reference
    return [_entry(f"{EXTRA}{node.KIND}.{name}", value, target) for name, value in node.extra.items()]


def use_case_entries(*, use_case: UseCase) -> list[CustomInformation]:
    """The `ucmr:` entries that carry what variant C has no element for in this use case."""
    entries = [
        _entry(key, getattr(use_case, attribute))
        for key, attribute in USE_CASE_SCALARS.items()
        if getattr(use_case, attribute)
    ]
    entries += [_entry(SGAM, placement.as_text()) for placement in use_case.sgam]
    entries += [_entry(NIST, code) for code in use_case.nist]
    if any(relation.type for relation in use_case.relations):
        entries += [_entry(RELATION_TYPE, relation.type, relation.use_case_ref) for relation in use_case.relations]
    if any(relation.description for relation in use_case.relations):
        entries += [
            _entry(RELATION_DESCRIPTION, relation.description, relation.use_case_ref) for relation in use_case.relations
        ]
    for scenario in use_case.scenarios:
        entries += [
            _entry(CONDITION_NUMBER, condition.number, _needs_mrid(condition, "the number"))
            for condition in scenario.conditions
            if condition.kind == "triggering_event" and condition.number
        ]
    entries += [
        _entry(DRAWING_GENERATED, "true", _needs_mrid(node, "the generated mark"))
        for node in iter_nodes(use_case)
        if isinstance(node, GeneratedDrawing)
    ]
    entries += _extra_entries(use_case, reference=use_case.mrid)
    for node in iter_nodes(use_case):
        if node is not use_case:
            entries += _extra_entries(node)
    return entries


def library_entries(*, repository: Repository) -> list[CustomInformation]:
    """The `ucmr:` entries for the shared libraries, to be carried by one use case of the file."""
    entries = _extra_entries(repository, reference=repository.mrid)
    for actor in repository.actors:
        written = actor.type_text or actor_type_spelling(actor.type)
        if normalise_actor_type(written)[0] != actor.type:
            entries.append(_entry(ACTOR_TYPE, actor.type, _needs_mrid(actor, "the type")))
        entries += [_entry(ACTOR_SGAM, placement.as_text(), _needs_mrid(actor, "SGAM")) for placement in actor.sgam]
        entries += [_entry(ACTOR_NIST, code, _needs_mrid(actor, "NIST domains")) for code in actor.nist]
    for information_object in repository.information_objects:
        if information_object.data_class:
            mrid = _needs_mrid(information_object, "the data class")
            entries.append(_entry(INFORMATION_OBJECT_DATA_CLASS, information_object.data_class, mrid))
        if information_object.standards:
            mrid = _needs_mrid(information_object, "the standards")
            entries.append(_entry(INFORMATION_OBJECT_STANDARDS, information_object.standards, mrid))
        entries += [
            _entry(INFORMATION_OBJECT_SGAM, placement.as_text(), _needs_mrid(information_object, "SGAM"))
            for placement in information_object.sgam
        ]
        entries += [
            _entry(INFORMATION_OBJECT_NIST, code, _needs_mrid(information_object, "NIST domains"))
            for code in information_object.nist
        ]
    for category in repository.all_categories():
        for child in category.children:
            entries.append(
                _entry(CATEGORY_PARENT, _needs_mrid(category, "sub-categories"), _needs_mrid(child, "the parent"))
            )
    for node in _library_nodes(repository):
        entries += _extra_entries(node)
    return entries


def carrier_entry() -> CustomInformation:
    return _entry(CARRIER, "true")


def _library_nodes(repository: Repository) -> list[Node]:
    roots = [
        *repository.actors,
        *repository.areas,
        *repository.business_cases,
        *repository.information_objects,
        *repository.common_terms,
        *repository.requirement_categories,
    ]
    return [node for root in roots for node in iter_nodes(root)]


def _is_library_key(key: str) -> bool:
    if key.startswith(EXTRA):
        return key[len(EXTRA) :].split(".", 1)[0] in LIBRARY_KINDS
    return key in LIBRARY_KEYS


def apply_entries(*, repository: Repository) -> None:
    """Turn the `ucmr:` entries of every use case back into fields, and drop the carrier use case if any.

    Entries with a key we do not know stay ordinary custom information, with a warning."""
    library: list[CustomInformation] = []
    kept = []
    for use_case in repository.use_cases:
        ours = [entry for entry in use_case.custom_information if entry.key.startswith(PREFIX)]
        if not ours:
            kept.append(use_case)
            continue
        use_case.custom_information = [
            entry for entry in use_case.custom_information if not entry.key.startswith(PREFIX)
        ]
        library += [entry for entry in ours if _is_library_key(entry.key)]
        if any(entry.key == CARRIER for entry in ours):
            continue
        _apply_to_use_case(
            use_case=use_case,
            entries=[entry for entry in ours if not _is_library_key(entry.key)],
            warnings=repository.warnings,
        )
        kept.append(use_case)
    repository.use_cases = kept
    _apply_to_libraries(repository=repository, entries=library)


def _index(nodes: list[Node]) -> dict[tuple[str, str], list[Node]]:
    index: dict[tuple[str, str], list[Node]] = defaultdict(list)
    for node in nodes:
        index[(node.KIND, node.mrid)].append(node)
    return index


def _apply_extra(*, entry: CustomInformation, index: dict, warnings: list[str], owner: str) -> None:
    kind, _, name = entry.key[len(EXTRA) :].partition(".")
    targets = index.get((kind, normalise_mrid(entry.reference)), [])
    if not targets or not name:
        warnings.append(f"{owner}: custom information {entry.key} refers to no {kind} with mRID {entry.reference!r}.")
    for target in targets:
        target.extra[name] = entry.value


def _apply_to_use_case(*, use_case: UseCase, entries: list[CustomInformation], warnings: list[str]) -> None:
    owner = f"Use case {use_case.name!r}"
    index = _index(list(iter_nodes(use_case)))
    index[("use_case", "")] = [use_case]
    relation_entries: dict[str, list[CustomInformation]] = defaultdict(list)
    generated: set[str] = set()
    for entry in entries:
        if entry.key in USE_CASE_SCALARS:
            setattr(use_case, USE_CASE_SCALARS[entry.key], entry.value)
        elif entry.key == SGAM:
            use_case.sgam.append(SgamPlacement.from_text(entry.value))
        elif entry.key == NIST:
            use_case.nist.append(entry.value)
        elif entry.key in (RELATION_TYPE, RELATION_DESCRIPTION):
            relation_entries[entry.key].append(entry)
        elif entry.key == CONDITION_NUMBER:
            for condition in index.get(("condition", normalise_mrid(entry.reference)), []):
                condition.number = entry.value
        elif entry.key == DRAWING_GENERATED:
            generated.add(normalise_mrid(entry.reference))
        elif entry.key.startswith(EXTRA):
            _apply_extra(entry=entry, index=index, warnings=warnings, owner=owner)
        else:
            warnings.append(f"{owner}: unknown custom information key {entry.key}, kept as custom information.")
            use_case.custom_information.append(entry)
    if generated:
        _drop_generated_drawings(use_case=use_case, mrids=generated, warnings=warnings, owner=owner)
    for key, attribute in ((RELATION_TYPE, "type"), (RELATION_DESCRIPTION, "description")):
        found = relation_entries.get(key, [])
        if not found:
            continue
        if [normalise_mrid(entry.reference) for entry in found] != [r.use_case_ref for r in use_case.relations]:
            warnings.append(f"{owner}: the {key} entries do not match the related use cases; ignored.")
            continue
        for relation, entry in zip(use_case.relations, found, strict=True):
            setattr(relation, attribute, entry.value)


def _drop_generated_drawings(*, use_case: UseCase, mrids: set[str], warnings: list[str], owner: str) -> None:
    """Leave out the drawings marked `ucmr:drawing.generated`: diagrams a repository draws, not the author's."""
    steps = [step for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]
    holders = [use_case, *use_case.scenarios, *steps]
    found: set[str] = set()
    for holder in holders:  # a blank mark names no drawing: drawings without mRID are never left out
        found |= {drawing.mrid for drawing in holder.drawings if drawing.mrid and drawing.mrid in mrids}
        holder.drawings = [drawing for drawing in holder.drawings if not drawing.mrid or drawing.mrid not in mrids]
    for mrid in sorted(mrids - found):
        warnings.append(f"{owner}: custom information {DRAWING_GENERATED} refers to no drawing with mRID {mrid!r}.")


def _apply_to_libraries(*, repository: Repository, entries: list[CustomInformation]) -> None:
    index = _index(_library_nodes(repository))
    index[("repository", repository.mrid)] = [repository]
    index[("repository", "")] = [repository]
    parents: list[tuple[str, str]] = []
    for entry in entries:
        reference = normalise_mrid(entry.reference)
        if entry.key.startswith(EXTRA):
            _apply_extra(entry=entry, index=index, warnings=repository.warnings, owner="Library")
        elif entry.key == CATEGORY_PARENT:
            parents.append((reference, normalise_mrid(entry.value)))
        else:
            kind = entry.key.removeprefix(PREFIX).split(".", 1)[0]
            targets = index.get((kind, reference), [])
            if not targets:
                repository.warnings.append(
                    f"Custom information {entry.key} refers to no {kind} with mRID {reference!r}."
                )
            for target in targets:
                _apply_library_fact(target=target, key=entry.key, value=entry.value)
    _nest_categories(repository=repository, parents=parents)


def _apply_library_fact(*, target: Node, key: str, value: str) -> None:
    if key == ACTOR_TYPE:
        target.type = value
    elif key in (ACTOR_SGAM, INFORMATION_OBJECT_SGAM):
        target.sgam.append(SgamPlacement.from_text(value))
    elif key in (ACTOR_NIST, INFORMATION_OBJECT_NIST):
        target.nist.append(value)
    elif key == INFORMATION_OBJECT_DATA_CLASS:
        target.data_class = value
    elif key == INFORMATION_OBJECT_STANDARDS:
        target.standards = value


def _nest_categories(*, repository: Repository, parents: list[tuple[str, str]]) -> None:
    """Variant C lists categories flat (parents first, as the writer puts them); put each under its parent."""
    by_mrid: dict[str, RequirementCategory] = {c.mrid: c for c in repository.requirement_categories if c.mrid}
    for child_mrid, parent_mrid in parents:
        child, parent = by_mrid.get(child_mrid), by_mrid.get(parent_mrid)
        top = [index for index, category in enumerate(repository.requirement_categories) if category is child]
        if child is None or parent is None or not top:
            repository.warnings.append(
                f"Requirement category {child_mrid}: parent {parent_mrid} not found; kept on top."
            )
            continue
        if any(node is parent for node in iter_nodes(child)):
            repository.warnings.append(f"Requirement category {child_mrid}: nesting under {parent_mrid} makes a loop.")
            continue
        del repository.requirement_categories[top[0]]
        parent.children.append(child)
