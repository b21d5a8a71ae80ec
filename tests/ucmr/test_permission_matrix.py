"""Every URL of the application, requested by every kind of user, with the exact status each must get.

The world: workspace "grid" with a viewer, an author, a reviewer and a manager, holding a draft (with an uploaded
drawing and a direct grant), a use case in review, an approved one (frozen as version 0.1) and a published one;
workspace "hidden" with one draft and no members; one object of every library; a job started by the author.
A library curator, an administrator, a user without any role and an anonymous visitor complete the cast.

Expected statuses: 200 shown, 302 done (or, for anonymous visitors, sent to sign in), 403 may see but not do,
404 may not see, 405 wrong method. Each case runs every role in a savepoint that is rolled back, so every role
meets the same world. A 302 of a write is only accepted when the write happened.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import RenderedDiagram, UseCaseDiagram
from tests.factories import (
    ActorFactory,
    CommonTermFactory,
    DrawingFactory,
    InformationObjectFactory,
    RequirementCategoryFactory,
    RequirementFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
    with_repository_role,
)
from ucmr.models import ApiToken, BackgroundJob
from ucmr.permissions import object_grant_add, object_grants
from ucmr.tokens import api_token_create
from usecases.authoring.conflicts import order_fingerprint
from usecases.authoring.tables import TABLES
from usecases.forms import UseCaseForm
from usecases.models import CommonTerm, InformationObject, Step, UseCase, WorkspaceMembership
from usecases.services import usecase_row_siblings
from usecases.versions import usecase_snapshot_create

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no_role", "viewer", "author", "reviewer", "manager", "curator", "administrator")
MEMBERS = ("viewer", "author", "reviewer", "manager")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def statuses(default: int, *, anonymous: int = 302, **by_role: int) -> dict[str, int]:
    """The expected status per role: `default` unless named (a tuple key groups roles: see `roles`)."""
    expected = dict.fromkeys(ROLES, default)
    expected["anonymous"] = anonymous
    for role, status in by_role.items():
        expected[role] = status
    return expected


def roles(status: int, *names: str) -> dict[str, int]:
    return dict.fromkeys(names, status)


@dataclass
class Case:
    url_name: str
    expected: dict[str, int]
    method: str = "get"
    kwargs: Callable[[SimpleNamespace], dict] = lambda world: {}
    data: Callable[[SimpleNamespace], dict] = lambda world: {}
    effect: Callable[[SimpleNamespace], bool] | None = None  # what a successful write leaves behind
    public: int | None = None  # the anonymous visitor's status when UCMR_PUBLIC_READ is on (default: unchanged)
    label: str = ""
    id: str = field(init=False)

    def __post_init__(self):
        self.id = f"{self.url_name}-{self.method}{'-' + self.label if self.label else ''}"


def _status_of(world, pk: int) -> str:
    return UseCase.objects.values_list("status", flat=True).get(pk=pk)


def _revision(use_case) -> dict:
    return {"revision": UseCase.objects.values_list("revision", flat=True).get(pk=use_case.pk)}


def _loaded(row) -> dict:
    """What a table editor posts with a save or a delete of a row: its values as loaded."""
    return {"fingerprint": TABLES["remarks"].fingerprint(row)}


def _shown_order(row) -> dict:
    """What a table editor posts with a move of a row: the order of its siblings as shown."""
    return {"order": order_fingerprint(usecase_row_siblings(row).order_by("position", "pk"))}


def _rendered_hash(use_case) -> str:
    """The content hash of a diagram stored for the use case (a stand-in SVG: what is asked is who may fetch it)."""
    content_hash = "0" * 64
    RenderedDiagram.objects.get_or_create(
        content_hash=content_hash, defaults={"kind": "nist", "use_case": use_case, "svg": "<svg/>"}
    )
    UseCaseDiagram.objects.get_or_create(
        use_case=use_case,
        revision=use_case.revision,
        renderer="test",
        key="nist",
        defaults={"kind": "nist", "content_hash": content_hash},
    )
    return content_hash


EVERY_SIGNED_IN = statuses(200)
READERS_OF_GRID = statuses(404, **roles(200, *MEMBERS, "administrator"))
AUTHORS_OF_GRID = statuses(404, **roles(403, "viewer", "reviewer"), **roles(200, "author", "manager", "administrator"))
CURATORS = statuses(403, **roles(200, "curator", "administrator"))


def _draft_cell(world) -> dict:
    """A cell of the draft's access matrix: a producer of one of its steps and the information it produces."""
    step = Step.objects.filter(
        scenario__use_case=world.draft, producers__isnull=False, information_objects__isnull=False
    )
    step = step.order_by("pk").first()
    return {"role": step.producers.order_by("pk").first().pk, "information": step.information_objects.first().pk}


