"""The demo repository that `make run` shows: the JSON files in fixtures/demo/, written through the services.

`library.json` holds the workspaces and the shared libraries; every other file holds one use case with all the
sections of the template. The files refer to library objects by readable keys (actor name, R-ID, category ID,
information exchanged ID, term, area and business case name, use case ID, SGAM and NIST codes) so that people can
read and edit them. Every object carries a fixed mRID, which is what makes loading idempotent: an object whose mRID
is already in the database is left exactly as it is.

A use case is treated as one document: when it already exists, none of its rows are added either, even rows an
author has deleted since. Bringing them back would undo that author's edit, and could clash with their own step
numbering and make every later `make run` fail.
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from actors.models import Actor
from actors.services import actor_create
from requirements.models import Requirement, RequirementCategory
from requirements.services import requirement_category_create, requirement_create
from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from sgam.services import nist_placement_add, sgam_placement_add
from ucmr.permissions import repository_role_add
from ucmr.services import model_create, model_update
from usecases.access import workspace_member_set
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
    UseCaseSnapshot,
    VersionEntry,
    Workspace,
    WorkspaceMembership,
)
from usecases.services import (
    common_term_create,
    information_object_create,
    usecase_create,
    usecase_row_create,
    workspace_create,
)
from usecases.versions import usecase_snapshot_create
from usecases.workflow import usecase_submission_freeze

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
LIBRARY_FILE = "library.json"
DEMO_WORKSPACES = ("demo-grid-operators", "demo-market")

# Keys of a use case file that hold the template's tables, written after every use case of the demo exists
# (relations point at other use cases).
USECASE_TABLES = (
    "versions",
    "objectives",
    "kpis",
    "assumptions",
    "prerequisites",
    "relations",
    "remarks",
    "drawings",
    "actor_groupings",
    "references",
    "scenarios",
    "custom_information",
)
PLACEMENT_KEYS = ("sgam", "nist")
SCENARIO_CONDITIONS = (
    ("triggering_events", Condition.Kind.TRIGGERING_EVENT),
    ("preconditions", Condition.Kind.PRECONDITION),
    ("postconditions", Condition.Kind.POSTCONDITION),
)

Counts = dict[str, dict[str, int]]
Creator = Callable[..., models.Model]


@transaction.atomic
def demo_load(*, user: AbstractBaseUser | None = None, directory: Path = DEMO_DIR) -> Counts:
    """Create every demo object that is not in the database yet, all or nothing. Returns, per kind of object
    (the model name), how many were created and how many were already there."""
    loader = _DemoLoader(user=user)
    with loader.reading(LIBRARY_FILE):
        loader.load_library(_read(directory / LIBRARY_FILE))
    documents = [(path.name, _read(path)) for path in sorted(directory.glob("*.json")) if path.name != LIBRARY_FILE]
    headers = []
    for name, spec in documents:
        with loader.reading(name):
            headers.append(loader.load_usecase_header(spec))
    for (name, spec), (use_case, created) in zip(documents, headers, strict=True):
        with loader.reading(name):
            loader.load_usecase_document(use_case=use_case, spec=spec, created=created)
    return {kind: dict(outcome) for kind, outcome in sorted(loader.counts.items())}


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(f"{path.name}: cannot read the demo file ({error}).") from error


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
        for field, messages in error.message_dict.items()
    )


def _fields(spec: Mapping[str, Any], nested: Iterable[str]) -> dict[str, Any]:
    """The values of a file entry that are the object's own fields; nested entries are written separately."""
    skipped = {"mrid", *PLACEMENT_KEYS, *nested}
    return {key: value for key, value in spec.items() if key not in skipped}


