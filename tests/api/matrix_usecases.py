"""The permission matrix of the use case, workflow, XML, job and audit endpoints of the API: the same answers as
the pages (tests/ucmr/test_permission_matrix.py), except that an anonymous client gets 401 (with WWW-Authenticate)
instead of a redirect to sign in, and a write that is done answers 200, 201, 202 or 204 instead of 302."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ucmr.test_permission_matrix import MEMBERS, Case, roles, statuses
from tests.usecases.exchange.test_permission_matrix import export_job
from ucmr.models import BackgroundJob
from ucmr.selectors import change_log_list
from usecases.exchange.documents import usecase_file_get
from usecases.exchange.dumper import repository_export
from usecases.models import UseCase
from usecases.xml import write_variant_c


def api_statuses(default: int, **by_role: int) -> dict[str, int]:
    return statuses(default, anonymous=by_role.pop("anonymous", 401), **by_role)


EVERY_SIGNED_IN = api_statuses(200)
READERS_OF_GRID = api_statuses(404, **roles(200, *MEMBERS, "administrator"))
AUTHORS_OF_GRID = api_statuses(
    404, **roles(403, "viewer", "reviewer"), **roles(200, "author", "manager", "administrator")
)
REVIEWERS_OF_GRID = api_statuses(
    404, **roles(403, "viewer", "author"), **roles(200, "reviewer", "manager", "administrator")
)


def _status(pk: int) -> str:
    return UseCase.objects.values_list("status", flat=True).get(pk=pk)


def _document(world) -> dict:
    from rest_framework.test import APIRequestFactory

    from usecases.api.serializers import UseCaseFileSerializer

    request = APIRequestFactory().get("/")
    request.user = world.users["administrator"]
    data = UseCaseFileSerializer(usecase_file_get(user=None, use_case=world.draft), context={"request": request}).data
    data["document"]["name"] = "Replaced in the matrix"
    return data


def _file(world) -> dict:
    data = write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.filter(pk=world.draft.pk)))
    return {"file": SimpleUploadedFile("matrix.xml", data), "workspace": world.grid.pk, "dry_run": "true"}


def _entry(world) -> dict:
    """An entry of the grid workspace's, which its manager may read."""
    return {"pk": change_log_list(user=world.users["manager"]).values_list("pk", flat=True).first()}


def _detail(name: str):
    return lambda world: {"pk": getattr(world, name).pk}


def _office_cases(export_format: str) -> list[Case]:
    """A use case, a selection and an export job's file as a workbook or a Word document: as for XML."""
    return [
        Case(f"api:usecase-{export_format}", READERS_OF_GRID, kwargs=_detail("draft")),
        Case(
            f"api:usecase-{export_format}", EVERY_SIGNED_IN, kwargs=_detail("published"), public=200, label="published"
        ),
        Case(
            f"api:usecase-export-{export_format}",
            EVERY_SIGNED_IN,
            data=lambda world: {"status": "published"},
            public=200,
        ),
        Case(
            f"api:usecase-export-{export_format}",
            api_statuses(202),
            effect=lambda world: BackgroundJob.objects.filter(kind="xml_export", params__format=export_format).exists(),
            label="all",
        ),
        Case(
            f"api:usecase-{export_format}-download",
            api_statuses(404, author=200, administrator=200),
            kwargs=lambda world: {"job": str(export_job(user=world.users["author"], export_format=export_format).pk)},
        ),
    ]


