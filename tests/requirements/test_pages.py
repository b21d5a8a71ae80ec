import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requirements.views import RequirementCategoryDetailView, RequirementDetailView, RequirementListView
from tests.factories import (
    InformationObjectFactory,
    RequirementCategoryFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def requirement_ids(response) -> list[str]:
    return [requirement.identifier for requirement in response.context["requirements"]]


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("requirements:requirement_list", None),
        ("requirements:requirement_detail", {"pk": 1}),
        ("requirements:category_detail", {"pk": 1}),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url_name", ["requirements:requirement_detail", "requirements:category_detail"])
def test_unknown_object_is_404(reader, url_name):
    assert reader.get(reverse(url_name, kwargs={"pk": 515151})).status_code == 404


def test_requirement_list_shows_requirements_under_their_category(reader):
    security = RequirementCategoryFactory(identifier="SEC", name="Security")
    quality = RequirementCategoryFactory(identifier="QOS", name="Quality of service")
    RequirementFactory(identifier="R-SEC-2", name="Audit", category=security)
    RequirementFactory(identifier="R-QOS-1", name="Latency", category=quality)
    RequirementFactory(identifier="R-SEC-1", name="Encryption", category=security)
    RequirementFactory(identifier="R-X", name="Loose", category=None)

    response = reader.get(reverse("requirements:requirement_list"))

    text = response.content.decode()
    text = text[text.index("</form>", text.index("filter-form")) :]  # the rows, not the filter's choices
    assert response.status_code == 200
    order = [text.index(shown) for shown in ("QOS Quality of service", "R-QOS-1", "SEC Security", "R-SEC-1", "R-SEC-2")]
    assert order == sorted(order)
    assert text.count("SEC Security") == 1
    assert "(no category)" in text and "R-X" in text


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "encrypt"}, ["R-SEC-1"]),
        ({"q": "r-qos"}, ["R-QOS-1"]),
        ({"category": "security"}, ["R-SEC-1", "R-SEC-2"]),
        ({"category": "security", "q": "audit"}, ["R-SEC-2"]),
    ],
)
def test_requirement_filters_narrow_the_list(reader, params, expected):
    security = RequirementCategoryFactory(identifier="SEC", name="Security")
    RequirementFactory(identifier="R-SEC-1", name="Encryption", category=security)
    RequirementFactory(identifier="R-SEC-2", name="Audit", description="Every access is logged.", category=security)
    RequirementFactory(identifier="R-QOS-1", name="Latency")
    if "category" in params:
        params = {**params, "category": security.pk}

    assert len(requirement_ids(reader.get(reverse("requirements:requirement_list")))) == 3
    assert requirement_ids(reader.get(reverse("requirements:requirement_list"), params)) == expected


def test_category_detail_shows_parent_subcategories_and_requirements(reader):
    parent = RequirementCategoryFactory(identifier="NF", name="Non-functional")
    category = RequirementCategoryFactory(identifier="NF.SEC", name="Security", parent=parent, description="Keep safe.")
    RequirementCategoryFactory(identifier="NF.SEC.AUTH", name="Authentication", parent=category)
    RequirementFactory(identifier="R-SEC-1", name="Encryption", category=category)

    response = reader.get(category.get_absolute_url())

    text = response.content.decode()
    assert response.status_code == 200
    for shown in ("Non-functional", "Keep safe.", "NF.SEC.AUTH Authentication", "R-SEC-1", "Encryption"):
        assert shown in text


def test_requirement_detail_shows_what_refers_to_it(reader):
    requirement = RequirementFactory(identifier="R-LAT", name="Latency", description="Under <5 s>.")
    InformationObjectFactory(identifier="IO-SP", name="Set point").requirements.add(requirement)
    step = StepFactory(scenario=ScenarioFactory(use_case=UseCaseFactory(name="Frequency support")))
    step.requirements.add(requirement)

    response = reader.get(requirement.get_absolute_url())

    text = response.content.decode()
    assert response.status_code == 200
    for shown in (
        "R-LAT",
        "Latency",
        "Under &lt;5 s&gt;.",
        requirement.category.name,
        "IO-SP Set point",
        "Frequency support",
    ):
        assert shown in text
    assert f"#step-{step.pk}" in text


@pytest.mark.parametrize("url_name", ["list", "detail", "category"])
def test_requirement_pages_queries_do_not_grow_with_the_rows(reader, url_name):
    category = RequirementCategoryFactory()
    requirement = RequirementFactory(category=category)
    url = {
        "list": reverse("requirements:requirement_list"),
        "detail": requirement.get_absolute_url(),
        "category": category.get_absolute_url(),
    }[url_name]

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert reader.get(url).status_code == 200
        return len(context.captured_queries)

    def add_rows(count: int) -> None:
        RequirementFactory.create_batch(count, category=category)
        RequirementCategoryFactory.create_batch(count, parent=category)
        for _ in range(count):
            StepFactory().requirements.add(requirement)
            InformationObjectFactory().requirements.add(requirement)

    add_rows(1)
    few = count_queries()
    add_rows(10)
    assert count_queries() == few


@pytest.mark.parametrize("view", [RequirementListView, RequirementDetailView, RequirementCategoryDetailView])
def test_rendering_the_requirement_pages_runs_no_query(user, django_assert_num_queries, view):
    requirement = RequirementFactory(name="Encryption", category=RequirementCategoryFactory(name="Security"))
    StepFactory().requirements.add(requirement)
    InformationObjectFactory().requirements.add(requirement)
    RequirementCategoryFactory(parent=requirement.category)
    pk = {RequirementDetailView: requirement.pk, RequirementCategoryDetailView: requirement.category_id}.get(view)
    request = RequestFactory().get("/")
    request.user = user
    response = view.as_view()(request, **({"pk": pk} if pk else {}))

    with django_assert_num_queries(0):
        response.render()

    assert "Encryption" in response.content.decode() and "Security" in response.content.decode()
