"""`make bench`: import and export of one variant C file of 1,000 use cases (each with 10 actors, 3 scenarios of
10 steps, 10 information objects and 10 requirements), next to a floor measured in the same run on the same
file: lxml parsing it plus plain `bulk_create` of the same number of rows into the same tables.

Prints figures and the ratios; asserts nothing about time (timing belongs here, not in tests)."""

import time
import uuid
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from lxml import etree

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from tests.bench.report import report
from ucmr.models import ChangeLogEntry
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import_xml
from usecases.models import ActorGrouping, ActorRole, InformationObject, Scenario, Step, UseCase, Workspace
from usecases.xml import document as doc
from usecases.xml import write_variant_c

USE_CASES = 1000
ACTORS = INFORMATION_OBJECTS = REQUIREMENTS = 10
SCENARIOS, STEPS = 3, 10
TEXT = "Sends the data the receiver needs for the next step of the process, as agreed in the contract. "


def _mrid(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "bench/" + "/".join(map(str, parts))))


def synthetic_repository(use_cases: int = USE_CASES, *, shared_libraries: bool = False) -> doc.Repository:
    """The benchmark repository as a document: every use case with its own actors, information objects and
    requirements (or, `shared_libraries`, all of them sharing one set), each step referring to two actors, an
    information object and a requirement."""
    repository = doc.Repository(name="Benchmark")
    actors: list = []
    requirements: list = []
    objects: list = []
    for n in range(use_cases):
        if not (shared_libraries and n):
            actors = [
                doc.Actor(mrid=_mrid("actor", n, a), name=f"Actor {n}-{a}", type="system", description=TEXT)
                for a in range(ACTORS)
            ]
            requirements = [
                doc.Requirement(
                    mrid=_mrid("req", n, r), identifier=f"R-{n}-{r}", name=f"Requirement {r}", description=TEXT
                )
                for r in range(REQUIREMENTS)
            ]
            objects = [
                doc.InformationObject(
                    mrid=_mrid("io", n, i),
                    identifier=f"IO-{n}-{i}",
                    name=f"Information {i}",
                    description=TEXT,
                    requirement_refs=[requirements[i].mrid],
                )
                for i in range(INFORMATION_OBJECTS)
            ]
            repository.actors += actors
            repository.information_objects += objects
            repository.requirement_categories.append(
                doc.RequirementCategory(
                    mrid=_mrid("cat", n), identifier=f"C-{n}", name=f"Category {n}", requirements=requirements
                )
            )
        repository.use_cases.append(_synthetic_use_case(n, actors, requirements, objects))
    return repository


def _synthetic_use_case(n: int, actors: list, requirements: list, objects: list) -> doc.UseCase:
    scenarios = [
        doc.Scenario(
            mrid=_mrid("scenario", n, s),
            number=str(s + 1),
            name=f"Scenario {s + 1}",
            description=TEXT,
            steps=[
                doc.Step(
                    mrid=_mrid("step", n, s, t),
                    number=str(t + 1),
                    name=f"Step {t + 1}",
                    description=TEXT,
                    service="GET",
                    producer_refs=[actors[t % ACTORS].mrid],
                    receiver_refs=[actors[(t + 1) % ACTORS].mrid],
                    information_object_refs=[objects[t % INFORMATION_OBJECTS].mrid],
                    requirement_refs=[requirements[t % REQUIREMENTS].mrid],
                )
                for t in range(STEPS)
            ],
        )
        for s in range(SCENARIOS)
    ]
    return doc.UseCase(
        mrid=_mrid("uc", n),
        identifier=f"BENCH-{n}",
        name=f"Benchmark use case {n}",
        scope=TEXT,
        short_description=TEXT,
        actor_groupings=[
            doc.ActorGrouping(
                mrid=_mrid("grouping", n),
                name="Actors",
                further_actor_information=[
                    doc.FurtherActorInformation(mrid=_mrid("fai", n, a), actor_refs=[actor.mrid])
                    for a, actor in enumerate(actors)
                ],
            )
        ],
        scenarios=scenarios,
    )


@contextmanager
def timed(timings: dict[str, float], name: str):
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started


