"""Running the consistency rules and storing their findings.

Each use case's findings are replaced as a whole, in one transaction that first locks its `ValidationResult`: a
validation stopped half way (a worker killed) leaves the previous findings as they were, and two validations of
the same use case never mix their findings. A result never goes back to an older revision.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from sgam.models import ValidationFinding, ValidationResult
from sgam.selectors import sgam_reference_get, usecase_placements_many
from usecases.analysis.facts import plain_rows, step_link_rows, usecase_facts
from usecases.analysis.validation.rules import ERROR, Context, Finding, counts_of, findings_of
from usecases.models import ActorRole, Scenario, Step, UseCase, UseCaseRelation

CHUNK = 200
# Django 5.2 prefetches a foreign key (an actor role's actor, a relation's use case) with one OR term per target
# where the database lacks tuple lookups (SQLite), and SQLite refuses expressions deeper than 1000.
SQLITE_PREFETCH_TARGETS = 900
Progress = Callable[[int, str], None]


def _load(use_case_ids: Iterable[int]) -> list[UseCase]:
    """The use cases with what the rules read: `with_document()` without the tables no rule looks at (the
    relations' use cases with their scenarios, to tell placeholders); scenarios, steps and the steps' references
    as plain lists (`usecases.analysis.facts.prefetched` reads them first), which cost no manager per row."""
    ids = list(use_case_ids)
    steps = Step.objects.order_by("position", "id")
    scenarios = Scenario.objects.order_by("position", "id").prefetch_related(
        plain_rows("primary_actors"), plain_rows("requirements"), plain_rows("steps", steps)
    )
    use_cases = list(
        UseCase.objects.filter(pk__in=ids)
        .select_related("workspace")
        .prefetch_related(
            "sgam_placements",
            "nist_placements",
            "versions",
            "objectives",
            "kpis__objectives",
            "relations__related__scenarios",
            "actor_roles__actor",
            "primary_actors",
            plain_rows("scenarios", scenarios),
        )
        .order_by("pk")
    )
    step_link_rows(use_cases, Step.objects.filter(scenario__use_case__in=ids))
    return use_cases


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    """`ids` in chunks of at most `CHUNK` use cases, each (on SQLite) with few enough actor roles and relations
    that loading the chunk stays within SQLite's limits."""
    if connection.features.supports_tuple_lookups:
        for start in range(0, len(ids), CHUNK):
            yield ids[start : start + CHUNK]
        return
    weight = dict.fromkeys(ids, 1)
    for model in (ActorRole, UseCaseRelation):
        rows = model.objects.filter(use_case__in=ids).values("use_case").annotate(rows=Count("pk")).order_by()
        for row in rows:
            weight[row["use_case"]] += row["rows"]
    chunk: list[int] = []
    load = 0
    for pk in ids:
        if chunk and (len(chunk) == CHUNK or load + weight[pk] > SQLITE_PREFETCH_TARGETS):
            yield chunk
            chunk, load = [], 0
        chunk.append(pk)
        load += weight[pk]
    if chunk:
        yield chunk


def _contexts(use_case_ids: Iterable[int]) -> Iterator[Context]:
    """A rule context per use case, loaded a chunk of use cases at a time (a fixed number of queries per chunk)."""
    reference = sgam_reference_get()
    for chunk in _chunks(list(use_case_ids)):
        facts = [usecase_facts(use_case=use_case) for use_case in _load(chunk)]
        placements = usecase_placements_many(facts=facts, reference=reference)
        for item in facts:
            yield Context(facts=item, placements=placements[item.use_case.pk])


def usecase_findings(*, use_case_id: int) -> list[Finding]:
    """The findings of the rules on the use case as it is now (nothing stored)."""
    contexts = list(_contexts([use_case_id]))
    return findings_of(contexts[0]) if contexts else []


def usecase_validation_errors(*, use_case: UseCase) -> list[Finding]:
    """The errors (severity "error") the use case has now, computed afresh; empty when it may go to review."""
    return [finding for finding in usecase_findings(use_case_id=use_case.pk) if finding.severity == ERROR]


@transaction.atomic
def validation_store(*, use_case: UseCase, findings: list[Finding]) -> ValidationResult | None:
    """Replace the use case's stored findings with `findings`, made from its revision `use_case.revision`.

    Returns None (and stores nothing) when a validation of a newer revision is stored already."""
    now = timezone.now()
    result, created = ValidationResult.objects.select_for_update().get_or_create(
        use_case_id=use_case.pk, defaults={"revision": use_case.revision, "validated": now}
    )
    if not created and result.revision > use_case.revision:
        return None
    result.findings.all().delete()
    ValidationFinding.objects.bulk_create(
        ValidationFinding(
            result=result,
            rule=finding.rule,
            severity=finding.severity,
            section=finding.section,
            anchor=finding.anchor,
            message=finding.message,
            hint=finding.hint,
            position=position,
        )
        for position, finding in enumerate(findings)
    )
    counts = counts_of(findings)
    result.revision, result.validated = use_case.revision, now
    result.errors, result.warnings, result.infos = counts["error"], counts["warning"], counts["info"]
    result.save()
    return result


def validation_run(*, use_case_ids: Iterable[int], progress: Progress | None = None) -> dict[str, Any]:
    """Validate the use cases and store their findings, one use case per transaction. Returns the totals and the
    IDs of the use cases that have errors (at most 100)."""
    ids = sorted(set(use_case_ids))
    totals = {"validated": 0, "skipped": 0, "error": 0, "warning": 0, "info": 0}
    with_errors: list[str] = []
    for done, context in enumerate(_contexts(ids), start=1):
        findings = findings_of(context)
        stored = validation_store(use_case=context.use_case, findings=findings)
        if stored is None:
            totals["skipped"] += 1
        else:
            totals["validated"] += 1
            for severity, count in counts_of(findings).items():
                totals[severity] += count
            if stored.errors and len(with_errors) < 100:
                with_errors.append(str(context.use_case))
        if progress is not None and (done % 50 == 0 or done == len(ids)):
            progress(round(100 * done / len(ids)), f"Validated {done} of {len(ids)} use cases")
    return {**totals, "with_errors": with_errors}
