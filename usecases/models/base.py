import uuid

from django.db import models


class UseCaseRow(models.Model):
    """A row of one of the use case's ordered tables. `position` orders it; `mrid` identifies it in XML."""

    mrid = models.UUIDField("mRID", default=uuid.uuid4, editable=False, db_index=True)
    position = models.PositiveIntegerField(default=0)
    extra = models.JSONField(
        default=dict, blank=True, help_text="What an exchange file said that has no field here, kept for export."
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def get_absolute_url(self) -> str:
        return self.owner_use_case.get_absolute_url() + f"#{self._meta.model_name}-{self.pk}"

    @property
    def owner_use_case(self):
        return self.use_case
