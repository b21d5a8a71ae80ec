"""The exchange pages in the permission matrix of tests/ucmr/test_permission_matrix.py: every role, its world, the
exact status each must get. (The cases are also what that module's list of every URL needs for these pages.)"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ucmr.test_permission_matrix import (
    EVERY_SIGNED_IN,
    READERS_OF_GRID,
    Case,
    request_as,
    roles,
    statuses,
    world,  # noqa: F401 - the fixture
)
from ucmr.models import BackgroundJob
from usecases.xml.readers.variant_c import NAMESPACE

pytestmark = pytest.mark.django_db


def export_job(*, user, export_format: str = "xml") -> BackgroundJob:
    """A succeeded export job of `user` with its file kept."""
    job = BackgroundJob.objects.create(kind="xml_export", user=user, status=BackgroundJob.Status.SUCCEEDED)
    output = default_storage.save(f"exports/{job.pk}.{export_format}", ContentFile(FILE))
    job.result = {
        "output": output,
        "file_name": f"use-cases.{export_format}",
        "count": 1,
        "bytes": len(FILE),
        "format": export_format,
    }
    job.save(update_fields=["result"])
    return job


FILE = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<UC:UseCaseRepository xmlns:UC="{NAMESPACE}"><name>R</name>'
    "<UseCaseLibrary><UseCase><identifier>UC-MX</identifier><name>Matrix</name><scope>S</scope></UseCase>"
    "</UseCaseLibrary></UC:UseCaseRepository>"
).encode()
IMPORTERS = ("author", "manager", "administrator")


def _office_cases(export_format: str) -> list[Case]:
    """A use case and a selection as a workbook or a Word document: as for XML."""
    page, list_page = f"usecases:usecase_export_{export_format}", f"usecases:usecase_list_export_{export_format}"
    return [
        Case(page, READERS_OF_GRID, kwargs=lambda scene: {"pk": scene.draft.pk}),
        Case(page, EVERY_SIGNED_IN, kwargs=lambda scene: {"pk": scene.published.pk}, public=200, label="published"),
        Case(
            page,
            statuses(404, administrator=200),
            kwargs=lambda scene: {"pk": scene.hidden.pk},
            label="other-workspace",
        ),
        Case(list_page, EVERY_SIGNED_IN, data=lambda scene: {"status": "published"}, public=200),
        Case(
            list_page,
            statuses(302),
            effect=lambda scene: BackgroundJob.objects.filter(kind="xml_export", params__format=export_format).exists(),
            label="all",
        ),
    ]


EXCHANGE_CASES = [
    Case("usecases:import", statuses(403, **roles(200, *IMPORTERS))),
    Case(
        "usecases:import",
        statuses(403, **roles(302, *IMPORTERS)),
        method="post",
        data=lambda scene: {
            "file": SimpleUploadedFile("matrix.xml", FILE),
            "workspace": scene.grid.pk,
            "policy": "update",
            "dry_run": "on",
        },
        effect=lambda scene: BackgroundJob.objects.filter(kind="xml_import").exists(),
    ),
    # The world's job is the author's, and not a dry run: nothing to confirm (others do not see it at all).
    Case(
        "usecases:import_confirm",
        statuses(404, author=400, administrator=400),
        method="post",
        kwargs=lambda scene: {"pk": scene.job.pk},
    ),
    Case("usecases:usecase_export", READERS_OF_GRID, kwargs=lambda scene: {"pk": scene.draft.pk}),
    Case(
        "usecases:usecase_export",
        EVERY_SIGNED_IN,
        kwargs=lambda scene: {"pk": scene.published.pk},
        public=200,
        label="published",
    ),
    Case(
        "usecases:usecase_export",
        statuses(404, administrator=200),
        kwargs=lambda scene: {"pk": scene.hidden.pk},
        label="other-workspace",
    ),
    # A few use cases are exported at once; all of them (no filter) by a job, whose page the export redirects to.
    Case("usecases:usecase_list_export", EVERY_SIGNED_IN, data=lambda scene: {"status": "published"}, public=200),
    Case(
        "usecases:usecase_list_export",
        statuses(302),
        effect=lambda scene: BackgroundJob.objects.filter(kind="xml_export").exists(),
        label="all",
    ),
    # The file of the author's export: theirs, and the administrators'.
    Case(
        "usecases:export_download",
        statuses(404, author=200, administrator=200),
        kwargs=lambda scene: {"pk": export_job(user=scene.users["author"]).pk},
    ),
    Case(
        "usecases:export_download",
        statuses(404, author=200, administrator=200),
        kwargs=lambda scene: {"pk": export_job(user=scene.users["author"], export_format="xlsx").pk},
        label="workbook",
    ),
    # Workbooks and Word documents: the same answers as XML.
    *(case for export_format in ("xlsx", "docx") for case in _office_cases(export_format)),
]
ROLES = tuple(EXCHANGE_CASES[0].expected)


@pytest.mark.parametrize("case", EXCHANGE_CASES, ids=[case.id for case in EXCHANGE_CASES])
def test_every_role_gets_the_expected_status(client, world, case):  # noqa: F811 - the fixture
    got = {role: request_as(client, world, case, role) for role in ROLES}
    assert got == case.expected


@pytest.mark.parametrize("case", EXCHANGE_CASES, ids=[case.id for case in EXCHANGE_CASES])
def test_anonymous_visitors_export_published_use_cases_where_the_setting_allows(client, world, settings, case):  # noqa: F811
    settings.UCMR_PUBLIC_READ = True
    expected = case.public if case.public is not None else case.expected["anonymous"]
    assert request_as(client, world, case, "anonymous") == expected
