"""Reads of stored validation findings: one use case's, and the repository report (only use cases the user may
see). Findings about the shared libraries (objects nothing uses) are computed when asked, never stored."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from actors.models import Actor
from requirements.models import Requirement
from sgam.models import ValidationFinding, ValidationResult
from ucmr.permissions import visible_to
from usecases.analysis.validation.rules import ERROR, INFO, RULES_BY_ID, WARNING
from usecases.models import ActorRole, InformationObject, Scenario, Step, UseCase
from usecases.selectors import USECASE_ORDERING

LIBRARY_FINDINGS_SHOWN = 100


@dataclass
class UseCaseValidation:
    """What the use case page shows: the stored result (None before the first validation), its findings, and
    whether it checked an older revision than the current one."""

    use_case: UseCase
    result: ValidationResult | None
    findings: list[ValidationFinding] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return self.result is None or self.result.revision != self.use_case.revision

    def as_json(self) -> dict:
        if self.result is None:
            return {"state": "validating", "errors": None, "warnings": None, "infos": None, "revision": None}
        return {
            "state": "validating" if self.stale else "done",
            "errors": self.result.errors,
            "warnings": self.result.warnings,
            "infos": self.result.infos,
            "revision": self.result.revision,
        }


def usecase_validation_get(*, use_case: UseCase) -> UseCaseValidation:
    """The stored validation of a use case the caller has checked the user may see (two queries)."""
    result = ValidationResult.objects.filter(use_case_id=use_case.pk).first()
    findings = list(result.findings.order_by("position", "pk")) if result is not None else []
    return UseCaseValidation(use_case=use_case, result=result, findings=findings)


@dataclass(frozen=True)
class RuleCount:
    rule: str
    title: str
    severity: str
    findings: int
    use_cases: int


@dataclass(frozen=True)
class LibraryFinding:
    rule: str
    severity: str
    label: str
    url: str
    message: str


@dataclass
class ValidationReport:
    """Totals over the use cases the user may see, findings per rule, and the library findings."""

    use_cases: int
    validated: int
    stale: int
    totals: dict[str, int]
    rules: list[RuleCount]
    library: list[LibraryFinding]
    library_total: int


def validation_report_usecases(*, user, severity: str = "", rule: str = "") -> QuerySet[UseCase]:
    """The visible use cases with their stored result (`validation_result`, None when never validated) and
    findings (only those of `rule` when given), filtered to those with findings of `severity` / `rule`."""
    findings = ValidationFinding.objects.order_by("position", "pk")
    if rule:
        findings = findings.filter(rule=rule)
    use_cases = visible_to(user, UseCase.objects.listed().select_related("workspace", "validation_result"))
    if severity in (ERROR, WARNING, INFO):
        use_cases = use_cases.filter(**{f"validation_result__{severity}s__gt": 0})
    if rule:
        use_cases = use_cases.filter(Exists(ValidationFinding.objects.filter(result_id=OuterRef("pk"), rule=rule)))
    return use_cases.prefetch_related(Prefetch("validation_result__findings", queryset=findings)).order_by(
        *USECASE_ORDERING
    )


def library_findings_get() -> tuple[list[LibraryFinding], int]:
    """Actors, information objects and requirements of the libraries that nothing uses (the first 100 of each)."""
    unused_actors = Actor.objects.filter(
        ~Exists(ActorRole.objects.filter(actor=OuterRef("pk"))),
        ~Exists(Step.producers.through.objects.filter(actor=OuterRef("pk"))),
        ~Exists(Step.receivers.through.objects.filter(actor=OuterRef("pk"))),
        ~Exists(Step.primary_actors.through.objects.filter(actor=OuterRef("pk"))),
        ~Exists(Scenario.primary_actors.through.objects.filter(actor=OuterRef("pk"))),
        ~Exists(UseCase.primary_actors.through.objects.filter(actor=OuterRef("pk"))),
    ).order_by("name", "pk")
    unused_information = InformationObject.objects.filter(
        ~Exists(Step.information_objects.through.objects.filter(informationobject=OuterRef("pk")))
    ).order_by("identifier", "name", "pk")
    unused_requirements = Requirement.objects.filter(
        ~Exists(Step.requirements.through.objects.filter(requirement=OuterRef("pk"))),
        ~Exists(Scenario.requirements.through.objects.filter(requirement=OuterRef("pk"))),
        ~Exists(InformationObject.requirements.through.objects.filter(requirement=OuterRef("pk"))),
    ).order_by("identifier", "name", "pk")
    groups = (
        ("LIB001", WARNING, unused_actors, "The actor takes part in no use case."),
        ("LIB002", WARNING, unused_information, "No step exchanges this information."),
        ("LIB003", INFO, unused_requirements, "No step, scenario or information object refers to it."),
    )
    found, total = [], 0
    for rule, severity, queryset, message in groups:
        total += queryset.count()
        for row in queryset[:LIBRARY_FINDINGS_SHOWN]:
            found.append(LibraryFinding(rule, severity, str(row), row.get_absolute_url(), message))
    return found, total


def validation_report_get(*, user) -> ValidationReport:
    """Totals over the use cases the user may see (never counting others), per-rule counts, library findings."""
    visible = visible_to(user, UseCase.objects.order_by())
    results = ValidationResult.objects.filter(use_case__in=visible)
    sums = results.aggregate(
        validated=Count("pk"),
        stale=Count("pk", filter=~Q(revision=F("use_case__revision"))),
        errors=Sum("errors"),
        warnings=Sum("warnings"),
        infos=Sum("infos"),
    )
    per_rule = (
        ValidationFinding.objects.filter(result__in=results)
        .values("rule", "severity")
        .annotate(findings=Count("pk"), use_cases=Count("result", distinct=True))
        .order_by("rule", "severity")
    )
    rules = [
        RuleCount(
            row["rule"],
            RULES_BY_ID[row["rule"]].title if row["rule"] in RULES_BY_ID else row["rule"],
            row["severity"],
            row["findings"],
            row["use_cases"],
        )
        for row in per_rule
    ]
    library, library_total = library_findings_get()
    return ValidationReport(
        use_cases=visible.count(),
        validated=sums["validated"],
        stale=sums["stale"],
        totals={ERROR: sums["errors"] or 0, WARNING: sums["warnings"] or 0, INFO: sums["infos"] or 0},
        rules=rules,
        library=library,
        library_total=library_total,
    )


FINDINGS_SHOWN_PER_USE_CASE = 10


@dataclass(frozen=True)
class ReportRow:
    use_case: UseCase
    result: ValidationResult | None
    findings: list[ValidationFinding]
    more: int

    @property
    def stale(self) -> bool:
        return self.result is not None and self.result.revision != self.use_case.revision


def validation_report_rows(use_cases) -> list[ReportRow]:
    """Rows of a page of `validation_report_usecases` (no query: results and findings are loaded with it)."""
    rows = []
    for use_case in use_cases:
        try:
            result = use_case.validation_result
        except ValidationResult.DoesNotExist:
            result = None
        findings = list(result.findings.all()) if result is not None else []
        rows.append(
            ReportRow(
                use_case=use_case,
                result=result,
                findings=findings[:FINDINGS_SHOWN_PER_USE_CASE],
                more=max(0, len(findings) - FINDINGS_SHOWN_PER_USE_CASE),
            )
        )
    return rows
