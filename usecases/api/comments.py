"""Review comments over the API: `/api/use-cases/<id>/comments/` lists a use case's threads (open first, each with
its comments) and starts one (`section`, or `row` the mRID of a step, actor or information object of the use case,
and `text`); a thread takes replies and is resolved or reopened. `/api/use-cases/<id>/watch/` says whether the
client watches the use case, and changes it. A use case the client may not see is a 404; writing needs `COMMENT`
(403 otherwise)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ucmr.permissions import VIEW, visible_to
from usecases.comments import (
    comment_reply,
    comment_row_choices,
    comment_thread_get,
    comment_thread_list,
    comment_thread_resolve,
    comment_thread_start,
    usecase_is_watched,
    usecase_watch_set,
)
from usecases.models import Comment, CommentThread, UseCase
from usecases.models.comments import SECTIONS


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_name", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "text", "created"]
        read_only_fields = fields


class CommentThreadSerializer(serializers.ModelSerializer):
    row = serializers.UUIDField(source="row_mrid", read_only=True, allow_null=True)
    row_kind = serializers.ChoiceField(
        choices=CommentThread.RowKind.choices, allow_blank=True, read_only=True, help_text="Empty: not on a row."
    )
    row_removed = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by_name", read_only=True)
    resolved_by = serializers.CharField(source="resolved_by_name", read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = CommentThread
        fields = [
            "id",
            "section",
            "row",
            "row_kind",
            "row_label",
            "row_removed",
            "created_by",
            "created",
            "is_open",
            "resolved",
            "resolved_by",
            "comments",
        ]
        read_only_fields = fields

    def get_row_removed(self, thread) -> bool:
        present = self.context.get("present_rows")
        return bool(thread.row_kind) and present is not None and thread.row_mrid not in present


class CommentThreadCreateSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=SECTIONS, required=False, default="", allow_blank=True)
    row = serializers.UUIDField(required=False, allow_null=True, help_text="The mRID of a row; its section is used.")
    text = serializers.CharField(help_text="Rich text (a small HTML allow-list) or plain text; @username mentions.")


class CommentReplySerializer(serializers.Serializer):
    text = serializers.CharField()


class WatchSerializer(serializers.Serializer):
    watching = serializers.BooleanField()


@extend_schema(tags=["comments"])
class UseCaseCommentViewSet(viewsets.GenericViewSet):
    """The comment threads of one use case."""

    public_actions = ("list", "retrieve")
    serializer_class = CommentThreadSerializer
    pagination_class = None  # a use case's threads come whole, as its page shows them
    filter_backends = []

    def get_queryset(self):
        return comment_thread_list(use_case=self.use_case())

    def use_case(self) -> UseCase:
        use_cases = visible_to(self.request.user, UseCase.objects.select_related("workspace"), VIEW)
        return get_object_or_404(use_cases, pk=self.kwargs["use_case_pk"])

    def thread(self) -> CommentThread:
        return comment_thread_get(user=self.request.user, use_case_pk=self.kwargs["use_case_pk"], pk=self.kwargs["pk"])

    def get_serializer_class(self):
        return {
            "create": CommentThreadCreateSerializer,
            "reply": CommentReplySerializer,
            "watch": WatchSerializer,
        }.get(self.action, CommentThreadSerializer)

    def _thread_response(self, thread: CommentThread, status_code: int = status.HTTP_200_OK) -> Response:
        thread = comment_thread_list(use_case=thread.use_case).get(pk=thread.pk)
        context = {**self.get_serializer_context(), "present_rows": self._present(thread.use_case)}
        return Response(CommentThreadSerializer(thread, context=context).data, status=status_code)

    @staticmethod
    def _present(use_case: UseCase) -> set:
        return {row.mrid for row in comment_row_choices(use_case=use_case)}

    @extend_schema(responses=CommentThreadSerializer(many=True))
    def list(self, request, use_case_pk: int):
        use_case = self.use_case()
        threads = comment_thread_list(use_case=use_case)
        context = {**self.get_serializer_context(), "present_rows": self._present(use_case)}
        return Response(CommentThreadSerializer(threads, many=True, context=context).data)

    @extend_schema(responses=CommentThreadSerializer)
    def retrieve(self, request, use_case_pk: int, pk: int):
        return self._thread_response(self.thread())

    @extend_schema(request=CommentThreadCreateSerializer, responses={201: CommentThreadSerializer})
    def create(self, request, use_case_pk: int):
        use_case = self.use_case()
        serializer = CommentThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        thread = comment_thread_start(
            user=request.user,
            use_case=use_case,
            text=serializer.validated_data["text"],
            section=serializer.validated_data.get("section", ""),
            row_mrid=serializer.validated_data.get("row"),
        )
        return self._thread_response(thread, status.HTTP_201_CREATED)

    @extend_schema(request=CommentReplySerializer, responses={201: CommentThreadSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, use_case_pk: int, pk: int):
        thread = self.thread()
        serializer = CommentReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment_reply(user=request.user, thread=thread, text=serializer.validated_data["text"])
        return self._thread_response(thread, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CommentThreadSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, use_case_pk: int, pk: int):
        return self._thread_response(comment_thread_resolve(user=request.user, thread=self.thread()))

    @extend_schema(request=None, responses=CommentThreadSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, use_case_pk: int, pk: int):
        return self._thread_response(comment_thread_resolve(user=request.user, thread=self.thread(), resolved=False))

    @extend_schema(request=WatchSerializer, responses=WatchSerializer)
    def watch(self, request, use_case_pk: int):
        """GET: whether the client watches the use case; PUT `{"watching": true|false}`: watch it or stop."""
        use_case = self.use_case()
        if request.method == "PUT":
            serializer = WatchSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            usecase_watch_set(user=request.user, use_case=use_case, watching=serializer.validated_data["watching"])
        return Response({"watching": usecase_is_watched(user=request.user, use_case=use_case)})
