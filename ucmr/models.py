"""What every app shares: background jobs, the audit trail, and the identity of the objects exchange files carry."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse


class ExchangedObject(models.Model):
    """An object of a library that exchange files carry: its mRID, global and the same in every repository, and what
    a file said of it that has no field here (`extra`), written back on export."""

    mrid = models.UUIDField("mRID", default=uuid.uuid4, unique=True, editable=False)
    extra = models.JSONField(
        default=dict, blank=True, help_text="What an exchange file said that has no field here, kept for export."
    )

    class Meta:
        abstract = True


class BackgroundJob(models.Model):
    """One unit of long work (import, render, validation). Its id is the Celery task id; its result lives here.

    The row is also the job's entry in the outbox (`dispatched` is empty until the broker took its message; the
    dispatcher retries at `dispatch_after`), and its lease (`lease_owner`, `lease_expires`, renewed by the worker's
    heartbeat while it runs) tells a redelivered message of a live job from one whose worker was lost. See
    `ucmr.jobs`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Queue(models.TextChoices):
        USER = "user", "Started by a user"
        FOLLOW_UP = "follow_up", "Follow-up"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=50, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    log = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    queue = models.CharField(max_length=20, choices=Queue.choices, default=Queue.USER)
    # What makes two pending jobs the same (e.g. "validate:42"): at most one such job waits at a time.
    dedupe_key = models.CharField(max_length=100, blank=True)
    dispatched = models.DateTimeField(null=True, blank=True, help_text="When the broker last took its message.")
    dispatch_after = models.DateTimeField(null=True, blank=True, help_text="When the dispatcher sends it next.")
    dispatch_attempts = models.PositiveIntegerField(default=0)
    dispatch_error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How often a worker started it.")
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status="pending") & ~models.Q(dedupe_key=""),
                name="job_one_pending_per_dedupe_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "dispatch_after"], name="job_outbox"),
            models.Index(fields=["status", "lease_expires"], name="job_leases"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("job_detail", kwargs={"pk": self.pk})

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ChangeLogEntry(models.Model):
    """An append-only record of one write: who, when, which object, what, and the values before and after.

    `related_*` names the object the change belongs to (the use case of a step), so a use case's history
    includes the changes to its rows.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    user_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300)
    related_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    related_object_id = models.CharField(max_length=64, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = "change log entry"
        verbose_name_plural = "change log"
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["related_content_type", "related_object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


class ApiToken(models.Model):
    """A personal key for the REST API. Only the sha256 of the key is stored; the key is shown once, at creation.

    `prefix` (the key's first characters) lets the user tell their tokens apart without the secret.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the script that uses it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True, help_text="Empty: the token does not expire.")
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Notification(models.Model):
    """Something that happened which one user should know: a line of their notification list (and, where they want
    it, an e-mail). Written by the `notify` job after the change commits, only for recipients who may see the
    `subject` then (ucmr.notifications); `title` and `url` are kept as sent, so the list needs no other row."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        SENT_BACK = "sent_back", "Sent back to draft"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn to draft"
        COMMENT = "comment", "Comment or reply"
        MENTION = "mention", "Mention of you"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Plain text: the comment, or what the change said.")
    url = models.CharField(max_length=500, blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    read = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.url or reverse("notification_list")


class NotificationSetting(models.Model):
    """A user's choice of e-mail for one kind of event (no row: the default, e-mail on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    event = models.CharField(max_length=20, choices=Notification.Event.choices)
    email = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "event"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_setting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_event_display()} by e-mail {'on' if self.email else 'off'}"

    def get_absolute_url(self) -> str:
        return reverse("notification_settings")
