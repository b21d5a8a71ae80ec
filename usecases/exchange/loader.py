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
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower, Trim

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from ucmr.permissions import ADD, user_can, visible_to
from ucmr.richtext import is_rich_text, rich_text_clean
from usecases.access import may_add_to_library
from usecases.exchange.bulk import Plan, Writer, resolve, snapshot
from usecases.exchange.libraries import derived_uid, load_libraries, name_key
from usecases.exchange.prepare import references
from usecases.exchange.records import (
    text_fields,
    to_uuid,
)
from usecases.exchange.report import ImportReport
from usecases.exchange.rows import ExistingRows, RowPlanner, row_key
from usecases.exchange.use_cases import (
    DEFAULT_WORKSPACE_NAME,
    FORWARD,
    LOOKUP,
    PlanNeedsWrites,
    UseCasePlanning,
    may_create_workspaces,
)
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Area,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    InformationObject,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
    VersionEntry,
    Workspace,
)
from usecases.xml import document as doc
from usecases.xml import read_document
from usecases.xml.detect import stream_document
from usecases.xml.parsing import binary_source, check_size

POLICIES = ("update", "skip")
# The reader's `integrity_warnings` (dangling references, shared mRIDs): the loader says what it did about each,
# so the report leaves them out rather than say it twice.
_INTEGRITY_WARNING = re.compile(r"refers to \d+ .+ the file does not define: |: objects of one kind share an mRID: ")
TEMPORARY_NUMBER = "\ufffe"  # no XML file can hold U+FFFE, so no real step number starts with it
CHUNK = 5000

Progress = Callable[[int, str], None]

