"""Large variant C files are read and written in batches (`repository_import_streamed`): the database, the export
and the report come out exactly as a single pass gives them, whatever the batch size, with relations to use cases
of later batches, stubs, our own `ucmr:` entries and a dry run."""

import pytest
from django.db import transaction

from tests.usecases.exchange.conftest import EXAMPLES, canonical, empty_repository
from usecases.exchange import loader
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import_xml
from usecases.models import UseCase, UseCaseRelation, Workspace
from usecases.xml import write_variant_c

pytestmark = pytest.mark.django_db

NAMESPACE = "http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016"
MRID = "00000000-0000-4000-8000-{:012d}"


def _use_case(number: int, *, related: tuple[int, ...] = (), stub: bool = False) -> str:
    relations = "".join(f"<RelatedUseCase><mRID>{MRID.format(n)}</mRID></RelatedUseCase>" for n in related)
    body = "" if stub else f"<scope>Scope {number}</scope>{relations}"
    head = f"<identifier>UC-{number}</identifier><mRID>{MRID.format(number)}</mRID><name>Use case {number}</name>"
    return f"<UseCase>{head}{body}</UseCase>"


def _file(*use_cases: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><UseCaseRepository xmlns="{NAMESPACE}"><name>Streamed</name>'
        f"<UseCaseLibrary>{''.join(use_cases)}</UseCaseLibrary></UseCaseRepository>"
    ).encode()


def _imported(settings, data: bytes, *, batch: int | None, dry_run: bool = False) -> tuple[dict, bytes, list[str]]:
    """(the report, the export of everything, the progress messages) of importing `data` into an empty repository,
    in a single pass (`batch` None) or in batches of `batch`; rolled back afterwards."""
    settings.UCMR_IMPORT_STREAM_BYTES = len(data) if batch is None else 0
    settings.UCMR_IMPORT_BATCH = batch or 100
    messages: list[str] = []
    with transaction.atomic():
        report = repository_import_xml(
            user=None,
            data=data,
            workspace=None,
            dry_run=dry_run,
            max_bytes=len(data),
            progress=lambda percent, message: messages.append(message),
        ).as_dict()
        report.pop("write_seconds")
        for row in report["use_cases"]:
            row.pop("pk", None)
        export = canonical(write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all())))
        transaction.set_rollback(True)
    return report, export, messages


def test_relations_to_later_batches_and_stubs_come_out_as_in_one_pass(settings):
    data = _file(
        _use_case(1, related=(3, 9)),  # 3: a later batch; 9: a stub of the file
        _use_case(2),
        _use_case(3, related=(1, 9)),  # 1: an earlier batch
        _use_case(9, stub=True),
        _use_case(8, stub=True),  # referred to by nobody
    )
    single, single_export, _ = _imported(settings, data, batch=None)
    streamed, streamed_export, messages = _imported(settings, data, batch=1)
    assert any(message.startswith("Batch 3 of 3") for message in messages)
    assert streamed == single
    assert streamed_export == single_export
    assert single["counts"]["use_case"] == {"created": 3}
    assert single["counts"]["related_use_case"] == {"created": 2}

    settings.UCMR_IMPORT_STREAM_BYTES, settings.UCMR_IMPORT_BATCH = 0, 1
    repository_import_xml(user=None, data=data, workspace=None, max_bytes=len(data))
    relations = {(r.use_case.identifier, r.related.identifier) for r in UseCaseRelation.objects.select_related()}
    assert relations == {("UC-1", "UC-3"), ("UC-1", "UC-9"), ("UC-3", "UC-1"), ("UC-3", "UC-9")}
    assert UseCase.objects.filter(identifier="UC-3").count() == 1  # the placeholder was filled, not doubled
    again, _, _ = _imported(settings, data, batch=2)
    assert again["counts"]["use_case"] == {"unchanged": 3}


@pytest.mark.parametrize("batch", [1, 2])
def test_an_export_of_every_example_imports_in_batches_as_in_one_pass(settings, iec_dir, batch):
    """Our own export of every example file: libraries shared by the use cases, stubs, `ucmr:` entries."""
    for name in EXAMPLES:
        path = iec_dir / "examples" / name
        repository_import_xml(user=None, data=path.read_bytes(), workspace=None)
    data = write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))
    empty_repository()

    single, single_export, _ = _imported(settings, data, batch=None)
    streamed, streamed_export, messages = _imported(settings, data, batch=batch)
    assert any(message.startswith("Batch 2 of") for message in messages)
    assert streamed == single
    assert streamed_export == single_export
    dry, _, _ = _imported(settings, data, batch=batch, dry_run=True)
    assert dry["counts"] == single["counts"]


def test_a_streamed_dry_run_writes_nothing_and_a_refused_file_nothing_either(settings):
    settings.UCMR_IMPORT_STREAM_BYTES, settings.UCMR_IMPORT_BATCH = 0, 1
    data = _file(_use_case(1, related=(2,)), _use_case(2))
    report = repository_import_xml(user=None, data=data, workspace=None, dry_run=True, max_bytes=len(data))
    assert report.counts["use_case"] == {"created": 2}
    assert not UseCase.objects.exists() and not Workspace.objects.filter(name="Imported use cases").exists()

    broken = data.replace(b"</UseCaseLibrary>", b"<UseCase><scope>cut off")
    with pytest.raises(loader.ValidationError) as caught:
        repository_import_xml(user=None, data=broken, workspace=None, max_bytes=len(broken))
    assert "not well-formed" in caught.value.messages[0]
    assert not UseCase.objects.exists()
