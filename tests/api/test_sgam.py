"""SGAM and NIST reference values and placements over the API: read only, a placement seen with its subject, filters
by subject and by cell, and a query count that does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from sgam.reference import DOMAINS, LAYERS, NIST_DOMAINS, ZONES
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    InformationObjectFactory,
    NistPlacementFactory,
    SgamPlacementFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
    with_repository_role,
)
from usecases.models import Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _reference_model(basename: str):
    return {"sgam-layer": Layer, "sgam-domain": Domain, "sgam-zone": Zone, "nist-domain": NistDomain}[basename]


def _layer(code):
    return Layer.objects.get(code=code)


def _domain(code):
    return Domain.objects.get(code=code)


def _zone(code):
    return Zone.objects.get(code=code)


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


REFERENCES = [("sgam-layer", LAYERS), ("sgam-domain", DOMAINS), ("sgam-zone", ZONES), ("nist-domain", NIST_DOMAINS)]


@pytest.mark.parametrize(("basename", "reference"), REFERENCES)
def test_every_signed_in_user_reads_the_reference_values_in_their_order(basename, reference):
    api = client_for(UserFactory())

    rows = _results(api.get(reverse(f"api:{basename}-list")))

    assert [(row["code"], row["name"], row["description"]) for row in rows] == reference
    assert [row["order"] for row in rows] == sorted(row["order"] for row in rows)
    code = reference[-1][0]
    detail = api.get(reverse(f"api:{basename}-detail", kwargs={"code": code}))
    assert detail.status_code == 200
    assert detail.json() == rows[-1]
    assert detail.json()["url"] == f"http://testserver/api/{basename.replace('-', '/')}s/{code}/"


@pytest.mark.parametrize(("basename", "reference"), REFERENCES)
def test_the_reference_values_are_not_written_through_the_api(basename, reference):
    api = client_for(with_repository_role(UserFactory(), "administrator"))
    detail = reverse(f"api:{basename}-detail", kwargs={"code": reference[0][0]})

    statuses = [
        api.post(reverse(f"api:{basename}-list"), {"code": "x", "name": "X"}, format="json").status_code,
        api.put(detail, {"code": "x", "name": "X"}, format="json").status_code,
        api.patch(detail, {"name": "X"}, format="json").status_code,
        api.delete(detail).status_code,
    ]

    assert statuses == [405, 405, 405, 405]
    assert {(row.code, row.name) for row in _reference_model(basename).objects.all()} == {
        (code, name) for code, name, _ in reference
    }


def test_anonymous_clients_read_the_reference_values_only_where_the_setting_allows(settings):
    url = reverse("api:sgam-zone-list")

    assert APIClient().get(url).status_code == 401
    settings.UCMR_PUBLIC_READ = True
    assert len(_results(APIClient().get(url))) == 6


def test_an_unknown_code_is_a_404():
    response = client_for(UserFactory()).get(reverse("api:sgam-zone-detail", kwargs={"code": "orbit"}))

    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.fixture
def scene():
    """A use case in "grid" (its member sees it), one in "hidden" (nobody but administrators), a published one, and
    library objects, each with a placement; an actor of the hidden use case placed there too."""
    grid = WorkspaceFactory(slug="grid")
    member = member_of(grid, "viewer", username="member")
    outsider = UserFactory(username="outsider")
    visible = UseCaseFactory(workspace=grid, name="Visible")
    hidden = UseCaseFactory(name="Hidden")
    published = UseCaseFactory(name="Published", status="published")
    actor = ActorFactory(name="SCADA")
    information_object = InformationObjectFactory()
    hidden_role = ActorRoleFactory(use_case=hidden, actor=actor)
    placements = {
        "visible": SgamPlacementFactory(use_case=visible, domain=_domain("distribution"), zone=_zone("operation")),
        "hidden": SgamPlacementFactory(use_case=hidden, domain=_domain("der"), zone=_zone("field")),
        "published": SgamPlacementFactory(use_case=published, layer=_layer("business"), zone=_zone("market")),
        "actor": SgamPlacementFactory(actor=actor, layer=_layer("component"), domain=_domain("distribution")),
        "information_object": SgamPlacementFactory(
            information_object=information_object, layer=_layer("information"), zone=_zone("operation")
        ),
        "hidden_role": SgamPlacementFactory(actor_role=hidden_role, domain=_domain("der")),
    }
    nist = {
        "visible": NistPlacementFactory(use_case=visible, nist_domain=NistDomain.objects.get(code="distribution")),
        "hidden": NistPlacementFactory(use_case=hidden, nist_domain=NistDomain.objects.get(code="markets")),
        "actor": NistPlacementFactory(actor=actor, nist_domain=NistDomain.objects.get(code="operations")),
    }
    return locals()


def _ids(api, url_name: str, params: dict | None = None) -> set[int]:
    return {row["id"] for row in _results(api.get(reverse(url_name), params or {}))}


def _pks(scene, *names: str, table: str = "placements") -> set[int]:
    return {scene[table][name].pk for name in names}


def test_a_placement_is_seen_with_its_subject(scene):
    everyone = ("published", "actor", "information_object")

    assert _ids(client_for(scene["member"]), "api:sgam-placement-list") == _pks(scene, "visible", *everyone)
    assert _ids(client_for(scene["outsider"]), "api:sgam-placement-list") == _pks(scene, *everyone)
    administrator = with_repository_role(UserFactory(), "administrator")
    assert _ids(client_for(administrator), "api:sgam-placement-list") == _pks(scene, *scene["placements"])
    assert _ids(client_for(scene["member"]), "api:nist-placement-list") == _pks(scene, "visible", "actor", table="nist")


def test_a_placement_one_may_not_see_is_a_404(scene):
    api = client_for(scene["outsider"])

    for name in ("hidden", "hidden_role"):
        url = reverse("api:sgam-placement-detail", kwargs={"pk": scene["placements"][name].pk})
        assert api.get(url).status_code == 404
    assert api.get(reverse("api:nist-placement-detail", kwargs={"pk": scene["nist"]["hidden"].pk})).status_code == 404
    visible = client_for(scene["member"]).get(
        reverse("api:sgam-placement-detail", kwargs={"pk": scene["placements"]["visible"].pk})
    )
    assert visible.status_code == 200
    assert visible["ETag"]


def test_anonymous_clients_see_the_placements_of_published_use_cases_and_libraries_where_the_setting_allows(
    scene, settings
):
    assert APIClient().get(reverse("api:sgam-placement-list")).status_code == 401
    settings.UCMR_PUBLIC_READ = True

    assert _ids(APIClient(), "api:sgam-placement-list") == _pks(scene, "published", "actor", "information_object")


def test_a_placement_row_names_its_subject_and_its_cell(scene):
    placement = scene["placements"]["actor"]
    url = reverse("api:sgam-placement-detail", kwargs={"pk": placement.pk})

    body = client_for(scene["member"]).get(url).json()

    assert body == {
        "url": f"http://testserver{url}",
        "id": placement.pk,
        "subject_kind": "actor",
        "subject_id": scene["actor"].pk,
        "use_case": None,
        "actor": scene["actor"].pk,
        "information_object": None,
        "actor_role": None,
        "layer": "component",
        "domain": "distribution",
        "zone": None,
    }
    nist = scene["nist"]["visible"]
    nist_url = reverse("api:nist-placement-detail", kwargs={"pk": nist.pk})
    nist_body = client_for(scene["member"]).get(nist_url).json()
    assert (nist_body["subject_kind"], nist_body["subject_id"], nist_body["domain"]) == (
        "use_case",
        scene["visible"].pk,
        "distribution",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"use_case": "visible"}, ["visible"]),
        ({"use_case": "hidden"}, ["hidden"]),
        ({"actor": "actor"}, ["actor"]),
        ({"information_object": "information_object"}, ["information_object"]),
        ({"actor_role": "hidden_role"}, ["hidden_role"]),
        ({"subject_kind": "use_case"}, ["visible", "hidden", "published"]),
        ({"subject_kind": "actor_role"}, ["hidden_role"]),
        ({"layer": "component"}, ["actor"]),
        ({"domain": "distribution"}, ["visible", "actor"]),
        ({"domain": "der"}, ["hidden", "hidden_role"]),
        ({"zone": "operation"}, ["visible", "information_object"]),
        ({"domain": "distribution", "zone": "operation"}, ["visible"]),
    ],
)
def test_sgam_placements_filter_by_subject_and_cell(scene, params, expected):
    subjects = {
        "use_case": {"visible": scene["visible"], "hidden": scene["hidden"]},
        "actor": {"actor": scene["actor"]},
        "information_object": {"information_object": scene["information_object"]},
        "actor_role": {"hidden_role": scene["hidden_role"]},
    }
    query = {key: subjects[key][value].pk if key in subjects else value for key, value in params.items()}
    administrator = with_repository_role(UserFactory(), "administrator")

    assert _ids(client_for(administrator), "api:sgam-placement-list", query) == _pks(scene, *expected)


def test_nist_placements_filter_by_subject_and_domain(scene):
    api = client_for(with_repository_role(UserFactory(), "administrator"))

    assert _ids(api, "api:nist-placement-list", {"domain": "markets"}) == _pks(scene, "hidden", table="nist")
    assert _ids(api, "api:nist-placement-list", {"actor": scene["actor"].pk}) == _pks(scene, "actor", table="nist")
    assert _ids(api, "api:nist-placement-list", {"subject_kind": "use_case"}) == _pks(
        scene, "visible", "hidden", table="nist"
    )


def test_a_filter_value_that_is_not_a_code_is_a_400_naming_the_filter(scene):
    response = client_for(scene["member"]).get(reverse("api:sgam-placement-list"), {"zone": "orbit"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "zone"


def test_placements_are_not_written_through_the_api(scene):
    api = client_for(with_repository_role(UserFactory(), "administrator"))
    placement = scene["placements"]["actor"]
    url = reverse("api:sgam-placement-detail", kwargs={"pk": placement.pk})

    statuses = [
        api.post(reverse("api:sgam-placement-list"), {"actor": scene["actor"].pk}, format="json").status_code,
        api.patch(url, {"zone": "field"}, format="json").status_code,
        api.delete(url).status_code,
    ]

    assert statuses == [405, 405, 405]
    assert SgamPlacement.objects.filter(pk=placement.pk, zone__isnull=True).exists()


def _place(count: int) -> None:
    """`count` placements of each subject kind, on use cases the member sees and on library objects."""
    grid = Workspace.objects.get(slug="grid")
    distribution, nist_domain = _domain("distribution"), NistDomain.objects.get(code="distribution")
    for _ in range(count):
        use_case = UseCaseFactory(workspace=grid)
        role = ActorRoleFactory(use_case=use_case, actor=ActorFactory())
        for subject in ({"use_case": use_case}, {"actor_role": role}, {"actor": ActorFactory()}):
            SgamPlacementFactory(**subject, layer=_layer("business"), domain=distribution, zone=_zone("field"))
            NistPlacementFactory(**subject, nist_domain=nist_domain)


@pytest.mark.parametrize("url_name", ["api:sgam-placement-list", "api:nist-placement-list"])
def test_placement_list_queries_do_not_grow_with_the_rows(url_name):
    member = member_of(WorkspaceFactory(slug="grid"), "viewer")
    api = client_for(member)

    def count_queries() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as context:
            response = api.get(reverse(url_name), {"page_size": 100})
        assert response.status_code == 200
        return response.json()["count"], [query["sql"] for query in context.captured_queries]

    count_queries()  # the first asks for the user's permissions, which the user object then keeps
    _place(1)
    few_rows, few = count_queries()
    _place(10)
    many_rows, many = count_queries()

    assert (few_rows, many_rows) == (3, 33)  # a use case's, an actor's in it, an actor's
    assert len(many) == len(few) == 2, "\n".join(many)
    assert NistPlacement.objects.count() == 33
