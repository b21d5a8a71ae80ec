from django.db import models


class ActorQuerySet(models.QuerySet):
    def with_related(self) -> "ActorQuerySet":
        return self.prefetch_related(
            "sgam_placements__layer", "sgam_placements__domain", "sgam_placements__zone", "nist_placements__nist_domain"
        )

    def with_counts(self, use_cases: models.QuerySet | None = None) -> "ActorQuerySet":
        """`use_case_count`: how many use cases list the actor (of `use_cases` only, when given)."""
        counted = models.Q(roles__use_case__in=use_cases) if use_cases is not None else None
        return self.annotate(use_case_count=models.Count("roles__use_case", filter=counted, distinct=True))
