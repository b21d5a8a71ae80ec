"""The use case page viewed again takes its sections from the cache (usecases.views.sections): far fewer queries, and
never a stale page nor what another reader sees: every kind of change the page shows is on the next view, and two
readers who may do different things see each their own page of the same revision."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.services import actor_update
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
    with_repository_role,
)
from ucmr.merge import library_merge
from usecases.access import usecase_share, usecase_unshare
from usecases.analysis.services import usecase_diagrams_render
from usecases.comments import comment_thread_start
from usecases.models import UseCase
from usecases.services import usecase_row_update, usecase_update
from usecases.views import sections

pytestmark = pytest.mark.django_db

# A page taken from the cache reads the session and the reader (4 queries with their permissions), the use case's
# header, what the reader may do with it (2), its diagrams and validation (2), comments (2: threads, watching), status
# changes, the last review, the library's latest change and the relations of 1.7 with which the reader may see (2).
QUERIES_VIEWED_AGAIN = 16


@pytest.fixture(autouse=True)
def no_follow_up(settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False  # no validation jobs: the pages only


@pytest.fixture
def workspace():
    return WorkspaceFactory(name="Planning")


@pytest.fixture
def author(workspace):
    return member_of(workspace, "author", "page-author")


@pytest.fixture
def viewer(workspace):
    return member_of(workspace, "viewer", "page-viewer")


@pytest.fixture
def use_case(workspace):
    use_case = UseCaseFactory(workspace=workspace, name="Congestion management", scope="Keep lines within limits.")
    ActorRoleFactory(use_case=use_case, actor=ActorFactory(name="Grid operator"))
    StepFactory(scenario=ScenarioFactory(use_case=use_case, name="Normal operation"), name="Send the forecast")
    return use_case


def page_of(client, user, use_case: UseCase) -> str:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    response = client.get(use_case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def viewed_counting_queries(client, use_case: UseCase) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(use_case.get_absolute_url())
    assert response.status_code == 200
    # the page's per-request tokens aside, the same page
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode()), len(context)


def test_a_page_viewed_again_runs_far_fewer_queries_whatever_its_size(client, repository_reader):
    client.force_login(repository_reader)
    small = make_complete_use_case(steps=10, actors=5, rows=2)
    large = make_complete_use_case(steps=300, actors=50, rows=20)

    first, first_queries = viewed_counting_queries(client, small)
    again, again_queries = viewed_counting_queries(client, small)
    viewed_counting_queries(client, large)
    large_again, large_again_queries = viewed_counting_queries(client, large)

    assert again == first
    assert again_queries <= QUERIES_VIEWED_AGAIN < first_queries / 2, (first_queries, again_queries)
    assert large_again_queries == again_queries
    assert large_again.count('<tr id="step-') == 300


def test_a_field_edit_shows(client, author, use_case):
    assert "Keep lines within limits." in page_of(client, author, use_case)

    usecase_update(user=author, use_case=use_case, data={"scope": "Keep every line below its rating."})

    page = page_of(client, author, use_case)
    assert "Keep every line below its rating." in page and "Keep lines within limits." not in page


def test_a_step_edit_shows(client, author, use_case):
    step = use_case.scenarios.get().steps.get()
    assert "Send the forecast" in page_of(client, author, use_case)

    usecase_row_update(user=author, row=step, data={"name": "Publish the forecast"})

    page = page_of(client, author, use_case)
    assert "Publish the forecast" in page and "Send the forecast" not in page


def test_a_library_actor_renamed_shows(client, author, use_case):
    """The use case's revision does not change when a library object does."""
    actor = use_case.actor_roles.get().actor
    revision = UseCase.objects.get(pk=use_case.pk).revision
    assert "Grid operator" in page_of(client, author, use_case)

    actor_update(user=with_repository_role(UserFactory(), "curator"), actor=actor, data={"name": "System operator"})

    page = page_of(client, author, use_case)
    assert UseCase.objects.get(pk=use_case.pk).revision == revision
    assert "System operator" in page and "Grid operator" not in page


def test_a_library_merge_shows(client, author, use_case):
    """A merge moves the use case's references to the survivor without changing its revision."""
    duplicate = use_case.actor_roles.get().actor
    survivor = ActorFactory(name="Distribution system operator")
    assert "Grid operator" in page_of(client, author, use_case)

    library_merge(user=with_repository_role(UserFactory(), "curator"), survivor=survivor, duplicates=[duplicate])

    page = page_of(client, author, use_case)
    assert "Distribution system operator" in page and "Grid operator" not in page


