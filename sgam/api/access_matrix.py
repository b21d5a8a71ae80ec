"""The data access matrix over the API: `GET /api/access-matrix/?<the use case list's filters>` answers the cells of
the selection (a page at a time) with their justifying steps, the selected use cases and the findings;
`GET /api/access-matrix/policy/` the access-policy proposal of the same selection. Only use cases the client may
see are selected: the others contribute no cell, no step and no count."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sgam.access_matrix.exports import POLICY_FORMAT, access_policy
from sgam.access_matrix.filters import AccessMatrixFilterSet, cell_filter_from
from sgam.access_matrix.model import (
    BOTH,
    DATA_CLASS_ORDER,
    PRODUCES,
    READ,
    RECEIVES,
    SORTS,
    WRITE,
    Cell,
    cells_filtered,
)
from sgam.access_matrix.reports import access_findings
from sgam.access_matrix.selectors import access_matrix_get, access_matrix_usecases
from ucmr.api.pagination import PageNumberPagination
from ucmr.api.schema import AutoSchema

PERMISSIONS = [(READ, READ), (WRITE, WRITE)]


class JustificationSerializer(serializers.Serializer):
    use_case = serializers.CharField()
    use_case_id = serializers.IntegerField()
    scenario = serializers.CharField(allow_blank=True)
    step = serializers.CharField(allow_blank=True, help_text="The step's full number (a sub-step 2 of step 3: 3.2).")
    step_name = serializers.CharField(allow_blank=True)
    side = serializers.ChoiceField(choices=["producer", "receiver"])
    via_grouping = serializers.CharField(allow_blank=True, help_text="The actor grouping the step names, if any.")
    url = serializers.CharField(help_text="The step on its use case's page.")


class RoleSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="The actor's id in the actor library.")
    name = serializers.CharField()
    mrid = serializers.CharField(allow_blank=True)
    sgam_zones = serializers.ListField(child=serializers.CharField())
    nist_domains = serializers.ListField(child=serializers.CharField(), help_text="NIST domain codes.")


class InformationSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    identifier = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    mrid = serializers.CharField()
    data_class = serializers.ChoiceField(choices=DATA_CLASS_ORDER, allow_blank=True)
    standards = serializers.CharField(allow_blank=True)


class CellSerializer(serializers.Serializer):
    role = RoleSerializer()
    information = InformationSerializer()
    access = serializers.ChoiceField(choices=[PRODUCES, RECEIVES, BOTH])
    permissions = serializers.ListField(child=serializers.ChoiceField(choices=PERMISSIONS))
    justifications = JustificationSerializer(many=True)


class SelectedUseCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    steps = JustificationSerializer(many=True)


class AccessMatrixPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Cells the filters keep, on every page.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    use_cases = SelectedUseCaseSerializer(many=True)
    findings = FindingSerializer(many=True)
    results = CellSerializer(many=True)


class PolicyPermissionSerializer(serializers.Serializer):
    information = serializers.DictField(child=serializers.CharField(allow_blank=True))
    access = serializers.ListField(child=serializers.ChoiceField(choices=PERMISSIONS))
    data_class = serializers.ChoiceField(choices=DATA_CLASS_ORDER, allow_null=True)
    standards = serializers.CharField(allow_blank=True)
    justification = JustificationSerializer(many=True)


class PolicyRoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    actor_mrid = serializers.CharField(allow_blank=True)
    sgam_zones = serializers.ListField(child=serializers.CharField())
    nist_domains = serializers.ListField(child=serializers.CharField())
    permissions = PolicyPermissionSerializer(many=True)


class PolicySelectionSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    use_cases = SelectedUseCaseSerializer(many=True)


class PolicySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=[POLICY_FORMAT])
    generated = serializers.DateTimeField()
    selection = PolicySelectionSerializer()
    roles = PolicyRoleSerializer(many=True)


def cell_json(cell: Cell) -> dict:
    role, information = cell.role, cell.information
    return {
        "role": {
            "id": role.pk,
            "name": role.name,
            "mrid": role.mrid,
            "sgam_zones": role.zones,
            "nist_domains": [code for code, _ in role.nist_domains],
        },
        "information": {
            "id": information.pk,
            "identifier": information.identifier,
            "name": information.name,
            "mrid": information.key,
            "data_class": information.data_class,
            "standards": information.standards,
        },
        "access": cell.access,
        "permissions": cell.permissions,
        "justifications": [item.as_json() for item in cell.justifications],
    }


CELL_PARAMETERS = [
    OpenApiParameter("role", OpenApiTypes.STR, many=True, description="Only these roles (actor id or name)."),
    OpenApiParameter("data_class", OpenApiTypes.STR, many=True, description="Only information of these data classes."),
    OpenApiParameter(
        "domain", OpenApiTypes.STR, many=True, description="Only roles in these NIST domains (codes; `none`)."
    ),
    OpenApiParameter("zone", OpenApiTypes.STR, many=True, description="Only roles in these SGAM zones (names)."),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[*SORTS, *(f"-{key}" for key in SORTS)],
        description="Order of the cells (default: role).",
    ),
]


PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="A page number within the paginated result set."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Number of cells to return per page."),
]


class MatrixSchema(AutoSchema):
    """The matrix is one document (a page of its cells, with the selection and the findings), not a list of rows:
    described as it is answered, not wrapped in a paginated list."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class AccessMatrixViewSet(viewsets.GenericViewSet):
    """Who produces (writes) and receives (reads) which information in the use cases the filters select, each cell
    with the steps that justify it: the base of role-based access on a data exchange platform."""

    public_actions = ("list", "policy")
    filterset_class = AccessMatrixFilterSet
    pagination_class = PageNumberPagination
    serializer_class = CellSerializer
    schema = MatrixSchema()

    def get_queryset(self):
        return access_matrix_usecases(user=self.request.user)

    def selection(self):
        use_cases = self.filter_queryset(self.get_queryset())
        matrix = access_matrix_get(use_cases=use_cases)
        return matrix, cells_filtered(matrix, cell_filter_from(self.request.query_params))

    @extend_schema(parameters=CELL_PARAMETERS + PAGE_PARAMETERS, responses=AccessMatrixPageSerializer)
    def list(self, request):
        matrix, cells = self.selection()
        page = self.paginate_queryset(cells)
        response = self.get_paginated_response([cell_json(cell) for cell in page])
        response.data["use_cases"] = [{"id": pk, "name": label} for pk, label in matrix.use_cases]
        response.data["findings"] = [finding.as_json() for finding in access_findings(matrix)]
        return response

    @extend_schema(parameters=CELL_PARAMETERS, responses=PolicySerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def policy(self, request):
        """The access-policy proposal: each role with the information objects it may write (it produces them)
        and read (it receives them), their data class, and the steps that justify each permission."""
        matrix, cells = self.selection()
        generated = timezone.now().isoformat(timespec="seconds")
        return Response(
            access_policy(matrix, cells, selection={"query": request.query_params.urlencode()}, generated=generated)
        )
