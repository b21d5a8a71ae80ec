"""The analysis pages of a use case: its generated diagrams (status for the page's polling, SVG and PNG downloads,
by primary key, by mRID for IEC 62559-3 exports, by content hash), validation on demand and the repository's
validation report. Every one asks `ucmr.permissions`: a use case the user may not see is a 404, diagrams included.
What they show is computed in this package (diagrams.py, followup.py, validation/); their addresses are in urls.py,
under `usecases:` names and the paths they had when they were sgam's pages."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views import View
from django.views.generic import ListView

from ucmr.jobs import job_start
from ucmr.permissions import CHANGE, VIEW, ObjectPermissionMixin, require, user_can
from usecases.analysis.diagrams import (
    PollSchedule,
    diagram_key_possible,
    rendered_diagram_visible_get,
    usecase_diagram_get,
    usecase_diagrams_known,
    usecase_generated_get,
)
from usecases.analysis.followup import VALIDATE_KIND, diagram_for_download, usecase_followup_ensure
from usecases.analysis.validation.rules import ERROR, INFO, RULES, WARNING
from usecases.analysis.validation.selectors import (
    validation_report_get,
    validation_report_rows,
    validation_report_usecases,
)
from usecases.authoring.locate import findings_with_editors
from usecases.selectors import usecase_header_get, usecase_header_list

# An SVG of ours holds no script, but it is served from our origin: let nothing in it run or load.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
PENDING_REFRESH_SECONDS = 2


def _use_case(request, pk):
    """The use case's header only: its diagrams are found by its revision, not drawn from its rows."""
    use_case = usecase_header_get(user=request.user, pk=pk)
    require(request.user, VIEW, use_case)
    return use_case


def _use_case_by_mrid(request, mrid):
    use_case = get_object_or_404(usecase_header_list(user=request.user), mrid=mrid)
    require(request.user, VIEW, use_case)
    return use_case


class UseCaseGeneratedStatusView(ObjectPermissionMixin, View):
    """The state of each diagram and of the validation: for the use case page (htmx), its validation panel and
    generated diagrams to swap in; for other clients, JSON. Asks for what is missing (rendering, validation) when
    nothing is queued for it yet. `?poll=N` counts the page's polls, which end after PollSchedule.MAX_POLLS."""

    public_read = True  # the page of a published use case may be public (UCMR_PUBLIC_READ)

    def get(self, request, pk):
        use_case = _use_case(request, pk)
        panel = usecase_generated_get(use_case=use_case)
        if panel.pending:
            usecase_followup_ensure(use_case=use_case, render=panel.rendering, validate=panel.validation.stale)
        if request.headers.get("HX-Request") == "true":
            may_change = user_can(request.user, CHANGE, use_case)
            findings_with_editors(
                use_case=use_case, findings=panel.validation.findings, may_change=may_change, user=request.user
            )
            polls = request.GET.get("poll", "0")
            context = {
                "use_case": use_case,
                "generated": panel,
                "poll": PollSchedule.after(int(polls) if polls.isdigit() else 0),
            }
            response = TemplateResponse(request, "usecases/analysis/includes/generated_panel.html", context)
        else:
            response = JsonResponse(panel.as_json())
        response["Cache-Control"] = "no-store"
        response["Vary"] = "HX-Request"
        return response