class _DemoLoader:
    """One run of the loader: who acts, what was created or found, and the objects known by their readable key."""

    def __init__(self, *, user: AbstractBaseUser | None) -> None:
        self.user = user
        self.counts: Counts = defaultdict(lambda: {"created": 0, "skipped": 0})
        self.by_key: dict[tuple[type[models.Model], str], models.Model] = {}
        self.source = ""
        self.sgam = {model: {item.code: item for item in model.objects.all()} for model in (Layer, Domain, Zone)}
        self.nist = {item.code: item for item in NistDomain.objects.all()}
        # The use case whose rows are being written, and whether it was already there (then rows are only counted).
        self.use_case: UseCase | None = None
        self.frozen = False

    @contextmanager
    def reading(self, name: str) -> Iterator[None]:
        """Name the file in every error, so a mistake in the demo data is found at once."""
        self.source = name
        try:
            yield
        except ValidationError as error:
            raise ValidationError(f"{name}: {_describe(error)}") from error
        except KeyError as error:
            raise ValidationError(f"{name}: an entry lacks the key {error}.") from error

    # Bookkeeping

    def tally(self, model: type[models.Model], *, created: bool) -> None:
        self.counts[model._meta.model_name]["created" if created else "skipped"] += 1

    def remember(self, model: type[models.Model], key: str, instance: models.Model) -> None:
        self.by_key[(model, key.strip().casefold())] = instance

    def find(self, model: type[models.Model], key: str) -> models.Model:
        try:
            return self.by_key[(model, key.strip().casefold())]
        except KeyError:
            raise ValidationError(f"no {model._meta.verbose_name} '{key}' in the demo data.") from None

    def find_all(self, model: type[models.Model], keys: Iterable[str]) -> list[models.Model]:
        return [self.find(model, key) for key in keys]

    def reference_item(self, model: type[models.Model], code: str | None) -> models.Model | None:
        items = self.nist if model is NistDomain else self.sgam[model]
        if code is None:
            return None
        try:
            return items[code]
        except KeyError:
            raise ValidationError(f"no {model._meta.verbose_name} with the code '{code}'.") from None

    @staticmethod
    def mrid(spec: Mapping[str, Any]) -> uuid.UUID:
        try:
            return uuid.UUID(str(spec["mrid"]))
        except (KeyError, ValueError):
            entry = json.dumps(spec, ensure_ascii=False)[:100]
            raise ValidationError(f"every object needs a fixed mRID (a UUID), this one has none: {entry}") from None

    # Libraries

    def library_object(
        self,
        *,
        model: type[models.Model],
        spec: Mapping[str, Any],
        key: str,
        create: Creator,
        links: Mapping[str, Any] | None = None,
    ) -> models.Model:
        """Create the object unless its mRID exists; either way remember it under its readable key."""
        mrid = self.mrid(spec)
        instance = model.objects.filter(mrid=mrid).first()
        created = instance is None
        if created:
            instance = create(user=self.user, data={**_fields(spec, ()), **(links or {}), "mrid": mrid})
        self.tally(model, created=created)
        self.place(subject=instance, spec=spec, created=created)
        self.remember(model, spec[key], instance)
        return instance

    def load_library(self, library: Mapping[str, Any]) -> None:
        for spec in library["workspaces"]:
            self.load_workspace(spec)
        for spec in library["areas"]:
            self.library_object(model=Area, spec=spec, key="name", create=partial(model_create, model=Area))
        for spec in library["business_cases"]:
            self.library_object(
                model=BusinessCase,
                spec=spec,
                key="name",
                create=partial(model_create, model=BusinessCase),
                links={"areas": self.find_all(Area, spec["areas"])},
            )
        for spec in library["requirement_categories"]:  # a parent comes before its children
            parent = self.find(RequirementCategory, spec["parent"]) if spec["parent"] else None
            self.library_object(
                model=RequirementCategory,
                spec=spec,
                key="identifier",
                create=requirement_category_create,
                links={"parent": parent},
            )
        for spec in library["requirements"]:
            self.library_object(
                model=Requirement,
                spec=spec,
                key="identifier",
                create=requirement_create,
                links={"category": self.find(RequirementCategory, spec["category"])},
            )
        for spec in library["actors"]:
            self.library_object(model=Actor, spec=spec, key="name", create=actor_create)
        for spec in library["information_objects"]:
            self.library_object(
                model=InformationObject,
                spec=spec,
                key="identifier",
                create=information_object_create,
                links={"requirements": self.find_all(Requirement, spec["requirements"])},
            )
        for spec in library["common_terms"]:
            self.library_object(model=CommonTerm, spec=spec, key="term", create=common_term_create)

    def load_workspace(self, spec: Mapping[str, Any]) -> None:
        """Workspaces have no mRID; their slug is their stable key."""
        workspace = Workspace.objects.filter(slug=spec["slug"]).first()
        created = workspace is None
        if created:
            workspace = workspace_create(
                user=self.user, name=spec["name"], slug=spec["slug"], description=spec.get("description", "")
            )
        self.tally(Workspace, created=created)
        self.remember(Workspace, spec["slug"], workspace)

    def place(self, *, subject: models.Model, spec: Mapping[str, Any], created: bool) -> None:
        """SGAM cells and NIST domains of a new subject; those of one that was already there are left alone."""
        for cell in spec.get("sgam", []):
            if created:
                sgam_placement_add(
                    user=self.user,
                    subject=subject,
                    layer=self.reference_item(Layer, cell.get("layer")),
                    domain=self.reference_item(Domain, cell.get("domain")),
                    zone=self.reference_item(Zone, cell.get("zone")),
                )
            self.tally(SgamPlacement, created=created)
        for code in spec.get("nist", []):
            if created:
                nist_placement_add(user=self.user, subject=subject, nist_domain=self.reference_item(NistDomain, code))
            self.tally(NistPlacement, created=created)

    # Use cases

    def load_usecase_header(self, spec: Mapping[str, Any]) -> tuple[UseCase, bool]:
        """The use case itself (section 1 scalars and its links to the libraries), without its tables."""
        mrid = self.mrid(spec)
        use_case = UseCase.objects.filter(mrid=mrid).first()
        created = use_case is None
        if created:
            data = {
                **_fields(spec, (*USECASE_TABLES, "workspace")),
                "business_cases": self.find_all(BusinessCase, spec["business_cases"]),
                "primary_actors": self.find_all(Actor, spec["primary_actors"]),
                "common_terms": self.find_all(CommonTerm, spec["common_terms"]),
                "mrid": mrid,
                "status": UseCase.Status.DRAFT,  # only drafts are filled in; its status is set when it is complete
            }
            use_case = usecase_create(user=self.user, workspace=self.find(Workspace, spec["workspace"]), data=data)
        self.tally(UseCase, created=created)
        self.remember(UseCase, spec["identifier"], use_case)
        return use_case, created

    def row(
        self, model: type[models.Model], spec: Mapping[str, Any], *, nested: Iterable[str] = (), **links: Any
    ) -> models.Model | None:
        """Add a row to one of the current use case's tables, or only count it when the use case was there."""
        self.tally(model, created=not self.frozen)
        if self.frozen:
            return None
        data = {**_fields(spec, nested), **links, "mrid": self.mrid(spec)}
        return usecase_row_create(user=self.user, use_case=self.use_case, model=model, data=data)

    def load_usecase_document(self, *, use_case: UseCase, spec: Mapping[str, Any], created: bool) -> None:
        """Sections 1.2 to 8 in the template's order, then the SGAM and NIST placement."""
        self.use_case, self.frozen = use_case, not created
        for version in spec["versions"]:
            self.row(VersionEntry, version, date=datetime.fromisoformat(version["date"]))
        objectives = {objective["name"]: self.row(Objective, objective) for objective in spec["objectives"]}
        for kpi in spec["kpis"]:
            self.row(Kpi, kpi, objectives=[self.objective(objectives, name) for name in kpi["objectives"]])
        for condition in spec["assumptions"]:
            self.row(Condition, condition, kind=Condition.Kind.ASSUMPTION)
        for condition in spec["prerequisites"]:
            self.row(Condition, condition, kind=Condition.Kind.PREREQUISITE)
        for relation in spec["relations"]:
            self.row(UseCaseRelation, relation, related=self.find(UseCase, relation["related"]))
        for remark in spec["remarks"]:
            self.row(Remark, remark)
        for drawing in spec["drawings"]:
            self.row(Drawing, drawing)
        for grouping_spec in spec["actor_groupings"]:
            grouping = self.row(ActorGrouping, grouping_spec, nested=("actors",))
            for role in grouping_spec["actors"]:
                self.row(ActorRole, role, actor=self.find(Actor, role["actor"]), grouping=grouping)
        for reference in spec["references"]:
            self.row(Reference, reference)
        for scenario in spec["scenarios"]:
            self.load_scenario(scenario)
        for information in spec["custom_information"]:
            self.row(CustomInformation, information)
        self.place(subject=use_case, spec=spec, created=created)
        if created and spec.get("status", UseCase.Status.DRAFT) != UseCase.Status.DRAFT:
            model_update(user=self.user, instance=use_case, data={"status": spec["status"]})
            self.freeze(use_case=use_case, spec=spec)
        elif use_case.status == spec.get("status") != UseCase.Status.DRAFT:
            if use_case.snapshots.exists():
                self.tally(UseCaseSnapshot, created=False)
            else:
                self.freeze(use_case=use_case, spec=spec)  # loaded before the demo froze its versions

    def freeze(self, *, use_case: UseCase, spec: Mapping[str, Any]) -> None:
        """What the workflow would have frozen, through its services: the submission of a use case in review; for an
        approved or published one, the last version of its version table (which the file writes itself)."""
        if use_case.status == UseCase.Status.IN_REVIEW:
            usecase_submission_freeze(user=self.user, use_case=use_case)
        elif spec["versions"]:
            usecase_snapshot_create(user=self.user, use_case=use_case, version_number=spec["versions"][-1]["number"])
        else:
            raise ValidationError("an approved or published use case names its version in the version table (1.2).")
        self.tally(UseCaseSnapshot, created=True)

    def objective(self, objectives: Mapping[str, Objective | None], name: str) -> Objective | None:
        if name not in objectives:
            raise ValidationError(f"a KPI refers to '{name}', which is not an objective of this use case.")
        return objectives[name]

    def load_scenario(self, spec: Mapping[str, Any]) -> None:
        scenario = self.row(
            Scenario,
            spec,
            nested=("steps", "drawings", *(key for key, _kind in SCENARIO_CONDITIONS)),
            primary_actors=self.find_all(Actor, spec["primary_actors"]),
            requirements=self.find_all(Requirement, spec["requirements"]),
        )
        for key, kind in SCENARIO_CONDITIONS:
            for condition in spec[key]:
                self.row(Condition, condition, kind=kind, scenario=scenario)
        for drawing in spec.get("drawings", []):
            self.row(Drawing, drawing, scenario=scenario)
        self.load_steps(scenario=scenario, parent=None, specs=spec["steps"])

    def load_steps(self, *, scenario: Scenario | None, parent: Step | None, specs: Iterable[Mapping[str, Any]]) -> None:
        for spec in specs:
            step = self.row(
                Step,
                spec,
                nested=("steps",),
                scenario=scenario,
                parent=parent,
                producers=self.find_all(Actor, spec["producers"]),
                receivers=self.find_all(Actor, spec["receivers"]),
                primary_actors=self.find_all(Actor, spec.get("primary_actors", [])),
                information_objects=self.find_all(InformationObject, spec["information_objects"]),
                requirements=self.find_all(Requirement, spec["requirements"]),
            )
            self.load_steps(scenario=scenario, parent=step, specs=spec.get("steps", []))


