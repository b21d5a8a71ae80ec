from django.db import models


class RequirementCategoryQuerySet(models.QuerySet):
    def with_related(self) -> "RequirementCategoryQuerySet":
        return self.select_related("parent").prefetch_related("requirements")

    def with_counts(self) -> "RequirementCategoryQuerySet":
        return self.annotate(requirement_count=models.Count("requirements", distinct=True))


class RequirementQuerySet(models.QuerySet):
    def with_related(self) -> "RequirementQuerySet":
        return self.select_related("category")
