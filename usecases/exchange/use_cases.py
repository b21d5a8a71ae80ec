"""The use cases of a file matched to the repository's and planned for writing: full use cases by mRID, then by
identifier in their workspace; related use case stubs linked or made placeholders; the workspace each new use case
goes to, created when the file names one that is missing (for a user who may create workspaces); use case IDs kept
unique in their workspace.

No existence oracle (SECURITY.md, "Existence"): use cases the user may not see take no part in the matching, as if
they did not exist. Since an mRID names one use case across the repository, a full use case of the file whose mRID
one of them holds is left out, reported as one the user may not change; a stub whose mRID one of them holds becomes
a placeholder as an unknown one would, under a stand-in mRID derived from it (the export writes the file's mRID).
A workspace the user may not add use cases to is refused with the same words whether it exists or not.

Only drafts change: an existing use case in review, approved or published is left as it is (outcome "skipped",
with a note), and an import never moves a use case's status (the workflow does)."""

import uuid

from django.utils.text import slugify

from usecases.exchange.bulk import Plan, resolve
from usecases.exchange.holdings import DEFAULT_WORKSPACE_NAME, Holdings
from usecases.exchange.planner import Planner
from usecases.exchange.records import LOOKUP, bookkeeping, derive_uuid, join_extra, kept_order, raw_mrid, to_uuid
from usecases.models import UseCase, Workspace
from usecases.services import workspace_create
from usecases.xml import document as doc


class PlanNeedsWrites(Exception):
    """Planning outside the transaction met something it must write first (a new workspace): plan inside it."""


DEFAULT_WORKSPACE_SLUG = "imported"
PLACEHOLDER = "placeholder"
# The kind (in the report's counts, taken out at the end) of a placeholder that stands for a use case of the file
# a later batch of a streamed import writes (`loader.repository_import_streamed`).
FORWARD = "forward_use_case"
NOT_CHANGEABLE_NOTE = "Use cases you may not change were left as they are"
NOT_A_DRAFT_NOTE = (
    "Use cases that are not drafts were left as they are (only drafts are edited; a manager can withdraw a use case "
    "to draft)"
)
# How many stand-ins deep a stub's mRID is followed when each stand-in is itself a use case the user may not see.
STAND_IN_DEPTH = 4
USE_CASE_FIELDS = (
    "identifier",
    "name",
    "area",
    "scope",
    "short_description",
    "complete_description",
    "level_of_depth",
    "prioritisation",
    "classification",
    "nature",
    "view_point",
    "keywords",
)


def may_create_workspaces(user) -> bool:
    """Creating a workspace is a model-wide permission (administrators); the policy has no object rule for it."""
    return user is not None and user.is_authenticated and user.has_perm("usecases.add_workspace")


