"""`make bench`: Excel imports. The largest example workbook and a workbook of 10 use case sheets (MAESHA's sheet,
the richest example, copied 10 times with openpyxl), each next to openpyxl's own read of the same file (read-only,
cached values, every cell of every sheet visited): reading it into the neutral document, the first import into the
database, and an import of it again (nothing changes).

Prints figures; asserts only that each import is complete (timing belongs here, not in tests)."""

import io
import statistics
import time
from pathlib import Path

import openpyxl
import pytest

from tests.bench.report import report
from tests.usecases.exchange.conftest import empty_repository
from usecases.excel.reader import read_workbook
from usecases.exchange.files import repository_import_file
from usecases.models import Step, UseCase

pytestmark = pytest.mark.django_db

ROUNDS = 3
SHEETS = 10
MAESHA = "MAESHA__IEC62559-2_TEMPLATE_FrequencyControlUC.xlsx"


def _seconds(work) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _openpyxl_read(data: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    workbook.close()


def _ten_sheets(path: Path) -> bytes:
    workbook = openpyxl.load_workbook(path)
    source = next(sheet for sheet in workbook.worksheets if sheet["B46"].value == "Actor name")
    for number in range(2, SHEETS + 1):
        copy = workbook.copy_worksheet(source)
        copy.title = f"UC-{number}"
        copy["C4"], copy["C6"] = f"UC{number}", f"{source['C6'].value} {number}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _figures(label: str, data: bytes) -> tuple[str, ...]:
    openpyxl_seconds = _seconds(lambda: _openpyxl_read(data))
    read_seconds = _seconds(lambda: read_workbook(data=data))
    document = read_workbook(data=data)
    empty_repository()
    started = time.perf_counter()
    repository_import_file(user=None, data=data, workspace=None)
    first = time.perf_counter() - started
    assert UseCase.objects.count() == len(document.use_cases)
    assert Step.objects.count() == sum(len(s.steps) for u in document.use_cases for s in u.scenarios)
    started = time.perf_counter()
    again = repository_import_file(user=None, data=data, workspace=None)
    second = time.perf_counter() - started
    assert again.as_dict()["counts"]["use_case"] == {"unchanged": len(document.use_cases)}
    steps = sum(len(scenario.steps) for use_case in document.use_cases for scenario in use_case.scenarios)
    return (
        label,
        f"{len(data) / 1000:,.0f} kB",
        f"{len(document.use_cases)} / {steps}",
        f"{openpyxl_seconds * 1000:,.0f} ms",
        f"{read_seconds * 1000:,.0f} ms",
        f"{read_seconds / openpyxl_seconds:.1f}x",
        f"{first * 1000:,.0f} ms",
        f"{second * 1000:,.0f} ms",
    )


def test_bench_excel_import(iec_dir):
    folder = iec_dir / "examples" / "excel"
    largest = max(folder.glob("*.xls[xm]"), key=lambda path: path.stat().st_size)
    rows = [
        _figures(largest.name[:40], largest.read_bytes()),
        _figures(f"{MAESHA[:20]} x {SHEETS} sheets", _ten_sheets(folder / MAESHA)),
    ]
    report(
        "Excel import (median of 3 reads; one import, then the same again)",
        ("workbook", "size", "use cases / steps", "openpyxl read", "read_workbook", "ratio", "import", "again"),
        rows,
    )


@pytest.mark.django_db(transaction=True)
def test_bench_excel_export_memory(tmp_path):
    """The streamed workbook export (`usecases_export_xlsx_write`, as the job and `export_usecases --format xlsx`
    run it) of 50 and of 200 synthetic use cases: tracemalloc's peak, to see how it grows with the use cases."""
    import tracemalloc

    from tests.usecases.exchange.test_export_jobs import _synthetic
    from usecases.exchange.services import usecases_export_xlsx_write

    rows = []
    for count, start in ((50, 0), (150, 50)):
        _synthetic(count, start=start)
        tracemalloc.start()
        started = time.perf_counter()
        with (tmp_path / "export.xlsx").open("w+b") as output:
            usecases_export_xlsx_write(user=None, use_cases=UseCase.objects.all(), output=output, batch_size=25)
        seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        total = UseCase.objects.count()
        rows.append((f"{total} use cases", f"{seconds:.1f} s", f"{peak / 1e6:.1f} MB", f"{peak / total / 1e3:.0f} kB"))
    report("Excel export, streamed (peak: tracemalloc)", ("workbook", "time", "peak memory", "per use case"), rows)
