"""`manage.py import_usecases` and `manage.py export_usecases`, through call_command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UseCaseFactory, WorkspaceFactory
from tests.usecases.exchange.conftest import PUBLISHED_XSD, fingerprint
from usecases.models import UseCase, Workspace
from usecases.xml import read_document, schema_problems

pytestmark = pytest.mark.django_db

ELERING_1 = "examples/variant-c/elering-1_aggregate-energy-data.xml"
ELERING_5 = "examples/variant-c/elering-5_collect-energy-data.xml"


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_reports_what_it_did_per_file(iec_dir):
    out, _ = _run("import_usecases", str(iec_dir / ELERING_1), str(iec_dir / ELERING_5))

    assert UseCase.objects.count() == 2
    assert "elering-1_aggregate-energy-data.xml: Use cases: 1 created" in out
    assert "Data Hub" not in out  # a report of counts, not a dump
    assert "Steps" in out and "Actors" in out


def test_two_files_sharing_actors_make_one_library(iec_dir):
    _run("import_usecases", str(iec_dir / ELERING_1))
    out, _ = _run("import_usecases", str(iec_dir / ELERING_5), "--json")

    report = json.loads(out)[0]["report"]
    assert report["counts"]["actor"].get("unchanged", 0) >= 3  # Data Hub, Data Hub Operator, ... are shared


def test_json_prints_the_reports_and_nothing_else(iec_dir):
    out, _ = _run("import_usecases", str(iec_dir / ELERING_1), "--json")

    [result] = json.loads(out)
    assert result["file"].endswith("elering-1_aggregate-energy-data.xml")
    assert result["report"]["counts"]["use_case"] == {"created": 1}
    assert result["report"]["dry_run"] is False


def test_dry_run_writes_nothing(iec_dir):
    before = fingerprint()

    out, _ = _run("import_usecases", str(iec_dir / ELERING_1), "--dry-run")

    assert fingerprint() == before
    assert "Dry run, nothing was written" in out


def test_skip_existing_leaves_use_cases_alone(iec_dir):
    _run("import_usecases", str(iec_dir / ELERING_1))
    UseCase.objects.update(scope="Edited here")

    out, _ = _run("import_usecases", str(iec_dir / ELERING_1), "--skip-existing", "--json")

    assert json.loads(out)[0]["report"]["counts"]["use_case"] == {"skipped": 1}
    assert UseCase.objects.get().scope == "Edited here"


def test_workspace_is_created_when_missing_with_a_message(iec_dir):
    _, err = _run("import_usecases", str(iec_dir / ELERING_1), "--workspace", "bridge")

    assert "Created the workspace 'bridge'" in err
    assert UseCase.objects.get().workspace == Workspace.objects.get(slug="bridge")


def test_a_broken_file_fails_with_where_and_the_others_are_imported(iec_dir, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b'<?xml version="1.0"?>\n<r>\n  <a>\n  </b>\n</r>')

    with pytest.raises(CommandError, match="1 of 2 file"):
        _run("import_usecases", str(broken), str(iec_dir / ELERING_1))

    assert UseCase.objects.count() == 1


def test_the_error_message_names_line_and_element(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b'<?xml version="1.0"?>\n<r>\n  <a>\n  </b>\n</r>')
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_usecases", str(broken), stdout=StringIO(), stderr=err)

    assert "broken.xml: not imported. The file is not well-formed XML at line 4" in err.getvalue()
    assert "element /r/a" in err.getvalue()


def test_a_missing_file_fails(tmp_path):
    with pytest.raises(CommandError):
        _run("import_usecases", str(tmp_path / "nothing.xml"))


def test_export_writes_a_file_valid_against_both_schemas(iec_dir, tmp_path):
    _run("import_usecases", str(iec_dir / ELERING_1), str(iec_dir / ELERING_5))
    target = tmp_path / "out.xml"

    _, err = _run("export_usecases", "-o", str(target))

    data = target.read_bytes()
    assert "Exported 2 use case(s)" in err
    assert schema_problems(data=data) == []
    assert schema_problems(data=data, schema_path=iec_dir / PUBLISHED_XSD) == []
    assert len(read_document(data=data).full_use_cases) == 2


def test_export_by_workspace_and_identifier(tmp_path):
    workspace = WorkspaceFactory(slug="grid")
    UseCaseFactory(workspace=workspace, identifier="UC-1", name="First")
    UseCaseFactory(workspace=workspace, identifier="UC-2", name="Second")
    UseCaseFactory(identifier="UC-3", name="Elsewhere")
    target = tmp_path / "out.xml"

    _run("export_usecases", "--workspace", "grid", "--identifier", "UC-2", "-o", str(target))

    assert [use_case.name for use_case in read_document(data=target.read_bytes()).full_use_cases] == ["Second"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "nowhere"], "no workspace 'nowhere'"),
        (["--identifier", "UC-404"], "No use case with the ID"),
        (["--user", "ghost"], "no active user 'ghost'"),
    ],
)
def test_export_refuses_what_does_not_exist(args, message, tmp_path):
    with pytest.raises(CommandError, match=message):
        _run("export_usecases", *args, "-o", str(tmp_path / "out.xml"))
    assert not (tmp_path / "out.xml").exists()
