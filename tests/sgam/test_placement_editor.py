"""The placement editor of a draft use case (sgam.placement_views): SGAM cells and NIST domains toggled through the
placement services at the revision the editor was rendered at; refusals write nothing; permissions as the edit page."""

import json
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from sgam.services import sgam_placement_add
from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from ucmr.models import ChangeLogEntry
from usecases.authoring.responses import STALE_MESSAGE
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CELL = {"layer": "function", "domain": "der", "zone": "field"}
LABEL = "Place on DER / Field in the Function layer"


@pytest.fixture
def world():
    workspace = WorkspaceFactory()
    return SimpleNamespace(
        use_case=UseCaseFactory(workspace=workspace),
        author=member_of(workspace, "author"),
        viewer=member_of(workspace, "viewer"),
        outsider=member_of(WorkspaceFactory(), "author"),
    )


def revision_of(use_case) -> int:
    return UseCase.objects.values_list("revision", flat=True).get(pk=use_case.pk)


def editor_url(world) -> str:
    return reverse("sgam:placement_editor", kwargs={"pk": world.use_case.pk})


def post(client, world, name: str, data: dict, *, revision=None, htmx=True):
    data = {"revision": revision_of(world.use_case) if revision is None else revision, **data}
    return client.post(reverse(f"sgam:{name}", kwargs={"pk": world.use_case.pk}), data, **(HTMX if htmx else {}))


def button(html: str, label: str) -> str:
    """The opening tag of the button with that accessible label."""
    start = html.index(f'aria-label="{label}"')
    return html[html.rindex("<button", 0, start) : html.index(">", start)]


def placements(world) -> list:
    rows = SgamPlacement.objects.filter(use_case=world.use_case)
    return list(rows.values_list("layer__code", "domain__code", "zone__code"))


def test_the_use_case_page_offers_the_editor_to_who_may_change_the_draft(client, world):
    client.force_login(world.author)
    assert "Edit SGAM and NIST placement" in client.get(world.use_case.get_absolute_url()).content.decode()
    client.force_login(world.viewer)
    assert "Edit SGAM and NIST placement" not in client.get(world.use_case.get_absolute_url()).content.decode()


def test_the_editor_shows_the_grid_of_the_chosen_layer(client, world):
    client.force_login(world.author)
    html = client.get(editor_url(world) + "?layer=function", **HTMX).content.decode()
    assert 'aria-pressed="false"' in button(html, LABEL)
    assert Domain.objects.count() * Zone.objects.count() == html.count("Place on ")


def test_toggling_a_cell_places_the_use_case_then_takes_it_away(client, world):
    client.force_login(world.author)
    before = revision_of(world.use_case)

    added = post(client, world, "placement_toggle", CELL)

    assert added.status_code == 200
    assert placements(world) == [("function", "der", "field")]
    assert revision_of(world.use_case) == before + 1
    assert json.loads(added["HX-Trigger"]) == {"usecaseRevised": {"from": before, "to": before + 1}}
    assert 'aria-pressed="true"' in button(added.content.decode(), LABEL)
    assert f'name="revision" value="{before + 1}"' in added.content.decode()
    placement = SgamPlacement.objects.get(use_case=world.use_case)
    entry = ChangeLogEntry.objects.get(
        action="create", object_id=str(placement.pk), content_type__model="sgamplacement"
    )
    assert entry.related_object_id == str(world.use_case.pk)

    removed = post(client, world, "placement_toggle", CELL)

    assert removed.status_code == 200
    assert placements(world) == []
    assert revision_of(world.use_case) == before + 2
    assert 'aria-pressed="false"' in button(removed.content.decode(), LABEL)
    assert ChangeLogEntry.objects.filter(action="delete", object_id=str(placement.pk)).exists()


def test_toggling_a_nist_domain(client, world):
    client.force_login(world.author)
    before = revision_of(world.use_case)
    label = f"Place in the NIST domain {NistDomain.objects.get(code='distribution').name}"

    added = post(client, world, "nist_toggle", {"nist_domain": "distribution", "layer": "component"})

    assert added.status_code == 200
    assert list(world.use_case.nist_placements.values_list("nist_domain__code", flat=True)) == ["distribution"]
    assert 'aria-pressed="true"' in button(added.content.decode(), label)
    assert "Zones by domains in the Component layer" in added.content.decode()
    assert ChangeLogEntry.objects.filter(action="create", content_type__model="nistplacement").exists()

    removed = post(client, world, "nist_toggle", {"nist_domain": "distribution"})

    assert removed.status_code == 200
    assert not NistPlacement.objects.filter(use_case=world.use_case).exists()
    assert revision_of(world.use_case) == before + 2


