"""The cases of the comment, watch and notification pages in the permission matrix (tests/ucmr/
test_permission_matrix.py): every role, the exact status each must get. A use case one may not see is a 404; its
readers who hold no role in its workspace (of a published one) read the comments but may not write one (403)."""

from django.utils import timezone

from tests.ucmr.test_permission_matrix import EVERY_SIGNED_IN, MEMBERS, Case, roles, statuses
from ucmr.models import Notification, NotificationSetting
from usecases.models import Comment, CommentThread, UseCaseWatch, Workspace

WRITERS_ON_DRAFT = statuses(404, **roles(302, *MEMBERS, "administrator"))
WRITERS_ON_PUBLISHED = statuses(403, **roles(302, *MEMBERS, "administrator"))
WRITERS_ON_HIDDEN = statuses(404, administrator=302)


def thread_on(use_case, *, resolved: bool = False) -> int:
    thread = CommentThread.objects.create(use_case=use_case, section="1.4", created_by_name="someone")
    Comment.objects.create(use_case=use_case, thread=thread, author_name="someone", text="Matrix thread")
    if resolved:
        CommentThread.objects.filter(pk=thread.pk).update(resolved=timezone.now())
    return thread.pk


def _thread_kwargs(name: str, *, resolved: bool = False):
    return lambda world: {"pk": getattr(world, name).pk, "thread": thread_on(getattr(world, name), resolved=resolved)}


def _replied(world) -> bool:
    return Comment.objects.filter(text="Matrix reply").exists()


def _notification(world) -> dict:
    note = Notification.objects.create(recipient=world.users["author"], event="comment", title="T", url="/")
    return {"pk": note.pk}


COMMENT_PAGE_CASES = [
    Case("usecases:comment_create", statuses(405), kwargs=lambda world: {"pk": world.draft.pk}, label="get"),
    *(
        Case(
            "usecases:comment_create",
            expected,
            method="post",
            kwargs=lambda world, name=name: {"pk": getattr(world, name).pk},
            data=lambda world: {"target": "section:1.4", "text": "Matrix comment"},
            effect=lambda world: CommentThread.objects.filter(comments__text="Matrix comment").exists(),
            label=name,
        )
        for name, expected in (
            ("draft", WRITERS_ON_DRAFT),
            ("published", WRITERS_ON_PUBLISHED),
            ("hidden", WRITERS_ON_HIDDEN),
        )
    ),
    Case(
        "usecases:comment_reply",
        WRITERS_ON_DRAFT,
        method="post",
        kwargs=_thread_kwargs("draft"),
        data=lambda world: {"text": "Matrix reply"},
        effect=_replied,
    ),
    Case(
        "usecases:comment_reply",
        WRITERS_ON_PUBLISHED,
        method="post",
        kwargs=_thread_kwargs("published"),
        data=lambda world: {"text": "Matrix reply"},
        effect=_replied,
        label="published",
    ),
    Case(
        "usecases:comment_resolve",
        WRITERS_ON_DRAFT,
        method="post",
        kwargs=_thread_kwargs("draft"),
        effect=lambda world: CommentThread.objects.filter(resolved__isnull=False).exists(),
    ),
    Case(
        "usecases:comment_reopen",
        WRITERS_ON_HIDDEN,
        method="post",
        kwargs=_thread_kwargs("hidden", resolved=True),
        effect=lambda world: CommentThread.objects.filter(resolved__isnull=True).exists(),
    ),
    Case(
        "usecases:usecase_watch",
        WRITERS_ON_DRAFT,
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: {"watching": "on"},
        effect=lambda world: UseCaseWatch.objects.filter(use_case=world.draft, watching=True).exists(),
    ),
    Case(
        "usecases:usecase_watch",
        statuses(302),
        method="post",
        kwargs=lambda world: {"pk": world.published.pk},
        data=lambda world: {"watching": "on"},
        effect=lambda world: UseCaseWatch.objects.filter(use_case=world.published, watching=True).exists(),
        label="published",
    ),
    Case(
        "usecases:workspace_comment_setting",
        statuses(403, **roles(302, "manager", "administrator")),  # grid: seen by all (its published use case)
        method="post",
        kwargs=lambda world: {"slug": world.grid.slug},
        data=lambda world: {"reviewers_only": "on"},
        effect=lambda world: Workspace.objects.filter(pk=world.grid.pk, comments_reviewers_only=True).exists(),
    ),
    Case("notification_list", EVERY_SIGNED_IN),
    Case("notification_bell", EVERY_SIGNED_IN),
    Case("notification_settings", EVERY_SIGNED_IN),
    Case(
        "notification_settings",
        statuses(302),
        method="post",
        data=lambda world: {"email": ["comment"]},
        effect=lambda world: NotificationSetting.objects.filter(event="submitted", email=False).exists(),
    ),
    Case("notification_mark", statuses(302), method="post", data=lambda world: {"read": "on"}),
    Case("notification_open", statuses(404, author=302), kwargs=_notification),
]
