"""Review comments on a use case, its sections and its rows, and who watches a use case.

Comments are part of the audit trail, never of the IEC 62559-3 document: no writer reads them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from usecases.models.usecase import UseCase

# Where a thread can be: the whole use case ("") or a section of the template.
SECTIONS = (
    ("", "The use case"),
    ("1.1", "1.1 Name of use case"),
    ("1.2", "1.2 Version management"),
    ("1.3", "1.3 Scope and objectives"),
    ("1.4", "1.4 Narrative"),
    ("1.5", "1.5 Key performance indicators"),
    ("1.6", "1.6 Use case conditions"),
    ("1.7", "1.7 Classification and mapping"),
    ("1.8", "1.8 General remarks"),
    ("2", "2 Diagrams"),
    ("3.1", "3.1 Actors"),
    ("3.2", "3.2 References"),
    ("4.1", "4.1 Overview of scenarios"),
    ("4.2", "4.2 Steps per scenario"),
    ("5", "5 Information exchanged"),
    ("6", "6 Requirements"),
    ("7", "7 Common terms and definitions"),
    ("8", "8 Custom information"),
)


class CommentThread(models.Model):
    """A conversation about the use case, one of its sections, or one of its rows. A row is named by its mRID (and
    the words that described it then), so the thread survives edits of the row, and outlives its removal."""

    class RowKind(models.TextChoices):
        STEP = "step", "Step"
        ACTOR = "actorrole", "Actor"
        INFORMATION_OBJECT = "informationobject", "Information object"

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="comment_threads")
    section = models.CharField(max_length=5, choices=SECTIONS, blank=True)
    row_kind = models.CharField(max_length=20, choices=RowKind.choices, blank=True)
    row_mrid = models.UUIDField("row mRID", null=True, blank=True, db_index=True)
    row_label = models.CharField(max_length=300, blank=True, help_text="The row as it read when the thread began.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["use_case", "-created", "-id"]
        verbose_name = "comment thread"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(row_kind="") & models.Q(row_mrid__isnull=True))
                | (~models.Q(row_kind="") & models.Q(row_mrid__isnull=False)),
                name="comment_thread_row_kind_with_mrid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case}: comments on {self.target_label}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:usecase_detail", kwargs={"pk": self.use_case_id}) + f"#thread-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved is None

    @property
    def target_label(self) -> str:
        if self.row_kind:
            return f"{self.get_row_kind_display()} {self.row_label}".strip()
        return self.get_section_display()


class Comment(models.Model):
    """One message of a thread: its first, or a reply. `text` is rich text (ucmr.richtext), cleaned on every
    write."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="comments")
    thread = models.ForeignKey(CommentThread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["thread", "created", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(text=""), name="comment_text_not_blank")]

    def __str__(self) -> str:
        return f"{self.author_name or 'someone'} on {self.thread.target_label}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:usecase_detail", kwargs={"pk": self.use_case_id}) + f"#comment-{self.pk}"


class UseCaseWatch(models.Model):
    """Whether a user hears of a use case's workflow and comments. The use case's creator watches it without a row;
    a row with `watching` off is how they stop."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="use_case_watches")
    watching = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use_case", "user"]
        verbose_name = "use case watch"
        constraints = [models.UniqueConstraint(fields=["use_case", "user"], name="usecase_watch_unique")]

    def __str__(self) -> str:
        return f"{self.user} {'watches' if self.watching else 'does not watch'} {self.use_case}"

    def get_absolute_url(self) -> str:
        return self.use_case.get_absolute_url()
