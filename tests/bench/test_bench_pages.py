"""`make bench`: server time and query count of the use case page for 10, 100 and 300 steps; the page of a
5,000-step use case against a 50-step one (issue 20: within 3x, under 500 KB); the steps editor.

Prints figures; asserts nothing about time (timing belongs here, not in tests)."""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.bench.report import report
from tests.bench.synthetic import make_use_case
from tests.factories import UserFactory, with_repository_role
from usecases.analysis.services import usecase_diagrams_render
from usecases.authoring.conflicts import order_fingerprint
from usecases.models import UseCase

ROUNDS = 15


@pytest.mark.django_db
def test_bench_use_case_page(client):
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    rows = []
    for steps in (10, 100, 300):
        use_case = make_use_case(steps=steps)
        url = reverse("usecases:usecase_detail", kwargs={"pk": use_case.pk})
        client.get(url)  # warm up templates and caches
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append(
            (
                f"{steps} steps, 50 actors",
                f"{statistics.median(timings) * 1000:.1f} ms",
                str(len(queries)),
                f"{len(response.content) // 1024} KiB",
            )
        )
    report(
        f"Use case detail page (median of {ROUNDS} requests, {connection.vendor})",
        ("use case", "median server time", "SQL queries", "page size"),
        rows,
    )


def _page_figures(client, url: str, **headers) -> tuple[float, int, int]:
    """(median server time in s, bytes, SQL queries) of a page."""
    client.get(url, **headers)  # warm up templates and caches
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url, **headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    return statistics.median(timings), len(response.content), len(queries)


@pytest.mark.django_db
def test_bench_page_of_5000_steps(client, settings):
    """Issue 20, part 1: a use case of 10 scenarios of 500 steps against one of 10 scenarios of 5, diagrams rendered
    (Graphviz limited to 10 s a diagram, so the 5,000-step actor diagram fails quickly instead of after 30 s: what
    the page costs does not depend on it)."""
    settings.UCMR_DIAGRAM_TIMEOUT = 10
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    figures = {}
    for steps in (50, 5000):
        use_case = make_use_case(steps=steps, scenarios=10)
        usecase_diagrams_render(use_case_id=use_case.pk)
        scenario = use_case.scenarios.order_by("position").first()
        figures[steps] = {
            "page": _page_figures(client, reverse("usecases:usecase_detail", kwargs={"pk": use_case.pk})),
            "steps": _page_figures(
                client,
                reverse("usecases:scenario_steps", kwargs={"pk": use_case.pk, "scenario": scenario.pk}),
                HTTP_HX_REQUEST="true",
            ),
        }
    rows = []
    for name, label in (("page", "use case page"), ("steps", "a scenario's steps (fragment)")):
        small, large = figures[50][name], figures[5000][name]
        rows.append(
            (
                label,
                f"{small[0] * 1000:.0f} ms, {small[1] // 1024} KiB, {small[2]} q",
                f"{large[0] * 1000:.0f} ms, {large[1] // 1024} KiB, {large[2]} q",
                f"{large[0] / small[0]:.2f}x",
                "within 3x, under 500 KB" if name == "page" else "",
            )
        )
    report(
        f"Use case page, 50 against 5,000 steps (10 scenarios; median of {ROUNDS} requests, {connection.vendor})",
        ("request", "50 steps", "5,000 steps", "ratio", "goal"),
        rows,
    )


def _step_editor_timings(client, steps: int) -> tuple[str, ...]:
    headers = {"HTTP_HX_REQUEST": "true"}
    use_case = make_use_case(steps=steps)
    scenario = max(use_case.scenarios.all(), key=lambda each: each.steps.filter(parent=None).count())
    step = scenario.steps.filter(parent=None).order_by("position").first()
    kwargs = {"pk": use_case.pk, "scenario": scenario.pk, "table": "steps"}
    table = reverse("usecases:row_list", kwargs=kwargs)
    form = reverse("usecases:row_update", kwargs={**kwargs, "row": step.pk})
    move = reverse("usecases:row_move", kwargs={**kwargs, "row": step.pk})
    data = {"name": "Renamed", "number": step.number, "producers": [actor.pk for actor in step.producers.all()]}

    def revision() -> int:
        return UseCase.objects.values_list("revision", flat=True).get(pk=use_case.pk)

    def moved():
        first = not scenario.steps.filter(parent=None, position__lt=step.position).exists()
        order = order_fingerprint(scenario.steps.filter(parent=None).order_by("position", "pk"))  # as shown
        data = {"direction": "down" if first else "up", "order": order, "revision": revision()}
        return client.post(move, data, **headers)

    def fingerprint() -> str:  # the row's values as its form loads them: a save compares them (issue 15)
        return client.get(form, **headers).context["form"].initial["fingerprint"]

    loaded = {"fingerprint": fingerprint()}
    requests = {
        "table": lambda: client.get(table, **headers),
        "form": lambda: client.get(form, **headers),
        "save": lambda: client.post(form, {**data, **loaded, "revision": revision()}, **headers),
        "move": moved,
    }
    figures = []
    for name, request in requests.items():
        request()  # warm up
        loaded["fingerprint"] = fingerprint()  # the first save renamed the row; the others save the same values
        timings = []
        for _ in range(ROUNDS):
            step.refresh_from_db(fields=["position"])
            started = time.perf_counter()
            response = request()
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
        figures.append(f"{statistics.median(timings) * 1000:.1f} ms")
    size = len(client.get(table, **headers).content) // 1024
    return (f"{steps} steps ({scenario.steps.count()} in the scenario)", *figures, f"{size} KiB")


@pytest.mark.django_db
def test_bench_step_editor(client):
    """The in-place editor of a scenario's steps (usecases.authoring): the table, a row's form, saving a row and
    moving one, for use cases of 10, 100, 300 and 5,000 steps (the table shows 100 rows at a time)."""
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    rows = [_step_editor_timings(client, steps) for steps in (10, 100, 300, 5000)]
    report(
        f"Step editor (median of {ROUNDS} requests, {connection.vendor})",
        ("use case", "steps table", "row form", "save a row", "move a row", "table size"),
        rows,
    )