# People to try the review workflow with: (username, role in each demo workspace, repository-wide role). Their
# password is "<username>-ucmr". Only `manage.py ensure_demo_user` (development only) creates them.
DEMO_PEOPLE = (
    ("analyst", WorkspaceMembership.Role.AUTHOR, None),
    ("reviewer", WorkspaceMembership.Role.REVIEWER, None),
    ("manager", WorkspaceMembership.Role.MANAGER, None),
    ("viewer", WorkspaceMembership.Role.VIEWER, None),
    ("curator", None, "curator"),
)


def demo_password(username: str) -> str:
    return f"{username}-ucmr"


@transaction.atomic
def demo_people_ensure(*, administrator: AbstractBaseUser) -> list[tuple[str, str, str]]:
    """Create (or reset) the demo people and give them their roles in every demo workspace that exists, acting as
    `administrator`. Returns (username, password, what they may do) for each."""
    user_model = get_user_model()
    workspaces = list(Workspace.objects.filter(slug__in=DEMO_WORKSPACES).order_by("name"))
    people = []
    for username, workspace_role, repository_role in DEMO_PEOPLE:
        person, _ = user_model.objects.get_or_create(username=username)
        person.set_password(demo_password(username))
        person.is_active = True
        person.save()
        if repository_role:
            repository_role_add(member=person, role=repository_role)
            what = f"library {repository_role}"
        else:
            for workspace in workspaces:
                workspace_member_set(user=administrator, workspace=workspace, member=person, role=workspace_role)
            names = ", ".join(workspace.name for workspace in workspaces) or "no demo workspace yet"
            what = f"{WorkspaceMembership.Role(workspace_role).label.lower()} in {names}"
        people.append((username, demo_password(username), what))
    return people
