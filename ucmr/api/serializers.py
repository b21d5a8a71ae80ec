"""Serializers of what every app shares: change log entries and background jobs."""

from django.contrib.contenttypes.models import ContentType
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ucmr.jobs import job_progress_shown
from ucmr.models import BackgroundJob, ChangeLogEntry

MAX_ID = 2**63 - 1  # the largest id the database holds (a BigAutoField): a larger one names nothing


class ChangeLogEntrySerializer(serializers.ModelSerializer):
    """One recorded write: who, when, what, and the values before and after."""

    object_type = serializers.SerializerMethodField()
    related_type = serializers.SerializerMethodField()

    class Meta:
        model = ChangeLogEntry
        fields = [
            "id",
            "time",
            "user_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "related_type",
            "related_object_id",
            "changed_fields",
            "before",
            "after",
        ]

    @extend_schema_field(serializers.CharField())
    def get_object_type(self, entry: ChangeLogEntry) -> str:
        return _type_label(entry.content_type_id)

    @extend_schema_field(serializers.CharField())
    def get_related_type(self, entry: ChangeLogEntry) -> str:
        return _type_label(entry.related_content_type_id) if entry.related_content_type_id else ""


def _type_label(content_type_id: int) -> str:
    """`app_label.model`, from Django's content type cache (no query per entry)."""
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


class JobSerializer(serializers.ModelSerializer):
    """A background job: poll it until `status` is succeeded or failed; `result` is the job's report (for an
    import: counts per kind and outcome, warnings, and the use cases with their ids)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:job-detail")
    links = serializers.SerializerMethodField()
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = BackgroundJob
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "is_done",
            "progress",
            "progress_message",
            "result",
            "error",
            "created",
            "started",
            "finished",
            "links",
        ]

    def to_representation(self, instance: BackgroundJob):
        return super().to_representation(job_progress_shown(instance))  # a running import's progress, on SQLite

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_links(self, job: BackgroundJob) -> dict[str, str]:
        request = self.context.get("request")
        links = {"html": request.build_absolute_uri(job.get_absolute_url()) if request else job.get_absolute_url()}
        result = job.result if isinstance(job.result, dict) else {}
        if job.kind == "xml_export" and result.get("output"):  # the file of a big export, while it is kept
            route = {"xlsx": "api:usecase-xlsx-download", "docx": "api:usecase-docx-download"}.get(
                result.get("format"), "api:usecase-xml-download"
            )
            links["download"] = reverse(route, kwargs={"job": str(job.pk)}, request=request)
        for row in result.get("use_cases") or []:
            if row.get("pk") and not result.get("dry_run"):
                links[f"use_case:{row['pk']}"] = reverse(
                    "api:usecase-detail", kwargs={"pk": row["pk"]}, request=request
                )
        return links


class ErrorItemSerializer(serializers.Serializer):
    path = serializers.CharField(
        allow_blank=True, help_text="Where the offending value sits in the request; blank for the request as a whole."
    )
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error the API answers (ucmr.api.errors), for the schema."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    errors = ErrorItemSerializer(many=True)
