import json
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from sgam.models import ValidationFinding, ValidationResult
from usecases.analysis.validation.selectors import library_findings_get
from usecases.analysis.validation.services import validation_run
from usecases.management.selection import identifier_argument_add, selected_use_cases


class Command(BaseCommand):
    help = (
        "Validate use cases (stores their findings, as the validation job does) and list the findings. Exits with "
        "status 1 when a use case has errors."
    )

    def add_arguments(self, parser):
        identifier_argument_add(parser)
        parser.add_argument("--json", action="store_true", dest="as_json", help="Write the findings as JSON.")

    def handle(self, *args, identifier, as_json: bool, **options):
        selected = selected_use_cases(identifier)
        totals = validation_run(use_case_ids=[pk for pk, _ in selected])
        results = ValidationResult.objects.in_bulk([pk for pk, _ in selected])
        findings = defaultdict(list)
        for finding in ValidationFinding.objects.filter(result__in=list(results)).order_by("result", "position"):
            findings[finding.result_id].append(finding)
        library = library_findings_get()[0] if not identifier else []
        if as_json:
            self.write_json(selected, results, findings, library, totals)
        else:
            self.write_text(selected, results, findings, library)
        if totals["error"]:
            use_cases = sum(1 for result in results.values() if result.errors)
            raise CommandError(f"{totals['error']} error(s) in {use_cases} use case(s).", returncode=1)

    def write_text(self, selected, results, findings, library) -> None:
        for pk, label in selected:
            result = results.get(pk)
            if result is None:
                continue
            self.stdout.write(f"{label}: {result.errors} error(s), {result.warnings} warning(s), {result.infos} info")
            for finding in findings[pk]:
                self.stdout.write(
                    f"  {finding.severity:<7} {finding.rule} {finding.section:<4} #{finding.anchor}: {finding.message}"
                )
        for finding in library:
            self.stdout.write(f"library {finding.severity:<7} {finding.rule} {finding.label}: {finding.message}")

    def write_json(self, selected, results, findings, library, totals) -> None:
        use_cases = []
        for pk, label in selected:
            result = results.get(pk)
            if result is None:
                continue
            use_cases.append(
                {
                    "id": pk,
                    "use_case": label,
                    "revision": result.revision,
                    "errors": result.errors,
                    "warnings": result.warnings,
                    "infos": result.infos,
                    "findings": [
                        {
                            "rule": finding.rule,
                            "severity": finding.severity,
                            "section": finding.section,
                            "anchor": finding.anchor,
                            "message": finding.message,
                            "hint": finding.hint,
                        }
                        for finding in findings[pk]
                    ],
                }
            )
        document = {
            "totals": {key: totals[key] for key in ("validated", "error", "warning", "info")},
            "use_cases": use_cases,
            "library": [
                {"rule": item.rule, "severity": item.severity, "object": item.label, "message": item.message}
                for item in library
            ],
        }
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