LIBRARY_MODELS: dict[str, type[models.Model]] = {
    "area": Area,
    "business_case": BusinessCase,
    "requirement_category": RequirementCategory,
    "requirement": Requirement,
    "actor": Actor,
    "information_object": InformationObject,
    "common_term": CommonTerm,
}
ROW_MODELS: dict[str, type[models.Model]] = {
    "version": VersionEntry,
    "objective": Objective,
    "kpi": Kpi,
    "relation": UseCaseRelation,
    "remark": Remark,
    "actor_grouping": ActorGrouping,
    "actor_role": ActorRole,
    "reference": Reference,
    "scenario": Scenario,
    "condition": Condition,
    "step": Step,
    "drawing": Drawing,
    "custom_information": CustomInformation,
    "sgam_placement": SgamPlacement,
    "nist_placement": NistPlacement,
}
KINDS_BY_MODEL = {model: kind for kind, model in {**LIBRARY_MODELS, **ROW_MODELS}.items()}
# What an existing row's change log text (`str()`) reads, joined when the rows are loaded.
ROW_RELATED = {
    ActorRole: ("actor",),
    UseCaseRelation: ("related",),
    SgamPlacement: ("layer", "domain", "zone"),
    NistPlacement: ("nist_domain",),
}


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

    def new_run() -> Run:
        report = ImportReport(dry_run=dry_run, policy=policy)
        report.warnings += _reader_warnings(document)
        return Run(user=user, document=document, workspace=workspace, policy=policy, report=report, progress=forward)

    # Reading what the repository holds and planning every write need no lock: done first, outside the
    # transaction, so that the transaction (which holds SQLite's one write lock) lasts only as long as the writes.
    run = new_run()
    try:
        run.plan_all()
        with transaction.atomic():
            started = time.monotonic()
            if not run.still_current():
                raise _PlanStale
            run.write_all()
            run.report.write_seconds = time.monotonic() - started
            if dry_run:
                transaction.set_rollback(True)
    except (_PlanStale, PlanNeedsWrites, IntegrityError):
        # Someone changed a use case of the file (or removed an object the plan links to) in between, or the file
        # needs a new workspace: plan and write again, this time inside the transaction. All or nothing, as always.
        run = new_run()
        run.in_transaction = True
        with transaction.atomic():
            started = time.monotonic()
            run.plan_all()
            run.write_all()
            run.report.write_seconds = time.monotonic() - started
            if dry_run:
                transaction.set_rollback(True)
    return _finished(run.report)


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
    stubs = {stub.mrid: stub for stub in head.use_cases if stub.is_stub and stub.mrid and stub.mrid not in full}
    report = ImportReport(dry_run=dry_run, policy=policy)
    report.warnings += _reader_warnings(head)
    batches = max(1, -(-streamed.count // size))
    highest = 0

    def runner(document: doc.Repository, first: int, last: int, label: str) -> Run:
        def forward(percent: int, message: str) -> None:
            nonlocal highest
            highest = max(highest, first + (last - first) * percent // 100)
            if progress is not None:
                progress(highest, f"{label}: {message}")

        run = Run(user=user, document=document, workspace=workspace, policy=policy, report=report, progress=forward)
        run.in_transaction = True
        return run

    with transaction.atomic():
        started = time.monotonic()
        libraries = runner(dataclasses.replace(head, use_cases=[]), 10, 20, "Libraries")
        libraries.run()
        known = {
            kind: {ref: resolve(target) for ref, target in libraries.targets[kind].items() if target is not None}
            for kind in LIBRARY_MODELS
        }
        del libraries
        seen: set[uuid.UUID] = set()
        written: set[str] = set()  # mRIDs of the file's use cases and stubs written so far
        for number, batch in enumerate(streamed.batches(size)):
            refs = {relation.use_case_ref for use_case in batch.use_cases for relation in use_case.relations}
            mine = {use_case.mrid for use_case in batch.use_cases}
            later = [full[ref] for ref in refs if ref in full and ref not in written and ref not in mine]
            document = doc.Repository(
                use_cases=[*batch.use_cases, *(stubs[ref] for ref in refs if ref in stubs), *later]
            )
            first = 20 + 75 * number // batches
            run = runner(document, first, 20 + 75 * (number + 1) // batches, f"Batch {number + 1} of {batches}")
            run.seen_use_cases, run.forward = seen, {ref for ref in refs if ref in written or ref in full}
            for kind, targets in known.items():
                run.targets[kind].update(targets)
            report.warnings += _reader_warnings(batch)
            run.run()
            written |= mine | {ref for ref in refs if ref in stubs or ref in full}
        left = [stub for stub in head.use_cases if stub.is_stub and stub.mrid not in written and stub.mrid not in full]
        if left:
            runner(doc.Repository(use_cases=left), 95, 98, "Related use cases").run()
        report.write_seconds = time.monotonic() - started
        if dry_run:
            transaction.set_rollback(True)
    report.counts.pop(FORWARD, None)
    return _finished(report)


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


class Run(UseCasePlanning):
    """One import: what the repository already holds (loaded in bulk first), the plans, then the writes."""

    def __init__(
        self,
        *,
        user,
        document: doc.Repository,
        workspace: Workspace | None,
        policy: str,
        report: ImportReport,
        progress: Progress | None,
    ) -> None:
        self.user = user
        self.document = document
        self.workspace = workspace
        self.policy = policy
        self.report = report
        self.progress = progress or (lambda percent, message: None)
        self.writer = Writer(user=user, report=report)
        self.targets: dict[str, dict[str, Any]] = defaultdict(dict)
        self.file_keys: dict[str, dict[str, Any]] = defaultdict(dict)
        self.existing: dict[str, dict[uuid.UUID, models.Model]] = defaultdict(dict)
        self.by_key: dict[str, dict[str, models.Model]] = defaultdict(dict)
        self.changeable: dict[str, set[int]] = defaultdict(set)
        self.many: dict[tuple[str, int], dict[str, list[int]]] = {}
        self.placements: dict[tuple[str, int], set[tuple]] = defaultdict(set)
        self.plans: dict[str, list[tuple[int, Plan]]] = defaultdict(list)
        self.deletions: dict[str, list[tuple]] = defaultdict(list)
        self.may: dict[type, bool] = {}
        self.addable: set[int] | None = None
        self.workspaces: dict[str, Workspace] = {}
        self.identifiers: dict[tuple[Any, str], Any] = {}
        self.use_case_work: list[tuple[Plan, doc.UseCase, uuid.UUID]] = []
        self.use_case_rows: list[dict[str, Any]] = []
        self.claimed: set[int] = set()
        # Across the batches of a streamed import: the use cases already planned, and the stubs that stand for a use
        # case of a later batch (see `repository_import_streamed`).
        self.seen_use_cases: set[uuid.UUID] = set()
        self.forward: set[str] = set()
        # Planned inside the transaction that writes (the fallback of repository_import): may write as it plans.
        self.in_transaction = False

    # The phases

    def run(self) -> None:
        self.plan_all()
        self.write_all()

    def plan_all(self) -> None:
        """Read what the repository holds and plan every write (no write here)."""
        self.preload_libraries()
        self.progress(12, "Matching the libraries")
        load_libraries(self)
        self.progress(15, "Matching the use cases")
        self.preload_use_cases()
        self.plan_use_cases()
        self.plan_stubs()
        self.preload_rows()
        total, shown = len(self.use_case_work), None
        for number, (plan, use_case, uid) in enumerate(self.use_case_work, start=1):
            percent = 15 + round(45 * number / total)
            if percent != shown:  # at most one progress write per percent, however many use cases
                self.progress(percent, f"Use case {number} of {total}: {use_case.name}")
                shown = percent
            existing = self.rows_of.get(plan.instance.pk) if plan.existing else None
            RowPlanner(self, plan=plan, use_case=use_case, uid=uid, existing=existing).plan_all()
        self.planned_revisions = {
            plan.instance.pk: plan.instance.revision for plan, _, _ in self.use_case_work if plan.existing
        }

    def still_current(self) -> bool:
        """Whether the use cases the plan changes are still at the revisions it read."""
        locked = UseCase.objects.select_for_update().filter(pk__in=self.planned_revisions)
        revisions = locked.values_list("pk", "revision")
        return dict(revisions) == self.planned_revisions

    def write_all(self) -> None:
        self.write()
        self.progress(98, "Writing the change log")
        self.writer.finish()
        self.finish_use_cases()

    def write(self) -> None:
        steps = [
            *LIBRARY_MODELS,
            "related_use_case",
            "use_case",
            *(kind for kind in ROW_MODELS if kind not in ("sgam_placement", "nist_placement")),
            "sgam_placement",
            "nist_placement",
        ]
        for number, kind in enumerate(steps, start=1):
            self.progress(60 + round(35 * number / len(steps)), f"Writing {kind.replace('_', ' ')}s")
            if kind == "step":
                self.free_step_numbers()
            plans = sorted(self.plans.get(kind, []), key=lambda item: item[0])
            for depth in sorted({depth for depth, _ in plans}):
                batch = [plan for plan_depth, plan in plans if plan_depth == depth]
                self.writer.write(batch, counted=kind != "use_case")
        for kind in ROW_MODELS:
            self.writer.delete(kind=kind, rows=self.deletions.get(kind, []))

    def free_step_numbers(self) -> None:
        """Steps keep numbers unique among siblings at every moment: existing steps that move or go are first
        given a temporary number, so that the file's numbering can be written in any order."""
        moving = [instance for instance, _, _ in self.deletions.get("step", [])]
        for _, plan in self.plans.get("step", []):
            if not plan.existing:
                continue
            step = plan.instance
            scenario, parent = resolve(plan.links["scenario"]), resolve(plan.links["parent"])
            if (
                plan.values["number"] != step.number
                or getattr(scenario, "pk", None) != step.scenario_id
                or getattr(parent, "pk", None) != step.parent_id
            ):
                moving.append(step)
        for step in moving:
            step.number = f"{TEMPORARY_NUMBER}{step.pk}"
        if moving:
            Step.objects.bulk_update(moving, ["number"], batch_size=500)

    # What the repository holds

    def preload_libraries(self) -> None:
        repository = self.document
        defined = {
            "area": repository.areas,
            "business_case": repository.business_cases,
            "requirement_category": repository.all_categories(),
            "requirement": repository.all_requirements(),
            "actor": repository.actors,
            "information_object": repository.information_objects,
            "common_term": repository.common_terms,
        }
        referred = references(repository)
        keys = _match_keys(repository)
        for kind, model in LIBRARY_MODELS.items():
            uids = {to_uuid(node.mrid) or derived_uid(kind, node) for node in defined[kind]}
            uids |= {to_uuid(mrid) for mrid in referred.get(kind, ()) if mrid}
            found = _in_chunks(model.objects.all(), "mrid", uids)
            self.existing[kind] = {instance.mrid: instance for instance in found}
            for field, values in keys.get(kind, {}).items():
                rows = _in_chunks(
                    model.objects.annotate(match_key=Lower(Trim(field))).order_by("pk"), "match_key", values
                )
                for instance in rows:
                    instance = self.existing[kind].setdefault(instance.mrid, instance)  # one object per row
                    self.by_key[kind].setdefault(f"{field}:{name_key(getattr(instance, field))}", instance)
            loaded = {
                instance.pk: instance for instance in [*self.existing[kind].values(), *self.by_key[kind].values()]
            }
            self.changeable[kind] = self.allowed(model, loaded)
            for field in model._meta.many_to_many:
                self.load_many(kind, model, field.name, list(loaded))
            if kind in ("actor", "information_object"):
                for placement_model in (SgamPlacement, NistPlacement):
                    for placement in _in_chunks(placement_model.objects.all(), f"{kind}_id", list(loaded)):
                        self.placements[(kind, getattr(placement, f"{kind}_id"))].add(_placement_key(placement))
        self.category_parents = dict(RequirementCategory.objects.values_list("pk", "parent_id"))
        self.layers = {item.code: item for item in Layer.objects.all()}
        self.domains = {item.code: item for item in Domain.objects.all()}
        self.zones = {item.code: item for item in Zone.objects.all()}
        self.nist_domains = {item.code: item for item in NistDomain.objects.all()}

    def allowed(self, model: type[models.Model], loaded: dict[int, models.Model]) -> set[int]:
        """Which of the loaded rows the user may change (one query, however many rows)."""
        if self.user is None or not loaded:
            return set(loaded)
        permitted = visible_to(self.user, model.objects.filter(pk__in=list(loaded)), "change")
        return set(permitted.values_list("pk", flat=True))

    def load_many(self, kind: str, model: type[models.Model], name: str, pks: list[int]) -> None:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = _in_chunks(through.objects.order_by("pk"), source, pks, columns=(source, target))
        for pk in pks:
            self.many.setdefault((kind, pk), {}).setdefault(name, [])
        for source_pk, target_pk in links:
            self.many[(kind, source_pk)][name].append(target_pk)

    def current_many(self, kind: str, instance: models.Model) -> dict[str, list[int]]:
        return self.many.get((kind, instance.pk), {})

    def current_placements(self, target: Any) -> set[tuple]:
        if isinstance(target, Plan):
            return set()
        return self.placements[(KINDS_BY_MODEL[type(target)], target.pk)]

    def preload_use_cases(self) -> None:
        use_cases = self.document.use_cases
        uids = {to_uuid(use_case.mrid) for use_case in use_cases if use_case.mrid}
        uids |= {
            to_uuid(relation.use_case_ref)
            for use_case in use_cases
            for relation in use_case.relations
            if relation.use_case_ref
        }
        locked = UseCase.objects.select_related("workspace")
        if self.in_transaction:  # planned inside the import's transaction (see repository_import): lock them now
            locked = locked.select_for_update(of=("self",))
        self.existing["use_case"] = {instance.mrid: instance for instance in _in_chunks(locked, "mrid", uids)}
        identifiers = {use_case.identifier.strip() for use_case in use_cases if use_case.identifier.strip()}
        for instance in _in_chunks(locked, "identifier", identifiers):
            instance = self.existing["use_case"].setdefault(instance.mrid, instance)
            self.identifiers[(instance.workspace_id, instance.identifier)] = instance
        names = {
            use_case.name.strip() for use_case in use_cases if use_case.extra.get(LOOKUP) and use_case.name.strip()
        }
        for instance in _in_chunks(locked, "name", names):  # stubs a file names in free text (see LOOKUP)
            self.existing["use_case"].setdefault(instance.mrid, instance)
        for instance in self.existing["use_case"].values():
            if instance.identifier:
                self.identifiers.setdefault((instance.workspace_id, instance.identifier), instance)
        self.changeable["use_case"] = self.allowed(
            UseCase, {instance.pk: instance for instance in self.existing["use_case"].values()}
        )
        names = {use_case.workspace.strip() for use_case in use_cases if use_case.workspace.strip()}
        self.workspaces = {
            workspace.name: workspace
            for workspace in Workspace.objects.filter(name__in=names | {DEFAULT_WORKSPACE_NAME})
        }

    def preload_rows(self) -> None:
        """The rows of the use cases the file updates, each table in one query."""
        pks = [plan.instance.pk for plan, _, _ in self.use_case_work if plan.existing]
        self.rows_of: dict[int, ExistingRows] = {pk: ExistingRows() for pk in pks}
        if not pks:
            return
        for field in UseCase._meta.many_to_many:
            self.load_many("use_case", UseCase, field.name, pks)
        for kind, model in ROW_MODELS.items():
            owner = "scenario__use_case_id" if model is Step else "use_case_id"
            rows = model.objects.annotate(owner_pk=models.F(owner)).select_related(*ROW_RELATED.get(model, ()))
            rows = list(_in_chunks(rows.order_by("pk"), owner, pks))
            for field in model._meta.many_to_many:
                self.load_many(kind, model, field.name, [row.pk for row in rows])
            for row in rows:
                holder = self.rows_of[row.owner_pk]
                holder.add(model, row_key(row), row)
                holder.many[(model, row.pk)] = self.many.get((kind, row.pk), {})
        for plan, _, _ in self.use_case_work:
            if plan.existing:
                plan.before = snapshot(plan.instance, self.current_many("use_case", plan.instance))

    # What planners use

    def plan(self, kind: str, plan: Plan, *, depth: int = 0) -> None:
        self.plans[kind].append((depth, plan))

    def delete(self, kind: str, instance: models.Model, before: dict, related: models.Model) -> None:
        if kind == "relation" and self.relates_to_hidden(instance):
            return
        self.deletions[kind].append((instance, before, related))

    def kind_of(self, model: type[models.Model]) -> str:
        return KINDS_BY_MODEL[model]

    def may_add(self, model: type[models.Model]) -> bool:
        """New library objects a file brings may be added by whoever may import use cases: leaving them out would
        drop the references to them. Changing existing library objects stays with the curators."""
        if model not in self.may:
            self.may[model] = self.user is None or may_add_to_library(self.user, model)
        return self.may[model]

    def may_link(self, kind: str, instance: models.Model, name: str, target: Any) -> bool:
        """Foreign keys of an existing library object the file may set: never to nothing, never into a loop."""
        if target is None:
            return False
        if kind == "requirement_category" and name == "parent" and not isinstance(target, Plan):
            ancestor, seen = target.pk, set()
            while ancestor is not None and ancestor not in seen:
                if ancestor == instance.pk:
                    self.report.note(
                        "Requirement library", "category nestings that would make a loop were ignored", str(instance)
                    )
                    return False
                seen.add(ancestor)
                ancestor = self.category_parents.get(ancestor)
        return True

    def resolve(self, kind: str, ref: str) -> Any:
        """What a reference names: an object of the file, else the repository's object with that mRID, else None."""
        targets = self.targets[kind]
        if ref in targets:
            return targets[ref]
        uid = to_uuid(ref)
        target = self.existing[kind].get(uid) if uid is not None else None
        targets[ref] = target
        return target

    def resolve_use_case(self, ref: str) -> Any:
        return self.resolve("use_case", ref)

    def resolve_all(self, kind: str, refs: Iterable[str], *, owner: str) -> list:
        resolved, seen = [], set()
        for ref in refs:
            target = self.resolve(kind, ref)
            if target is None:
                self.report.note(
                    owner.split(",")[0],
                    f"references to {kind.replace('_', ' ')}s neither the file nor the repository has were dropped",
                    ref,
                )
            elif id(target) not in seen:
                seen.add(id(target))
                resolved.append(target)
        return resolved

    def coerce(
        self, model: type[models.Model], values: dict[str, Any], *, owner: str, what: str, fills: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Values that fit the model's text columns, and `as_found` pairs [stored, found] for those that did not
        (the export writes what was found). CharFields are stripped, as the services strip them."""
        specs = text_fields(model)
        as_found: dict[str, list[str]] = {}
        for name, found in values.items():
            spec = specs.get(name)
            if spec is None:
                continue
            max_length, blank, choices, is_char = spec
            clean = (found or "").strip() if is_char else (found or "")
            stored = rich_text_clean(clean) if is_rich_text(model, name) else clean
            if choices is not None and stored and stored not in choices:
                stored = fills.get(name, "")
                self.report.note(owner, f"unknown {name.replace('_', ' ')} values were replaced", f"{what}: {clean}")
            if not stored and not blank and fills.get(name):
                stored = fills[name]
                if choices is None:
                    self.report.note(owner, f"blank {name.replace('_', ' ')}s were filled in", what)
            if max_length and len(stored) > max_length:
                stored = stored[:max_length]
                self.report.note(
                    owner,
                    "values too long for their field were shortened (the export writes them whole)",
                    f"{what}: {name}",
                )
            values[name] = stored
            if stored != clean:
                as_found[name] = [stored, clean]
        return values, as_found

    def aware(self, value: datetime | None, *, owner: str) -> tuple[datetime | None, str]:
        """A version date as stored (aware; naive dates are read as UTC), and its text as the file had it when
        the stored value would be written differently."""
        if value is None:
            return None, ""
        if value.tzinfo is None or value.utcoffset() is None:
            self.report.note(owner, "dates without a time zone were read as UTC")
            return value.replace(tzinfo=UTC), value.isoformat()
        stored = value.astimezone(UTC)
        return stored, ("" if stored.isoformat() == value.isoformat() else value.isoformat())

    def sgam_codes(self, cell: doc.SgamPlacement, *, owner: str) -> tuple | None:
        parts = []
        for code, known, what in (
            (cell.layer, self.layers, "layer"),
            (cell.domain, self.domains, "domain"),
            (cell.zone, self.zones, "zone"),
        ):
            if code and code not in known:
                self.report.note(owner, f"SGAM placements with an unknown {what} were dropped", code)
                return None
            parts.append(known.get(code) if code else None)
        if parts[1] is None and parts[2] is None:
            self.report.note(owner, "SGAM placements without domain or zone were dropped", cell.as_text())
            return None
        return tuple(parts)

    def nist_domain(self, code: str, *, owner: str) -> NistDomain | None:
        domain = self.nist_domains.get(code)
        if domain is None:
            self.report.note(owner, "unknown NIST domains were dropped", code)
        return domain


def _placement_key(placement: models.Model) -> tuple:
    if isinstance(placement, SgamPlacement):
        return ("sgam", placement.layer_id, placement.domain_id, placement.zone_id)
    return ("nist", placement.nist_domain_id)


def _in_chunks(queryset: models.QuerySet, field: str, keys: Iterable, *, columns: tuple[str, ...] = ()) -> list:
    """`queryset.filter(<field>__in=keys)` (or its `values_list(*columns)`) in chunks: SQLite limits the number of
    parameters of one statement."""
    keys = [key for key in dict.fromkeys(keys) if key is not None]
    found: list = []
    for start in range(0, len(keys), CHUNK):
        chunk = queryset.filter(**{f"{field}__in": keys[start : start + CHUNK]})
        found += list(chunk.values_list(*columns) if columns else chunk)
    return found


def _match_keys(repository: doc.Repository) -> dict[str, dict[str, set[str]]]:
    """The names and identifiers the libraries will be matched by, to look them up in bulk."""
    keys: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for actor in repository.actors:
        keys["actor"]["name"].add(name_key(actor.name))
    for term in repository.common_terms:
        keys["common_term"]["term"].add(name_key(term.term))
    blank = {
        "area": repository.areas,
        "business_case": repository.business_cases,
        "information_object": repository.information_objects,
        "requirement": repository.all_requirements(),
        "requirement_category": repository.all_categories(),
    }
    for kind, items in blank.items():
        for item in items:
            if not item.mrid:
                field = "identifier" if getattr(item, "identifier", "").strip() else "name"
                if getattr(item, field).strip():
                    keys[kind][field].add(name_key(getattr(item, field)))
    return keys