class UseCasePlanner(Planner):
    """Plans the use cases of one file (see the module's docstring). `seen`: the use cases already planned, and
    `forward`: the stubs that stand for a use case of a later batch, across the batches of a streamed import (see
    `loader.repository_import_streamed`). `in_transaction`: planned inside the transaction that writes (the
    fallback of `loader.repository_import`), so it may create the workspaces the file names."""

    def __init__(
        self,
        *,
        workspace: Workspace | None,
        policy: str,
        holdings: Holdings,
        seen: set[uuid.UUID] | None = None,
        forward: set[str] | None = None,
        in_transaction: bool = False,
        **collaborators,
    ) -> None:
        super().__init__(**collaborators)
        self.workspace = workspace
        self.policy = policy
        self.holdings = holdings
        self.user = self.permits.user
        self.seen = seen if seen is not None else set()
        self.forward = forward or set()
        self.in_transaction = in_transaction
        self.claimed: set[int] = set()
        self.hidden_mrids: set[uuid.UUID] = set()
        self.stand_ins: dict[uuid.UUID, uuid.UUID] = {}
        self.use_case_work: list[tuple[Plan, doc.UseCase, uuid.UUID]] = []
        self.use_case_rows: list[dict] = []

    def plan_all(self, document: doc.Repository) -> None:
        self.plan_use_cases(document)
        self.plan_stubs(document)

    def plan_use_cases(self, document: doc.Repository) -> None:
        self.set_aside_hidden_use_cases()
        seen = self.seen
        for use_case in document.full_use_cases:
            uid = to_uuid(use_case.mrid) or derive_uuid("use_case", use_case.identifier, use_case.name)
            if uid in seen:
                self.report.note("File", "use cases listed twice were imported once", use_case.name or use_case.mrid)
                continue
            seen.add(uid)
            self.plan_use_case(use_case, uid)

    def plan_use_case(self, use_case: doc.UseCase, uid: uuid.UUID) -> None:
        workspace = self.workspace_for(use_case.workspace)
        existing = self.holdings.existing["use_case"].get(uid)
        merged = False
        identifier = use_case.identifier.strip()
        if existing is None and identifier:
            existing = self.holdings.identifiers.get((workspace.pk, identifier))
            if not isinstance(existing, UseCase) or existing.pk in self.claimed:
                existing = None
            merged = existing is not None
        if existing is not None:
            self.claimed.add(existing.pk)
        hidden = existing is None and uid in self.hidden_mrids
        row = {"mrid": use_case.mrid or str(uid), "identifier": use_case.identifier, "name": use_case.name}
        row["workspace"] = (existing.workspace if existing is not None else workspace).name
        self.use_case_rows.append(row)
        placeholder = existing is not None and bool(bookkeeping(existing).get(PLACEHOLDER))
        if hidden:  # its mRID is taken: refused as one the user may not change, where a new one would go
            self.permits.require_addable(workspace)
            row["outcome"] = "skipped"
            self.report.note("", NOT_CHANGEABLE_NOTE, use_case.name)
            return
        if existing is not None and not placeholder and self.left_alone(existing, use_case):
            row["outcome"] = "skipped"
            self.resolver.targets["use_case"][use_case.mrid] = existing
            return
        owner = f"Use case {use_case.name or use_case.identifier or use_case.mrid!r}"
        values = {field: getattr(use_case, field) for field in USE_CASE_FIELDS}
        if use_case.status.strip() and (existing is None or placeholder):
            values["status"] = use_case.status
        values, as_found = self.cleaner.coerce(
            UseCase, values, owner=owner, what="use case", fills={"name": "(unnamed use case)", "status": "draft"}
        )
        home = workspace if existing is None or placeholder else existing.workspace
        values["identifier"] = self.claim_identifier(home, values["identifier"], existing, as_found, owner)
        many = self.references(use_case, owner)
        book = {
            "mrid": raw_mrid(use_case.mrid),
            "as_found": as_found,
            "narrative_mrid": use_case.narrative_mrid,
            "order": {name: order for name, targets in many.items() if (order := kept_order(targets))},
        }
        values["extra"] = join_extra(use_case.extra, book)
        if existing is None or placeholder:
            self.permits.require_addable(home)
        if existing is None:
            author = self.user if self.user is not None and self.user.is_authenticated else None
            instance = UseCase(mrid=uid, created_by=author)
            links = {"workspace": home}
        else:
            instance, links = existing, ({"workspace": home} if placeholder else {})
        plan = Plan(kind="use_case", instance=instance, values=values, links=links, many=many, merged=merged)
        plan.before = {} if existing is not None else None  # the snapshot is taken with the rows, in bulk
        self.plans.add("use_case", plan)
        row["plan"], row["placeholder"] = plan, placeholder
        if use_case.mrid:
            self.resolver.targets["use_case"][use_case.mrid] = plan
        self.use_case_work.append((plan, use_case, uid))

    def references(self, use_case: doc.UseCase, owner: str) -> dict[str, list]:
        """The library objects the use case refers to, by many-to-many field."""
        resolve_all = self.resolver.resolve_all
        return {
            "business_cases": resolve_all("business_case", use_case.business_case_refs, owner=owner),
            "primary_actors": resolve_all("actor", use_case.primary_actor_refs, owner=owner),
            "common_terms": resolve_all("common_term", use_case.common_term_refs, owner=owner),
        }

    def left_alone(self, existing: UseCase, use_case: doc.UseCase) -> bool:
        """Whether an existing use case stays as it is: policy "skip", one the user may not change, not a draft."""
        if self.policy == "skip":
            return True
        if existing.pk not in self.holdings.changeable["use_case"]:
            self.report.note("", NOT_CHANGEABLE_NOTE, use_case.name)
            return True
        if existing.status != UseCase.Status.DRAFT:
            self.report.note("", NOT_A_DRAFT_NOTE, use_case.name)
            return True
        return False

    def plan_stubs(self, document: doc.Repository) -> None:
        """Use cases the file only refers to: linked to the repository's, or placeholders."""
        homes = {}
        for plan, use_case, _ in self.use_case_work:
            for relation in use_case.relations:
                homes.setdefault(relation.use_case_ref, resolve(plan.links.get("workspace")) or plan.instance.workspace)
        for stub in document.use_cases:
            if not stub.is_stub or (stub.mrid and stub.mrid in self.resolver.targets["use_case"]):
                continue
            uid = to_uuid(stub.mrid) or derive_uuid("use_case", stub.identifier, stub.name)
            workspace = homes.get(stub.mrid) or self.workspace_for("")
            stand_in = uid in self.hidden_mrids
            if stand_in:
                uid = self.stand_ins.get(uid)
                if uid is None:  # every stand-in is hidden too: the relations to it are dropped, as to nothing
                    continue
            existing = self.holdings.existing["use_case"].get(uid)
            if stub.extra.get(LOOKUP):
                existing = existing or self.looked_up(stub, workspace)
                if existing is not None:  # a link to it, nothing of it written: not counted
                    self.resolver.targets["use_case"][stub.mrid] = existing
                continue
            if existing is None and stub.identifier.strip():
                existing = self.holdings.identifiers.get((workspace.pk, stub.identifier.strip()))
                existing = existing if isinstance(existing, UseCase) else None
            if existing is not None:
                placeholder = bool(bookkeeping(existing).get(PLACEHOLDER))
                if stub.mrid not in self.forward:
                    self.report.count("related_use_case", "unchanged" if placeholder else "merged")
                target = existing
            else:
                self.permits.require_addable(workspace)
                owner = f"Related use case {stub.name or stub.identifier or stub.mrid!r}"
                values = {"identifier": stub.identifier, "name": stub.name, "nature": stub.nature, "status": "draft"}
                values, as_found = self.cleaner.coerce(
                    UseCase, values, owner=owner, what="use case", fills={"name": "(related use case)"}
                )
                values["identifier"] = self.claim_identifier(workspace, values["identifier"], None, as_found, owner)
                book = {"mrid": stub.mrid if stand_in else raw_mrid(stub.mrid), "as_found": as_found, PLACEHOLDER: True}
                values["extra"] = join_extra(stub.extra, book)
                target = Plan(
                    kind=FORWARD if stub.mrid in self.forward else "related_use_case",
                    instance=UseCase(mrid=uid),
                    values=values,
                    links={"workspace": workspace},
                )
                self.plans.add("related_use_case", target)
            if stub.mrid:
                self.resolver.targets["use_case"][stub.mrid] = target

    def looked_up(self, stub: doc.UseCase, workspace: Workspace) -> UseCase | None:
        """The one use case the user sees (`existing` holds no other) that a `LOOKUP` stub names: by ID, else by
        name (case-folded), one in `workspace` first; None when there is none or the choice is not clear."""
        seen = list(self.holdings.existing["use_case"].values())
        for field in ("identifier", "name"):
            wanted = " ".join(getattr(stub, field).split()).casefold()
            found = [
                use_case
                for use_case in seen
                if wanted and " ".join(getattr(use_case, field).split()).casefold() == wanted
            ]
            home = [use_case for use_case in found if use_case.workspace_id == workspace.pk]
            if len(home or found) == 1:
                return (home or found)[0]
        return None

    def claim_identifier(self, workspace: Workspace, identifier: str, existing, as_found: dict, owner: str) -> str:
        """Use case IDs are unique in their workspace: one already taken by another use case gets " (2)"."""
        if not identifier:
            return identifier
        candidate, suffix = identifier, 1
        while (
            holder := self.holdings.identifiers.get((workspace.pk, candidate))
        ) is not None and holder is not existing:
            suffix += 1
            candidate = f"{identifier[:90]} ({suffix})"
        if candidate != identifier:
            as_found["identifier"] = [candidate, as_found.get("identifier", [None, identifier])[1]]
            self.report.note(owner, "its ID is another use case's in the workspace; it got a suffix", identifier)
        self.holdings.identifiers[(workspace.pk, candidate)] = existing if existing is not None else object()
        return candidate

    def workspace_for(self, name: str) -> Workspace:
        if self.workspace is not None:
            return self.workspace
        name = name.strip()[:200] or DEFAULT_WORKSPACE_NAME
        if name in self.holdings.workspaces:
            return self.holdings.workspaces[name]
        if name == DEFAULT_WORKSPACE_NAME:
            workspace = Workspace.objects.filter(slug=DEFAULT_WORKSPACE_SLUG).first()
            if workspace is not None:
                self.holdings.workspaces[name] = workspace
                return workspace
        if self.user is not None and not may_create_workspaces(self.user):
            # Not saved: `require_addable` refuses it in the words it uses for one that exists (no existence oracle).
            self.holdings.workspaces[name] = Workspace(name=name)
            return self.holdings.workspaces[name]
        if not self.in_transaction:
            raise PlanNeedsWrites(f"The workspace {name!r} must be created first.")
        base = DEFAULT_WORKSPACE_SLUG if name == DEFAULT_WORKSPACE_NAME else (slugify(name)[:90] or "workspace")
        taken = set(Workspace.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        workspace = workspace_create(user=self.user, name=name, slug=slug)
        self.permits.workspace_created(workspace)
        self.report.count("workspace", "created")
        self.holdings.workspaces[name] = workspace
        return workspace

    def finish(self, changed: set[int]) -> None:
        """The report's rows of the use cases, once written (`changed`: the existing use cases that changed)."""
        for row in self.use_case_rows:
            plan = row.pop("plan", None)
            placeholder = row.pop("placeholder", False)
            if plan is not None:
                instance = plan.instance
                if not plan.existing or placeholder:
                    row["outcome"] = "created"
                elif instance.pk in changed:
                    row["outcome"] = "merged" if plan.merged else "updated"
                else:
                    row["outcome"] = "unchanged"
                row["pk"] = instance.pk
            self.report.count("use_case", row["outcome"])
            self.report.use_cases.append(row)

    def set_aside_hidden_use_cases(self) -> None:
        """Take the use cases the user may not see out of the matching (`hidden_mrids` keeps their mRIDs, which
        stay taken; their IDs stay taken in their workspaces), and find each a stand-in mRID for stubs: the first of
        a chain derived from it that no use case holds or that holds a use case the user sees."""
        if self.user is None or not self.holdings.existing["use_case"]:
            return
        loaded = self.holdings.existing["use_case"]
        self.hidden_mrids = set(loaded) - self.permits.visible_mrids(loaded)
        for mrid in self.hidden_mrids:
            hidden = loaded.pop(mrid)
            for key, holder in self.holdings.identifiers.items():
                if holder is hidden:
                    self.holdings.identifiers[key] = object()
        chains = {mrid: [derive_uuid("use_case", "stand-in", mrid)] for mrid in self.hidden_mrids}
        for chain in chains.values():
            while len(chain) < STAND_IN_DEPTH:
                chain.append(derive_uuid("use_case", "stand-in", chain[-1]))
        every = {uid for chain in chains.values() for uid in chain}
        found = {instance.mrid: instance for instance in UseCase.objects.filter(mrid__in=every)}
        seen = self.permits.visible_mrids(found)
        for mrid, chain in chains.items():
            stand_in = next((uid for uid in chain if uid not in found or uid in seen), None)
            if stand_in is not None:
                self.stand_ins[mrid] = stand_in
                if stand_in in found:
                    loaded[stand_in] = found[stand_in]
