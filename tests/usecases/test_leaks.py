"""Nothing of a use case the user may not see reaches them: not in lists, searches, filter choices, counts, "used
in" panels, the audit trail, workspace pages or job results.

The world: the viewer's workspace "ours" holds the draft "Visible plan"; workspace "theirs" holds the draft
"Secret plan" (nature SECRET-NATURE) and the published "Published plan". Both drafts use the same actor,
information object, requirement and term, and "Visible plan" relates to "Secret plan".
"""

import pytest
from django.urls import reverse

from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    CommonTermFactory,
    InformationObjectFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
    with_repository_role,
)
from ucmr.jobs import job_start
from usecases.models import UseCaseRelation
from usecases.services import usecase_create, usecase_row_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    administrator = with_repository_role(UserFactory(), "administrator")
    ours, theirs = WorkspaceFactory(name="Ours", slug="ours"), WorkspaceFactory(name="Theirs", slug="theirs")
    actor = ActorFactory(name="Shared aggregator")
    information = InformationObjectFactory(identifier="IO-SHARED", name="Shared set point")
    requirement = RequirementFactory(identifier="R-SHARED")
    term = CommonTermFactory(term="Shared term")

    def use_case(workspace, name, **data):
        made = usecase_create(user=administrator, workspace=workspace, data={"name": name, **data})
        ActorRoleFactory(use_case=made, actor=actor)
        step = StepFactory(scenario=ScenarioFactory(use_case=made), name=f"Step of {name}")
        step.information_objects.add(information)
        step.requirements.add(requirement)
        made.common_terms.add(term)
        return made

    visible = use_case(ours, "Visible plan", nature="BUC")
    secret = use_case(theirs, "Secret plan", nature="SECRET-NATURE", keywords="plan")
    published = usecase_create(user=administrator, workspace=theirs, data={"name": "Published plan"})
    published.status = "published"
    published.save()
    usecase_row_create(user=administrator, use_case=visible, model=UseCaseRelation, data={"related": secret})
    return {
        "viewer": member_of(ours, "viewer"),
        "manager": member_of(ours, "manager"),
        "visible": visible,
        "secret": secret,
        "published": published,
        "actor": actor,
        "information": information,
        "requirement": requirement,
        "term": term,
    }


@pytest.fixture
def viewer(client, world):
    client.force_login(world["viewer"])
    return client


def names(response, key="use_cases"):
    return {use_case.name for use_case in response.context[key]}


def test_the_list_and_the_search_show_only_visible_use_cases(viewer):
    url = reverse("usecases:usecase_list")
    assert names(viewer.get(url)) == {"Visible plan", "Published plan"}
    assert names(viewer.get(url, {"q": "plan"})) == {"Visible plan", "Published plan"}
    assert names(viewer.get(url, {"q": "Secret"})) == set()
    assert viewer.get(url, {"q": "Secret"}).context["paginator"].count == 0
    assert "Secret plan" not in viewer.get(url, {"q": "plan"}).content.decode()


def test_filter_choices_and_filters_name_nothing_invisible(viewer, world):
    response = viewer.get(reverse("usecases:usecase_list"), {"actor": world["actor"].pk})
    text = response.content.decode()
    assert names(response) == {"Visible plan"}
    assert "SECRET-NATURE" not in text
    by_nature = viewer.get(reverse("usecases:usecase_list"), {"nature": "SECRET-NATURE"})
    assert names(by_nature) == set() and "Select a valid choice" in by_nature.content.decode()


def test_home_counts_and_work_list_only_cover_visible_use_cases(viewer):
    response = viewer.get(reverse("home"))
    assert response.context["counts"]["use_cases"] == 2
    assert "Secret plan" not in response.content.decode()


def test_library_pages_count_and_list_only_visible_use_cases(viewer, world):
    actors = viewer.get(reverse("actors:actor_list"))
    actor_page = viewer.get(world["actor"].get_absolute_url()).content.decode()
    information_list = viewer.get(reverse("usecases:information_object_list"))
    information_page = viewer.get(world["information"].get_absolute_url()).content.decode()
    requirement_page = viewer.get(world["requirement"].get_absolute_url()).content.decode()
    terms = viewer.get(reverse("usecases:term_list"))

    assert [actor.use_case_count for actor in actors.context["actors"]] == [1]
    assert "Visible plan" in actor_page and "Secret plan" not in actor_page
    assert [item.step_count for item in information_list.context["information_objects"]] == [1]
    for page in (information_page, requirement_page):
        assert "Visible plan" in page and "Secret plan" not in page
    assert [term.use_case_count for term in terms.context["terms"]] == [1]


def test_the_use_case_page_does_not_name_a_related_use_case_the_user_may_not_see(viewer, world):
    text = viewer.get(world["visible"].get_absolute_url()).content.decode()
    assert "Secret plan" not in text and "a use case you may not see" in text


@pytest.mark.parametrize(
    "url_name", ["usecase_detail", "usecase_history", "usecase_versions", "usecase_update", "usecase_share"]
)
def test_every_page_of_an_invisible_use_case_is_not_found(viewer, world, url_name):
    response = viewer.get(reverse(f"usecases:{url_name}", kwargs={"pk": world["secret"].pk}))
    assert response.status_code == 404 and "Secret plan" not in response.content.decode()


def test_workspace_pages_count_only_visible_use_cases(viewer):
    workspaces = viewer.get(reverse("usecases:workspace_list")).context["workspaces"]
    assert {workspace.name: workspace.use_case_count for workspace in workspaces} == {"Ours": 1, "Theirs": 1}


def test_the_change_log_of_a_manager_leaves_out_invisible_use_cases(client, world):
    client.force_login(world["manager"])
    text = client.get(reverse("change_log"), {"type": "usecases.usecase"}).content.decode()
    assert "Visible plan" in text and "Published plan" in text and "Secret plan" not in text
    history = client.get(reverse("usecases:usecase_history", kwargs={"pk": world["visible"].pk})).content.decode()
    assert "Secret plan" not in history


def test_my_work_and_job_results_cover_only_visible_use_cases(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["manager"])
    work = client.get(reverse("usecases:my_work")).context["work"]
    assert [use_case.name for use_case in work.drafts] == ["Visible plan"]

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=world["viewer"], kind="repository_stats")
    job.refresh_from_db()
    assert job.result["counts"]["use_cases"] == 2 and job.result["counts"]["steps"] == 1
    assert job.result["use_cases_by_status"] == {"draft": 1, "published": 1}


def test_anonymous_visitors_read_only_published_use_cases_where_the_setting_allows(client, world, settings):
    settings.UCMR_PUBLIC_READ = True

    listing = client.get(reverse("usecases:usecase_list"))
    home = client.get(reverse("home"))
    actor_page = client.get(world["actor"].get_absolute_url()).content.decode()

    assert names(listing) == {"Published plan"}
    assert home.context["counts"]["use_cases"] == 1 and home.context["summaries"] == []
    assert f'href="{reverse("login")}?next=/"' in home.content.decode()
    assert "Visible plan" not in actor_page and "Secret plan" not in actor_page
    assert client.get(world["visible"].get_absolute_url())["Location"].startswith(reverse("login"))
