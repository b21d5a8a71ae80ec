"""One use case as a whole document: what the REST API reads and writes in one request.

The document is the XML exchange's neutral middle (`usecases.xml.document`): a `UseCase` with every section, plus
the library objects it refers to (`libraries`, a `Repository` whose `use_cases` are the stubs of related use
cases). Reading is the XML export's dumper for one use case; writing is the XML import's loader for a document of
one use case. So the API, the files and the pages agree on every field, and a document read and written back
unchanged changes nothing (no revision, no change log entry).

Before writing, references are checked: a reference to an actor, information object, requirement, term, business
case, area, objective or related use case that neither the document nor the repository has would be dropped, so it
is refused with the path of the offending value, as are unknown SGAM and NIST codes. What the loader still had to
adapt (a value shortened to fit its column, kept whole for the export) comes back as `warnings`.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from actors.models import Actor
from requirements.models import Requirement
from sgam.models import Domain, Layer, NistDomain, Zone
from ucmr.permissions import ADD, CHANGE, user_can, visible_to
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import
from usecases.exchange.records import document_mrid, to_uuid
from usecases.models import Area, BusinessCase, CommonTerm, InformationObject, UseCase, Workspace
from usecases.services import not_a_draft_message, usecase_update
from usecases.xml import document as doc

# What a `*_refs` field (or a relation's `use_case_ref`) points at.
REFERENCE_KINDS = {
    "actor_refs": "actor",
    "primary_actor_refs": "actor",
    "producer_refs": "actor",
    "receiver_refs": "actor",
    "information_object_refs": "information_object",
    "requirement_refs": "requirement",
    "common_term_refs": "common_term",
    "business_case_refs": "business_case",
    "area_refs": "area",
    "objective_refs": "objective",
    "use_case_ref": "use_case",
}
REFERENCE_MODELS = {
    "actor": Actor,
    "information_object": InformationObject,
    "requirement": Requirement,
    "common_term": CommonTerm,
    "business_case": BusinessCase,
    "area": Area,
    "use_case": UseCase,
}
LIBRARY_LISTS = ("actors", "areas", "business_cases", "information_objects", "common_terms", "requirement_categories")
# An mRID names one use case across the repository: whether the user may see the one holding it or not, the answer
# is this, naming neither it nor its workspace (no existence oracle, SECURITY.md).
TAKEN_MRID = "A use case with this mRID already exists: leave the mRID out to create a new one, or PUT to replace it."


@dataclass
class UseCaseFile:
    """A use case as the API shows it: the row (id, workspace, status, revision), its document, the library
    objects and related use cases the document refers to, and what the last write had to adapt."""

    use_case: UseCase
    document: doc.UseCase
    libraries: doc.Repository
    warnings: list[str] = field(default_factory=list)


def usecase_file_get(*, user, use_case: UseCase) -> UseCaseFile:
    """The document of a use case `user` may see (a fixed number of queries, however large the use case). Without
    the generated diagrams: a client writes the document back, and they are no drawings of the author's."""
    repository = repository_export(
        user=user, use_cases=UseCase.objects.filter(pk=use_case.pk), generated_drawings=False
    )
    full = repository.full_use_cases
    if not full:  # a placeholder that only stands for a related use case: its header is all there is
        full = [doc.UseCase(mrid=document_mrid(use_case), identifier=use_case.identifier, name=use_case.name)]
    repository.use_cases = [item for item in repository.use_cases if item.is_stub]
    return UseCaseFile(use_case=use_case, document=full[0], libraries=repository)


