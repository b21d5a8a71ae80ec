"""A use case's life over the API: the review workflow's transitions, its frozen versions and their differences,
and the audit history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ucmr.api.serializers import ChangeLogEntrySerializer
from ucmr.permissions import require
from ucmr.selectors import changes_redacted, object_history
from usecases.api.serializers import (
    CompareSerializer,
    SectionDiffSerializer,
    SnapshotDetailSerializer,
    SnapshotSerializer,
    TransitionSerializer,
    UseCaseFileSerializer,
)
from usecases.versions import usecase_snapshot_get, usecase_snapshot_list, usecase_versions_compare
from usecases.workflow import TRANSITIONS, usecase_transition


class UseCaseLifecycleActions:
    """The workflow, versions and history actions of `UseCaseViewSet`."""

    def transition(self, request, name: str) -> Response:
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            use_case = self.locked_object()
            require(request.user, TRANSITIONS[name].action, use_case)
            self.check_if_match(use_case)
            usecase_transition(
                user=request.user,
                use_case=use_case,
                name=name,
                comment=serializer.validated_data["comment"],
                expected_revision=use_case.revision,
            )
        use_case.refresh_from_db()
        return self.file_response(use_case)

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Draft -> in review (refused while validation finds errors)."""
        return self.transition(request, "submit")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """In review -> approved (freezes a version). For reviewers."""
        return self.transition(request, "approve")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """In review -> draft, with a comment saying what to change. For reviewers."""
        return self.transition(request, "send_back")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Approved -> published (freezes a version). For managers."""
        return self.transition(request, "publish")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Back to draft. For managers."""
        return self.transition(request, "withdraw")

    # Versions and history

    @extend_schema(responses=SnapshotSerializer(many=True), operation_id="use_cases_versions_list")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request, pk=None):
        """The frozen versions, newest first."""
        snapshots = usecase_snapshot_list(user=request.user, use_case=self.get_object())
        return Response(SnapshotSerializer(snapshots, many=True, context=self.get_serializer_context()).data)

    @extend_schema(parameters=[OpenApiParameter("sequence", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<sequence>[0-9]+)")
    def version(self, request, pk=None, sequence=None):
        """One frozen version with its document."""
        snapshot = usecase_snapshot_get(user=request.user, use_case=self.get_object(), sequence=int(sequence))
        return Response(SnapshotDetailSerializer(snapshot, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[CompareSerializer],
        responses={200: SectionDiffSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="versions/compare", filter_backends=[], pagination_class=None)
    def compare(self, request, pk=None):
        """What changed between two versions (or a version and the current state), section by section."""
        use_case = self.get_object()
        query = CompareSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        choices = {"current"} | {
            str(sequence)
            for sequence in usecase_snapshot_list(user=request.user, use_case=use_case).values_list(
                "sequence", flat=True
            )
        }
        wrong = {side: "No such version." for side in ("old", "new") if query.validated_data[side] not in choices}
        if wrong:
            raise ValidationError(wrong)
        sections, _, _ = usecase_versions_compare(
            user=request.user, use_case=use_case, old=query.validated_data["old"], new=query.validated_data["new"]
        )
        return Response(SectionDiffSerializer(sections, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            "ChangeLogPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": ChangeLogEntrySerializer(many=True),
            },
        ),
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """Every recorded change to the use case and its rows, newest first."""
        entries = object_history(user=request.user, obj=self.get_object())
        page = self.paginate_queryset(entries)
        entries = changes_redacted(user=request.user, entries=list(page))
        return self.get_paginated_response(ChangeLogEntrySerializer(entries, many=True).data)