class DiagramDownloadView(ObjectPermissionMixin, View):
    """One generated diagram as SVG (served under a policy that lets nothing in it run) or PNG; `?download=1`
    makes it an attachment. Found by the use case's revision and the diagram's key (no graph is built); while it is
    being rendered: 202 and a page that reloads itself."""

    public_read = True

    def get(self, request, pk, key, output_format):
        return self.diagram(request, _use_case(request, pk), key, output_format)

    def diagram(self, request, use_case, key, output_format):
        if output_format not in ("svg", "png"):
            raise Http404("Diagrams are served as SVG or PNG.")
        if not diagram_key_possible(use_case=use_case, key=key):
            raise Http404("This use case has no such diagram.")
        if "If-None-Match" in request.headers:
            stored = usecase_diagram_get(use_case=use_case, key=key)
            etag = f'"{stored.content_hash}-{output_format}"' if stored is not None and stored.content_hash else None
            if etag is not None and request.headers["If-None-Match"] == etag:
                return HttpResponseNotModified()
        stored, diagram = diagram_for_download(use_case=use_case, key=key, output_format=output_format)
        if stored is None and usecase_diagrams_known(use_case=use_case):
            raise Http404("This use case has no such diagram.")
        if stored is not None and diagram is not None:
            etag = f'"{stored.content_hash}-{output_format}"'
            name = f"{use_case.identifier or use_case.pk} {key}"
            return serve_diagram(request, diagram, output_format, etag=etag, name=name)
        context = {
            "use_case": use_case,
            "title": stored.title if stored else key,
            "output_format": output_format.upper(),
        }
        response = TemplateResponse(request, "usecases/analysis/diagram_pending.html", context, status=202)
        response["Refresh"] = str(PENDING_REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


def serve_diagram(request, diagram, output_format: str, *, etag: str, name: str, immutable: bool = False):
    """The SVG or PNG of a rendered diagram (a 502 saying why when it failed)."""
    failure = diagram.error or (diagram.png_error if output_format == "png" else "")
    if failure:
        return HttpResponse(f"This diagram could not be rendered: {failure}", status=502, content_type="text/plain")
    if output_format == "svg":
        response = HttpResponse(diagram.svg, content_type="image/svg+xml; charset=utf-8")
        response["Content-Security-Policy"] = SVG_POLICY
    else:
        response = HttpResponse(bytes(diagram.png), content_type="image/png")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{slugify(name) or "diagram"}.{output_format}"'
    response["ETag"] = etag
    # Content-addressed: the same address always answers the same bytes.
    response["Cache-Control"] = "private, max-age=31536000, immutable" if immutable else "private, no-cache"
    return response


class DiagramByMridView(DiagramDownloadView):
    """The same diagram, addressed by the use case's mRID instead of its primary key: the address IEC 62559-3
    exports give their generated drawings, which names the same diagram in every repository holding the use case.
    Served here rather than redirected, so that the address in the file is the one that answers (and is cached)."""

    def get(self, request, mrid, key, output_format):
        return self.diagram(request, _use_case_by_mrid(request, mrid), key, output_format)


class DiagramByHashView(ObjectPermissionMixin, View):
    """A rendered diagram found by its content hash (the `version` the status endpoint gives, in full), for who may
    see a use case that shows it: the address never changes its answer, so it is cached for good."""

    public_read = True

    def get(self, request, content_hash, output_format):
        if output_format not in ("svg", "png"):
            raise Http404("Diagrams are served as SVG or PNG.")
        diagram = rendered_diagram_visible_get(user=request.user, content_hash=content_hash)
        if diagram is None or (output_format == "png" and not (diagram.png or diagram.png_error or diagram.error)):
            raise Http404("No such rendered diagram.")
        etag = f'"{content_hash}-{output_format}"'
        if request.headers.get("If-None-Match") == etag:
            return HttpResponseNotModified()
        return serve_diagram(request, diagram, output_format, etag=etag, name=diagram.title, immutable=True)


class UseCaseValidateView(ObjectPermissionMixin, View):
    """Validate one use case now (a job; inline without a broker), then back to its page."""

    def post(self, request, pk):
        use_case = _use_case(request, pk)
        job_start(user=request.user, kind=VALIDATE_KIND, params={"use_case": use_case.pk})
        messages.info(request, "The use case is being validated; the findings appear below when it is done.")
        return redirect(use_case.get_absolute_url() + "#validation")


class ValidationReportView(ObjectPermissionMixin, ListView):
    """Findings of the use cases the user may see, per rule and per use case, and findings about the libraries."""

    template_name = "usecases/analysis/validation_report.html"
    context_object_name = "use_cases"

    def get_queryset(self):
        return validation_report_usecases(
            user=self.request.user, severity=self.request.GET.get("severity", ""), rule=self.request.GET.get("rule", "")
        )

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            report=validation_report_get(user=self.request.user),
            rules=RULES,
            severities=(ERROR, WARNING, INFO),
            severity=self.request.GET.get("severity", ""),
            rule=self.request.GET.get("rule", ""),
            **kwargs,
        )
        context["rows"] = validation_report_rows(context["object_list"])
        return context


class ValidationRunView(ObjectPermissionMixin, View):
    """Validate every use case the user may see (a job), then show the job."""

    def post(self, request):
        job = job_start(user=request.user, kind=VALIDATE_KIND, params={"scope": "visible"})
        return redirect(job.get_absolute_url())