@transaction.atomic
def usecase_file_save(
    *,
    user,
    document: doc.UseCase,
    libraries: doc.Repository | None = None,
    workspace: Workspace | None = None,
    use_case: UseCase | None = None,
    expected_revision: int | None = None,
) -> UseCaseFile:
    """Create a use case in `workspace` from `document`, or replace all of `use_case` with it (rows matched by mRID:
    rows the document no longer has are deleted, unchanged ones are not touched). Library objects in `libraries`
    are added or, for curators, updated as an import would. Raises ValidationError (keyed by the path of the
    offending value) or PermissionDenied; nothing is written then."""
    libraries = libraries or doc.Repository()
    if use_case is None:
        workspace = _check_create(user=user, document=document, workspace=workspace)
    else:
        workspace = _check_replace(user=user, document=document, use_case=use_case, expected=expected_revision)
    document.status = ""  # the workflow changes the status, never a document
    _check_references(document, libraries, user=user)
    if use_case is not None:
        current = usecase_file_get(user=user, use_case=use_case)
        if _same_file(current, document, libraries):
            return current
    repository = doc.Repository(
        **{name: getattr(libraries, name) for name in LIBRARY_LISTS},
        use_cases=[document, *(stub for stub in libraries.use_cases if stub.is_stub)],
    )
    report = repository_import(user=user, document=repository, workspace=workspace, policy="update")
    row = next(row for row in report.use_cases if row.get("mrid") == document.mrid)
    saved = UseCase.objects.select_related("workspace").get(pk=row["pk"])
    result = usecase_file_get(user=user, use_case=saved)
    result.warnings = report.warnings
    return result


@transaction.atomic
def usecase_file_patch(
    *,
    user,
    use_case: UseCase,
    data: dict[str, str],
    expected_revision: int | None,
    shown: Mapping[str, str] | None = None,
) -> UseCase:
    """Change scalar fields of a use case's document. A value the document already shows is no change, also where it
    is not the column's (a name shortened to be stored is shown as the file had it): a PATCH of what was read
    changes nothing. `shown`: the document's fields as the caller holds them (the API's cached document), else read."""
    if shown is None:
        document = usecase_file_get(user=user, use_case=use_case).document
        shown = {name: getattr(document, name) for name in data}
    changes = {name: value for name, value in data.items() if shown[name] != value}
    return usecase_update(user=user, use_case=use_case, data=changes, expected_revision=expected_revision)


def _same_file(current: UseCaseFile, document: doc.UseCase, libraries: doc.Repository) -> bool:
    """Whether `document` and `libraries` are what reading `current` gives, compared as values (the provenance of
    mRIDs aside): then writing them would change nothing, and nothing is written (no revision, no audit entry), even
    where the loader would store a value differently from how it was read (a placeholder's header)."""
    shown = replace(current.document, status="")
    return shown == document and all(
        getattr(current.libraries, name) == getattr(libraries, name) for name in (*LIBRARY_LISTS, "use_cases")
    )


def _check_create(*, user, document: doc.UseCase, workspace: Workspace | None) -> Workspace:
    if workspace is None:
        raise ValidationError({"workspace": "Choose the workspace the use case goes to."}, code="required")
    if not user_can(user, ADD, workspace):
        raise PermissionDenied(f"You may not add use cases to the workspace {workspace.name!r}.")
    if document.status not in ("", UseCase.Status.DRAFT):
        raise ValidationError({"document.status": "A new use case is a draft; the workflow changes its status."})
    if document.mrid:
        if UseCase.objects.filter(mrid=to_uuid(document.mrid)).exists():
            raise ValidationError({"document.mrid": TAKEN_MRID}, code="unique")
    else:  # a fresh one, not one derived from the name: two new use cases may share a name
        document.mrid = str(uuid.uuid4())
    identifier = document.identifier.strip()
    if identifier and UseCase.objects.filter(workspace=workspace, identifier=identifier).exists():
        raise ValidationError(
            {"document.identifier": f"The workspace {workspace.name!r} has a use case with the ID {identifier!r}."},
            code="unique",
        )
    return workspace


def _check_replace(*, user, document: doc.UseCase, use_case: UseCase, expected: int | None) -> Workspace:
    locked = UseCase.objects.select_for_update().select_related("workspace").get(pk=use_case.pk)
    if not user_can(user, CHANGE, locked):
        raise PermissionDenied("You may not change this use case.")
    if locked.status != UseCase.Status.DRAFT:
        raise ValidationError(not_a_draft_message(locked), code="not_a_draft")
    if expected is not None and expected != locked.revision:
        raise ValidationError(
            f"The use case changed meanwhile (revision {locked.revision}, you read {expected}).", code="stale_revision"
        )
    current = document_mrid(locked)
    if document.mrid and to_uuid(document.mrid) != locked.mrid:
        raise ValidationError({"document.mrid": f"The mRID of this use case is {current}; it cannot change."})
    if document.status not in ("", locked.status):
        raise ValidationError({"document.status": "The status changes through the workflow actions."})
    document.mrid = current
    return locked.workspace


