"""Reading a use case: the list with its facets and search, the page of the whole template, the page for print
and a drawing's uploaded image."""

import re
import secrets

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView

from ucmr.pages import KeysFirstPaginator, SelectorDetailView, SelectorListView
from ucmr.permissions import CHANGE, COMMENT, PUBLISH, REVIEW, SHARE, ObjectPermissionMixin, allowed_actions, require
from usecases import template
from usecases.analysis.diagrams import PollSchedule, usecase_generated_get
from usecases.authoring.locate import findings_with_editors
from usecases.comments import comment_summary_get
from usecases.filters import UseCaseFilterSet
from usecases.models.images import IMAGE_TYPES, image_detect
from usecases.search import usecase_search_matches
from usecases.selectors import drawing_image_get, usecase_header_get, usecase_key_list, usecase_row_list
from usecases.step_tables import scenario_step_rows, usecase_page_document, usecase_page_get
from usecases.views.sections import UseCaseState, comment_rows_cached, usecase_page_sections_get
from usecases.workflow import review_comparison_get, status_change_list, usecase_transitions_allowed

STATUS_CHANGES_SHOWN = 3
PRINT_ROWS_PER_CHUNK = 100  # step rows the print page renders and sends at a time
PK_PLACEHOLDER = 918273645546372819  # stands for a use case's pk in a URL reversed once (digits no path holds)


class UseCaseListView(SelectorListView):
    selector = usecase_key_list
    filterset_class = UseCaseFilterSet
    template_name = "usecases/usecase_list.html"
    context_object_name = "use_cases"

    def get_paginator(self, queryset, per_page, **kwargs):
        # The page's keys come from the use cases the user may see (the filters narrow `usecase_key_list`): its rows are
        # read by those keys alone, not matched against the permissions again.
        paginator = KeysFirstPaginator(queryset, per_page, rows=usecase_row_list(), **kwargs)
        if self.filterset.total is not None:
            paginator.count = self.filterset.total
        return paginator

    def get_context_data(self, **kwargs):
        # The facets first: counting them counts the results too, which the paginator then needs not count again.
        context = super().get_context_data(
            facets=self.filterset.facets(), sort_columns=self.filterset.sort_columns(), **kwargs
        )
        text = self.filterset.form.cleaned_data.get("q") if self.filterset.is_valid() else ""
        rows = context["object_list"]
        matches = usecase_search_matches([use_case.pk for use_case in rows], text) if text else {}
        # The rows' links from one URL reversed for the page, not two per row.
        url = reverse("usecases:usecase_detail", kwargs={"pk": PK_PLACEHOLDER})
        head, _, tail = url.rpartition(str(PK_PLACEHOLDER))
        for use_case in rows:
            use_case.search_match = matches.get(use_case.pk)  # None too: a missing one costs the template a dir()
            use_case.detail_url = f"{head}{use_case.pk}{tail}"
        return context


class UseCaseDetailView(SelectorDetailView):
    """The whole IEC 62559-2 template, sections 1 to 8; the steps of long scenarios load on demand
    (usecases.step_tables), so the page costs the same whatever the number of steps. The use case is read with its
    header only: its sections come from the cache, and are read and rendered only when they are not there
    (usecases.views.sections)."""

    selector = usecase_header_get
    template_name = "usecases/usecase_detail.html"
    context_object_name = "use_case"

    def get_context_data(self, **kwargs):
        allowed = allowed_actions(self.request.user, self.object, (CHANGE, REVIEW, PUBLISH, SHARE, COMMENT))
        may_change = CHANGE in allowed
        generated = usecase_generated_get(use_case=self.object)
        findings = generated.validation.findings
        findings_with_editors(use_case=self.object, findings=findings, may_change=may_change, user=self.request.user)
        state = UseCaseState.of(self.object)
        comments = comment_summary_get(
            user=self.request.user,
            use_case=self.object,
            may_comment=COMMENT in allowed,
            comment_on=self.request.GET.get("comment_on", ""),
            row_choices=comment_rows_cached(state),
        )
        return super().get_context_data(
            sections=usecase_page_sections_get(
                user=self.request.user, state=state, may_change=may_change, comments=comments
            ),
            allowed=allowed,
            may_change=may_change,  # already known: no second permission check
            transitions=usecase_transitions_allowed(use_case=self.object, allowed=allowed),
            status_changes=list(status_change_list(use_case=self.object)[:STATUS_CHANGES_SHOWN]),
            comments=comments,
            review_comparison=review_comparison_get(use_case=self.object),
            generated=generated,
            poll=PollSchedule.after(0),
            **kwargs,
        )


class UseCasePrintView(SelectorDetailView):
    """The whole template laid out for paper (and the browser's "Save as PDF"): the detail page's document and
    diagrams, read the same way, without what only its buttons, editors and workflow need. Complete, however many
    steps: the page is read as the use case page is (the steps of long scenarios left out), and the tables of those
    scenarios are streamed into it one after the other, a few queries per scenario, `PRINT_ROWS_PER_CHUNK` rows at
    a time, so neither the server's memory nor the time to the first byte grows with the steps."""

    selector = usecase_page_get
    template_name = "usecases/usecase_print.html"
    context_object_name = "use_case"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            document=usecase_page_document(user=self.request.user, use_case=self.object),
            generated=usecase_generated_get(use_case=self.object),
            printed=timezone.now(),
            may_change=False,  # nothing to edit on paper: no permission check
            stream_token=secrets.token_hex(16),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        page = render_to_string(self.get_template_names(), context, request=self.request)
        scenarios = {section.scenario.pk: section.scenario for section in context["document"].scenarios}
        parts = re.split(f"<!--{context['stream_token']} steps of (\\d+)-->", page)
        return StreamingHttpResponse(self._stream(parts, scenarios), content_type="text/html; charset=utf-8")

    def _stream(self, parts: list[str], scenarios: dict):
        """The page's parts, and between them the rows of the scenario each marker names."""
        rows_template = get_template("usecases/includes/step_rows.html")
        none_template = get_template("includes/none_row.html")
        for index, part in enumerate(parts):
            if index % 2 == 0:
                yield part
                continue
            steps = scenario_step_rows(scenario=scenarios[int(part)])
            for start in range(0, len(steps), PRINT_ROWS_PER_CHUNK):
                yield rows_template.render({"steps": steps[start : start + PRINT_ROWS_PER_CHUNK], "printing": True})
            if not steps:
                yield none_template.render({"columns": len(template.table("steps").page_columns)})


class DrawingImageView(ObjectPermissionMixin, DetailView):
    """The uploaded image of a section 2 drawing, for those who may see its use case."""

    public_read = True

    def get_object(self, queryset=None):
        drawing = drawing_image_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, drawing.use_case)
        return drawing

    def render_to_response(self, context, **response_kwargs):
        try:
            image = self.object.image.open("rb")
        except FileNotFoundError as error:
            raise Http404("The image file of this drawing is missing.") from error
        found = image_detect(image)
        if found is None or found[0] not in IMAGE_TYPES:  # not an image this version accepts (an older upload)
            response = FileResponse(image, as_attachment=True, filename=f"drawing-{self.object.pk}.bin")
            response["Content-Type"] = "application/octet-stream"
        else:
            content_type, extension = IMAGE_TYPES[found[0]]
            response = FileResponse(image, filename=f"drawing-{self.object.pk}.{extension}")
            response["Content-Type"] = content_type  # what the content is, whatever the file was called
        # Whatever a file holds, it never runs in our origin.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        return response
