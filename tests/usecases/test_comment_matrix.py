"""The comment, watch and notification pages in the permission matrix (cases in matrix_comments.py beside this
file; tests/ucmr/test_permission_matrix.py lists them among every URL's)."""

import pytest

from tests.ucmr.test_permission_matrix import (
    ROLES,
    request_as,
    world,  # noqa: F401 - the fixture
)
from tests.usecases.matrix_comments import COMMENT_PAGE_CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", COMMENT_PAGE_CASES, ids=[case.id for case in COMMENT_PAGE_CASES])
def test_every_role_gets_the_expected_status(client, world, case):  # noqa: F811 - the fixture
    got = {role: request_as(client, world, case, role) for role in ROLES}
    assert got == case.expected
