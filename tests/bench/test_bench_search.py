"""`make bench`: the use case list, its text search, sorting and facets on a repository of a few thousand use cases
(UCMR_BENCH_SEARCH_USE_CASES, default 3,000; run with DATABASE_URL set for PostgreSQL): server time of the page
(median of a few requests), its SQL queries, the time to index the repository, and on PostgreSQL whether the
list's plan sorts on disk. Prints figures; asserts nothing about time."""

import os
import statistics
import time

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from tests.bench.report import report
from tests.factories import UserFactory, member_of
from usecases.models import ActorRole, Scenario, Step, UseCase, Workspace
from usecases.search import search_index_rebuild
from usecases.selectors import usecase_list

USE_CASES = int(os.environ.get("UCMR_BENCH_SEARCH_USE_CASES", "3000"))
ROUNDS = 7
VERBS = ("Publish", "Request", "Forecast", "Measure", "Acknowledge", "Dispatch", "Settle", "Curtail")
OBJECTS = ("congestion signal", "flexibility offer", "meter reading", "set point", "schedule", "tariff")
PROTOCOLS = ("OCPP", "IEC 61850", "OpenADR", "DLMS/COSEM", "CIM")


def _repository(count: int) -> None:
    """`count` use cases in 10 workspaces, each with 3 actor roles (of 300 actors, "DSO" and its full name among
    them) and 2 scenarios of 8 steps whose names and descriptions vary, in bulk."""
    spaces = [Workspace.objects.create(name=f"Search workspace {n}", slug=f"search-{n}") for n in range(10)]
    actors = Actor.objects.bulk_create(
        [Actor(name="DSO"), Actor(name="Distribution System Operator (DSO)")]
        + [Actor(name=f"Search actor {n}", description=f"Library actor {n}.") for n in range(298)]
    )
    for start in range(0, count, 1000):
        with transaction.atomic():
            rows = UseCase.objects.bulk_create(
                UseCase(
                    workspace=spaces[n % 10],
                    identifier=f"S-{n:05d}",
                    name=f"{VERBS[n % 8]} {OBJECTS[n % 6]} in area {n}",
                    short_description=f"Use case {n} exchanging data over {PROTOCOLS[n % 5]}.",
                    nature=("BUC", "SUC")[n % 2],
                    status=(UseCase.Status.DRAFT, UseCase.Status.PUBLISHED)[n % 2],
                )
                for n in range(start, min(start + 1000, count))
            )
            ActorRole.objects.bulk_create(
                ActorRole(use_case=row, actor=actors[(row.pk * 7 + k) % len(actors)], position=k)
                for row in rows
                for k in range(3)
            )
            scenarios = Scenario.objects.bulk_create(
                Scenario(use_case=row, number=str(k + 1), name=f"Scenario {k + 1}", position=k)
                for row in rows
                for k in range(2)
            )
            Step.objects.bulk_create(
                Step(
                    scenario=scenario,
                    number=str(k + 1),
                    position=k,
                    name=f"{VERBS[(scenario.pk + k) % 8]} {OBJECTS[(scenario.pk * 3 + k) % 6]} {scenario.pk % 97}",
                    description=f"The message goes over {PROTOCOLS[(scenario.pk + k) % 5]}.",
                )
                for scenario in scenarios
                for k in range(8)
            )


def _median_ms(client, url, params) -> tuple[str, str]:
    client.get(url, params)
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return f"{statistics.median(timings) * 1000:.0f} ms", str(len(queries))


@pytest.mark.django_db
def test_bench_list_search_and_facets(client):
    started = time.perf_counter()
    _repository(USE_CASES)
    made = time.perf_counter() - started
    started = time.perf_counter()
    search_index_rebuild()
    indexed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load: the planner's statistics

    reader = UserFactory()
    reader.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="usecases", codename__in=["view_usecase", "view_workspace"])
    )
    member = member_of(Workspace.objects.get(slug="search-3"), "viewer")
    url = reverse("usecases:usecase_list")
    cases = [
        ("list", {}),
        ("list sorted by last change", {"sort": "-changed"}),
        ("list sorted by status", {"sort": "status"}),
        ("search: step phrase", {"q": '"flexibility offer"'}),
        ("search: step description word", {"q": "OCPP"}),
        ("search: 3 words, rare", {"q": "curtail tariff 42"}),
        ("search + facets narrowed", {"q": "congestion", "status": "draft", "actor": "2"}),
        ("API list ?search=", {"search": "OpenADR"}),
    ]
    rows = []
    for user, who in ((reader, "reader of all"), (member, "viewer of 1 workspace")):
        client.force_login(user)
        for label, params in cases:
            target = "/api/use-cases/" if label.startswith("API") else url
            median, queries = _median_ms(client, target, params)
            rows.append((label, who, median, queries))
    report(
        f"Use case list, search and facets, {USE_CASES} use cases ({connection.vendor}; median of {ROUNDS} "
        f"requests, the page with its 7 facets; repository made in {made:.0f} s, indexed in {indexed:.1f} s)",
        ("request", "user", "median server time", "SQL queries"),
        rows,
    )
    if connection.vendor == "postgresql":
        page = usecase_list(user=member).order_by("-modified", "pk")[:25]
        sql, params = page.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print("\nEXPLAIN of a list page (viewer of one workspace, newest first):\n" + plan)
        assert "external merge" not in plan  # the page sorts in memory: only the page's rows are aggregated