def test_a_toggle_from_a_stale_revision_is_refused_and_writes_nothing(client, world):
    client.force_login(world.author)
    stale = revision_of(world.use_case)
    UseCase.objects.filter(pk=world.use_case.pk).update(revision=F("revision") + 1)  # someone else's change
    before = revision_of(world.use_case)

    sgam = post(client, world, "placement_toggle", CELL, revision=stale)
    nist = post(client, world, "nist_toggle", {"nist_domain": "distribution"}, revision=stale)

    assert (sgam.status_code, nist.status_code) == (409, 409)
    assert STALE_MESSAGE in sgam.content.decode()
    assert f'name="revision" value="{stale}"' in sgam.content.decode()
    assert placements(world) == [] and not NistPlacement.objects.exists()
    assert revision_of(world.use_case) == before


def test_only_drafts_are_placed(client, world):
    client.force_login(world.author)
    UseCase.objects.filter(pk=world.use_case.pk).update(status=UseCase.Status.IN_REVIEW)

    refused = post(client, world, "placement_toggle", CELL)
    shown = client.get(editor_url(world), **HTMX)
    without_htmx = post(client, world, "placement_toggle", CELL, htmx=False)

    assert (refused.status_code, shown.status_code) == (409, 409)
    assert "Only drafts are edited; this use case is in review." in refused.content.decode()
    assert without_htmx.status_code == 302 and without_htmx["Location"] == world.use_case.get_absolute_url()
    assert placements(world) == []


def test_who_may_not_change_the_draft_is_refused(client, world):
    anonymous = post(client, world, "placement_toggle", CELL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    for user, status in ((world.viewer, 403), (world.outsider, 404)):
        client.force_login(user)
        assert client.get(editor_url(world), **HTMX).status_code == status
        assert post(client, world, "placement_toggle", CELL).status_code == status
        assert post(client, world, "nist_toggle", {"nist_domain": "distribution"}).status_code == status
    assert placements(world) == [] and not NistPlacement.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("placement_toggle", {**CELL, "zone": "nowhere"}, 404),
        ("placement_toggle", {**CELL, "layer": "nowhere"}, 404),
        ("nist_toggle", {"nist_domain": "nowhere"}, 404),
        ("placement_toggle", {"layer": "function", "domain": "der"}, 400),
        ("nist_toggle", {"nist_domain": "distribution", "revision": "not a number"}, 400),
    ],
)
def test_an_unknown_or_missing_code_is_refused_and_writes_nothing(client, world, name, data, status):
    client.force_login(world.author)
    before = revision_of(world.use_case)

    response = post(client, world, name, data)

    assert response.status_code == status
    assert placements(world) == [] and not NistPlacement.objects.exists()
    assert revision_of(world.use_case) == before


def test_without_htmx_a_toggle_goes_back_to_the_page_and_the_editor_is_a_page(client, world):
    client.force_login(world.author)

    response = post(client, world, "placement_toggle", CELL, htmx=False)
    page = client.get(editor_url(world))

    assert response.status_code == 302 and response["Location"] == f"{world.use_case.get_absolute_url()}#section-1-1"
    assert placements(world) == [("function", "der", "field")]
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_the_editor_needs_the_same_queries_whatever_the_number_of_placements(client, world):
    client.force_login(world.author)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(editor_url(world), **HTMX).status_code == 200
        return len(captured)

    empty = queries()
    layers = list(Layer.objects.all())
    cells = [(layer, domain) for layer in layers for domain in Domain.objects.all()][:10]
    zone = Zone.objects.first()
    for layer, domain in cells:
        sgam_placement_add(user=world.author, subject=world.use_case, layer=layer, domain=domain, zone=zone)
    assert len(placements(world)) == 10
    assert queries() == empty


def test_the_grid_has_zones_as_rows_and_domains_as_columns_as_the_sgam_diagrams(client, world):
    client.force_login(world.author)

    html = client.get(reverse("sgam:placement_editor", kwargs={"pk": world.use_case.pk})).content.decode()

    table = html[html.index("<table") : html.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert headers == ["Zone", *Domain.objects.order_by("order").values_list("name", flat=True)]
    rows = re.findall(r'<th scope="row"[^>]*>([^<]*)</th>', table)
    assert rows == list(Zone.objects.order_by("-order").values_list("name", flat=True))  # Market at the top