def test_a_comment_added_shows_its_badge(client, author, use_case):
    badge = 'title="1 comment (open) on section 1.3"'
    assert badge not in page_of(client, author, use_case)

    comment_thread_start(user=author, use_case=use_case, text="Which lines?", section="1.3")

    assert badge in page_of(client, author, use_case)


def test_diagrams_rendered_show(client, author, use_case):
    page = page_of(client, author, use_case)
    assert 'data-state="rendering"' in page and 'data-state="ready"' not in page

    usecase_diagrams_render(use_case_id=use_case.pk)

    page = page_of(client, author, use_case)
    assert 'data-state="ready"' in page and 'data-state="rendering"' not in page


def test_a_related_use_case_renamed_shows(client, author, use_case):
    related = UseCaseFactory(workspace=use_case.workspace, name="Voltage control")
    UseCaseRelationFactory(use_case=use_case, related=related)
    assert "Voltage control" in page_of(client, author, use_case)

    usecase_update(user=author, use_case=related, data={"name": "Reactive power control"})

    page = page_of(client, author, use_case)
    assert "Reactive power control" in page and "Voltage control" not in page


def test_a_related_use_case_no_longer_shared_is_not_named(client, viewer, use_case):
    """Sharing changes neither use case's revision."""
    related = UseCaseFactory(name="Secret use case")
    UseCaseRelationFactory(use_case=use_case, related=related)
    manager = member_of(related.workspace, "manager")
    grant = usecase_share(user=manager, use_case=related, grantee=viewer, permission="view")
    page = page_of(client, viewer, use_case)
    assert "Secret use case" in page and "a use case you may not see" not in page

    usecase_unshare(user=manager, use_case=related, kind=grant.kind, grant_id=grant.id)

    page = page_of(client, viewer, use_case)
    assert "Secret use case" not in page and "a use case you may not see" in page


EDIT_BUTTON = "Edit actors</a>"
COMMENT_BUTTON = 'class="badge rounded-pill ms-1 text-bg-light border text-decoration-none comment-add"'


@pytest.mark.parametrize("author_first", [True, False], ids=["author first", "viewer first"])
def test_readers_of_one_revision_see_each_what_they_may_do(client, author, viewer, use_case, author_first):
    order = [author, viewer] if author_first else [viewer, author]
    pages = {user: page_of(client, user, use_case) for user in order}

    assert EDIT_BUTTON in pages[author] and EDIT_BUTTON not in pages[viewer]


@pytest.mark.parametrize("member_first", [True, False], ids=["member first", "anonymous first"])
def test_anonymous_readers_of_a_published_use_case_may_not_comment(client, settings, viewer, use_case, member_first):
    settings.UCMR_PUBLIC_READ = True
    UseCase.objects.filter(pk=use_case.pk).update(status=UseCase.Status.PUBLISHED)
    order = [viewer, None] if member_first else [None, viewer]
    pages = {user: page_of(client, user, use_case) for user in order}

    assert COMMENT_BUTTON in pages[viewer] and COMMENT_BUTTON not in pages[None]
    assert "Congestion management" in pages[None]


def test_a_grant_given_while_the_page_is_rendered_names_nobody_under_the_key_read_before(
    client, workspace, viewer, use_case, monkeypatch
):
    """The sections name the related use cases the key was made with as visible, not those visible a moment later."""
    related = UseCaseFactory(name="Secret use case")
    UseCaseRelationFactory(use_case=use_case, related=related)
    manager = member_of(related.workspace, "manager")
    load = sections.usecase_page_sections_load

    def load_after_a_grant(*, use_case):
        usecase_share(user=manager, use_case=related, grantee=viewer, permission="view")
        return load(use_case=use_case)

    monkeypatch.setattr(sections, "usecase_page_sections_load", load_after_a_grant)
    page_of(client, viewer, use_case)
    monkeypatch.setattr(sections, "usecase_page_sections_load", load)

    page = page_of(client, member_of(workspace, "viewer"), use_case)  # may see what the first viewer could
    assert "Secret use case" not in page and "a use case you may not see" in page
