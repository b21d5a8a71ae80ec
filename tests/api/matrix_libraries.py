"""The API of the libraries, the SGAM/NIST reference values and placements, and workspaces in the permission matrix
of tests/ucmr/test_permission_matrix.py: every role, its world, the exact status each must get. The same answers as
the pages, in the API's words: 401 for a client that has not authenticated (the token scheme asks for credentials),
200/201/204 for done, 403 may see but not do, 404 may not see, 405 not offered here."""

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import Domain, NistPlacement, SgamPlacement
from tests.ucmr.test_permission_matrix import MEMBERS, Case, roles, statuses
from usecases.models import CommonTerm, InformationObject, Workspace

EVERY_CLIENT = statuses(200, anonymous=401)
READERS_OF_GRID = statuses(404, anonymous=401, **roles(200, *MEMBERS, "administrator"))
READ_ONLY = statuses(405, anonymous=401)


def _curators(status: int) -> dict[str, int]:
    return statuses(403, anonymous=401, **roles(status, "curator", "administrator"))


def _library_cases(basename: str, model, obj: str, created: dict, replaced: dict, patched: dict) -> list[Case]:
    """List, read, add, replace, change and delete one library's objects; `obj` names the world's object."""

    def pk(world) -> dict:
        return {"pk": getattr(world, obj).pk}

    def holds(values: dict):
        return lambda world: model.objects.filter(**values).exists()

    detail = f"api:{basename}-detail"
    return [
        Case(f"api:{basename}-list", EVERY_CLIENT, public=200),
        Case(detail, EVERY_CLIENT, kwargs=pk, public=200),
        Case(f"api:{basename}-list", _curators(201), method="post", data=lambda world: created, effect=holds(created)),
        Case(detail, _curators(200), method="put", kwargs=pk, data=lambda world: replaced, effect=holds(replaced)),
        Case(detail, _curators(200), method="patch", kwargs=pk, data=lambda world: patched, effect=holds(patched)),
        Case(
            detail,
            _curators(204),
            method="delete",
            kwargs=pk,
            effect=lambda world: not model.objects.filter(pk=getattr(world, obj).pk).exists(),
        ),
    ]


def _draft_placement(model):
    return lambda world: {"pk": model.objects.filter(use_case=world.draft).order_by("pk").first().pk}


def _actor_placement(world) -> dict:
    """The world's actor has no placement of its own: one is added (in the case's savepoint)."""
    placement, _ = SgamPlacement.objects.get_or_create(actor=world.actor, domain=Domain.objects.get(code="der"))
    return {"pk": placement.pk}


def _read_only_cases(basename: str, detail_kwargs, *, detail: dict, detail_public: int) -> list[Case]:
    return [
        Case(f"api:{basename}-list", EVERY_CLIENT, public=200),
        Case(f"api:{basename}-detail", detail, kwargs=detail_kwargs, public=detail_public),
        Case(f"api:{basename}-list", READ_ONLY, method="post", data=lambda world: {"name": "X"}, label="read-only"),
        Case(f"api:{basename}-detail", READ_ONLY, method="delete", kwargs=detail_kwargs, label="read-only"),
    ]


LIBRARY_API_CASES = [
    # The libraries: everyone signed in reads them (anyone where UCMR_PUBLIC_READ is on), curators write them.
    *_library_cases(
        "actor",
        Actor,
        "actor",
        created={"name": "Matrix actor", "type": "system"},
        replaced={"name": "Renamed actor", "type": "device"},
        patched={"description": "Patched in the matrix."},
    ),
    *_library_cases(
        "requirement-category",
        RequirementCategory,
        "category",
        created={"identifier": "CAT-MX", "name": "Matrix category"},
        replaced={"identifier": "CAT-MX2", "name": "Renamed category"},
        patched={"description": "Patched in the matrix."},
    ),
    *_library_cases(
        "requirement",
        Requirement,
        "requirement",
        created={"identifier": "R-MX", "name": "Matrix requirement"},
        replaced={"identifier": "R-MX2", "name": "Renamed requirement"},
        patched={"description": "Patched in the matrix."},
    ),
    *_library_cases(
        "information-object",
        InformationObject,
        "information_object",
        created={"identifier": "IO-MX", "name": "Matrix information"},
        replaced={"identifier": "IO-MX2", "name": "Renamed information", "data_class": "metadata"},
        patched={"standards": "IEC 61850"},
    ),
    *_library_cases(
        "common-term",
        CommonTerm,
        "term",
        created={"term": "Matrix term", "definition": "A term."},
        replaced={"term": "Renamed term", "definition": "A term."},
        patched={"definition": "Patched in the matrix."},
    ),
    # SGAM and NIST reference values: read like the libraries, written by nobody.
    *_read_only_cases("sgam-layer", lambda world: {"code": "business"}, detail=EVERY_CLIENT, detail_public=200),
    *_read_only_cases("sgam-domain", lambda world: {"code": "der"}, detail=EVERY_CLIENT, detail_public=200),
    *_read_only_cases("sgam-zone", lambda world: {"code": "field"}, detail=EVERY_CLIENT, detail_public=200),
    *_read_only_cases("nist-domain", lambda world: {"code": "markets"}, detail=EVERY_CLIENT, detail_public=200),
    # Placements are seen with their subject: the draft's by the readers of "grid", an actor's by everyone.
    *_read_only_cases("sgam-placement", _draft_placement(SgamPlacement), detail=READERS_OF_GRID, detail_public=401),
    Case("api:sgam-placement-detail", EVERY_CLIENT, kwargs=_actor_placement, public=200, label="actor"),
    *_read_only_cases("nist-placement", _draft_placement(NistPlacement), detail=READERS_OF_GRID, detail_public=401),
    # Workspaces, as on their pages: for signed-in users only. "grid" has a published use case, so everyone signed
    # in may see it; administrators add workspaces; nobody changes or deletes them here.
    Case("api:workspace-list", EVERY_CLIENT),
    Case("api:workspace-detail", EVERY_CLIENT, kwargs=lambda world: {"slug": world.grid.slug}),
    Case(
        "api:workspace-detail",
        statuses(404, anonymous=401, administrator=200),
        kwargs=lambda world: {"slug": world.hidden.workspace.slug},
        label="other-workspace",
    ),
    Case(
        "api:workspace-list",
        statuses(403, anonymous=401, administrator=201),
        method="post",
        data=lambda world: {"name": "Matrix workspace"},
        effect=lambda world: Workspace.objects.filter(slug="matrix-workspace").exists(),
    ),
    *(
        Case(
            "api:workspace-detail",
            READ_ONLY,
            method=method,
            kwargs=lambda world: {"slug": world.grid.slug},
            data=lambda world: {"name": "Renamed workspace", "slug": "grid"},
        )
        for method in ("put", "patch", "delete")
    ),
]
