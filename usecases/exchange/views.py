"""Pages of the XML exchange: the import form (a background job, a dry run first), its confirmation, and the
downloads of one use case or of the filtered use case list, as IEC 62559-3 XML, as a workbook in the BRIDGE Excel
template's layout, or as Word documents in the IEC 62559-2 template (`export_format`). Every download goes through
the permission policy: a user exports only what they may see."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.text import slugify
from django.views.generic import FormView, View

from ucmr.editing import add_service_errors
from ucmr.permissions import ObjectPermissionMixin
from ucmr.selectors import job_get
from usecases.exchange.forms import ImportForm
from usecases.exchange.selectors import export_job_file_get, usecase_export_get
from usecases.exchange.services import (
    export_file_format,
    export_job_start,
    export_runs_as_job,
    import_job_confirm,
    import_job_start,
    import_workspaces,
    may_import,
    usecases_export,
)
from usecases.exchange.use_cases import may_create_workspaces
from usecases.filters import UseCaseFilterSet
from usecases.selectors import usecase_list


def selects_everything(params: Mapping[str, str]) -> bool:
    """Whether a list export's query sets no filter of `UseCaseFilterSet`: an "export all", always a job."""
    return not any(params.get(name) for name in UseCaseFilterSet.base_filters)


def export_file_response(*, job, name: str) -> FileResponse:
    """The file an export job wrote, streamed from the storage as an attachment."""
    result = job.result or {}
    export_format = export_file_format(result.get("format", "xml"), several=True)
    file_name = result.get("file_name") or f"use-cases.{export_format.extension}"
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=file_name,
        content_type=export_format.content_type,
    )


def export_download(data: bytes, *, file_name: str, export_format: str, several: bool = False) -> HttpResponse:
    """An export written in the request, as an attachment named `file_name` plus the format's extension (of a file
    of `several` use cases: Word's is a zip)."""
    found = export_file_format(export_format, several=several)
    content_type = found.content_type
    if export_format == "xml":
        content_type += "; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.{found.extension}"'
    return response


def usecase_file_stem(use_case) -> str:
    """The name of one use case's export file, without its extension."""
    return slugify(use_case.identifier or use_case.name)[:60] or "use-case"


class ImportView(ObjectPermissionMixin, FormView):
    """Upload a file; it is imported by a background job (a dry run first, unless unticked), whose page shows the
    report."""

    template_name = "usecases/import.html"
    form_class = ImportForm

    def check_permissions(self) -> None:
        if not may_import(user=self.request.user):
            raise PermissionDenied("You may not import use cases.")

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "workspaces": import_workspaces(user=user),
            "as_file_says": may_create_workspaces(user),
        }

    def form_valid(self, form):
        try:
            job = import_job_start(
                user=self.request.user,
                upload=form.cleaned_data["file"],
                workspace=form.cleaned_data["workspace"],
                policy=form.cleaned_data["policy"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(job.get_absolute_url())


class ImportConfirmView(ObjectPermissionMixin, View):
    """Run for real the import a dry run reported on."""

    def post(self, request, pk):
        dry_run = job_get(user=request.user, pk=pk)
        try:
            job = import_job_confirm(user=request.user, job=dry_run)
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
        return redirect(job.get_absolute_url())


class UseCaseExportView(ObjectPermissionMixin, View):
    """One use case (with the library objects it uses) as IEC 62559-3 variant C, or as a workbook."""

    public_read = True
    export_format = "xml"

    def get(self, request, pk):
        use_cases = usecase_export_get(user=request.user, pk=pk)
        use_case = use_cases.get()
        data = usecases_export(user=request.user, use_cases=use_cases, export_format=self.export_format)
        return export_download(data, file_name=usecase_file_stem(use_case), export_format=self.export_format)


class UseCaseListExportView(ObjectPermissionMixin, View):
    """The use cases the list shows with the same filters (all pages), as one variant C file or one workbook: at
    once for a few, else (and for all use cases) written by a background job, whose page offers the file. Visitors
    who are not signed in export only the few."""

    public_read = True
    export_format = "xml"

    def get(self, request):
        filterset = UseCaseFilterSet(request.GET or None, queryset=usecase_list(user=request.user), request=request)
        if filterset.is_bound and not filterset.is_valid():
            return HttpResponseBadRequest("The filters are not valid: " + filterset.errors.as_text())
        use_cases = filterset.qs
        if export_runs_as_job(user=request.user, use_cases=use_cases, everything=selects_everything(request.GET)):
            if not request.user.is_authenticated:
                return self.handle_no_permission()
            job = export_job_start(user=request.user, use_cases=use_cases, export_format=self.export_format)
            return redirect(job.get_absolute_url())
        data = usecases_export(user=request.user, use_cases=use_cases, export_format=self.export_format, several=True)
        return export_download(data, file_name="use-cases", export_format=self.export_format, several=True)


class ExportDownloadView(ObjectPermissionMixin, View):
    """The file an export job wrote, for those who may see the job (who started it, administrators); else a 404."""

    def get(self, request, pk):
        job, name = export_job_file_get(user=request.user, pk=pk)
        return export_file_response(job=job, name=name)