USECASE_API_CASES = [
    Case("api:api-root", EVERY_SIGNED_IN),
    Case("api:schema", statuses(200, anonymous=200), public=200),
    Case("api:docs", statuses(200, anonymous=200), public=200),
    Case("api:docs", statuses(200, anonymous=200), public=200, data=lambda world: {"script": ""}, label="script"),
    Case("api:not-found", api_statuses(404)),
    Case("api:usecase-list", EVERY_SIGNED_IN, public=200),
    Case(
        "api:usecase-list",
        api_statuses(403, **roles(201, "author", "manager", "administrator")),
        method="post",
        data=lambda world: {"workspace": world.grid.pk, "document": {"name": "Written by the API"}},
        effect=lambda world: UseCase.objects.filter(name="Written by the API").exists(),
    ),
    Case("api:usecase-detail", READERS_OF_GRID, kwargs=_detail("draft")),
    Case("api:usecase-detail", EVERY_SIGNED_IN, kwargs=_detail("published"), public=200, label="published"),
    Case(
        "api:usecase-detail",
        api_statuses(404, administrator=200),
        kwargs=_detail("hidden"),
        label="other-workspace",
    ),
    Case(
        "api:usecase-detail",
        AUTHORS_OF_GRID,
        method="put",
        kwargs=_detail("draft"),
        data=_document,
        effect=lambda world: UseCase.objects.get(pk=world.draft.pk).name == "Replaced in the matrix",
    ),
    Case(
        "api:usecase-detail",
        AUTHORS_OF_GRID,
        method="patch",
        kwargs=_detail("draft"),
        data=lambda world: {"document": {"name": "Patched in the matrix"}},
        effect=lambda world: UseCase.objects.get(pk=world.draft.pk).name == "Patched in the matrix",
    ),
    Case(
        "api:usecase-detail",
        api_statuses(404, **roles(403, "viewer", "author", "reviewer"), **roles(204, "manager", "administrator")),
        method="delete",
        kwargs=_detail("draft"),
        effect=lambda world: not UseCase.objects.filter(pk=world.draft.pk).exists(),
    ),
    Case("api:usecase-xml", READERS_OF_GRID, kwargs=_detail("draft")),
    Case("api:usecase-xml", EVERY_SIGNED_IN, kwargs=_detail("published"), public=200, label="published"),
    # A few use cases are exported at once; all of them (no filter) by a job: 202. Its file is its user's and
    # the administrators'.
    Case("api:usecase-export", EVERY_SIGNED_IN, data=lambda world: {"status": "published"}, public=200),
    Case(
        "api:usecase-export",
        api_statuses(202),
        effect=lambda world: BackgroundJob.objects.filter(kind="xml_export").exists(),
        label="all",
    ),
    Case(
        "api:usecase-xml-download",
        api_statuses(404, author=200, administrator=200),
        kwargs=lambda world: {"job": str(export_job(user=world.users["author"]).pk)},
    ),
    # Workbooks and Word documents: the same answers as XML.
    *(case for export_format in ("xlsx", "docx") for case in _office_cases(export_format)),
    Case(
        "api:usecase-submit",
        AUTHORS_OF_GRID,
        method="post",
        kwargs=_detail("draft"),
        effect=lambda world: _status(world.draft.pk) == "in_review",
    ),
    Case(
        "api:usecase-approve",
        REVIEWERS_OF_GRID,
        method="post",
        kwargs=_detail("in_review"),
        effect=lambda world: _status(world.in_review.pk) == "approved",
    ),
    Case(
        "api:usecase-send-back",
        REVIEWERS_OF_GRID,
        method="post",
        kwargs=_detail("in_review"),
        data=lambda world: {"comment": "Add the KPIs."},
        effect=lambda world: _status(world.in_review.pk) == "draft",
    ),
    Case(
        "api:usecase-publish",
        api_statuses(404, **roles(403, "viewer", "author", "reviewer"), **roles(200, "manager", "administrator")),
        method="post",
        kwargs=_detail("approved"),
        effect=lambda world: _status(world.approved.pk) == "published",
    ),
    Case(
        "api:usecase-withdraw",
        api_statuses(403, **roles(200, "manager", "administrator")),
        method="post",
        kwargs=_detail("published"),
        effect=lambda world: _status(world.published.pk) == "draft",
    ),
    Case("api:usecase-versions", READERS_OF_GRID, kwargs=_detail("approved")),
    Case(
        "api:usecase-version",
        READERS_OF_GRID,
        kwargs=lambda world: {"pk": world.approved.pk, "sequence": world.snapshot.sequence},
    ),
    Case(
        "api:usecase-compare",
        READERS_OF_GRID,
        kwargs=_detail("approved"),
        data=lambda world: {"old": str(world.snapshot.sequence), "new": "current"},
    ),
    Case("api:usecase-history", READERS_OF_GRID, kwargs=_detail("draft")),
    Case(
        "api:import-list",
        api_statuses(403, **roles(202, "author", "manager", "administrator")),
        method="post",
        data=_file,
        effect=lambda world: BackgroundJob.objects.filter(kind="xml_import").exists(),
    ),
    # The world's job is the author's, and not a dry run: nothing to confirm (others do not see it at all).
    Case(
        "api:import-confirm",
        api_statuses(404, author=400, administrator=400),
        method="post",
        kwargs=lambda world: {"pk": world.job.pk},
    ),
    Case("api:job-list", EVERY_SIGNED_IN),
    Case("api:job-detail", api_statuses(404, author=200, administrator=200), kwargs=lambda world: {"pk": world.job.pk}),
    Case("api:change-list", api_statuses(403, manager=200, administrator=200)),
    Case("api:change-detail", api_statuses(403, manager=200, administrator=200), kwargs=_entry),
]
