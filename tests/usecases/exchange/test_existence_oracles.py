"""No existence oracle in imports (SECURITY.md, "Existence"): a use case or workspace the importing user may not see
is answered as one that does not exist, except that an mRID stays taken (a file's use case holding the mRID of a
hidden use case is left out as one the user may not change, naming neither). Most tests compare two reports byte
for byte after replacing the identifiers.

Also the draft-only rule: an import leaves a use case that is not a draft as it is, and moves no status."""

import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from tests.factories import (
    UseCaseFactory,
    UseCaseRelationFactory,
    WorkspaceFactory,
    WorkspaceMembershipFactory,
    member_of,
)
from usecases.exchange.loader import repository_import, repository_import_xml
from usecases.exchange.records import document_mrid
from usecases.exchange.services import WORKSPACE_TO_CHOOSE, import_job_start
from usecases.exchange.use_cases import NOT_A_DRAFT_NOTE, NOT_CHANGEABLE_NOTE
from usecases.models import UseCase, UseCaseRelation
from usecases.xml import document as doc
from usecases.xml import write_variant_c

pytestmark = pytest.mark.django_db

HIDDEN = str(uuid.uuid4())
UNKNOWN = str(uuid.uuid4())
NEW = str(uuid.uuid4())


@pytest.fixture
def grid():
    return WorkspaceFactory(name="Grid", slug="grid")


@pytest.fixture
def hidden():
    secret = WorkspaceFactory(name="Secret merger", slug="secret")
    return UseCaseFactory(workspace=secret, mrid=HIDDEN, identifier="UC-H", name="Hidden plan")


@pytest.fixture
def author(grid, hidden):
    return member_of(grid, "author")


def _text(report, *identifiers: str) -> str:
    """The report as a job keeps it, without what differs from run to run (keys of new rows, timing)."""
    answer = report.as_dict()
    answer.pop("write_seconds")
    for row in answer["use_cases"]:
        row.pop("pk", None)
    text = json.dumps(answer, sort_keys=True)
    for identifier in identifiers:
        text = text.replace(identifier, "<mRID>")
    return text


def _relating(ref: str, *, stub: bool) -> doc.Repository:
    use_case = doc.UseCase(
        mrid=NEW, identifier="UC-NEW", name="New", relations=[doc.UseCaseRelation(use_case_ref=ref, type="include")]
    )
    stubs = [doc.UseCase(mrid=ref, identifier="UC-REL", name="Related", is_stub=True)] if stub else []
    return doc.Repository(use_cases=[use_case, *stubs])


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "import"])
@pytest.mark.parametrize("stub", [False, True], ids=["reference only", "with a stub"])
def test_a_relation_to_a_hidden_use_case_is_one_to_an_unknown_mrid(author, grid, hidden, dry_run, stub):
    def run(ref: str):
        report = repository_import(user=author, document=_relating(ref, stub=stub), workspace=grid, dry_run=dry_run)
        text = _text(report, ref)
        UseCase.objects.filter(workspace=grid).delete()  # the second run starts from the same repository
        return text

    assert run(HIDDEN) == run(UNKNOWN)
    assert not UseCaseRelation.objects.filter(related=hidden).exists()


def test_a_stub_of_a_hidden_use_case_becomes_a_placeholder_that_exports_the_files_mrid(author, grid, hidden):
    report = repository_import(user=author, document=_relating(HIDDEN, stub=True), workspace=grid)

    assert report.counts["related_use_case"] == {"created": 1}
    relation = UseCaseRelation.objects.select_related("related").get()
    placeholder = relation.related
    assert placeholder.pk != hidden.pk and placeholder.workspace == grid
    assert document_mrid(placeholder) == HIDDEN  # the reference the file made survives its export
    again = repository_import(user=author, document=_relating(HIDDEN, stub=True), workspace=grid)
    assert again.counts["related_use_case"] == {"unchanged": 1}
    assert UseCase.objects.filter(workspace=grid).count() == 2


