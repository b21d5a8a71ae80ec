"""The analysis URLs (diagrams and validation) in the world of the project's permission matrix
(tests/ucmr/test_permission_matrix.py, which has one case per URL): every role, the exact status, for drafts,
published use cases and use cases of a workspace the user is not in, PNGs as well as SVGs, anonymous visitors where
the setting lets them read, and what a write leaves behind. The `world` fixture is the matrix's own."""

import pytest

from sgam.models import ValidationResult
from tests.ucmr.test_permission_matrix import (
    EVERY_SIGNED_IN,
    MEMBERS,
    READERS_OF_GRID,
    ROLES,
    Case,
    request_as,
    roles,
    statuses,
    world,  # noqa: F401 - the matrix's fixture
)
from ucmr.models import BackgroundJob
from usecases.analysis.validation.services import validation_run
from usecases.models import UseCase

pytestmark = pytest.mark.django_db


def _validation_queued(use_case) -> bool:
    return BackgroundJob.objects.filter(kind="validate", params__use_case=use_case.pk).exists()


def _diagram(key: str, output_format: str, use_case: str = "draft"):
    return lambda w: {"pk": getattr(w, use_case).pk, "key": key, "output_format": output_format}


def _diagram_by_mrid(key: str, output_format: str, use_case: str = "draft"):
    return lambda w: {"mrid": getattr(w, use_case).mrid, "key": key, "output_format": output_format}


# Diagrams are not rendered in the matrix's world (jobs run after commit; every request is rolled back): those
# who may see the use case get 202, "being rendered".
RENDERING_FOR_READERS = statuses(404, **roles(202, *MEMBERS, "administrator"))

SGAM_CASES = [
    Case("usecases:usecase_generated_status", READERS_OF_GRID, kwargs=lambda w: {"pk": w.draft.pk}),
    Case(
        "usecases:usecase_generated_status",
        EVERY_SIGNED_IN,
        kwargs=lambda w: {"pk": w.published.pk},
        public=200,
        label="published",
    ),
    Case(
        "usecases:usecase_generated_status",
        statuses(404, administrator=200),
        kwargs=lambda w: {"pk": w.hidden.pk},
        label="other-workspace",
    ),
    Case("usecases:diagram_download", RENDERING_FOR_READERS, kwargs=_diagram("actors", "svg"), label="svg"),
    Case("usecases:diagram_download", RENDERING_FOR_READERS, kwargs=_diagram("nist", "png"), label="png"),
    Case(
        "usecases:diagram_download",
        statuses(202),
        kwargs=_diagram("actors", "svg", "published"),
        public=202,
        label="published",
    ),
    Case(
        "usecases:diagram_download",
        statuses(404, administrator=202),
        kwargs=_diagram("actors", "svg", "hidden"),
        label="other-workspace",
    ),
    # The address exports give generated drawings (use case mRID, no primary key): the same answers.
    Case("usecases:diagram_by_mrid", RENDERING_FOR_READERS, kwargs=_diagram_by_mrid("actors", "svg"), label="svg"),
    Case("usecases:diagram_by_mrid", RENDERING_FOR_READERS, kwargs=_diagram_by_mrid("nist", "png"), label="png"),
    Case(
        "usecases:diagram_by_mrid",
        statuses(202),
        kwargs=_diagram_by_mrid("actors", "svg", "published"),
        public=202,
        label="published",
    ),
    Case(
        "usecases:diagram_by_mrid",
        statuses(404, administrator=202),
        kwargs=_diagram_by_mrid("actors", "svg", "hidden"),
        label="other-workspace",
    ),
    Case(
        "usecases:usecase_validate",
        statuses(404, **roles(302, *MEMBERS, "administrator")),
        method="post",
        kwargs=lambda w: {"pk": w.draft.pk},
        effect=lambda w: _validation_queued(w.draft),
    ),
    Case(
        "usecases:usecase_validate",
        statuses(405, anonymous=302),
        kwargs=lambda w: {"pk": w.draft.pk},
        label="get-is-refused",
    ),
    Case("usecases:validation_report", EVERY_SIGNED_IN),
    Case(
        "usecases:validation_run",
        statuses(302),
        method="post",
        effect=lambda w: BackgroundJob.objects.filter(kind="validate", params={"scope": "visible"}).exists(),
    ),
]


@pytest.mark.parametrize("case", SGAM_CASES, ids=[case.id for case in SGAM_CASES])
def test_every_role_gets_the_expected_status(client, world, case):  # noqa: F811
    got = {role: request_as(client, world, case, role) for role in ROLES}
    assert got == case.expected


@pytest.mark.parametrize("case", SGAM_CASES, ids=[case.id for case in SGAM_CASES])
def test_anonymous_visitors_where_the_setting_allows(client, world, settings, case):  # noqa: F811
    settings.UCMR_PUBLIC_READ = True
    expected = case.public if case.public is not None else case.expected["anonymous"]
    assert request_as(client, world, case, "anonymous") == expected


def test_the_validation_report_counts_only_what_each_role_may_see(client, world):  # noqa: F811
    validation_run(use_case_ids=UseCase.objects.values_list("pk", flat=True))
    seen = {}
    for role in ("no_role", "viewer", "administrator"):
        client.force_login(world.users[role])
        seen[role] = client.get("/validation/").context["report"].validated
    # The grid workspace holds the draft, the two use cases its relations point at, and three more (in review,
    # approved, published); the hidden draft is in another workspace. No role: only the published one.
    assert seen == {"no_role": 1, "viewer": 6, "administrator": 7}
    assert ValidationResult.objects.count() == 7