def floor(data: bytes, workspace: Workspace, *, count: int = USE_CASES) -> int:
    """lxml parse + plain bulk_create of the same number of rows into the same tables (rolled back after)."""
    etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    rows = 0
    with transaction.atomic():
        use_cases = UseCase.objects.bulk_create(
            UseCase(workspace=workspace, identifier=f"F-{n}", name=f"Floor {n}", scope=TEXT, short_description=TEXT)
            for n in range(count)
        )
        actors = Actor.objects.bulk_create(
            Actor(name=f"Floor actor {n}-{a}", type="system", description=TEXT)
            for n in range(count)
            for a in range(ACTORS)
        )
        categories = RequirementCategory.objects.bulk_create(
            RequirementCategory(identifier=f"FC-{n}", name=f"Category {n}") for n in range(count)
        )
        requirements = Requirement.objects.bulk_create(
            Requirement(identifier=f"FR-{n}-{r}", name=f"Requirement {r}", description=TEXT, category=categories[n])
            for n in range(count)
            for r in range(REQUIREMENTS)
        )
        objects = InformationObject.objects.bulk_create(
            InformationObject(identifier=f"FIO-{n}-{i}", name=f"Information {i}", description=TEXT)
            for n in range(count)
            for i in range(INFORMATION_OBJECTS)
        )
        through = InformationObject.requirements.through
        through.objects.bulk_create(
            through(informationobject_id=item.pk, requirement_id=requirement.pk)
            for item, requirement in zip(objects, requirements, strict=True)
        )
        groupings = ActorGrouping.objects.bulk_create(
            ActorGrouping(use_case=use_case, name="Actors") for use_case in use_cases
        )
        ActorRole.objects.bulk_create(
            ActorRole(use_case=use_cases[n], grouping=groupings[n], actor=actors[n * ACTORS + a], position=a)
            for n in range(count)
            for a in range(ACTORS)
        )
        scenarios = Scenario.objects.bulk_create(
            Scenario(use_case=use_cases[n], number=str(s + 1), name=f"Scenario {s + 1}", description=TEXT, position=s)
            for n in range(count)
            for s in range(SCENARIOS)
        )
        steps = Step.objects.bulk_create(
            (
                Step(
                    scenario=scenario,
                    number=str(t + 1),
                    name=f"Step {t + 1}",
                    description=TEXT,
                    service="GET",
                    position=t,
                )
                for scenario in scenarios
                for t in range(STEPS)
            ),
            batch_size=2000,
        )
        links = 0
        for field, pool, offset in (
            ("producers", actors, 0),
            ("receivers", actors, 1),
            ("information_objects", objects, 0),
            ("requirements", requirements, 0),
        ):
            model = getattr(Step, field).through
            target = getattr(Step, field).field.m2m_reverse_field_name()
            made = model.objects.bulk_create(
                (
                    model(
                        step_id=step.pk,
                        **{f"{target}_id": pool[(index // (SCENARIOS * STEPS)) * 10 + (index + offset) % 10].pk},
                    )
                    for index, step in enumerate(steps)
                ),
                batch_size=2000,
            )
            links += len(made)
        rows = sum(map(len, (use_cases, actors, categories, requirements, objects, groupings, scenarios, steps)))
        rows += len(objects) + count * ACTORS + links
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db(transaction=True)
def test_bench_xml_import_and_export(settings):
    # The validation and diagram jobs an import queues for each use case run on workers; without a broker they
    # would run inline here, and be measured as part of the import (tests/bench/test_bench_diagrams.py has theirs).
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    data = write_variant_c(document=synthetic_repository())
    workspace = Workspace.objects.create(name="Benchmarks", slug="bench")
    timings: dict[str, float] = {}

    with timed(timings, "floor"):
        floor_rows = floor(data, workspace)
    with timed(timings, "import"):
        result = repository_import_xml(user=None, data=data, workspace=workspace, max_bytes=len(data))
    with timed(timings, "export"):
        exported = write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))
    with timed(timings, "import again (nothing changes)"):
        again = repository_import_xml(user=None, data=data, workspace=workspace, max_bytes=len(data))

    written = result.total("created")
    assert result.counts["use_case"] == {"created": USE_CASES}
    assert result.counts["step"] == {"created": USE_CASES * SCENARIOS * STEPS}
    assert again.total("created") == again.total("updated") == 0
    assert len(exported) > len(data) // 2
    size = f"{len(data) / 1e6:.1f} MB"
    rows = [
        ("floor: lxml parse + bulk_create", f"{timings['floor']:.1f} s", f"{floor_rows:,} rows", "1.0"),
        (
            "import (parse, read, match, write, audit)",
            f"{timings['import']:.1f} s",
            f"{written:,} objects + {ChangeLogEntry.objects.count():,} log entries",
            f"{timings['import'] / timings['floor']:.1f}",
        ),
        (
            "export (read, write XML)",
            f"{timings['export']:.1f} s",
            f"{len(exported) / 1e6:.1f} MB",
            f"{timings['export'] / timings['floor']:.1f}",
        ),
        (
            "import again, unchanged",
            f"{timings['import again (nothing changes)']:.1f} s",
            "0 writes",
            f"{timings['import again (nothing changes)'] / timings['floor']:.1f}",
        ),
    ]
    report(
        f"XML exchange, {USE_CASES:,} use cases in one {size} variant C file ({connection.vendor})",
        ("what", "time", "size", "x floor"),
        rows,
    )
