"""Document -> database: `repository_import` writes a `usecases.xml.document.Repository` into the repository.

All of it happens in one transaction: the file lands whole or not at all, and a dry run does the same work in a
transaction that is then rolled back, so that its report is exactly what the real import will say.

How objects are matched and what happens to them:

- Library objects (see `libraries.py`): by mRID, then actors and terms by name ignoring case and space, then
  objects without mRID by identifier or name. Existing ones get the file's non-blank values and added references.
- Use cases: by mRID, then by identifier in the target workspace. An existing use case is replaced by the file's
  content (policy "update", rows matched by mRID so that unchanged rows are not rewritten, see `rows.py`) or left
  alone (policy "skip"). A use case another use case only refers to (a stub) becomes a link to the existing use
  case, or a placeholder use case (status draft, `extra["@exchange"]["placeholder"]`) that a later import of the
  full use case fills in.
- Workspaces: the one given, or else the one the file names (`ucmr:workspace`, created when missing), or else
  "Imported use cases".
- Nothing is written when nothing changed: importing the same file twice adds no change log entry and bumps no
  revision.

What the document says that the model has no column for is kept in `extra` (see `records.py`), so that
`dumper.repository_export` can write the same document again.

The work is shared by small collaborators, each given only those it needs: `Holdings` (what the repository holds,
loaded in bulk), `Resolver` (what a reference names), `Cleaner` (values made to fit, repairs reported), `Permits`
(what the user may do), the planners (`LibraryPlanner`, `UseCasePlanner`, `RowPlanner`) that fill `Plans`, and
`write_plans` with `bulk.Writer` (the bulk form of `ucmr.services`' write path) that apply it. `Run` only wires
them together for one document.

Permissions (`ucmr.permissions`): `user=None` is the system (management commands run by an administrator).
Otherwise the user must be allowed to add use cases to every workspace that receives a new one; existing use cases
and library objects the user may not change are left alone, and new library objects the user may not add are not
added (references to them are dropped), each reported as skipped with a warning; a workspace the file names is
only created for a user who may create workspaces.
"""

import dataclasses
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ucmr.permissions import ADD, user_can
from usecases.exchange.bulk import Writer, resolve, snapshot
from usecases.exchange.holdings import Holdings
from usecases.exchange.kinds import LIBRARY_MODELS
from usecases.exchange.libraries import LibraryPlanner
from usecases.exchange.permits import Permits
from usecases.exchange.plans import Plans, write_plans
from usecases.exchange.report import ImportReport
from usecases.exchange.resolver import Resolver
from usecases.exchange.rows import RowPlanner
from usecases.exchange.use_cases import FORWARD, PlanNeedsWrites, UseCasePlanner, may_create_workspaces
from usecases.exchange.values import Cleaner
from usecases.models import UseCase, Workspace
from usecases.xml import document as doc
from usecases.xml import read_document
from usecases.xml.detect import stream_document
from usecases.xml.parsing import binary_source, check_size

POLICIES = ("update", "skip")
# The reader's `integrity_warnings` (dangling references, shared mRIDs): the loader says what it did about each,
# so the report leaves them out rather than say it twice.
_INTEGRITY_WARNING = re.compile(r"refers to \d+ .+ the file does not define: |: objects of one kind share an mRID: ")

Progress = Callable[[int, str], None]