def test_a_relation_to_a_hidden_use_case_stays_when_its_owner_writes_the_use_case_back(author, grid, hidden):
    mine = UseCaseFactory(workspace=grid, mrid=NEW, identifier="UC-NEW", name="New", created_by=author)
    UseCaseRelationFactory(use_case=mine, related=hidden)

    report = repository_import(
        user=author, document=doc.Repository(use_cases=[_relating(NEW, stub=False).use_cases[0]]), workspace=grid
    )

    assert "relation" not in report.counts or "deleted" not in report.counts["relation"]
    assert UseCaseRelation.objects.filter(use_case=mine, related=hidden).exists()


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "import"])
def test_a_use_case_with_a_hidden_use_cases_mrid_is_left_out_naming_nothing(author, grid, hidden, dry_run):
    file = doc.Repository(use_cases=[doc.UseCase(mrid=HIDDEN, identifier="UC-NEW", name="New", scope="Mine")])

    report = repository_import(user=author, document=file, workspace=grid, dry_run=dry_run)

    [row] = report.as_dict()["use_cases"]
    assert row == {"mrid": HIDDEN, "identifier": "UC-NEW", "name": "New", "workspace": "Grid", "outcome": "skipped"}
    assert any(NOT_CHANGEABLE_NOTE in warning for warning in report.warnings)
    text = _text(report)
    assert "Secret" not in text and "UC-H" not in text and "Hidden plan" not in text
    hidden.refresh_from_db()
    assert hidden.scope != "Mine" and not UseCase.objects.filter(workspace=grid).exists()


def test_the_xml_file_of_a_hidden_use_case_is_answered_as_one_of_a_use_case_the_user_may_not_change(
    author, grid, hidden
):
    """Byte for byte, but for the workspace's name: an mRID held by a use case the user only reads, imported into
    its workspace, and one held by a hidden use case, imported into the user's."""
    readable = WorkspaceFactory(name="Readable", slug="readable")
    WorkspaceMembershipFactory(workspace=readable, user=author, role="viewer")
    seen = str(uuid.uuid4())
    UseCaseFactory(workspace=readable, mrid=seen, identifier="UC-S", name="Seen")

    def run(mrid: str, workspace) -> str:
        file = doc.Repository(use_cases=[doc.UseCase(mrid=mrid, identifier="UC-NEW", name="New", scope="Mine")])
        data = write_variant_c(document=file)
        return _text(repository_import_xml(user=author, data=data, workspace=workspace, dry_run=True), mrid)

    answer = run(HIDDEN, grid)
    assert answer.replace('"Grid"', '"<ws>"') == run(seen, readable).replace('"Readable"', '"<ws>"')
    assert '"outcome": "skipped"' in answer and "Secret" not in answer


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "import"])
def test_a_workspace_the_user_may_not_use_is_refused_in_the_words_for_one_that_does_not_exist(author, dry_run):
    def refusal(name: str) -> str:
        file = doc.Repository(use_cases=[doc.UseCase(mrid=NEW, identifier="UC-NEW", name="New", workspace=name)])
        with pytest.raises(PermissionDenied) as error:
            repository_import(user=author, document=file, workspace=None, dry_run=dry_run)
        return str(error.value).replace(name, "<name>")

    assert refusal("Secret merger") == refusal("Nowhere at all")
    assert "You may not add use cases to the workspace '<name>'" in refusal("Secret merger")


def test_an_import_job_into_a_hidden_workspace_is_refused_as_into_none(author, hidden):
    with pytest.raises(ValidationError) as error:
        import_job_start(user=author, upload=ContentFile(b"<x/>", name="a.xml"), workspace=hidden.workspace)
    assert error.value.message_dict == {"workspace": [WORKSPACE_TO_CHOOSE]}


# The draft-only rule


@pytest.mark.parametrize("status", ["in_review", "approved", "published"])
def test_an_import_leaves_a_use_case_that_is_not_a_draft_as_it_is(author, grid, status):
    stored = UseCaseFactory(workspace=grid, mrid=NEW, identifier="UC-1", name="Kept", status=status, created_by=author)
    revision = stored.revision
    file = doc.Repository(use_cases=[doc.UseCase(mrid=NEW, identifier="UC-1", name="Changed")])

    report = repository_import(user=None, document=file, workspace=grid)

    assert report.use_cases[0]["outcome"] == "skipped"
    assert any(NOT_A_DRAFT_NOTE in warning and "Changed" in warning for warning in report.warnings)
    stored.refresh_from_db()
    assert (stored.name, stored.status, stored.revision) == ("Kept", status, revision)


def test_an_import_moves_no_draft_through_the_workflow(author, grid):
    stored = UseCaseFactory(workspace=grid, mrid=NEW, identifier="UC-1", name="Draft", created_by=author)
    file = doc.Repository(use_cases=[doc.UseCase(mrid=NEW, identifier="UC-1", name="Renamed", status="published")])

    repository_import(user=author, document=file, workspace=grid)

    stored.refresh_from_db()
    assert (stored.name, stored.status) == ("Renamed", UseCase.Status.DRAFT)
