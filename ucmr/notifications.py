"""Notifications: in the application (the bell, `/notifications/`, `/api/notifications/`) and by e-mail.

An app calls `notify` inside the transaction of the change it reports. That writes a `notify` job (ucmr.jobs), whose
message leaves after the commit: a rolled-back change notifies nobody. The job decides who hears of it at the time
it runs: a recipient who may not see the subject then (ucmr.permissions) gets neither a notification nor an e-mail,
so no line and no e-mail ever names what its reader may not see. Each recipient gets one notification per event, and
an e-mail unless they turned e-mail off for that kind of event (`NotificationSetting`, the settings page).

This is the base layer: it knows subjects only as models; the apps say who hears of what.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ucmr.jobs import Progress, job_start, register_job_kind
from ucmr.models import BackgroundJob, Notification, NotificationSetting
from ucmr.permissions import VIEW, user_can

logger = logging.getLogger(__name__)

NOTIFY_JOB_KIND = "notify"
Event = Notification.Event


def _user_id(user) -> int | None:
    if user is None:
        return None
    return user if isinstance(user, int) else user.pk


def notify(
    *, event: str, recipients: Iterable, subject: models.Model, actor, title: str, body: str = "", url: str = ""
) -> BackgroundJob | None:
    """Tell `recipients` (users or their ids) that `actor` did `event` (a `Notification.Event`) to `subject`, after
    the current transaction commits. The actor is never told of what they did. Returns the job, or None when nobody
    is left to tell."""
    if event not in Event.values:
        raise ValueError(f"Unknown notification event {event!r}.")
    actor_id = _user_id(actor)
    ids = sorted({pk for pk in (_user_id(user) for user in recipients) if pk is not None and pk != actor_id})
    if not ids:
        return None
    content_type = ContentType.objects.get_for_model(subject)
    params = {
        "event": event,
        "recipients": ids,
        "subject": [content_type.pk, str(subject.pk)],
        "actor": actor_id,
        "actor_name": actor.get_username() if actor is not None and not isinstance(actor, int) else "",
        "title": title[:300],
        "body": body,
        "url": url[:500],
    }
    return job_start(user=None, kind=NOTIFY_JOB_KIND, params=params, queue=BackgroundJob.Queue.FOLLOW_UP)


def _absolute(url: str) -> str:
    return settings.UCMR_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def _email(notification: Notification) -> EmailMessage:
    lines = [notification.title, ""]
    if notification.body:
        lines += [notification.body, ""]
    if notification.url:
        lines += [_absolute(notification.url), ""]
    settings_url = _absolute("/notifications/settings/")
    lines += ["--", f"You receive this because of your notification settings in UCMR: {settings_url}"]
    return EmailMessage(
        subject=f"[UCMR] {notification.title}",
        body="\n".join(lines),
        to=[notification.recipient.email],
    )


@register_job_kind(NOTIFY_JOB_KIND, label="Notification")
def notification_deliver(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """The `notify` job: the notifications of one event for the recipients who may see its subject now, and their
    e-mails. params: as written by `notify`."""
    params = job.params
    content_type_id, subject_id = params["subject"]
    content_type = ContentType.objects.get_for_id(content_type_id)
    subject = content_type.model_class()._base_manager.filter(pk=subject_id).first()
    if subject is None:
        return {"notified": 0, "emailed": 0}
    users = get_user_model().objects.filter(pk__in=params["recipients"], is_active=True).order_by("pk")
    recipients = [user for user in users if user_can(user, VIEW, subject)]
    email_off = set(
        NotificationSetting.objects.filter(user__in=recipients, event=params["event"], email=False).values_list(
            "user_id", flat=True
        )
    )
    notifications = [
        Notification(
            recipient=user,
            event=params["event"],
            actor_id=params["actor"],
            actor_name=params["actor_name"],
            title=params["title"],
            body=params["body"],
            url=params["url"],
            subject_type=content_type,
            subject_id=str(subject_id),
            emailed=bool(user.email) and user.pk not in email_off,
        )
        for user in recipients
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
    emails = [_email(notification) for notification in notifications if notification.emailed]
    sent = 0
    if emails:
        with get_connection() as connection:
            sent = connection.send_messages(emails) or 0
    return {"notified": len(notifications), "emailed": sent}


def notification_list(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first (one query: each keeps its own title and link)."""
    notifications = (
        Notification.objects.filter(recipient=user.pk) if user.is_authenticated else Notification.objects.none()
    )
    if unread is not None:
        notifications = notifications.filter(read__isnull=unread)
    return notifications.order_by("-created", "-id")


def notification_unread_count(*, user) -> int:
    return notification_list(user=user, unread=True).count()


def notification_mark(*, user, read: bool, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications `ids` (all, for None) read or unread; returns how many changed."""
    notifications = notification_list(user=user, unread=read)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.update(read=timezone.now() if read else None)


def notification_email_events(*, user) -> set[str]:
    """The kinds of event the user hears of by e-mail."""
    off = set(NotificationSetting.objects.filter(user=user, email=False).values_list("event", flat=True))
    return set(Event.values) - off


@transaction.atomic
def notification_email_events_set(*, user, events: Iterable[str]) -> set[str]:
    """Hear of `events` by e-mail, and of the other kinds only in the application."""
    wanted = set(events)
    unknown = wanted - set(Event.values)
    if unknown:
        raise ValueError(f"Unknown notification events: {', '.join(sorted(unknown))}.")
    for event in Event.values:
        NotificationSetting.objects.update_or_create(user=user, event=event, defaults={"email": event in wanted})
    return wanted
