"""Reads of the use-case analysis that are neither facts, graphs nor validation."""

from django.core.exceptions import ValidationError

from usecases.models import UseCase


def usecase_choice_list(*, identifiers: list[str] | None) -> list[tuple[int, str]]:
    """(pk, label) of the use cases with these IDs (in any workspace), or of all; an unknown ID is an error."""
    use_cases = UseCase.objects.order_by("workspace__name", "identifier", "pk")
    if not identifiers:
        use_cases = use_cases.listed()
    if identifiers:
        use_cases = use_cases.filter(identifier__in=identifiers)
        unknown = sorted(set(identifiers) - set(use_cases.values_list("identifier", flat=True)))
        if unknown:
            raise ValidationError(f"No use case has the ID {', '.join(unknown)}.")
    return [(use_case.pk, str(use_case)) for use_case in use_cases.only("pk", "identifier", "name")]