def repository_import(
    *,
    user,
    document: doc.Repository,
    workspace: Workspace | None,
    policy: str = "update",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Write `document` into the repository in one transaction (rolled back when `dry_run`) and report what
    happened. `workspace`: where new use cases go (None: as the file says). The document is not changed."""
    _check_may_import(user=user, policy=policy)
    highest = 0

    def forward(percent: int, message: str) -> None:
        """Progress never goes back, even when the plan is made a second time (below)."""
        nonlocal highest
        highest = max(highest, percent)
        if progress is not None:
            progress(highest, message)

    def new_run(*, in_transaction: bool) -> Run:
        report = ImportReport(dry_run=dry_run, policy=policy)
        report.warnings += _reader_warnings(document)
        return Run(
            user=user,
            document=document,
            workspace=workspace,
            policy=policy,
            report=report,
            progress=forward,
            in_transaction=in_transaction,
        )

    # Reading what the repository holds and planning every write need no lock: done first, outside the
    # transaction, so that the transaction (which holds SQLite's one write lock) lasts only as long as the writes.
    run = new_run(in_transaction=False)
    try:
        run.plan_all()
        with _writes(run.report):
            if not run.still_current():
                raise _PlanStale
            run.write_all()
    except (_PlanStale, PlanNeedsWrites, IntegrityError):
        # Someone changed a use case of the file (or removed an object the plan links to) in between, or the file
        # needs a new workspace: plan and write again, this time inside the transaction. All or nothing, as always.
        run = new_run(in_transaction=True)
        with _writes(run.report):
            run.plan_all()
            run.write_all()
    return _finished(run.report)


@contextmanager
def _writes(report: ImportReport) -> Iterator[None]:
    """The import's one transaction, its time in `report.write_seconds`, rolled back when the report is a dry run's."""
    with transaction.atomic():
        started = time.monotonic()
        yield
        report.write_seconds = time.monotonic() - started
        if report.dry_run:
            transaction.set_rollback(True)


class _PlanStale(Exception):
    """A use case the import planned to change has a new revision since it was read."""


def repository_import_xml(
    *,
    user,
    data: bytes | BinaryIO,
    workspace: Workspace | None,
    policy: str = "update",
    dry_run: bool = False,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Read untrusted bytes, or a seekable binary file (any dialect we know; `XmlImportError` naming line and
    element when we cannot) and import them as `repository_import` does. A variant C file larger than
    `UCMR_IMPORT_STREAM_BYTES` is read and written in batches (`repository_import_streamed`)."""
    step = progress or (lambda percent, message: None)
    step(1, "Reading the file")
    source = binary_source(data)
    size = check_size(source, max_bytes=max_bytes)
    streamed = stream_document(source=source) if size > settings.UCMR_IMPORT_STREAM_BYTES else None
    if streamed is not None:
        step(10, f"Read the libraries; {streamed.count} use case(s) to read and write in batches")
        return repository_import_streamed(
            user=user, streamed=streamed, workspace=workspace, policy=policy, dry_run=dry_run, progress=progress
        )
    source.seek(0)
    document = read_document(data=source.read(), max_bytes=max_bytes)
    step(10, f"Read {len(document.full_use_cases)} use case(s) and the libraries")
    return repository_import(
        user=user, document=document, workspace=workspace, policy=policy, dry_run=dry_run, progress=progress
    )


def repository_import_streamed(
    *,
    user,
    streamed: doc.StreamedRepository,
    workspace: Workspace | None,
    policy: str = "update",
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    """`repository_import` of a file read in pieces, in memory that grows with its libraries and one batch, not
    with its number of use cases. Still one transaction (all or nothing), planned inside it: the libraries first,
    then the use cases `UCMR_IMPORT_BATCH` at a time, each batch resolving the libraries' objects to those the
    first step wrote. A relation to a use case of a later batch is made to a placeholder, which that batch fills as
    any import fills a placeholder; stubs are planned with the first batch that refers to them (the rest at the
    end). The report is the one a single pass would give."""
    _check_may_import(user=user, policy=policy)
    size = batch_size or settings.UCMR_IMPORT_BATCH
    head = streamed.head
    full = streamed.full_use_cases
    report = ImportReport(dry_run=dry_run, policy=policy)
    report.warnings += _reader_warnings(head)
    batches = max(1, -(-streamed.count // size))
    highest = 0

    def runner(document: doc.Repository, first: int, last: int, label: str, **across) -> Run:
        def forward(percent: int, message: str) -> None:
            nonlocal highest
            highest = max(highest, first + (last - first) * percent // 100)
            if progress is not None:
                progress(highest, f"{label}: {message}")

        return Run(
            user=user,
            document=document,
            workspace=workspace,
            policy=policy,
            report=report,
            progress=forward,
            in_transaction=True,
            **across,
        )

    with _writes(report):
        libraries = runner(dataclasses.replace(head, use_cases=[]), 10, 20, "Libraries")
        libraries.run()
        known = _library_targets(libraries.resolver)
        del libraries
        written = _write_batches(streamed, size=size, batches=batches, runner=runner, known=known, report=report)
        left = [stub for stub in head.use_cases if stub.is_stub and stub.mrid not in written and stub.mrid not in full]
        if left:
            runner(doc.Repository(use_cases=left), 95, 98, "Related use cases").run()
    report.counts.pop(FORWARD, None)
    return _finished(report)


def _library_targets(resolver: Resolver) -> dict[str, dict]:
    """What the library objects of the file resolve to once written (instances, not plans), by kind and mRID."""
    return {
        kind: {ref: resolve(target) for ref, target in resolver.targets[kind].items() if target is not None}
        for kind in LIBRARY_MODELS
    }


def _write_batches(
    streamed: doc.StreamedRepository,
    *,
    size: int,
    batches: int,
    runner: Callable[..., "Run"],
    known: dict[str, dict],
    report: ImportReport,
) -> set[str]:
    """Plan and write the use cases of a streamed file batch by batch (see `repository_import_streamed`), each
    resolving the libraries to `known` (what the first step wrote). Returns the mRIDs of the file's use cases and
    stubs written."""
    full = streamed.full_use_cases
    stubs = {
        stub.mrid: stub for stub in streamed.head.use_cases if stub.is_stub and stub.mrid and stub.mrid not in full
    }
    seen: set[uuid.UUID] = set()
    written: set[str] = set()
    for number, batch in enumerate(streamed.batches(size)):
        refs = {relation.use_case_ref for use_case in batch.use_cases for relation in use_case.relations}
        mine = {use_case.mrid for use_case in batch.use_cases}
        later = [full[ref] for ref in refs if ref in full and ref not in written and ref not in mine]
        document = doc.Repository(use_cases=[*batch.use_cases, *(stubs[ref] for ref in refs if ref in stubs), *later])
        first, last = 20 + 75 * number // batches, 20 + 75 * (number + 1) // batches
        ahead = {ref for ref in refs if ref in written or ref in full}
        run = runner(document, first, last, f"Batch {number + 1} of {batches}", seen=seen, forward=ahead)
        for kind, targets in known.items():
            run.resolver.targets[kind].update(targets)
        report.warnings += _reader_warnings(batch)
        run.run()
        written |= mine | {ref for ref in refs if ref in stubs or ref in full}
    return written


def _check_may_import(*, user, policy: str) -> None:
    if policy not in POLICIES:
        raise ValidationError(f"Unknown policy {policy!r}: use one of {', '.join(POLICIES)}.", code="invalid")
    if user is not None and not (user_can(user, ADD, UseCase) or may_create_workspaces(user)):
        raise PermissionDenied("You may not import use cases: you may add use cases to no workspace.")


def _reader_warnings(document: doc.Repository) -> list[str]:
    """The reader's warnings the report shows (see `_INTEGRITY_WARNING`)."""
    return [warning for warning in document.warnings if not _INTEGRITY_WARNING.search(warning)]


def _finished(report: ImportReport) -> ImportReport:
    if report.dry_run:
        for row in report.use_cases:
            row.pop("pk", None)
    report.finish()
    return report


class Run:
    """One import of one document: wires the collaborators together and runs the phases (plan, then write)."""

    def __init__(
        self,
        *,
        user,
        document: doc.Repository,
        workspace: Workspace | None,
        policy: str,
        report: ImportReport,
        progress: Progress | None,
        in_transaction: bool = False,
        seen: set[uuid.UUID] | None = None,
        forward: set[str] | None = None,
    ) -> None:
        self.document = document
        self.report = report
        self.progress = progress or (lambda percent, message: None)
        self.in_transaction = in_transaction
        self.permits = Permits(user=user)
        self.holdings = Holdings(permits=self.permits)
        self.resolver = Resolver(holdings=self.holdings, report=report)
        self.plans = Plans()
        self.cleaner = Cleaner(report=report)
        self.writer = Writer(user=user, report=report)
        self.use_cases = UseCasePlanner(
            workspace=workspace,
            policy=policy,
            seen=seen,
            forward=forward,
            in_transaction=in_transaction,
            holdings=self.holdings,
            **self.planners(),
        )
        self.planned_revisions: dict[int, int] = {}

    def planners(self) -> dict:
        """The collaborators every planner takes."""
        return {
            "resolver": self.resolver,
            "plans": self.plans,
            "cleaner": self.cleaner,
            "permits": self.permits,
            "report": self.report,
        }

    def run(self) -> None:
        self.plan_all()
        self.write_all()

    def plan_all(self) -> None:
        """Read what the repository holds and plan every write (no write here, but a workspace the file names
        when planned inside the transaction)."""
        self.holdings.load_libraries(self.document)
        self.progress(12, "Matching the libraries")
        LibraryPlanner(holdings=self.holdings, **self.planners()).plan_all(self.document)
        self.progress(15, "Matching the use cases")
        self.holdings.load_use_cases(self.document.use_cases, lock=self.in_transaction)
        self.use_cases.plan_all(self.document)
        work = self.use_cases.use_case_work
        rows_of = self.holdings.load_rows([plan.instance.pk for plan, _, _ in work if plan.existing])
        for plan, _, _ in work:
            if plan.existing:
                plan.before = snapshot(plan.instance, self.holdings.current_many("use_case", plan.instance))
        total, shown = len(work), None
        for number, (plan, use_case, uid) in enumerate(work, start=1):
            percent = 15 + round(45 * number / total)
            if percent != shown:  # at most one progress write per percent, however many use cases
                self.progress(percent, f"Use case {number} of {total}: {use_case.name}")
                shown = percent
            existing = rows_of.get(plan.instance.pk) if plan.existing else None
            planner = RowPlanner(plan=plan, use_case=use_case, uid=uid, existing=existing, **self.planners())
            planner.plan_all()
        self.planned_revisions = {plan.instance.pk: plan.instance.revision for plan, _, _ in work if plan.existing}

    def still_current(self) -> bool:
        """Whether the use cases the plan changes are still at the revisions it read."""
        locked = UseCase.objects.select_for_update().filter(pk__in=self.planned_revisions)
        revisions = locked.values_list("pk", "revision")
        return dict(revisions) == self.planned_revisions

    def write_all(self) -> None:
        self.write()
        self.progress(98, "Writing the change log")
        self.writer.finish()
        self.use_cases.finish(self.writer.changed_use_cases)

    def write(self) -> None:
        write_plans(self.plans, self.writer, self.progress)
