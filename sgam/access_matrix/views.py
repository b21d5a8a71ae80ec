"""Pages of the data access matrix: the matrix of a selection (grids per data class, or a sortable list of cells),
one cell's justifying steps, the NIST domains x data classes summary, the difference between two selections or two
versions of a use case, and the exports. Everyone who may read the use case list may read them: a selection only
ever holds the use cases the reader may see (ucmr.permissions), and a version's use case is a 404 otherwise."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.views.generic import TemplateView

from sgam.access_matrix.exports import access_policy, matrix_csv, matrix_xlsx
from sgam.access_matrix.filters import selection_query
from sgam.access_matrix.model import DATA_CLASS_LABELS, DATA_CLASS_ORDER, grids_by_data_class
from sgam.access_matrix.reports import FINDING_TITLES, access_findings, access_summary, matrix_diff
from sgam.access_matrix.selectors import (
    MatrixSelection,
    access_matrix_select,
    nist_domain_choices,
)
from sgam.access_matrix.versions import access_matrix_of_version
from sgam.selectors import zone_list
from ucmr.permissions import VIEW, ObjectPermissionMixin, require
from usecases.selectors import usecase_header_get
from usecases.versions import CURRENT, usecase_snapshot_list, usecase_version_document

ROLES_PER_PAGE = 40
LIST_CELLS_PER_PAGE = 200
LIST_COLUMNS = (
    ("role", "Role"),
    ("zone", "SGAM zone"),
    ("domain", "NIST domain"),
    ("information", "Information"),
    (None, "Data class"),
    ("standards", "Defining standards"),
    ("access", "Access"),
    ("use_cases", "Justified by"),
)


class AccessMatrixPageMixin(ObjectPermissionMixin):
    public_read = True  # as the use case list: anonymous visitors see published use cases where the setting allows

    def selection(self) -> MatrixSelection:
        return access_matrix_select(user=self.request.user, params=self.request.GET, request=self.request)

    def selection_context(self, selection: MatrixSelection) -> dict:
        query = selection_query(self.request.GET)
        return {
            "selection": selection,
            "matrix": selection.matrix,
            "filter": selection.filterset,
            "selection_query": query,
            "full_query": self.request.GET.urlencode(),
            "data_classes": [(value, DATA_CLASS_LABELS[value]) for value in DATA_CLASS_ORDER],
            "nist_domains": nist_domain_choices(),
            "zones": [(zone.code, zone.name) for zone in zone_list()],
            "role_choices": sorted(
                ((str(role.pk), role.name) for role in selection.matrix.roles.values()), key=lambda c: c[1].lower()
            ),
            "cell_filter": selection.cell_filter,
        }


class AccessMatrixView(AccessMatrixPageMixin, TemplateView):
    """The matrix of the selection: per data class a grid of roles by information objects (`view=list`: one row per
    cell, sortable by each column), a page of roles at a time, and the findings of the whole selection."""

    template_name = "sgam/access_matrix/matrix.html"

    def get_context_data(self, **kwargs):
        selection = self.selection()
        cells = selection.cells
        view = "list" if self.request.GET.get("view") == "list" else "grid"
        if view == "list":
            page = Paginator(cells, LIST_CELLS_PER_PAGE).get_page(self.request.GET.get("page"))
            shown, grids = list(page.object_list), []
        else:
            roles = list(dict.fromkeys(cell.role.key for cell in cells))
            page = Paginator(roles, ROLES_PER_PAGE).get_page(self.request.GET.get("page"))
            on_page = set(page.object_list)
            shown = [cell for cell in cells if cell.role.key in on_page]
            grids = grids_by_data_class(shown)
        return super().get_context_data(
            view=view,
            page_obj=page,
            is_paginated=page.paginator.num_pages > 1,
            cells=shown,
            cell_count=len(cells),
            role_count=len({cell.role.key for cell in cells}),
            information_count=len({cell.information.key for cell in cells}),
            grids=grids,
            list_columns=LIST_COLUMNS,
            findings=access_findings(selection.matrix),
            finding_titles=FINDING_TITLES,
            **self.selection_context(selection),
            **kwargs,
        )


class AccessMatrixCellView(AccessMatrixPageMixin, TemplateView):
    """One cell: the steps of the selection that make the role produce or receive the information."""

    template_name = "sgam/access_matrix/cell.html"

    def get_context_data(self, **kwargs):
        selection = self.selection()
        cell = selection.matrix.cell(role_pk=self.kwargs["role"], information_pk=self.kwargs["information"])
        if cell is None:
            raise Http404("No use case of this selection that you may see gives this role this information.")
        return super().get_context_data(cell=cell, **self.selection_context(selection), **kwargs)


class AccessMatrixSummaryView(AccessMatrixPageMixin, TemplateView):
    """NIST domains (the seed paper's access levels) by data classes: which roles of a domain hold which data."""

    template_name = "sgam/access_matrix/summary.html"

    def get_context_data(self, **kwargs):
        selection = self.selection()
        summary = access_summary(selection.cells, nist_domains=nist_domain_choices())
        return super().get_context_data(summary=summary, **self.selection_context(selection), **kwargs)


def _params(text: str) -> QueryDict:
    return QueryDict(text.lstrip("?"), mutable=True)


class AccessMatrixDiffView(AccessMatrixPageMixin, TemplateView):
    """What changes in who may access what from one selection (`old`, a query string of the list's filters) to
    another (`new`): "this change gives the aggregator read access to meter usage data"."""

    template_name = "sgam/access_matrix/diff.html"

    def get_context_data(self, **kwargs):
        old_query, new_query = self.request.GET.get("old", ""), self.request.GET.get("new", "")
        old = access_matrix_select(user=self.request.user, params=_params(old_query), request=self.request)
        new = access_matrix_select(user=self.request.user, params=_params(new_query), request=self.request)
        return super().get_context_data(
            old_label=f"selection ?{old_query.lstrip('?')}" if old_query else "every use case you may see",
            new_label=f"selection ?{new_query.lstrip('?')}" if new_query else "every use case you may see",
            old_query=old_query,
            new_query=new_query,
            changes=matrix_diff(old.matrix, new.matrix),
            invalid=not (old.valid and new.valid),
            use_case=None,
            **kwargs,
        )


class AccessMatrixVersionDiffView(ObjectPermissionMixin, TemplateView):
    """What changes in who may access what between two versions of one use case (`old`, `new`: a version's
    sequence or `current`)."""

    template_name = "sgam/access_matrix/diff.html"
    public_read = True

    def get_context_data(self, **kwargs):
        use_case = usecase_header_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, VIEW, use_case)
        versions = list(usecase_snapshot_list(user=self.request.user, use_case=use_case))
        default_old = str(versions[0].sequence) if versions else CURRENT
        old_choice = self.request.GET.get("old", default_old)
        new_choice = self.request.GET.get("new", CURRENT)
        matrices = []
        for choice in (old_choice, new_choice):
            if choice != CURRENT and not choice.isdigit():
                raise Http404("No such version.")
            document, label = usecase_version_document(user=self.request.user, use_case=use_case, choice=choice)
            matrices.append((access_matrix_of_version(use_case=use_case, document=document, label=label), label))
        (old, old_label), (new, new_label) = matrices
        return super().get_context_data(
            use_case=use_case,
            versions=versions,
            old_choice=old_choice,
            new_choice=new_choice,
            old_label=old_label,
            new_label=new_label,
            changes=matrix_diff(old, new),
            invalid=False,
            **kwargs,
        )


