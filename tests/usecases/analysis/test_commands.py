"""`manage.py render_diagrams` and `manage.py validate_usecases`: what they do, what they print, their exit status."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sgam.models import RenderedDiagram, ValidationResult
from tests.factories import ActorFactory
from usecases.models import UseCase

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_render_diagrams_renders_what_is_missing(known, clean_use_case):
    first = run("render_diagrams")
    second = run("render_diagrams", "--identifier", "UC-KNOWN")

    assert "UC-KNOWN Known use case: 8 rendered" in first and "UC-CLEAN Clean use case: " in first
    assert "UC-KNOWN Known use case: 0 rendered (0 ms), 8 unchanged, 0 failed" in second
    assert RenderedDiagram.objects.filter(use_case=known.use_case, png__isnull=True).count() == 8


def test_render_diagrams_png_and_force(known):
    run("render_diagrams", "--png")
    assert "8 rendered" in run("render_diagrams", "--force", "--identifier", "UC-KNOWN")
    assert not RenderedDiagram.objects.filter(png__isnull=True).exists()


def test_render_diagrams_fails_when_a_diagram_cannot_be_rendered(known, settings):
    settings.UCMR_DIAGRAM_TIMEOUT = 0.000001
    with pytest.raises(CommandError, match="8 diagram") as raised:
        run("render_diagrams")
    assert raised.value.returncode == 1


@pytest.mark.parametrize("command", ["render_diagrams", "validate_usecases"])
def test_an_unknown_identifier_is_an_error(known, command):
    with pytest.raises(CommandError, match="No use case has the ID UC-NOPE"):
        run(command, "--identifier", "UC-KNOWN", "--identifier", "UC-NOPE")


def test_validate_usecases_succeeds_without_errors_and_lists_the_rest(known, clean_use_case):
    out = run("validate_usecases", "--identifier", "UC-KNOWN", "--identifier", "UC-CLEAN")

    assert "UC-KNOWN Known use case: 0 error(s), 1 warning(s), 3 info" in out
    assert "warning UC017 3.1  #actorrole-" in out and "UC-CLEAN Clean use case: 0 error(s)" in out
    assert set(ValidationResult.objects.values_list("use_case", flat=True)) == {known.use_case.pk, clean_use_case.pk}


def test_validate_usecases_of_the_whole_repository_reports_the_libraries(known, clean_use_case):
    ActorFactory(name="Forgotten actor")
    out = StringIO()

    with pytest.raises(CommandError, match="2 error"):  # the use case the clean one relates to is empty
        call_command("validate_usecases", stdout=out)

    assert ValidationResult.objects.count() == UseCase.objects.count()
    assert "error   UC005" in out.getvalue() and "error   UC006" in out.getvalue()
    assert "library warning LIB001 Forgotten actor: The actor takes part in no use case." in out.getvalue()


def test_validate_usecases_exits_non_zero_on_errors_and_writes_json(known, clean_use_case):
    UseCase.objects.filter(pk=clean_use_case.pk).update(scope="")
    out = StringIO()

    with pytest.raises(CommandError, match="1 error") as raised:
        call_command("validate_usecases", "--json", "--identifier", "UC-CLEAN", stdout=out)

    assert raised.value.returncode == 1
    document = json.loads(out.getvalue())
    assert document["totals"] == {"validated": 1, "error": 1, "warning": 0, "info": 0}
    [use_case] = document["use_cases"]
    assert use_case["use_case"] == "UC-CLEAN Clean use case" and use_case["errors"] == 1
    assert use_case["findings"][0] | {"hint": ""} == {
        "rule": "UC002",
        "severity": "error",
        "section": "1.3",
        "anchor": "section-1-3",
        "message": "The scope is empty.",
        "hint": "",
    }
    assert document["library"] == []  # library findings only for the whole repository
