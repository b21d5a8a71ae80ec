"""Rules about the use case as a whole: mandatory content (1.1-1.4, 3.1, 4.1), KPIs (1.5), relations (1.7),
versions (1.2), SGAM and NIST placement."""

from collections.abc import Iterable

from usecases.analysis.validation.base import ERROR, INFO, WARNING, Context, Hit, rule, section_anchor
from usecases.models import UseCase

SHORT_DESCRIPTION_WORDS = 150
# Where variant D files name a KPI's objective, kept by the importer when no objective matched.
KPI_OBJECTIVE_TEXT = "referenceToMentionedUseCaseObjective"


# Mandatory content


@rule("UC001", ERROR, "Name missing")
def name_missing(context: Context) -> Iterable[Hit]:
    if not context.use_case.name.strip():
        yield Hit("1.1", section_anchor("1.1"), "The use case has no name.", "Give the use case a name (1.1).")


@rule("UC002", ERROR, "Scope missing")
def scope_missing(context: Context) -> Iterable[Hit]:
    if not context.use_case.scope.strip():
        yield Hit("1.3", section_anchor("1.3"), "The scope is empty.", "Describe the scope of the use case (1.3).")


@rule("UC003", ERROR, "Short description missing")
def short_description_missing(context: Context) -> Iterable[Hit]:
    if not context.use_case.short_description.strip():
        yield Hit(
            "1.4",
            section_anchor("1.4"),
            "The short description is empty.",
            f"Summarise the use case in at most {SHORT_DESCRIPTION_WORDS} words (1.4).",
        )


@rule("UC004", WARNING, "Short description too long")
def short_description_too_long(context: Context) -> Iterable[Hit]:
    words = len(context.use_case.short_description.split())
    if words > SHORT_DESCRIPTION_WORDS:
        yield Hit(
            "1.4",
            section_anchor("1.4"),
            f"The short description has {words} words; the template recommends at most {SHORT_DESCRIPTION_WORDS}.",
            "Move the details to the complete description.",
        )


@rule("UC005", ERROR, "No actors")
def no_actors(context: Context) -> Iterable[Hit]:
    if not context.facts.roles:
        yield Hit("3.1", section_anchor("3.1"), "No actors are listed.", "List the actors of the use case in 3.1.")


@rule("UC006", ERROR, "No scenarios")
def no_scenarios(context: Context) -> Iterable[Hit]:
    if not context.scenarios:
        yield Hit(
            "4.1",
            section_anchor("4.1"),
            "The use case has no scenario.",
            "Add at least one scenario with its steps (4.1 and 4.2).",
        )


# KPIs


@rule("UC011", ERROR, "KPI refers to a missing objective")
def kpi_objective_missing(context: Context) -> Iterable[Hit]:
    objectives = {objective.name.strip().casefold() for objective in context.use_case.objectives.all()}
    for kpi in context.use_case.kpis.all():
        label = kpi.identifier or kpi.name
        for objective in kpi.objectives.all():
            if objective.use_case_id != context.use_case.pk:
                yield Hit(
                    "1.5",
                    f"kpi-{kpi.pk}",
                    f"The KPI {label} refers to the objective '{objective.name}' of another use case.",
                    "Refer to objectives of this use case (1.3).",
                )
        named = str(kpi.extra.get(KPI_OBJECTIVE_TEXT, "") or "").strip()
        if named and not kpi.objectives.all() and named.casefold() not in objectives:
            yield Hit(
                "1.5",
                f"kpi-{kpi.pk}",
                f"The KPI {label} refers to the objective '{named}', which this use case does not have.",
                "Add the objective in 1.3 or correct the reference.",
            )


@rule("UC012", WARNING, "KPI refers to no objective")
def kpi_without_objective(context: Context) -> Iterable[Hit]:
    for kpi in context.use_case.kpis.all():
        if not kpi.objectives.all() and not str(kpi.extra.get(KPI_OBJECTIVE_TEXT, "") or "").strip():
            yield Hit(
                "1.5",
                f"kpi-{kpi.pk}",
                f"The KPI {kpi.identifier or kpi.name} refers to no objective.",
                "Name the objective(s) of 1.3 it measures.",
            )


# Placement


@rule("UC020", WARNING, "No SGAM placement")
def no_sgam_placement(context: Context) -> Iterable[Hit]:
    if not context.placements.use_case:
        yield Hit(
            "1.1",
            section_anchor("1.1"),
            "The use case has no SGAM placement (domains and zones).",
            "Place the use case on the SGAM: the domains and zones it concerns.",
        )


@rule("UC021", INFO, "Actor without SGAM placement")
def actor_not_placed(context: Context) -> Iterable[Hit]:
    for role in context.facts.roles:
        if not context.placements.actors.get(role.actor_id):
            yield Hit(
                "3.1",
                f"actorrole-{role.pk}",
                f"The actor {role.actor.name} has no SGAM placement, neither in this use case nor by default.",
                "Place the actor (its default placement in the actor library, or its place in this use case).",
            )


@rule("UC028", INFO, "No NIST domain")
def no_nist_domain(context: Context) -> Iterable[Hit]:
    if not context.placements.use_case_nist:
        yield Hit(
            "1.1",
            section_anchor("1.1"),
            "The use case is in no NIST domain.",
            "Name the NIST conceptual model domains it concerns.",
        )


# Relations and versions


def is_unwritten(use_case: UseCase) -> bool:
    """A use case never written out: no scope, no description, no scenarios (its scenarios prefetched)."""
    if use_case.extra.get("stub"):
        return True
    written = use_case.scope.strip() or use_case.short_description.strip() or use_case.complete_description.strip()
    return not written and not use_case.scenarios.all()


@rule("UC022", ERROR, "Related use case not resolved")
def related_use_case_unresolved(context: Context) -> Iterable[Hit]:
    for relation in context.use_case.relations.all():
        related = relation.related
        if is_unwritten(related) and not related.is_placeholder:
            yield Hit(
                "1.7",
                f"usecaserelation-{relation.pk}",
                f"The related use case {related} could not be resolved: it is only a placeholder (no scope, "
                "description or scenarios).",
                "Import or write the related use case, or remove the relation.",
            )


@rule("UC031", INFO, "Related use case not imported yet")
def related_use_case_named_only(context: Context) -> Iterable[Hit]:
    """A file names a related use case it does not hold (a stub): the relation is as the file has it, and resolves
    when the related use case's own file is imported."""
    for relation in context.use_case.relations.all():
        related = relation.related
        if related.is_placeholder:
            yield Hit(
                "1.7",
                f"usecaserelation-{relation.pk}",
                f"The related use case {related} is only named by an imported file; the use case itself is not in "
                "the repository yet.",
                "Import the related use case when its file is at hand.",
            )


@rule("UC029", INFO, "No version entry")
def no_version(context: Context) -> Iterable[Hit]:
    if not context.use_case.versions.all():
        yield Hit(
            "1.2",
            section_anchor("1.2"),
            "The version table is empty.",
            "Record the version, date, authors and changes (1.2).",
        )