class AccessMatrixExportView(AccessMatrixPageMixin, TemplateView):
    """The selection's cells (as filtered) as CSV or Excel, or its access-policy proposal as JSON."""

    FORMATS = ("csv", "xlsx", "json")

    def get(self, request, *args, **kwargs):
        output_format = kwargs["output_format"]
        if output_format not in self.FORMATS:
            raise Http404("The access matrix is exported as CSV, XLSX or JSON.")
        selection = self.selection()
        stamp = timezone.now()
        name = f"access-matrix-{stamp:%Y%m%d-%H%M}"
        if output_format == "csv":
            response = HttpResponse(matrix_csv(selection.cells), content_type="text/csv; charset=utf-8")
        elif output_format == "xlsx":
            summary = access_summary(selection.cells, nist_domains=nist_domain_choices())
            response = HttpResponse(
                matrix_xlsx(selection.cells, summary, access_findings(selection.matrix)),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            name = f"access-policy-{stamp:%Y%m%d-%H%M}"
            policy = access_policy(
                selection.matrix,
                selection.cells,
                selection={"query": request.GET.urlencode()},
                generated=stamp.isoformat(timespec="seconds"),
            )
            response = JsonResponse(policy, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.{output_format}"'
        response["Cache-Control"] = "private, no-store"
        return response
