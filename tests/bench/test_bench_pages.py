"""`make bench`: server time and query count of the use case page for 10, 100 and 300 steps.

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
        return client.post(move, {"direction": "down" if first else "up", "revision": revision()}, **headers)

    requests = {
        "table": lambda: client.get(table, **headers),
        "form": lambda: client.get(form, **headers),
        "save": lambda: client.post(form, {**data, "revision": revision()}, **headers),
        "move": moved,
    }
    figures = []
    for name, request in requests.items():
        request()  # warm up
        timings = []
        for _ in range(ROUNDS):
            step.refresh_from_db(fields=["position"])
            started = time.perf_counter()
            response = request()
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
        figures.append(f"{statistics.median(timings) * 1000:.1f} ms")
    return (f"{steps} steps ({scenario.steps.count()} in the scenario)", *figures)


@pytest.mark.django_db
def test_bench_step_editor(client):
    """The in-place editor of a scenario's steps (usecases.authoring): the table, a row's form, saving a row and
    moving one, for use cases of 10, 100 and 300 steps."""
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    rows = [_step_editor_timings(client, steps) for steps in (10, 100, 300)]
    report(
        f"Step editor (median of {ROUNDS} requests, {connection.vendor})",
        ("use case", "steps table", "row form", "save a row", "move a row"),
        rows,
    )
