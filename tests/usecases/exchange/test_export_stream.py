"""The streamed export (`usecases_export_write`: batches of use cases, an incremental writer, a file checked as it
is read) writes the very bytes of the export built in memory, on the demo repository and on real files."""

from pathlib import Path

import pytest

from tests.demo_snapshot import demo_repository
from tests.factories import UserFactory
from tests.usecases.exchange.conftest import EXAMPLES
from ucmr.permissions import visible_to
from usecases.exchange.loader import repository_import_xml
from usecases.exchange.services import usecases_export_write, usecases_export_xml
from usecases.models import UseCase
from usecases.xml import XmlSchemaError, validate_variant_c_file

pytestmark = pytest.mark.django_db

VARIANT_C = [name for name in EXAMPLES if name.startswith("variant-c/")]
BATCH_SIZES = pytest.mark.parametrize("batch_size", [1, 2, 100], ids=["batches of 1", "batches of 2", "one batch"])


def _streamed(tmp_path: Path, *, user=None, use_cases=None, batch_size: int = 100) -> bytes:
    path = tmp_path / "export.xml"
    with path.open("w+b") as output:
        usecases_export_write(
            user=user,
            use_cases=UseCase.objects.all() if use_cases is None else use_cases,
            output=output,
            batch_size=batch_size,
        )
    return path.read_bytes()


@BATCH_SIZES
def test_the_demo_repository_streams_to_the_same_bytes(tmp_path, batch_size):
    demo_repository()
    assert UseCase.objects.count() > 2

    assert _streamed(tmp_path, batch_size=batch_size) == usecases_export_xml(user=None, use_cases=UseCase.objects.all())


@BATCH_SIZES
def test_imported_files_stream_to_the_same_bytes(tmp_path, iec_dir, batch_size):
    for name in VARIANT_C:
        repository_import_xml(user=None, data=(iec_dir / "examples" / name).read_bytes(), workspace=None)
    assert UseCase.objects.count() >= len(VARIANT_C)

    assert _streamed(tmp_path, batch_size=batch_size) == usecases_export_xml(user=None, use_cases=UseCase.objects.all())


def test_a_selection_streams_with_its_related_use_cases_as_stubs(tmp_path, iec_dir):
    demo_repository()
    selection = UseCase.objects.filter(pk__in=UseCase.objects.order_by("pk").values("pk")[:2])

    assert _streamed(tmp_path, use_cases=selection, batch_size=1) == usecases_export_xml(user=None, use_cases=selection)


def test_what_the_user_may_not_see_is_not_streamed(tmp_path):
    demo_repository()
    stranger = UserFactory()
    seen = visible_to(stranger, UseCase.objects.all())
    assert 0 < seen.count() < UseCase.objects.count()  # published ones only

    streamed = _streamed(tmp_path, user=stranger)

    assert streamed == usecases_export_xml(user=stranger, use_cases=UseCase.objects.all())
    hidden = UseCase.objects.exclude(pk__in=seen.values("pk")).first()
    assert f"<mRID>{hidden.mrid}</mRID>".encode() not in streamed


def test_nothing_to_export_is_still_a_valid_file(tmp_path):
    assert _streamed(tmp_path) == usecases_export_xml(user=None, use_cases=UseCase.objects.none())


def test_a_file_that_is_not_variant_c_is_refused_with_the_place_of_the_problem(tmp_path):
    demo_repository()
    path = tmp_path / "bad.xml"
    path.write_bytes(_streamed(tmp_path).replace(b"<scope>", b"<bogus/><scope>", 1))

    with pytest.raises(XmlSchemaError) as raised:
        validate_variant_c_file(path=path)
    assert "bogus" in raised.value.messages[0] and "UseCase[" in raised.value.messages[0]


def test_a_file_that_ends_too_early_is_refused(tmp_path):
    demo_repository()
    path = tmp_path / "cut.xml"
    path.write_bytes(_streamed(tmp_path)[:-200])

    with pytest.raises(XmlSchemaError):
        validate_variant_c_file(path=path)
