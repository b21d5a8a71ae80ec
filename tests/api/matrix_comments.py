"""The permission matrix of the comment, watch and notification endpoints of the API (see matrix_usecases.py)."""

from tests.api.matrix_usecases import EVERY_SIGNED_IN, READERS_OF_GRID, api_statuses
from tests.ucmr.test_permission_matrix import MEMBERS, Case, roles
from tests.usecases.matrix_comments import thread_on
from ucmr.models import Notification
from usecases.models import Comment, CommentThread, UseCaseWatch

COMMENTERS_ON_DRAFT = api_statuses(404, **roles(201, *MEMBERS, "administrator"))
COMMENTERS_ON_PUBLISHED = api_statuses(403, **roles(201, *MEMBERS, "administrator"))


def _thread(name: str, *, resolved: bool = False):
    return lambda world: {
        "use_case_pk": getattr(world, name).pk,
        "pk": thread_on(getattr(world, name), resolved=resolved),
    }


def _notification(world) -> dict:
    note = Notification.objects.create(recipient=world.users["author"], event="comment", title="T", url="/")
    return {"pk": note.pk}


def _comment(text: str):
    return lambda world: Comment.objects.filter(text=text).exists()


COMMENT_API_CASES = [
    Case("api:usecase-comment-list", READERS_OF_GRID, kwargs=lambda world: {"use_case_pk": world.draft.pk}),
    Case(
        "api:usecase-comment-list",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"use_case_pk": world.published.pk},
        public=200,
        label="published",
    ),
    Case(
        "api:usecase-comment-list",
        api_statuses(404, administrator=200),
        kwargs=lambda world: {"use_case_pk": world.hidden.pk},
        label="hidden",
    ),
    Case(
        "api:usecase-comment-list",
        COMMENTERS_ON_DRAFT,
        method="post",
        kwargs=lambda world: {"use_case_pk": world.draft.pk},
        data=lambda world: {"section": "4.2", "text": "API comment"},
        effect=_comment("API comment"),
    ),
    Case(
        "api:usecase-comment-list",
        COMMENTERS_ON_PUBLISHED,
        method="post",
        kwargs=lambda world: {"use_case_pk": world.published.pk},
        data=lambda world: {"text": "API comment"},
        effect=_comment("API comment"),
        label="published",
    ),
    Case("api:usecase-comment-detail", READERS_OF_GRID, kwargs=_thread("draft")),
    Case(
        "api:usecase-comment-reply",
        COMMENTERS_ON_DRAFT,
        method="post",
        kwargs=_thread("draft"),
        data=lambda world: {"text": "API reply"},
        effect=_comment("API reply"),
    ),
    Case(
        "api:usecase-comment-resolve",
        api_statuses(404, **roles(200, *MEMBERS, "administrator")),
        method="post",
        kwargs=_thread("draft"),
        effect=lambda world: CommentThread.objects.filter(resolved__isnull=False).exists(),
    ),
    Case(
        "api:usecase-comment-reopen",
        api_statuses(403, **roles(200, *MEMBERS, "administrator")),
        method="post",
        kwargs=_thread("published", resolved=True),
        effect=lambda world: CommentThread.objects.filter(resolved__isnull=True).exists(),
    ),
    Case("api:usecase-watch", READERS_OF_GRID, kwargs=lambda world: {"use_case_pk": world.draft.pk}),
    Case(
        "api:usecase-watch",
        api_statuses(200),
        method="put",
        kwargs=lambda world: {"use_case_pk": world.published.pk},
        data=lambda world: {"watching": True},
        effect=lambda world: UseCaseWatch.objects.filter(use_case=world.published, watching=True).exists(),
    ),
    Case("api:notification-list", EVERY_SIGNED_IN),
    Case("api:notification-unread-count", EVERY_SIGNED_IN),
    Case("api:notification-read-all", EVERY_SIGNED_IN, method="post"),
    Case("api:notification-detail", api_statuses(404, author=200), kwargs=_notification),
    Case(
        "api:notification-read",
        api_statuses(404, author=200),
        method="post",
        kwargs=_notification,
        effect=lambda world: Notification.objects.filter(read__isnull=False).exists(),
    ),
    Case("api:notification-unread", api_statuses(404, author=200), method="post", kwargs=_notification),
]