def _draft_only(world) -> dict:
    return {"use_case": str(world.draft.pk)}


def _curators_write(status: int) -> dict[str, int]:
    return statuses(403, **roles(status, "curator", "administrator"))


CASES = [
    # The project's own pages.
    Case("home", EVERY_SIGNED_IN, public=200),
    Case("login", statuses(302, anonymous=200), public=200),
    Case("logout", statuses(302), method="post"),
    Case("logout", statuses(405, anonymous=405), label="get-is-refused"),
    Case("password_change", EVERY_SIGNED_IN),
    Case(
        "password_change",
        statuses(302),
        method="post",
        data=lambda world: {
            "old_password": "pw-test-1",
            "new_password1": "Fresh-pw-47!",
            "new_password2": "Fresh-pw-47!",
        },
    ),
    Case("password_change_done", EVERY_SIGNED_IN),
    Case("api_tokens", EVERY_SIGNED_IN),
    Case(
        "api_tokens",
        statuses(302),
        method="post",
        data=lambda world: {"name": "Matrix token", "expires_in_days": "7"},
        effect=lambda world: ApiToken.objects.filter(name="Matrix token").exists(),
    ),
    Case(
        "api_token_revoke",
        statuses(404, author=302),
        method="post",
        kwargs=lambda world: {"pk": world.author_token.pk},
        effect=lambda world: ApiToken.objects.filter(pk=world.author_token.pk, revoked__isnull=False).exists(),
    ),
    Case("change_log", statuses(403, manager=200, administrator=200)),
    Case(
        "job_detail",
        statuses(404, author=200, administrator=200),
        kwargs=lambda world: {"pk": world.job.pk},
    ),
    # Use cases: lists, pages, downloads.
    Case("usecases:usecase_list", EVERY_SIGNED_IN, public=200),
    Case("usecases:usecase_detail", READERS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk}),
    Case(
        "usecases:usecase_detail",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"pk": world.published.pk},
        public=200,
        label="published",
    ),
    Case(
        "usecases:usecase_detail",
        statuses(404, administrator=200),
        kwargs=lambda world: {"pk": world.hidden.pk},
        label="other-workspace",
    ),
    Case("usecases:usecase_print", READERS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk}),
    Case(
        "usecases:usecase_print",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"pk": world.published.pk},
        public=200,
        label="published",
    ),
    Case(
        "usecases:usecase_print",
        statuses(404, administrator=200),
        kwargs=lambda world: {"pk": world.hidden.pk},
        label="other-workspace",
    ),
    Case("usecases:drawing_image", READERS_OF_GRID, kwargs=lambda world: {"pk": world.drawing.pk}),
    Case("usecases:usecase_history", READERS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk}),
    Case("usecases:usecase_versions", READERS_OF_GRID, kwargs=lambda world: {"pk": world.approved.pk}),
    Case(
        "usecases:usecase_version",
        READERS_OF_GRID,
        kwargs=lambda world: {"pk": world.approved.pk, "sequence": world.snapshot.sequence},
    ),
    Case(
        "usecases:usecase_compare",
        READERS_OF_GRID,
        kwargs=lambda world: {"pk": world.approved.pk},
        data=lambda world: {"old": str(world.snapshot.sequence), "new": "current"},
    ),
    Case("usecases:my_work", EVERY_SIGNED_IN),
    # Writing use cases and the review workflow.
    Case("usecases:usecase_create", statuses(403, **roles(200, "author", "manager", "administrator"))),
    Case(
        "usecases:usecase_create",
        statuses(403, **roles(302, "author", "manager", "administrator")),
        method="post",
        data=lambda world: {"workspace": world.grid.pk, "name": "Written in the matrix"},
        effect=lambda world: UseCase.objects.filter(name="Written in the matrix").exists(),
    ),
    Case("usecases:usecase_update", AUTHORS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk}),
    Case(
        "usecases:usecase_update",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: {"name": "Renamed in the matrix", "fingerprint": UseCaseForm.fingerprint_of(world.draft)},
        effect=lambda world: UseCase.objects.get(pk=world.draft.pk).name == "Renamed in the matrix",
    ),
    Case(
        "usecases:usecase_submit",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: _revision(world.draft),
        effect=lambda world: _status_of(world, world.draft.pk) == "in_review",
    ),
    Case(
        "usecases:usecase_approve",
        statuses(404, **roles(403, "viewer", "author"), **roles(302, "reviewer", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.in_review.pk},
        data=lambda world: _revision(world.in_review),
        effect=lambda world: _status_of(world, world.in_review.pk) == "approved",
    ),
    Case(
        "usecases:usecase_send_back",
        statuses(404, **roles(403, "viewer", "author"), **roles(302, "reviewer", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.in_review.pk},
        data=lambda world: {"comment": "Add the KPIs.", **_revision(world.in_review)},
        effect=lambda world: _status_of(world, world.in_review.pk) == "draft",
    ),
    Case(
        "usecases:usecase_publish",
        statuses(404, **roles(403, "viewer", "author", "reviewer"), **roles(302, "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.approved.pk},
        data=lambda world: _revision(world.approved),
        effect=lambda world: _status_of(world, world.approved.pk) == "published",
    ),
    Case(
        "usecases:usecase_withdraw",
        statuses(403, **roles(302, "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.published.pk},
        data=lambda world: _revision(world.published),
        effect=lambda world: _status_of(world, world.published.pk) == "draft",
    ),
    Case(
        "usecases:usecase_submit",
        statuses(405, anonymous=302),
        kwargs=lambda world: {"pk": world.draft.pk},
        label="get-is-refused",
    ),
    # The library pickers' search (usecases.authoring.picker_views): the libraries for everyone signed in; the actors
    # of one use case for who may see it.
    Case("usecases:library_search", EVERY_SIGNED_IN, kwargs=lambda world: {"library": "information"}),
    Case(
        "usecases:library_search",
        READERS_OF_GRID,
        kwargs=lambda world: {"library": "actors"},
        data=lambda world: {"use_case": world.draft.pk},
        label="actors-of-a-use-case",
    ),
    # Editing the tables of a draft in place (usecases.authoring): as the edit page.
    Case("usecases:row_list", AUTHORS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks"}),
    Case(
        "usecases:row_list",
        AUTHORS_OF_GRID,
        kwargs=lambda world: {"pk": world.draft.pk, "scenario": world.draft.scenarios.first().pk, "table": "steps"},
        label="steps-of-a-scenario",
    ),
    Case(
        "usecases:row_create",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks"},
        data=lambda world: {"text": "Remark of the matrix"},
        effect=lambda world: world.draft.remarks.filter(text="Remark of the matrix").exists(),
    ),
    Case(
        "usecases:row_update",
        AUTHORS_OF_GRID,
        kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks", "row": world.draft.remarks.first().pk},
    ),
    Case(
        "usecases:row_update",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks", "row": world.draft.remarks.first().pk},
        data=lambda world: {"text": "Changed in the matrix", **_loaded(world.draft.remarks.first())},
        effect=lambda world: world.draft.remarks.filter(text="Changed in the matrix").exists(),
    ),
    Case(
        "usecases:row_delete",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks", "row": world.draft.remarks.first().pk},
        data=lambda world: _loaded(world.draft.remarks.first()),
        effect=lambda world: world.draft.remarks.count() == 1,
    ),
    Case(
        "usecases:row_move",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks", "row": world.draft.remarks.last().pk},
        data=lambda world: {"direction": "up", **_shown_order(world.draft.remarks.last())},
        effect=lambda world: list(world.draft.remarks.values_list("text", flat=True)) == ["Remark 2", "Remark 1"],
    ),
    Case(
        "usecases:row_create",
        statuses(405, anonymous=302),
        kwargs=lambda world: {"pk": world.draft.pk, "table": "remarks"},
        label="get-is-refused",
    ),
    # Placing a draft on the SGAM and NIST models in place (sgam.placement_views): as the edit page.
    Case("sgam:placement_editor", AUTHORS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk}),
    Case(
        "sgam:placement_toggle",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: {"layer": "function", "domain": "der", "zone": "field", **_revision(world.draft)},
        effect=lambda world: world.draft.sgam_placements.filter(layer__code="function", domain__code="der").exists(),
    ),
    Case(
        "sgam:nist_toggle",
        statuses(404, **roles(403, "viewer", "reviewer"), **roles(302, "author", "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: {"nist_domain": "markets", **_revision(world.draft)},
        effect=lambda world: world.draft.nist_placements.filter(nist_domain__code="markets").exists(),
    ),
    Case(
        "sgam:placement_toggle",
        statuses(405, anonymous=302),
        kwargs=lambda world: {"pk": world.draft.pk},
        label="get-is-refused",
    ),
    # Sharing.
    Case(
        "usecases:usecase_share",
        statuses(404, **roles(403, "viewer", "author", "reviewer"), **roles(200, "manager", "administrator")),
        kwargs=lambda world: {"pk": world.draft.pk},
    ),
    Case(
        "usecases:usecase_share",
        statuses(404, **roles(403, "viewer", "author", "reviewer"), **roles(302, "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: {"kind": "group", "name": "Partners", "permission": "view"},
        effect=lambda world: len(world.grants_on_draft()) == 2,
    ),
    Case(
        "usecases:usecase_unshare",
        statuses(404, **roles(403, "viewer", "author", "reviewer"), **roles(302, "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
        data=lambda world: {"kind": "user", "grant": world.grant.id},
        effect=lambda world: not world.grants_on_draft(),
    ),
    # Workspaces. "grid" has a published use case, so everyone signed in may see the workspace.
    Case("usecases:workspace_list", EVERY_SIGNED_IN),
    Case("usecases:workspace_detail", EVERY_SIGNED_IN, kwargs=lambda world: {"slug": world.grid.slug}),
    Case(
        "usecases:workspace_detail",
        statuses(404, administrator=200),
        kwargs=lambda world: {"slug": world.hidden.workspace.slug},
        label="other-workspace",
    ),
    Case(
        "usecases:workspace_member_set",
        statuses(403, **roles(302, "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"slug": world.grid.slug},
        data=lambda world: {"username": world.users["no_role"].username, "role": "author"},
        effect=lambda world: WorkspaceMembership.objects.filter(user=world.users["no_role"], role="author").exists(),
    ),
    Case(
        "usecases:workspace_member_set",
        statuses(404, **roles(302, "administrator")),
        method="post",
        kwargs=lambda world: {"slug": world.hidden.workspace.slug},
        data=lambda world: {"username": world.users["viewer"].username, "role": "manager"},
        effect=lambda world: WorkspaceMembership.objects.filter(workspace=world.hidden.workspace).exists(),
        label="other-workspace",
    ),
    Case(
        "usecases:workspace_member_remove",
        statuses(403, **roles(302, "manager", "administrator")),
        method="post",
        kwargs=lambda world: {"slug": world.grid.slug, "pk": world.viewer_membership.pk},
        effect=lambda world: not WorkspaceMembership.objects.filter(pk=world.viewer_membership.pk).exists(),
    ),
    # Generated diagrams and validation (sgam): whoever may see the use case; a diagram not rendered yet is a 202.
    Case("usecases:usecase_generated_status", READERS_OF_GRID, kwargs=lambda world: {"pk": world.draft.pk}),
    Case(
        "usecases:diagram_download",
        statuses(404, **roles(202, *MEMBERS, "administrator")),
        kwargs=lambda world: {"pk": world.draft.pk, "key": "actors", "output_format": "svg"},
    ),
    Case(
        "usecases:diagram_by_mrid",
        statuses(404, **roles(202, *MEMBERS, "administrator")),
        kwargs=lambda world: {"mrid": world.draft.mrid, "key": "actors", "output_format": "svg"},
    ),
    Case(
        "usecases:diagram_by_hash",
        statuses(404, **roles(200, *MEMBERS, "administrator")),
        kwargs=lambda world: {"content_hash": _rendered_hash(world.draft), "output_format": "svg"},
    ),
    Case(
        "usecases:scenario_steps",
        READERS_OF_GRID,
        kwargs=lambda world: {"pk": world.draft.pk, "scenario": world.draft.scenarios.first().pk},
    ),
    Case(
        "usecases:step_locate",
        statuses(404, **roles(302, *MEMBERS, "administrator")),
        kwargs=lambda world: {
            "pk": world.draft.pk,
            "step": Step.objects.filter(scenario__use_case=world.draft).first().pk,
        },
    ),
    Case(
        "usecases:usecase_validate",
        statuses(404, **roles(302, *MEMBERS, "administrator")),
        method="post",
        kwargs=lambda world: {"pk": world.draft.pk},
    ),
    Case("usecases:validation_report", EVERY_SIGNED_IN),
    Case("usecases:validation_run", statuses(302), method="post"),
    # The data access matrix (sgam.access_matrix): a selection holds only what the user may see, so everyone signed
    # in may read the pages; a cell, or a use case's versions, of a use case one may not see is a 404.
    Case("sgam:access_matrix", EVERY_SIGNED_IN, public=200),
    Case("sgam:access_matrix", EVERY_SIGNED_IN, data=lambda world: {"view": "list"}, public=200, label="list"),
    Case("sgam:access_matrix_summary", EVERY_SIGNED_IN, public=200),
    Case(
        "sgam:access_matrix_diff",
        EVERY_SIGNED_IN,
        data=lambda world: {"old": "status=published", "new": "workspace=grid"},
        public=200,
    ),
    Case("sgam:access_matrix_cell", READERS_OF_GRID, kwargs=_draft_cell, data=_draft_only),
    Case("sgam:access_matrix_cell", READERS_OF_GRID, kwargs=_draft_cell, label="every-visible"),
    *(
        Case(
            "sgam:access_matrix_export",
            EVERY_SIGNED_IN,
            kwargs=lambda world, output_format=output_format: {"output_format": output_format},
            public=200,
            label=output_format,
        )
        for output_format in ("csv", "xlsx", "json")
    ),
    Case(
        "sgam:access_matrix_export",
        statuses(404, anonymous=302),
        kwargs=lambda world: {"output_format": "pdf"},
        label="unknown-format",
    ),
    Case("sgam:usecase_access_diff", READERS_OF_GRID, kwargs=lambda world: {"pk": world.approved.pk}),
    Case(
        "sgam:usecase_access_diff",
        statuses(404, administrator=200),
        kwargs=lambda world: {"pk": world.hidden.pk},
        label="other-workspace",
    ),
    # The libraries: everyone signed in reads them, curators (and administrators) write them.
    Case("actors:actor_list", EVERY_SIGNED_IN, public=200),
    Case("actors:actor_detail", EVERY_SIGNED_IN, kwargs=lambda world: {"pk": world.actor.pk}, public=200),
    Case("actors:actor_history", EVERY_SIGNED_IN, kwargs=lambda world: {"pk": world.actor.pk}),
    Case("actors:actor_create", CURATORS),
    Case(
        "actors:actor_create",
        _curators_write(302),
        method="post",
        data=lambda world: {"name": "Matrix actor", "type": "system"},
        effect=lambda world: Actor.objects.filter(name="Matrix actor").exists(),
    ),
    Case("actors:actor_update", CURATORS, kwargs=lambda world: {"pk": world.actor.pk}),
    Case(
        "actors:actor_update",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.actor.pk},
        data=lambda world: {"name": "Renamed actor", "type": "system"},
        effect=lambda world: Actor.objects.filter(name="Renamed actor").exists(),
    ),
    Case("actors:actor_merge", CURATORS, kwargs=lambda world: {"pk": world.actor.pk}),
    Case(
        "actors:actor_merge",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.actor.pk},
        data=lambda world: {"duplicates": [ActorFactory(name="Matrix duplicate").pk]},
        effect=lambda world: not Actor.objects.filter(name="Matrix duplicate").exists(),
    ),
    Case("requirements:requirement_list", EVERY_SIGNED_IN, public=200),
    Case(
        "requirements:requirement_detail",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"pk": world.requirement.pk},
        public=200,
    ),
    Case("requirements:requirement_history", EVERY_SIGNED_IN, kwargs=lambda world: {"pk": world.requirement.pk}),
    Case("requirements:requirement_create", CURATORS),
    Case(
        "requirements:requirement_create",
        _curators_write(302),
        method="post",
        data=lambda world: {"identifier": "R-MX", "name": "Matrix requirement"},
        effect=lambda world: Requirement.objects.filter(identifier="R-MX").exists(),
    ),
    Case("requirements:requirement_update", CURATORS, kwargs=lambda world: {"pk": world.requirement.pk}),
    Case(
        "requirements:requirement_update",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.requirement.pk},
        data=lambda world: {"identifier": "R-MX2", "name": "Renamed requirement"},
        effect=lambda world: Requirement.objects.filter(identifier="R-MX2").exists(),
    ),
    Case("requirements:requirement_merge", CURATORS, kwargs=lambda world: {"pk": world.requirement.pk}),
    Case(
        "requirements:requirement_merge",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.requirement.pk},
        data=lambda world: {"duplicates": [RequirementFactory(identifier="R-DUP").pk]},
        effect=lambda world: not Requirement.objects.filter(identifier="R-DUP").exists(),
    ),
    Case(
        "requirements:category_detail",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"pk": world.category.pk},
        public=200,
    ),
    Case("requirements:category_history", EVERY_SIGNED_IN, kwargs=lambda world: {"pk": world.category.pk}),
    Case("requirements:category_create", CURATORS),
    Case(
        "requirements:category_create",
        _curators_write(302),
        method="post",
        data=lambda world: {"identifier": "CAT-MX", "name": "Matrix category"},
        effect=lambda world: RequirementCategory.objects.filter(identifier="CAT-MX").exists(),
    ),
    Case("requirements:category_update", CURATORS, kwargs=lambda world: {"pk": world.category.pk}),
    Case(
        "requirements:category_update",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.category.pk},
        data=lambda world: {"identifier": "CAT-MX2", "name": "Renamed category"},
        effect=lambda world: RequirementCategory.objects.filter(identifier="CAT-MX2").exists(),
    ),
    Case("usecases:information_object_list", EVERY_SIGNED_IN, public=200),
    Case(
        "usecases:information_object_detail",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"pk": world.information_object.pk},
        public=200,
    ),
    Case(
        "usecases:information_object_history",
        EVERY_SIGNED_IN,
        kwargs=lambda world: {"pk": world.information_object.pk},
    ),
    Case("usecases:information_object_create", CURATORS),
    Case(
        "usecases:information_object_create",
        _curators_write(302),
        method="post",
        data=lambda world: {"identifier": "IO-MX", "name": "Matrix information"},
        effect=lambda world: InformationObject.objects.filter(identifier="IO-MX").exists(),
    ),
    Case(
        "usecases:information_object_update",
        CURATORS,
        kwargs=lambda world: {"pk": world.information_object.pk},
    ),
    Case(
        "usecases:information_object_update",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.information_object.pk},
        data=lambda world: {"identifier": "IO-MX2", "name": "Renamed information"},
        effect=lambda world: InformationObject.objects.filter(identifier="IO-MX2").exists(),
    ),
    Case(
        "usecases:information_object_merge",
        CURATORS,
        kwargs=lambda world: {"pk": world.information_object.pk},
    ),
    Case(
        "usecases:information_object_merge",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.information_object.pk},
        data=lambda world: {"duplicates": [InformationObjectFactory(identifier="IO-DUP").pk]},
        effect=lambda world: not InformationObject.objects.filter(identifier="IO-DUP").exists(),
    ),
    Case("usecases:term_list", EVERY_SIGNED_IN, public=200),
    Case("usecases:term_history", EVERY_SIGNED_IN, kwargs=lambda world: {"pk": world.term.pk}),
    Case("usecases:term_create", CURATORS),
    Case(
        "usecases:term_create",
        _curators_write(302),
        method="post",
        data=lambda world: {"term": "Matrix term", "definition": "A term."},
        effect=lambda world: CommonTerm.objects.filter(term="Matrix term").exists(),
    ),
    Case("usecases:term_update", CURATORS, kwargs=lambda world: {"pk": world.term.pk}),
    Case(
        "usecases:term_update",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.term.pk},
        data=lambda world: {"term": "Renamed term", "definition": "A term."},
        effect=lambda world: CommonTerm.objects.filter(term="Renamed term").exists(),
    ),
    Case("usecases:term_merge", CURATORS, kwargs=lambda world: {"pk": world.term.pk}),
    Case(
        "usecases:term_merge",
        _curators_write(302),
        method="post",
        kwargs=lambda world: {"pk": world.term.pk},
        data=lambda world: {"duplicates": [CommonTermFactory(term="Matrix duplicate").pk]},
        effect=lambda world: not CommonTerm.objects.filter(term="Matrix duplicate").exists(),
    ),
]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    grid = WorkspaceFactory(slug="grid")
    users = {role: member_of(grid, role, username=role) for role in MEMBERS}
    users["no_role"] = UserFactory(username="no_role")
    users["curator"] = with_repository_role(UserFactory(username="curator"), "curator")
    users["administrator"] = with_repository_role(UserFactory(username="administrator"), "administrator")
    draft = make_complete_use_case(workspace=grid, name="Draft", created_by=users["author"])  # valid: may be submitted
    approved = UseCaseFactory(workspace=grid, name="Approved", status="approved")
    world = SimpleNamespace(
        grid=grid,
        users=users,
        draft=draft,
        in_review=UseCaseFactory(workspace=grid, name="In review", status="in_review"),
        approved=approved,
        published=UseCaseFactory(workspace=grid, name="Published", status="published"),
        hidden=UseCaseFactory(name="Hidden draft"),
        drawing=DrawingFactory(use_case=draft, image=SimpleUploadedFile("d.png", PNG, content_type="image/png")),
        snapshot=usecase_snapshot_create(user=users["manager"], use_case=approved, version_number="0.1"),
        grant=object_grant_add(draft, grantee=UserFactory(username="guest"), codename="view_usecase"),
        viewer_membership=WorkspaceMembership.objects.get(workspace=grid, user=users["viewer"]),
        job=BackgroundJob.objects.create(kind="repository_stats", user=users["author"], result={"counts": {}}),
        author_token=api_token_create(user=users["author"], name="Author's script")[0],
        actor=ActorFactory(),
        requirement=RequirementFactory(),
        category=RequirementCategoryFactory(),
        information_object=InformationObjectFactory(),
        term=CommonTermFactory(),
    )
    Group.objects.create(name="Partners")
    world.grants_on_draft = lambda: object_grants(draft)
    return world


def request_as(client, world, case: Case, role: str) -> str:
    """The status `role` gets for the case, in a savepoint rolled back afterwards; "302 without effect" for a
    write answered with a redirect that changed nothing."""
    with transaction.atomic():
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        response = getattr(client, case.method)(url, case.data(world))
        status = response.status_code
        if case.effect is not None and status == 302 and role != "anonymous" and not case.effect(world):
            status = f"{status} without effect"
        transaction.set_rollback(True)
    return status


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_role_gets_the_expected_status(client, world, case):
    got = {role: request_as(client, world, case, role) for role in ROLES}
    assert got == case.expected


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_anonymous_visitors_read_published_use_cases_and_libraries_where_the_setting_allows(
    client, world, settings, case
):
    settings.UCMR_PUBLIC_READ = True
    expected = case.public if case.public is not None else case.expected["anonymous"]
    assert request_as(client, world, case, "anonymous") == expected


def test_anonymous_visitors_are_sent_to_sign_in_with_the_page_to_come_back_to(client, world):
    url = reverse("usecases:usecase_detail", kwargs={"pk": world.published.pk})
    response = client.get(url)
    assert response["Location"] == f"{reverse('login')}?next={url}"


def _url_names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin keeps Django's own model permissions and is tested in test_admin
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_pattern_has_a_matrix_entry():
    # Those modules build on this one.
    from tests.api.test_permission_matrix import API_CASES
    from tests.usecases.exchange.test_permission_matrix import EXCHANGE_CASES
    from tests.usecases.matrix_comments import COMMENT_PAGE_CASES

    covered = {case.url_name for case in CASES + EXCHANGE_CASES + API_CASES + COMMENT_PAGE_CASES}
    missing = sorted(set(_url_names(get_resolver().url_patterns)) - covered)
    assert not missing, f"URL patterns without a permission-matrix entry: {missing}"
