"""`make bench`: the data access matrix over 100 and 1,000 synthetic use cases (server time, in process).

Each use case has 12 steps over two scenarios (every third nested under the one before), one producer, one or two
receivers and one or two information objects per step, drawn from a shared pool of 40 actors (placed on SGAM zones
and NIST domains) and 60 information objects (spread over the five data classes and none), as roles and data
recur across the use cases of a real repository. Figures: the matrix read alone (`access_matrix_get`), the matrix
page, the API's first page of cells, the access-policy JSON and the CSV export, median of ROUNDS, with the number
of SQL queries of each. Prints figures; asserts only that each answer is complete (timing belongs here)."""

import statistics
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from sgam.access_matrix.selectors import access_matrix_get, access_matrix_usecases
from sgam.models import NistDomain, NistPlacement, SgamPlacement, Zone
from tests.bench.report import report
from tests.factories import UserFactory, with_repository_role
from usecases.models import ActorRole, InformationObject, Scenario, Step, UseCase, Workspace

ROUNDS = 5
ACTORS, INFORMATION = 40, 60
STEPS_PER_USE_CASE = 12
DATA_CLASSES = [*InformationObject.DataClass.values, ""]


@transaction.atomic
def make_access_repository(*, use_cases: int, tag: str) -> Workspace:
    """`use_cases` synthetic use cases in workspace `tag`, written with bulk inserts."""
    workspace = Workspace.objects.create(slug=f"access-{tag}", name=f"Access bench {tag}")
    zones, domains = list(Zone.objects.order_by("order")), list(NistDomain.objects.order_by("order"))
    actors = Actor.objects.bulk_create(Actor(name=f"Access role {tag}-{n}") for n in range(ACTORS))
    SgamPlacement.objects.bulk_create(
        SgamPlacement(actor=actor, zone=zones[n % len(zones)]) for n, actor in enumerate(actors)
    )
    NistPlacement.objects.bulk_create(
        NistPlacement(actor=actor, nist_domain=domains[n % len(domains)]) for n, actor in enumerate(actors) if n % 5
    )
    information = InformationObject.objects.bulk_create(
        InformationObject(
            identifier=f"AIO-{tag}-{n}",
            name=f"Data {n}",
            data_class=DATA_CLASSES[n % len(DATA_CLASSES)],
            standards="IEC 61968-9" if n % 2 else "IEC 62325-451",
        )
        for n in range(INFORMATION)
    )
    rows = UseCase.objects.bulk_create(
        UseCase(workspace=workspace, identifier=f"AM-{tag}-{n}", name=f"Access {n}", scope="Synthetic")
        for n in range(use_cases)
    )
    ActorRole.objects.bulk_create(
        ActorRole(use_case=use_case, actor=actors[(n + k * 7) % ACTORS], position=k)
        for n, use_case in enumerate(rows)
        for k in range(4)
    )
    scenarios = Scenario.objects.bulk_create(
        Scenario(use_case=use_case, number=str(k + 1), name=f"Scenario {k + 1}", position=k)
        for use_case in rows
        for k in range(2)
    )
    per_scenario = STEPS_PER_USE_CASE // 2
    tops = Step.objects.bulk_create(
        Step(scenario=scenario, number=str(k + 1), name=f"Step {k + 1}", position=k)
        for scenario in scenarios
        for k in range(per_scenario)
        if k % 3 == 0 or k % 3 == 1
    )
    parents = {(step.scenario_id, step.number): step for step in tops}
    nested = Step.objects.bulk_create(
        Step(scenario=scenario, parent=parents[(scenario.pk, str(k))], number="1", name=f"Step {k}.1", position=k)
        for scenario in scenarios
        for k in range(per_scenario)
        if k % 3 == 2
    )
    steps = tops + nested
    links = {"producers": [], "receivers": [], "information_objects": []}
    for n, step in enumerate(steps):
        links["producers"].append((step.pk, actors[n % ACTORS].pk))
        links["receivers"] += [(step.pk, actors[(n * 3 + 1) % ACTORS].pk)]
        if n % 4 == 0:
            links["receivers"].append((step.pk, actors[(n * 5 + 2) % ACTORS].pk))
        links["information_objects"].append((step.pk, information[n % INFORMATION].pk))
        if n % 3 == 0:
            links["information_objects"].append((step.pk, information[(n * 7 + 3) % INFORMATION].pk))
    for relation, pairs in links.items():
        through = getattr(Step, relation).through
        target = getattr(Step, relation).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(step_id=step_id, **{f"{target}_id": target_id}) for step_id, target_id in dict.fromkeys(pairs)
        )
    return workspace


def _timed(call) -> tuple[float, int]:
    call()  # warm up
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        call()
    return statistics.median(timings), len(queries)


def _figures(client, admin, count: int) -> list[tuple[str, ...]]:
    started = time.perf_counter()
    workspace = make_access_repository(use_cases=count, tag=str(count))
    made = time.perf_counter() - started
    selection = access_matrix_usecases(user=admin).filter(workspace=workspace)
    matrix = access_matrix_get(use_cases=selection)
    assert len(matrix.use_cases) == count and matrix.cells
    query = {"workspace": workspace.slug}

    def get(url, params=query):
        response = client.get(url, params)
        assert response.status_code == 200
        return response

    figures = {
        "matrix (selector)": _timed(lambda: access_matrix_get(use_cases=selection)),
        "matrix page": _timed(lambda: get(reverse("sgam:access_matrix"))),
        "API, 100 cells": _timed(lambda: get("/api/access-matrix/", {**query, "page_size": 100})),
        "policy JSON": _timed(lambda: get("/api/access-matrix/policy/")),
        "CSV export": _timed(lambda: get(reverse("sgam:access_matrix_export", args=["csv"]))),
    }
    steps = Step.objects.filter(scenario__use_case__workspace=workspace).count()
    selection_label = f"{count} use cases, {steps} steps, {len(matrix.cells)} cells"
    rows = [
        (selection_label, name, f"{median * 1000:.0f} ms", str(queries)) for name, (median, queries) in figures.items()
    ]
    rows.append((f"{count} use cases", "(written in)", f"{made * 1000:.0f} ms", ""))
    return rows


@pytest.mark.django_db
def test_bench_access_matrix(client):
    admin = with_repository_role(UserFactory(), "administrator")
    client.force_login(admin)
    rows = [row for count in (100, 1000) for row in _figures(client, admin, count)]
    report(
        f"Data access matrix (median of {ROUNDS}, in process, {connection.vendor})",
        ("selection", "what", "median server time", "SQL queries"),
        rows,
    )