def _walk(node: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, field name, value) of every field in `node` and in the nodes inside it."""
    for item in fields(node):
        value = getattr(node, item.name)
        here = f"{path}.{item.name}"
        yield here, item.name, value
        if isinstance(value, list):
            for index, child in enumerate(value):
                if is_dataclass(child):
                    yield from _walk(child, f"{here}[{index}]")


def _check_references(document: doc.UseCase, libraries: doc.Repository, *, user) -> None:
    """Refuse references to nothing and unknown SGAM/NIST codes, each with its path. A related use case the user may
    not see is nothing to them."""
    known: dict[str, set[str]] = defaultdict(set)
    for name in LIBRARY_LISTS:
        for item in getattr(libraries, name):
            for node in doc.iter_nodes(item):
                known[node.KIND].add(node.mrid)
    known["use_case"] |= {stub.mrid for stub in libraries.use_cases} | {document.mrid}
    known["objective"] = {objective.mrid for objective in document.objectives}
    wanted: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # kind -> mRID -> paths
    cells: list[tuple[str, doc.SgamPlacement]] = []
    nist: list[tuple[str, str]] = []
    roots = [("document", document)] + [
        (f"libraries.{name}[{index}]", item)
        for name in (*LIBRARY_LISTS, "use_cases")
        for index, item in enumerate(getattr(libraries, name))
    ]
    for root, node in roots:
        for path, name, value in _walk(node, root):
            kind = REFERENCE_KINDS.get(name)
            if kind and isinstance(value, list):
                for index, ref in enumerate(value):
                    wanted[kind][ref].append(f"{path}[{index}]")
            elif kind and value:
                wanted[kind][value].append(path)
            elif name == "sgam":
                cells += [(f"{path}[{index}]", cell) for index, cell in enumerate(value)]
            elif name == "nist":
                nist += [(f"{path}[{index}]", code) for index, code in enumerate(value)]
    errors: dict[str, list[str]] = {}
    for kind, refs in wanted.items():
        missing = {ref for ref in refs if ref not in known[kind]}
        model = REFERENCE_MODELS.get(kind)
        if missing and model is not None:
            holders = model.objects.filter(mrid__in=[to_uuid(ref) for ref in missing])
            if model is UseCase:
                holders = visible_to(user, holders)
            found = {str(value) for value in holders.values_list("mrid", flat=True)}
            missing = {ref for ref in missing if str(to_uuid(ref)) not in found}
        for ref in missing:
            for path in refs[ref]:
                errors[path] = [f"No {kind.replace('_', ' ')} with the mRID {ref!r} in the document or the repository."]
    _check_codes(cells, nist, errors)
    if errors:
        raise ValidationError(errors, code="does_not_exist")


def _check_codes(cells: list[tuple[str, doc.SgamPlacement]], nist: list[tuple[str, str]], errors: dict) -> None:
    if cells:
        codes = {
            "layer": set(Layer.objects.values_list("code", flat=True)),
            "domain": set(Domain.objects.values_list("code", flat=True)),
            "zone": set(Zone.objects.values_list("code", flat=True)),
        }
        for path, cell in cells:
            for part, known in codes.items():
                value = getattr(cell, part)
                if value and value not in known:
                    errors[f"{path}.{part}"] = [
                        f"Unknown SGAM {part} {value!r}: use one of {', '.join(sorted(known))}."
                    ]
            if not cell.domain and not cell.zone:
                errors[path] = ["An SGAM placement needs a domain or a zone."]
    if nist:
        known = set(NistDomain.objects.values_list("code", flat=True))
        for path, code in nist:
            if code not in known:
                errors[path] = [f"Unknown NIST domain {code!r}: use one of {', '.join(sorted(known))}."]
