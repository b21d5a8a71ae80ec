"""The shared libraries over the API (actors, requirement categories, requirements, information objects, common
terms): written through the services by curators, read by everyone signed in, with the pages' filters, ETags, one
error shape and a query count that does not grow with the rows."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from tests.factories import (
    ActorFactory,
    CommonTermFactory,
    InformationObjectFactory,
    RequirementCategoryFactory,
    RequirementFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
    with_repository_role,
)
from ucmr.models import ChangeLogEntry
from usecases.models import CommonTerm, InformationObject

pytestmark = pytest.mark.django_db


@dataclass
class Library:
    basename: str
    model: type
    factory: Callable
    create: Callable[[], dict]  # a valid new object, as the request body
    change: dict  # a PATCH body
    page: str  # the HTML list with the same FilterSet
    shown: str  # the field a test reads back

    @property
    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj) -> str:
        return reverse(f"api:{self.basename}-detail", kwargs={"pk": obj.pk})


LIBRARIES = [
    Library(
        "actor",
        Actor,
        ActorFactory,
        lambda: {"name": "Grid operator", "type": "organisation", "description": "Runs the grid."},
        {"description": "Runs the distribution grid."},
        "actors:actor_list",
        "name",
    ),
    Library(
        "requirement-category",
        RequirementCategory,
        RequirementCategoryFactory,
        lambda: {"identifier": "SEC", "name": "Security", "parent": RequirementCategoryFactory().pk},
        {"description": "Confidentiality, integrity, availability."},
        "",
        "name",
    ),
    Library(
        "requirement",
        Requirement,
        RequirementFactory,
        lambda: {"identifier": "R-SEC-1", "name": "Encrypt", "category": RequirementCategoryFactory().pk},
        {"description": "TLS 1.3 or better."},
        "requirements:requirement_list",
        "name",
    ),
    Library(
        "information-object",
        InformationObject,
        InformationObjectFactory,
        lambda: {
            "identifier": "IO-MV",
            "name": "Meter values",
            "data_class": "meter_usage",
            "standards": "IEC 61968-9",
            "requirements": [RequirementFactory().pk, RequirementFactory().pk],
        },
        {"standards": "IEC 61968-9, IEC 62325-451"},
        "usecases:information_object_list",
        "name",
    ),
    Library(
        "common-term",
        CommonTerm,
        CommonTermFactory,
        lambda: {"term": "Flexibility", "definition": "Changing a power profile on request."},
        {"definition": "The ability to change a power profile."},
        "usecases:term_list",
        "term",
    ),
]
IDS = [library.basename for library in LIBRARIES]


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


@pytest.fixture
def curator():
    return with_repository_role(UserFactory(username="curator"), "curator")


@pytest.fixture
def author():
    return member_of(WorkspaceFactory(slug="grid"), "author", username="author")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _comparable(value):
    return sorted(value) if isinstance(value, list) else value


@pytest.mark.parametrize("library", LIBRARIES, ids=IDS)
def test_a_curator_creates_reads_changes_and_deletes_through_the_services(curator, library):
    api = client_for(curator)
    body = {key: _comparable(value) for key, value in library.create().items()}

    created = api.post(library.list_url, body, format="json")

    assert created.status_code == 201, created.json()
    obj = library.model.objects.get(pk=created.json()["id"])
    assert created["Location"] == created.json()["url"] == f"http://testserver{library.detail_url(obj)}"
    assert type(created.headers["Location"]) is str  # WSGI servers refuse str subclasses (DRF's Hyperlink)
    assert {key: _comparable(created.json()[key]) for key in body} == body
    assert ChangeLogEntry.objects.filter(action="create", object_id=str(obj.pk), user=curator).exists()

    read = api.get(library.detail_url(obj))
    assert read.status_code == 200
    assert read.json() == created.json()
    assert read["ETag"] == created["ETag"]

    changed = api.patch(library.detail_url(obj), library.change, format="json", HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200, changed.json()
    obj.refresh_from_db()
    for name, value in library.change.items():
        assert getattr(obj, name) == value
    assert changed["ETag"] != read["ETag"]
    assert ChangeLogEntry.objects.filter(action="update", object_id=str(obj.pk), user=curator).exists()

    replaced = api.put(library.detail_url(obj), {**body, **library.change}, format="json")
    assert replaced.status_code == 200, replaced.json()

    deleted = api.delete(library.detail_url(obj), HTTP_IF_MATCH=replaced["ETag"])
    assert deleted.status_code == 204
    assert not library.model.objects.filter(pk=obj.pk).exists()
    assert ChangeLogEntry.objects.filter(action="delete", object_id=str(obj.pk), user=curator).exists()
    assert api.get(library.detail_url(obj)).status_code == 404


@pytest.mark.parametrize("library", LIBRARIES, ids=IDS)
def test_a_plain_author_reads_but_may_not_write(author, library):
    api = client_for(author)
    obj = library.factory()
    before = getattr(obj, library.shown)
    new, replacement = library.create(), library.create()
    count = library.model.objects.count()

    assert api.get(library.list_url).status_code == 200
    assert api.get(library.detail_url(obj)).status_code == 200
    refused = [
        api.post(library.list_url, new, format="json"),
        api.patch(library.detail_url(obj), library.change, format="json"),
        api.put(library.detail_url(obj), replacement, format="json"),
        api.delete(library.detail_url(obj)),
    ]

    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    assert refused[0].json()["status"] == 403
    assert refused[0].json()["message"] == f"You may not add a new {library.model._meta.verbose_name}."
    assert library.model.objects.count() == count
    obj.refresh_from_db()
    assert getattr(obj, library.shown) == before


@pytest.mark.parametrize("library", LIBRARIES, ids=IDS)
def test_anonymous_clients_must_authenticate_unless_the_libraries_are_public(settings, library):
    obj = library.factory()
    api = APIClient()

    assert api.get(library.list_url).status_code == 401
    assert api.get(library.detail_url(obj)).status_code == 401
    settings.UCMR_PUBLIC_READ = True
    assert api.get(library.list_url).status_code == 200
    assert api.get(library.detail_url(obj)).status_code == 200
    assert api.post(library.list_url, library.create(), format="json").status_code == 401


@pytest.mark.parametrize("library", LIBRARIES, ids=IDS)
def test_a_stale_if_match_is_refused_and_changes_nothing(curator, library):
    api = client_for(curator)
    obj = library.factory()
    first = api.get(library.detail_url(obj))
    api.patch(library.detail_url(obj), library.change, format="json")  # someone else's change
    value = getattr(library.model.objects.get(pk=obj.pk), library.shown)
    entries = ChangeLogEntry.objects.count()

    stale_patch = api.patch(
        library.detail_url(obj), {library.shown: "Overwritten"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    stale_delete = api.delete(library.detail_url(obj), HTTP_IF_MATCH=first["ETag"])

    assert (stale_patch.status_code, stale_delete.status_code) == (412, 412)
    assert stale_patch.json()["code"] == "precondition_failed"
    assert getattr(library.model.objects.get(pk=obj.pk), library.shown) == value
    assert ChangeLogEntry.objects.count() == entries


@pytest.mark.parametrize("library", LIBRARIES, ids=IDS)
def test_a_current_if_none_match_is_not_modified(curator, library):
    api = client_for(curator)
    url = library.detail_url(library.factory())
    etag = api.get(url)["ETag"]

    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_missing_field_is_a_400_naming_it(curator):
    response = client_for(curator).post(reverse("api:actor-list"), {"type": "system"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"], body["message"]) == (400, "required", "name: This field is required.")
    assert body["errors"] == [{"path": "name", "code": "required", "message": "This field is required."}]


@pytest.mark.parametrize(
    ("basename", "make", "body", "message"),
    [
        (
            "actor",
            lambda: ActorFactory(name="Grid operator"),
            {"name": "  grid OPERATOR ", "type": "role"},
            "An actor with this name already exists (names ignore case and spaces).",
        ),
        (
            "common-term",
            lambda: CommonTermFactory(term="Flexibility"),
            {"term": "flexibility"},
            "This term is already defined (terms ignore case and spaces).",
        ),
        ("requirement", lambda: None, {"identifier": "", "name": ""}, "A requirement needs an R-ID or a name."),
    ],
)
def test_what_the_model_refuses_comes_back_from_the_service_in_the_one_error_shape(
    curator, basename, make, body, message
):
    make()
    model = {"actor": Actor, "common-term": CommonTerm, "requirement": Requirement}[basename]
    count = model.objects.count()

    response = client_for(curator).post(reverse(f"api:{basename}-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert response.json()["errors"] == [{"path": "", "code": "invalid", "message": message}]
    assert model.objects.count() == count


def test_a_category_cannot_be_moved_inside_itself(curator):
    parent = RequirementCategoryFactory()
    child = RequirementCategoryFactory(parent=parent)
    url = reverse("api:requirement-category-detail", kwargs={"pk": parent.pk})

    response = client_for(curator).patch(url, {"parent": child.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "parent",
            "code": "invalid",
            "message": "A category cannot be inside itself or one of its subcategories.",
        }
    ]
    parent.refresh_from_db()
    assert parent.parent is None


def test_what_a_use_case_still_uses_cannot_be_deleted(curator):
    use_case = make_complete_use_case(workspace=WorkspaceFactory())
    actor = use_case.actor_roles.first().actor
    category = RequirementCategory.objects.filter(requirements__isnull=False).first()
    api = client_for(curator)

    refused = [
        api.delete(reverse("api:actor-detail", kwargs={"pk": actor.pk})),
        api.delete(reverse("api:requirement-category-detail", kwargs={"pk": category.pk})),
    ]

    assert [response.status_code for response in refused] == [400, 400]
    assert refused[0].json()["errors"][0]["message"].startswith(f"'{actor.name}' is still in use by")
    assert Actor.objects.filter(pk=actor.pk).exists()
    assert RequirementCategory.objects.filter(pk=category.pk).exists()


def test_a_reference_to_a_missing_row_is_a_400_naming_the_field(curator):
    body = {"name": "Meter values", "requirements": [987654]}

    response = client_for(curator).post(reverse("api:information-object-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "requirements"
    assert not InformationObject.objects.exists()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _page_ids(client, url_name: str, params: dict) -> list[int]:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return [obj.pk for obj in response.context["object_list"]]


def _library_rows():
    ActorFactory(name="SCADA", type="system", description="Supervisory control")
    ActorFactory(name="Grid operator", type="organisation", description="Operates the control room")
    ActorFactory(name="Meter", type="device", description="Counts energy")
    security = RequirementCategoryFactory(name="Security")
    RequirementFactory(identifier="R-1", name="Encrypt links", category=security)
    RequirementFactory(identifier="R-2", name="Log access", description="Control who reads", category=security)
    RequirementFactory(identifier="R-3", name="Respond in 2 s", category=RequirementCategoryFactory())
    InformationObjectFactory(name="Meter values", data_class="meter_usage", standards="IEC 61968-9")
    InformationObjectFactory(name="Switching order", data_class="operational", standards="IEC 61850")
    InformationObjectFactory(name="Alarm", data_class="event_message", description="Control alarm")
    CommonTermFactory(term="SCADA", definition="Supervisory control and data acquisition")
    CommonTermFactory(term="DER", definition="Distributed energy resource")
    return security


@pytest.mark.parametrize(
    ("basename", "page", "params"),
    [
        ("actor", "actors:actor_list", {"q": "control"}),
        ("actor", "actors:actor_list", {"type": "device"}),
        ("actor", "actors:actor_list", {"q": "  operat ", "type": "organisation"}),
        ("requirement", "requirements:requirement_list", {"q": "control"}),
        ("requirement", "requirements:requirement_list", {"category": "security"}),
        ("information-object", "usecases:information_object_list", {"q": "IEC 618"}),
        ("information-object", "usecases:information_object_list", {"data_class": "event_message"}),
        ("common-term", "usecases:term_list", {"q": "control"}),
    ],
)
def test_filters_and_search_give_what_the_page_lists(client, curator, basename, page, params):
    security = _library_rows()
    params = {key: security.pk if value == "security" else value for key, value in params.items()}
    client.force_login(curator)

    found = _ids(client_for(curator).get(reverse(f"api:{basename}-list"), params))

    assert found, "the filter matches something"
    assert found == _page_ids(client, page, params)
    assert len(found) < len(_ids(client_for(curator).get(reverse(f"api:{basename}-list"))))


def test_a_choice_the_filter_does_not_know_is_a_400(curator):
    response = client_for(curator).get(reverse("api:actor-list"), {"type": "martian"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "type"


def test_requirement_categories_filter_by_parent(curator):
    parent = RequirementCategoryFactory()
    children = [RequirementCategoryFactory(parent=parent).pk for _ in range(2)]
    RequirementCategoryFactory()

    response = client_for(curator).get(reverse("api:requirement-category-list"), {"parent": parent.pk})

    assert sorted(_ids(response)) == sorted(children)


def test_lists_order_by_the_fields_offered(curator):
    for name in ("Bravo", "Alpha", "Charlie"):
        ActorFactory(name=name, description=f"{4 - len(name)}")
    api = client_for(curator)

    def names(ordering: str) -> list[str]:
        return [row["name"] for row in api.get(reverse("api:actor-list"), {"ordering": ordering}).json()["results"]]

    assert names("-name") == ["Charlie", "Bravo", "Alpha"]
    assert names("description") == ["Alpha", "Bravo", "Charlie"], "not offered: the default order"


def _make(basename: str, count: int) -> None:
    if basename == "information-object":
        for information_object in InformationObjectFactory.create_batch(count):
            information_object.requirements.add(*RequirementFactory.create_batch(2))
    elif basename == "requirement":
        RequirementFactory.create_batch(count)  # each in a category of its own
    else:
        next(library for library in LIBRARIES if library.basename == basename).factory.create_batch(count)


def _count_queries(api, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = api.get(url, {"page_size": 50})
    assert response.status_code == 200
    return response.json()["count"], [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("basename", IDS)
def test_list_queries_do_not_grow_with_the_rows(author, basename):
    api = client_for(author)
    url = reverse(f"api:{basename}-list")

    _make(basename, 2)
    few_count, few = _count_queries(api, url)
    _make(basename, 28)
    many_count, many = _count_queries(api, url)

    assert many_count - few_count == 28
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 4, "\n".join(few)
