"""A scenario's steps a fragment at a time, for the use case page's collapsed step tables (usecases.step_tables):
rows for htmx to put in place of the "Show steps" button, or, without script, a page of their own."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import View

from ucmr.permissions import COMMENT, ObjectPermissionMixin, require, user_can
from usecases.comments import comment_summary_get
from usecases.selectors import usecase_header_get
from usecases.step_tables import scenario_step_fragment, step_fragment_locate


class ScenarioStepsView(ObjectPermissionMixin, View):
    """GET `?start=N`: rows N to N + STEPS_PER_FRAGMENT of the scenario's steps, for who may see the use case."""

    public_read = True  # as the use case page

    def get(self, request, pk, scenario):
        use_case = usecase_header_get(user=request.user, pk=pk)
        require(request.user, self.permission_action, use_case)
        start = request.GET.get("start", "0")
        fragment = scenario_step_fragment(
            use_case=use_case, scenario_pk=scenario, start=int(start) if start.isdigit() else 0
        )
        may_comment = user_can(request.user, COMMENT, use_case)
        context = {
            "use_case": use_case,
            "fragment": fragment,
            "scenario": fragment.scenario,
            "steps": fragment.steps,
            "comments": comment_summary_get(user=request.user, use_case=use_case, may_comment=may_comment),
        }
        if request.headers.get("HX-Request") == "true":
            response = TemplateResponse(request, "usecases/includes/step_fragment.html", context)
        else:
            response = TemplateResponse(request, "usecases/scenario_steps.html", context)
        response["Vary"] = "HX-Request"
        return response


class StepLocateView(ObjectPermissionMixin, View):
    """A step of the use case wherever its table is: the steps of its scenario that hold it, at its row (where a
    link to a step the page does not show yet leads)."""

    public_read = True

    def get(self, request, pk, step):
        use_case = usecase_header_get(user=request.user, pk=pk)
        require(request.user, self.permission_action, use_case)
        scenario, start = step_fragment_locate(use_case=use_case, step_pk=step)
        url = reverse("usecases:scenario_steps", kwargs={"pk": use_case.pk, "scenario": scenario})
        return redirect(f"{url}?start={start}#step-{step}")
