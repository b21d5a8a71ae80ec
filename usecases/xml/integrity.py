"""What the loader should know of a document before it writes (`usecases.xml.document`): references to objects the
file does not define, and mRIDs that several objects of one kind share. Readers add these to the document's
warnings (`detect.read_document`)."""

from usecases.xml.document import Author, CustomInformation, Repository, Step, iter_nodes, iter_steps


def integrity_warnings(*, repository: Repository) -> list[str]:
    """What the loader should know before it writes: references to objects the file does not define, and mRIDs
    that several objects of one kind share (a step's mRID is not among them: Modsarus repeats an activity's mRID on
    each occurrence of it in the sequence, and each occurrence is a step)."""
    defined = {
        "actor": {actor.mrid for actor in repository.actors},
        "information object": {item.mrid for item in repository.information_objects},
        "requirement": {requirement.mrid for requirement in repository.all_requirements()},
        "business case": {business_case.mrid for business_case in repository.business_cases},
        "area": {area.mrid for area in repository.areas},
        "common term": {term.mrid for term in repository.common_terms},
        "use case": {use_case.mrid for use_case in repository.use_cases},
    }
    warnings = []
    library_refs = {
        "area": [ref for business_case in repository.business_cases for ref in business_case.area_refs],
        "requirement": [ref for item in repository.information_objects for ref in item.requirement_refs],
    }
    warnings += _dangling(owner="The libraries", refs=library_refs, defined=defined)
    for use_case in repository.use_cases:
        steps = [step for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]
        refs = {
            "actor": [
                *use_case.primary_actor_refs,
                *(
                    ref
                    for g in use_case.actor_groupings
                    for info in g.further_actor_information
                    for ref in info.actor_refs
                ),
                *(ref for scenario in use_case.scenarios for ref in scenario.primary_actor_refs),
                *(ref for s in steps for ref in [*s.producer_refs, *s.receiver_refs, *s.primary_actor_refs]),
            ],
            "information object": [ref for step in steps for ref in step.information_object_refs],
            "requirement": [
                *(ref for scenario in use_case.scenarios for ref in scenario.requirement_refs),
                *(ref for step in steps for ref in step.requirement_refs),
            ],
            "business case": use_case.business_case_refs,
            "common term": use_case.common_term_refs,
            "use case": [relation.use_case_ref for relation in use_case.relations],
            "objective": [ref for kpi in use_case.kpis for ref in kpi.objective_refs],
        }
        local = {**defined, "objective": {objective.mrid for objective in use_case.objectives}}
        owner = f"Use case {use_case.name!r}"
        warnings += _dangling(owner=owner, refs=refs, defined=local)
        counts: dict[tuple[str, str], int] = {}
        for node in iter_nodes(use_case):
            if node.mrid and not isinstance(node, Author | CustomInformation | Step):
                counts[(node.KIND, node.mrid)] = counts.get((node.KIND, node.mrid), 0) + 1
        shared = sorted(f"{mrid} ({count} {kind}s)" for (kind, mrid), count in counts.items() if count > 1)
        if shared:
            warnings.append(f"{owner}: objects of one kind share an mRID: {', '.join(shared)}.")
    return warnings


def _dangling(*, owner: str, refs: dict[str, list[str]], defined: dict[str, set[str]]) -> list[str]:
    warnings = []
    for kind, mrids in refs.items():
        missing = list(dict.fromkeys(mrid for mrid in mrids if mrid not in defined[kind]))
        if missing:
            warnings.append(
                f"{owner} refers to {len(missing)} {kind}(s) the file does not define: {', '.join(missing)}."
            )
    return warnings
