"""Serializers of use cases over the API: a brief shape for lists, the whole document for one use case, scalar
fields for PATCH, workflow steps, frozen versions, imports."""

from collections.abc import Callable
from dataclasses import asdict

from django.urls import get_script_prefix
from django.urls import reverse as url_reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.reverse import reverse

from ucmr.permissions import VIEW
from usecases.api.document import LibrariesSerializer, document_serializer
from usecases.exchange.loader import POLICIES
from usecases.forms import USECASE_FIELDS
from usecases.models import UseCase, UseCaseSnapshot, Workspace
from usecases.permissions import workspaces_of
from usecases.xml import document as doc

LINKS_FIELD = serializers.DictField(child=serializers.CharField())
# Stands for a use case's pk while a row's URL is reversed once per response (digits no host or path holds).
PK_PLACEHOLDER = 918273645546372819


def _url(name: str, request, **kwargs) -> str:
    return reverse(name, kwargs=kwargs, request=request)


_row_plans: dict[tuple, list[tuple[str, Callable[[UseCase], object]]]] = {}
MAX_ROW_PLANS = 64


class UseCaseListSerializer(serializers.ModelSerializer):
    """A use case in a list: its header, workspace, counts and links."""

    url = serializers.HyperlinkedIdentityField(view_name="api:usecase-detail")
    workspace_slug = serializers.SlugField(source="workspace.slug", read_only=True)
    scenario_count = serializers.IntegerField(read_only=True)
    actor_count = serializers.IntegerField(read_only=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = UseCase
        fields = [
            "id",
            "url",
            "html_url",
            "mrid",
            "identifier",
            "name",
            "workspace",
            "workspace_slug",
            "status",
            "nature",
            "level_of_depth",
            "prioritisation",
            "classification",
            "view_point",
            "keywords",
            "short_description",
            "revision",
            "created",
            "modified",
            "scenario_count",
            "actor_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_html_url(self, use_case: UseCase) -> str:
        return self.context["request"].build_absolute_uri(use_case.get_absolute_url())

    def to_representation(self, use_case: UseCase) -> dict:
        """The row DRF's generic loop gives (its fields say what the schema shows), read through a plan made once
        per response: the two URLs of a row are reversed once with a placeholder pk, not twice per row."""
        return {name: read(use_case) for name, read in self._row_plan()}

    def _row_plan(self) -> list[tuple[str, Callable[[UseCase], object]]]:
        """Made once per address the URLs are built on: DRF makes a ModelSerializer's fields from the model for
        every response, which cost more than reading a page of rows."""
        plan = getattr(self, "_plan", None)
        if plan is None:
            request, suffix = self.context["request"], self.context.get("format")  # `.json` in the URLs asked so
            key = (type(self), request.build_absolute_uri("/"), get_script_prefix(), suffix)
            plan = _row_plans.get(key)
            if plan is None:
                plan = [(field.field_name, self._reader(field)) for field in self._readable_fields]
                if len(_row_plans) >= MAX_ROW_PLANS:  # the host comes from the request (within ALLOWED_HOSTS)
                    _row_plans.clear()
                _row_plans[key] = plan
            self._plan = plan
        return plan

    def _reader(self, field: serializers.Field) -> Callable[[UseCase], object]:
        if field.field_name == "url":
            return _pk_url(field.to_representation(_Placeholder()))
        if field.field_name == "html_url":
            path = url_reverse("usecases:usecase_detail", kwargs={"pk": PK_PLACEHOLDER})
            return _pk_url(self.context["request"].build_absolute_uri(path))
        if isinstance(field, PrimaryKeyRelatedField):
            return _attribute_reader(UseCase._meta.get_field(field.source).attname, represent=lambda value: value)
        return _attribute_reader(*field.source_attrs, represent=field.to_representation)


class _Placeholder:
    pk = PK_PLACEHOLDER


def _pk_url(pattern: str) -> Callable[[UseCase], str]:
    """A URL for any use case from `pattern`, the URL reversed for PK_PLACEHOLDER."""
    head, placeholder, tail = pattern.rpartition(str(PK_PLACEHOLDER))
    if not placeholder:
        raise ValueError(f"No placeholder pk in {pattern!r}.")
    return lambda use_case: f"{head}{use_case.pk}{tail}"


def _attribute_reader(*attributes: str, represent: Callable[[object], object]) -> Callable[[UseCase], object]:
    """The value at `attributes` (a path: workspace, slug), None as None, else as `represent` shows it."""

    def read(use_case: UseCase) -> object:
        value = use_case
        for attribute in attributes:
            value = getattr(value, attribute)
            if value is None:
                return None
        return represent(value)

    return read


class UseCaseFileSerializer(serializers.Serializer):
    """A whole use case: `document` holds every section of the IEC 62559-2 template (as the XML exchange does),
    `libraries` the actors, information objects, requirements, terms, business cases and related use cases it
    refers to by mRID. POST creates a use case from it (`workspace` needed); PUT replaces all of a draft with it,
    matching rows by mRID (rows left out are deleted). The status changes only through the workflow actions."""

    id = serializers.IntegerField(source="use_case.pk", read_only=True)
    workspace = serializers.PrimaryKeyRelatedField(
        source="use_case.workspace",
        queryset=Workspace.objects.none(),
        help_text="The workspace (id). Needed to create; a use case does not move by PUT.",
        required=False,
    )
    status = serializers.CharField(source="use_case.status", read_only=True)
    revision = serializers.IntegerField(source="use_case.revision", read_only=True)
    document = document_serializer(doc.UseCase)()
    libraries = LibrariesSerializer(required=False, default=doc.Repository)
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What the last write had to adapt to store the document (nothing is lost: the export keeps it).",
    )
    links = serializers.SerializerMethodField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["workspace"].queryset = workspaces_of(request.user, VIEW)

    @extend_schema_field(LINKS_FIELD)
    def get_links(self, item) -> dict[str, str]:
        request, pk = self.context.get("request"), item.use_case.pk
        return {
            "self": _url("api:usecase-detail", request, pk=pk),
            "html": request.build_absolute_uri(item.use_case.get_absolute_url()) if request else "",
            "xml": _url("api:usecase-xml", request, pk=pk),
            "history": _url("api:usecase-history", request, pk=pk),
            "versions": _url("api:usecase-versions", request, pk=pk),
        }


class UseCasePatchSerializer(serializers.Serializer):
    """PATCH changes scalar fields of sections 1.1 to 1.7 (`document.name`, `document.scope`, ...), validated as
    the edit page validates them. Tables are replaced with PUT."""

    document = serializers.DictField(help_text=f"Any of: {', '.join(USECASE_FIELDS)}.")

    def validate_document(self, values: dict) -> dict:
        unknown = sorted(set(values) - set(USECASE_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                f"PATCH changes only {', '.join(USECASE_FIELDS)}; send the whole document with PUT for "
                f"{', '.join(unknown)}."
            )
        not_text = sorted(name for name, value in values.items() if not isinstance(value, str))
        if not_text:
            raise serializers.ValidationError(f"Text expected for {', '.join(not_text)}.")
        return values

    def to_representation(self, item) -> dict:
        # What PATCH may change of a use case's file (the browsable API fills its PATCH form with it).
        return {"document": {name: getattr(item.document, name, "") for name in USECASE_FIELDS}}


class TransitionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to send a use case back."
    )


class SnapshotSerializer(serializers.ModelSerializer):
    """A frozen version: the use case as it was when it was approved or published."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = UseCaseSnapshot
        fields = ["sequence", "url", "version_number", "status", "created", "created_by_name"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, snapshot: UseCaseSnapshot) -> str:
        request = self.context.get("request")
        return _url("api:usecase-version", request, pk=snapshot.use_case_id, sequence=snapshot.sequence)


class SnapshotDetailSerializer(SnapshotSerializer):
    document = serializers.JSONField(help_text="The template's sections as they were.")

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "document"]


class CompareSerializer(serializers.Serializer):
    old = serializers.CharField(help_text="A version's sequence, or `current`.")
    new = serializers.CharField(help_text="A version's sequence, or `current`.", default="current")


class SectionDiffSerializer(serializers.Serializer):
    """One section of the template: its changed fields word by word, rows added, removed and changed."""

    def to_representation(self, instance):
        return asdict(instance)


class ImportRequestSerializer(serializers.Serializer):
    """An IEC 62559-3 file (variant C, B or D), a BRIDGE Excel workbook (.xlsx, .xlsm) or an IEC 62559-2 Word
    document (.docx, .docm) as `file` in multipart form data, or the raw body with Content-Type application/xml or an
    Excel or Word media type (then the other values come as query parameters)."""

    file = serializers.FileField(required=False, help_text="The XML file, Excel workbook or Word document (multipart).")
    workspace = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Where new use cases go (default: as the file says)."
    )
    policy = serializers.ChoiceField(
        choices=POLICIES, default="update", help_text="What happens to existing use cases."
    )
    dry_run = serializers.BooleanField(default=False, help_text="Report what would happen and write nothing.")
