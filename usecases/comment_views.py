"""The form posts of the use case page's comments panel: start a thread, reply, resolve, reopen, watch. Each calls
one service and goes back to the page; a use case the user may not see is a 404, one they may read but not comment
on a 403."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from ucmr.permissions import VIEW, visible_to
from usecases.comments import (
    comment_reply,
    comment_thread_get,
    comment_thread_resolve,
    comment_thread_start,
    usecase_watch_set,
    workspace_comments_reviewers_only_set,
)
from usecases.models import UseCase, Workspace


def _use_case(user, pk: int) -> UseCase:
    return get_object_or_404(visible_to(user, UseCase.objects.select_related("workspace"), VIEW), pk=pk)


def _back(use_case: UseCase, anchor: str = "comments"):
    return redirect(use_case.get_absolute_url() + f"#{anchor}")


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


class CommentCreateView(LoginRequiredMixin, View):
    """Start a thread. `target`: "" (the use case), "section:<number>" or "row:<mRID>"."""

    def post(self, request, pk: int):
        use_case = _use_case(request.user, pk)
        kind, _, value = request.POST.get("target", "").partition(":")
        try:
            thread = comment_thread_start(
                user=request.user,
                use_case=use_case,
                text=request.POST.get("text", ""),
                section=value if kind == "section" else "",
                row_mrid=value if kind == "row" else None,
            )
        except ValidationError as error:
            _error(request, error)
            return _back(use_case, "comment-form")
        return _back(use_case, f"thread-{thread.pk}")


class CommentReplyView(LoginRequiredMixin, View):
    def post(self, request, pk: int, thread: int):
        found = comment_thread_get(user=request.user, use_case_pk=pk, pk=thread)
        try:
            comment = comment_reply(user=request.user, thread=found, text=request.POST.get("text", ""))
        except ValidationError as error:
            _error(request, error)
            return _back(found.use_case, f"thread-{found.pk}")
        return _back(found.use_case, f"comment-{comment.pk}")


class CommentResolveView(LoginRequiredMixin, View):
    resolved = True

    def post(self, request, pk: int, thread: int):
        found = comment_thread_get(user=request.user, use_case_pk=pk, pk=thread)
        try:
            comment_thread_resolve(user=request.user, thread=found, resolved=self.resolved)
        except ValidationError as error:
            _error(request, error)
        return _back(found.use_case, f"thread-{found.pk}")


class UseCaseWatchView(LoginRequiredMixin, View):
    """Watch the use case (`watching=on`) or stop (`off`)."""

    def post(self, request, pk: int):
        use_case = _use_case(request.user, pk)
        watching = request.POST.get("watching", "on") == "on"
        usecase_watch_set(user=request.user, use_case=use_case, watching=watching)
        messages.success(
            request,
            "You now hear of this use case's reviews and comments."
            if watching
            else "You no longer hear of this use case (except what is addressed to you).",
        )
        return _back(use_case)


class WorkspaceCommentSettingView(LoginRequiredMixin, View):
    """A manager leaves commenting to reviewers (`reviewers_only=on`) or opens it to every member (`off`)."""

    def post(self, request, slug: str):
        workspace = get_object_or_404(visible_to(request.user, Workspace.objects.all(), VIEW), slug=slug)
        reviewers_only = request.POST.get("reviewers_only") == "on"
        workspace_comments_reviewers_only_set(user=request.user, workspace=workspace, reviewers_only=reviewers_only)
        messages.success(
            request,
            "Only reviewers and managers comment now." if reviewers_only else "Every member may comment now.",
        )
        return redirect(workspace.get_absolute_url())
