"""`make bench`: the peak memory and time of exporting 2,000 synthetic use cases as one variant C file, built in
memory (`write_variant_c` of `repository_export`) and streamed (`usecases_export_write`, the export job's
writer), and the peak memory of importing that file. Peaks are tracemalloc's (Python allocations; lxml's own are
not counted), measured in runs of their own, apart from the timed ones. Asserts nothing about time or memory.

Each synthetic use case has libraries of its own (10 actors, information objects and requirements): the streamed
export holds the libraries until the end, so here its peak still grows with them (a repository whose use cases
share their libraries exports in about the same memory whatever their number: tests/usecases/exchange).

The import is measured as a single pass (a dry run with `UCMR_IMPORT_STREAM_BYTES` above the file's size) and
streamed in batches (the default for a file this large), and streamed for files of 500 and 2,000 use cases that
share one library: there its peak should not grow with the number of use cases."""

import time
import tracemalloc
from collections.abc import Callable

import pytest

from tests.bench.report import report
from tests.bench.test_bench_xml import synthetic_repository
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import_xml
from usecases.exchange.services import usecases_export_write
from usecases.models import UseCase, Workspace
from usecases.xml import write_variant_c

USE_CASES = 2000


def _measured(work: Callable[[], object]) -> tuple[float, int]:
    """(seconds of a plain run, tracemalloc's peak bytes of a second run)."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        work()
        return seconds, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.django_db(transaction=True)
def test_bench_export_memory(settings, tmp_path):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False  # validation and diagram jobs are measured elsewhere
    data = write_variant_c(document=synthetic_repository(USE_CASES))
    workspace = Workspace.objects.create(name="Benchmarks", slug="bench")

    def imported(data: bytes, *, streamed: bool, dry_run: bool) -> tuple[float, int]:
        settings.UCMR_IMPORT_STREAM_BYTES = 0 if streamed else len(data)
        tracemalloc.start()
        started = time.perf_counter()
        repository_import_xml(user=None, data=data, workspace=workspace, max_bytes=len(data), dry_run=dry_run)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return seconds, peak

    shared = {
        count: imported(
            write_variant_c(document=synthetic_repository(count, shared_libraries=True)), streamed=True, dry_run=True
        )
        for count in (500, USE_CASES)
    }
    single_seconds, single_peak = imported(data, streamed=False, dry_run=True)
    import_seconds, import_peak = imported(data, streamed=True, dry_run=False)
    assert UseCase.objects.count() == USE_CASES

    def in_memory() -> bytes:
        return write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))

    def streamed() -> None:
        with (tmp_path / "export.xml").open("w+b") as output:
            usecases_export_write(user=None, use_cases=UseCase.objects.all(), output=output)

    held_seconds, held_peak = _measured(in_memory)
    stream_seconds, stream_peak = _measured(streamed)
    size = (tmp_path / "export.xml").stat().st_size
    assert size == len(in_memory())

    def row(what: str, seconds: float, peak: int, count: int = USE_CASES) -> tuple[str, ...]:
        return what, f"{seconds:.1f} s", f"{peak / 1e6:,.0f} MB", f"{peak / count / 1e3:.0f} kB"

    report(
        f"Export and import of {USE_CASES:,} use cases ({len(data) / 1e6:.1f} MB file; peak: tracemalloc)",
        ("what", "time", "peak memory", "per use case"),
        [
            row("export held in memory (before)", held_seconds, held_peak),
            row("export streamed (job, export_usecases; validated)", stream_seconds, stream_peak),
            row("import in a single pass (before; dry run)", single_seconds, single_peak),
            row("import streamed in batches (job, import_usecases)", import_seconds, import_peak),
            *(
                row(f"import streamed, {count:,} use cases sharing one library (dry run)", *shared[count], count)
                for count in shared
            ),
        ],
    )
