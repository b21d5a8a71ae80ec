"""A use case's findings are its own: with the real files of ../shared/iec62559/examples (edf-1 and the elering
files all call different information objects "Info1".."Info4"), each use case validates the same alone as after
every other file is imported, and no file's relation to the related use case it names only is an error."""

import pytest

from tests.usecases.exchange.conftest import EXAMPLES
from usecases.analysis.validation.rules import ERROR
from usecases.analysis.validation.services import usecase_findings
from usecases.exchange.loader import repository_import_xml
from usecases.models import InformationObject, UseCase

pytestmark = pytest.mark.django_db


def _import(iec_dir, name: str) -> None:
    repository_import_xml(user=None, data=(iec_dir / "examples" / name).read_bytes(), workspace=None)


@pytest.mark.parametrize("name", EXAMPLES, ids=[name.split("/")[1].split("_")[0] for name in EXAMPLES])
def test_a_use_case_has_the_same_findings_alone_and_among_every_other_file(iec_dir, name):
    _import(iec_dir, name)
    [use_case] = UseCase.objects.listed()
    alone = usecase_findings(use_case_id=use_case.pk)

    for other in EXAMPLES:
        if other != name:
            _import(iec_dir, other)

    assert InformationObject.objects.filter(identifier__iexact="Info1").count() == 4  # told apart by mRID
    assert usecase_findings(use_case_id=use_case.pk) == alone
    assert not [finding for finding in alone if finding.severity == ERROR and finding.rule in ("UC022", "UC026")]
