"""The data access matrix's API in the permission matrix of tests/ucmr/test_permission_matrix.py: every client that
may read the use case list may read the matrix and the policy of its selection (which only ever holds what the
client may see, tests/api/test_access_matrix.py); nothing is written there."""

from tests.ucmr.test_permission_matrix import Case, statuses

EVERY_CLIENT = statuses(200, anonymous=401)
READ_ONLY = statuses(405, anonymous=401)

ACCESS_MATRIX_API_CASES = [
    Case("api:access-matrix-list", EVERY_CLIENT, public=200),
    Case(
        "api:access-matrix-list",
        EVERY_CLIENT,
        data=lambda world: {"workspace": "grid", "data_class": "meter_usage", "sort": "-information"},
        public=200,
        label="filtered",
    ),
    Case("api:access-matrix-policy", EVERY_CLIENT, public=200),
    Case("api:access-matrix-list", READ_ONLY, method="post", data=lambda world: {"role": "x"}, label="read-only"),
]
