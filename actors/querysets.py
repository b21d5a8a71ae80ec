from django.db import models


class ActorQuerySet(models.QuerySet):
    def with_related(self) -> "ActorQuerySet":
        return self.prefetch_related(
            "sgam_placements__layer", "sgam_placements__domain", "sgam_placements__zone", "nist_placements__nist_domain"
        )

    def with_counts(self) -> "ActorQuerySet":
        return self.annotate(use_case_count=models.Count("roles__use_case", distinct=True))
