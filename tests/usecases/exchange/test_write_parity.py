"""One write path: the import's bulk writer (`usecases.exchange.bulk.Writer`) writes the same rows and the same audit
entries as the per-object services of `ucmr.services` (`model_create`, `model_update`, `model_delete`) given the same
objects, and refuses what they refuse. Compared ignoring primary keys (relations are compared by the mRID or the
text of what they point at) and times."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import Actor
from ucmr.audit import snapshot
from ucmr.models import ChangeLogEntry
from ucmr.services import model_create, model_delete, model_update
from usecases.exchange.bulk import Plan, Writer
from usecases.exchange.report import ImportReport
from usecases.exchange.values import Cleaner
from usecases.models import Area, Kpi, Objective, Remark, UseCase, Workspace

pytestmark = pytest.mark.django_db

MODELS = (Area, Actor, UseCase, Objective, Kpi, Remark)
# The entity services bump a changed use case's revision (its own `usecase_*` services, not `ucmr.services`); the bulk
# writer does it once per import. Not part of the write path compared here.
NOT_COMPARED = {"revision"}


def _uid(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"parity/{name}")


# What both paths are given: per object its model, mRID, values (text as a file or form gives it: surrounding space,
# rich text to clean), relations (by the key of an object of this list) and the use case it belongs to.
OBJECTS = [
    ("area", Area, {"name": "  Distribution grid ", "description": "Medium and low voltage."}, {}, {}, None),
    ("meter", Actor, {"name": "Smart meter  ", "type": "device", "description": "Measures."}, {}, {}, None),
    ("dso", Actor, {"name": "DSO", "type": "role", "description": ""}, {}, {}, None),
    (
        "use_case",
        UseCase,
        {"identifier": " UC-1 ", "name": "Read the meter", "status": "draft", "keywords": "metering"},
        {"workspace": "workspace"},
        {"primary_actors": ["meter", "dso"]},
        None,
    ),
    ("objective", Objective, {"name": "Bill correctly", "position": 1}, {"use_case": "use_case"}, {}, "use_case"),
    (
        "kpi",
        Kpi,
        {"identifier": "K1", "name": "Reads per day", "position": 1},
        {"use_case": "use_case"},
        {"objectives": ["objective"]},
        "use_case",
    ),
    ("remark", Remark, {"text": "To be reviewed.", "position": 1}, {"use_case": "use_case"}, {}, "use_case"),
]
UPDATES = [
    ("meter", {"description": "Measures and sends."}),
    ("objective", {"name": "Bill correctly and on time"}),
]
DELETIONS = ["remark"]


@pytest.fixture
def user():
    return get_user_model().objects.create_user("parity", password="x")


@pytest.fixture
def workspace():
    return Workspace.objects.create(name="Parity", slug="parity")


def _through_services(user, workspace) -> None:
    made = {"workspace": workspace}
    for key, model, values, links, many, related in OBJECTS:
        data = {
            **values,
            "mrid": _uid(key),
            **{name: made[target] for name, target in links.items()},
            **{name: [made[target] for target in targets] for name, targets in many.items()},
        }
        made[key] = model_create(user=user, model=model, data=data, related=made.get(related))
    for key, values in UPDATES:
        related = next(related for name, *_, related in OBJECTS if name == key)
        model_update(user=user, instance=made[key], data=values, related=made.get(related))
    for key in DELETIONS:
        related = next(related for name, *_, related in OBJECTS if name == key)
        model_delete(user=user, instance=made[key], related=made.get(related))


def _through_the_bulk_writer(user, workspace) -> None:
    report = ImportReport(dry_run=False, policy="update")
    cleaner, writer = Cleaner(report=report), Writer(user=user, report=report)
    plans: dict = {"workspace": workspace}
    for key, model, values, links, many, related in OBJECTS:
        values, _ = cleaner.coerce(model, dict(values), owner="parity", what=key, fills={})
        plans[key] = Plan(
            kind=key,
            instance=model(mrid=_uid(key)),
            values=values,
            links={name: plans[target] for name, target in links.items()},
            many={name: [plans[target] for target in targets] for name, targets in many.items()},
            related=plans.get(related) if related else None,
        )
        writer.write([plans[key]])
    for key, values in UPDATES:
        plan = plans[key]
        instance = type(plan.instance).objects.get(pk=plan.instance.pk)
        values, _ = cleaner.coerce(type(instance), dict(values), owner="parity", what=key, fills={})
        writer.write(
            [Plan(kind=key, instance=instance, values=values, related=plan.related, before=snapshot(instance))]
        )
    for key in DELETIONS:
        instance = plans[key].instance
        writer.delete(kind=key, rows=[(instance, snapshot(instance), plans[key].related.instance)])
    writer.finish()


def _label(model, pk) -> str:
    """What a relation points at, without its primary key."""
    target = model.objects.filter(pk=pk).first()
    if target is None:
        return f"{model.__name__}:gone"
    return f"{model.__name__}:{getattr(target, 'mrid', None) or target}"


def _without_ids(model, values: dict | None) -> dict | None:
    if values is None:
        return None
    fields = {field.attname: field for field in model._meta.concrete_fields}
    fields.update({field.name: field for field in model._meta.many_to_many})
    out = {}
    for name, value in values.items():
        field = fields.get(name)
        if name in NOT_COMPARED:
            continue
        if field is not None and field.many_to_many:
            value = sorted(_label(field.related_model, pk) for pk in value)
        elif field is not None and field.is_relation and value is not None:
            value = _label(field.related_model, value)
        out[name] = value
    return out


def _state() -> dict:
    """The rows of the models written and the audit entries, without ids and times."""
    rows = {
        model.__name__: sorted(
            (_without_ids(model, snapshot(instance)) for instance in model.objects.all()), key=lambda row: row["mrid"]
        )
        for model in MODELS
    }
    entries = []
    for entry in ChangeLogEntry.objects.select_related("content_type", "related_content_type"):
        model = entry.content_type.model_class()
        related = entry.related_content_type.model_class() if entry.related_content_type else None
        entries.append(
            (
                entry.action,
                entry.content_type.model,
                entry.object_repr,
                entry.user_name,
                entry.user_id is not None,
                _label(related, entry.related_object_id) if related else "",
                _without_ids(model, entry.before),
                _without_ids(model, entry.after),
            )
        )
    return {"rows": rows, "entries": sorted(entries, key=repr)}


def _written(path, user, workspace) -> dict:
    """What `path` writes, read before it is rolled back."""
    with transaction.atomic():
        path(user, workspace)
        state = _state()
        transaction.set_rollback(True)
    return state


def test_the_bulk_writer_writes_the_rows_and_audit_entries_the_services_write(user, workspace):
    by_services = _written(_through_services, user, workspace)
    by_bulk = _written(_through_the_bulk_writer, user, workspace)

    assert by_bulk["rows"] == by_services["rows"]
    assert by_bulk["entries"] == by_services["entries"]
    # Something was compared: every object, its creation, the updates and the deletion.
    assert [row["name"] for row in by_services["rows"]["Actor"]] == ["DSO", "Smart meter"]
    assert not by_services["rows"]["Remark"]
    actions = [entry[0] for entry in by_services["entries"]]
    assert (actions.count("create"), actions.count("update"), actions.count("delete")) == (len(OBJECTS), 2, 1)


@pytest.mark.parametrize(
    ("model", "values", "links", "message"),
    [
        (Actor, {"name": "Meter", "type": "spaceship"}, {}, "is not a valid choice"),
        (Area, {"name": "", "description": "No name"}, {}, "cannot be blank"),
        (Actor, {"name": "x" * 300, "type": "device"}, {}, "at most"),
        (Objective, {"name": "", "position": 1}, {"use_case": "use_case"}, "cannot be blank"),
    ],
    ids=["unknown choice", "blank required text", "too long", "blank row text"],
)
def test_the_bulk_writer_refuses_what_the_services_refuse(user, workspace, model, values, links, message):
    use_case = UseCase.objects.create(workspace=workspace, name="Owner")
    made = {"use_case": use_case}
    with pytest.raises(ValidationError) as by_services:
        model_create(user=user, model=model, data={**values, **{name: made[key] for name, key in links.items()}})
    writer = Writer(user=user, report=ImportReport(dry_run=False, policy="update"))
    plan = Plan(
        kind="parity",
        instance=model(),
        values=dict(values),
        links={name: made[key] for name, key in links.items()},
    )
    with pytest.raises(ValidationError) as by_bulk:
        writer.write([plan])
    assert message in " ".join(by_services.value.messages)
    assert message in " ".join(by_bulk.value.messages)
    assert not model.objects.exists()


def test_the_bulk_writer_refuses_a_kpi_of_another_use_cases_objective(user, workspace):
    mine = UseCase.objects.create(workspace=workspace, name="Mine")
    theirs = UseCase.objects.create(workspace=workspace, name="Theirs")
    objective = Objective.objects.create(use_case=theirs, name="Theirs", position=1)
    data = {"use_case": mine, "identifier": "K", "name": "K", "position": 1, "objectives": [objective]}
    with pytest.raises(ValidationError, match="Not objectives of this use case"):
        model_create(user=user, model=Kpi, data=data)
    plan = Plan(
        kind="kpi",
        instance=Kpi(),
        values={"identifier": "K", "name": "K", "position": 1},
        links={"use_case": mine},
        many={"objectives": [objective]},
    )
    with pytest.raises(ValidationError, match="Not objectives of this use case"):
        Writer(user=user, report=ImportReport(dry_run=False, policy="update")).write([plan])
    assert not Kpi.objects.exists()
