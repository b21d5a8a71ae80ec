"""The whole API against the schema it serves: schemathesis generates requests for every operation of /api/schema/
(valid and invalid ones), sends them to the WSGI application in this process as an administrator with a token, and
checks that no answer is a 5xx and that every answer is what the schema says (a documented status code, content
type, headers and body). Bounded and derandomized, so that CI runs the same examples every time.

The world (a workspace, use cases, library objects) is made once for the module, in a transaction rolled back at its
end; each test (one per operation) nests pytest-django's transaction in it, and each example its own savepoint,
rolled back after the request: the POST, PUT and DELETE requests it generates do not pile up, every example meets
the same world. That is why the application is called in-process, on this thread's database connection, rather
than through a live server (which would need committed data, and a flush after every example)."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from tests.factories import (
    ActorFactory,
    CommonTermFactory,
    InformationObjectFactory,
    RequirementFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    with_repository_role,
)
from ucmr.models import BackgroundJob, ChangeLogEntry
from ucmr.tokens import api_token_create
from usecases.models import CommonTerm, InformationObject, UseCase, UseCaseSnapshot, Workspace
from usecases.workflow import usecase_approve, usecase_publish, usecase_submit

pytestmark = pytest.mark.django_db

# No 5xx; status code, content type, headers and body as documented; and an operation that needs authentication
# refuses the same request without the token or with a wrong one. Left out, on purpose:
# - negative_data_rejection: lists ignore an empty filter value or a page size out of range, as the HTML lists
#   (which share the FilterSets) must; schemathesis counts each as invalid data accepted.
# - positive_data_acceptance: a schema-valid request may be refused for what only the data can tell (an id that
#   names nothing, a duplicate name, a use case in the wrong status), with a documented 4xx.
# - use_after_free, ensure_resource_availability, object_level_authorization: they follow links between requests or
#   switch identities (the stateful phase); the permission matrix tests cover who may do what.
# - missing_required_header, unsupported_method, allow_header_conformance: cases of the coverage phase (off below).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]

# What the path parameters of each collection may name in the world (filled by the `token` fixture): the generated
# addresses name these half of the time, so that reads and writes reach real objects, not only 404s.
ADDRESSES: dict[str, list] = {}

# Loaded while collecting (no database needed): one test per operation, named after it. The explicit examples of
# the schema and `max_examples` generated cases (valid and invalid) per operation; not the coverage phase, which
# ignores `max_examples` and makes every boundary case it can think of (3,600 for a use case document alone).
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", WSGIHandler(), config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
)


def _collection(path: str, name: str) -> str:
    """`use-cases` for {id} in /api/use-cases/{id}/xml/; `use-cases/{id}/versions` for {sequence}."""
    return path.split("/{" + name + "}")[0].removeprefix("/api/")


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    known = {name: ADDRESSES.get(_collection(context.operation.path, name)) for name in path_parameters}
    known = {name: values for name, values in known.items() if values}
    if not known:
        return st.just(path_parameters)
    real = {name: st.sampled_from(values) for name, values in known.items()}
    generated = {name: st.just(value) for name, value in path_parameters.items()}  # those no address is known of
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries({**generated, **real}))


@pytest.fixture(scope="module")
def wsgi_app():
    """Django's WSGI application, without closing the connection when a request starts and ends (as Django's own
    test client does): that would end the test transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def token(django_db_setup, django_db_blocker):
    """The world every example meets, made once for the module in a transaction rolled back at its end (each test
    nests its own inside it): a workspace with a complete published use case (versions, history), a complete
    draft and two small ones, library objects and a job. The token is an administrator's; nothing is throttled."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(UCMR_API_THROTTLE_USER="", UCMR_API_THROTTLE_ANON=""),
    ):
        administrator = with_repository_role(UserFactory(username="administrator"), "administrator")
        workspace = WorkspaceFactory(name="Grid", slug="grid")
        published = make_complete_use_case(workspace=workspace, created_by=administrator, steps=6, actors=3, rows=1)
        for step in (usecase_submit, usecase_approve, usecase_publish):
            step(user=administrator, use_case=published)
        make_complete_use_case(workspace=workspace, created_by=administrator, steps=6, actors=3, rows=1)
        UseCaseFactory.create_batch(2, workspace=workspace, created_by=administrator)
        RequirementFactory.create_batch(2)
        ActorFactory.create_batch(2)
        InformationObjectFactory.create_batch(2)
        CommonTermFactory.create_batch(2)
        BackgroundJob.objects.create(kind="import", user=administrator, status=BackgroundJob.Status.SUCCEEDED)
        ADDRESSES.update(_addresses(published))
        _, key = api_token_create(user=administrator, name="schemathesis")
        yield key
        ADDRESSES.clear()
        transaction.set_rollback(True)


def _addresses(published: UseCase) -> dict[str, list]:
    def values(model, field: str = "pk", **lookups) -> list:
        return [str(value) for value in model.objects.filter(**lookups).order_by(field).values_list(field, flat=True)]

    return {
        "use-cases": values(UseCase),
        "use-cases/{id}/versions": values(UseCaseSnapshot, "sequence", use_case=published),
        "actors": values(Actor),
        "requirements": values(Requirement),
        "requirement-categories": values(RequirementCategory),
        "information-objects": values(InformationObject),
        "common-terms": values(CommonTerm),
        "workspaces": values(Workspace, "slug"),
        "changes": values(ChangeLogEntry),
        "jobs": values(BackgroundJob),
        "imports": values(BackgroundJob),
        "sgam/layers": values(Layer, "code"),
        "sgam/domains": values(Domain, "code"),
        "sgam/zones": values(Zone, "code"),
        "sgam/placements": values(SgamPlacement),
        "nist/domains": values(NistDomain, "code"),
        "nist/placements": values(NistPlacement),
    }


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_the_api_answers_as_its_schema_says(case, wsgi_app, token):
    with transaction.atomic():
        case.call_and_validate(checks=CHECKS, app=wsgi_app, headers={"Authorization": f"Token {token}"})
        transaction.set_rollback(True)
