"""Conflicts in the table editors are per row (issue 15): two people editing one draft refuse each other only when
they save the same row, and then the second sees both versions with the text they typed kept. The use case's revision
still moves on with every save (the REST API's ETag), but the editors do not compare it."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import ActorFactory, ActorRoleFactory, UseCaseFactory, WorkspaceFactory, member_of
from usecases.models import ActorRole, Remark, UseCase
from usecases.services import usecase_row_delete

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    role = ActorRoleFactory(use_case=use_case, further_information="Operates the charge points.")
    remark = Remark.objects.create(use_case=use_case, text="First remark.", position=1)
    return use_case, role, remark, member_of(workspace, "author"), member_of(workspace, "author")


def _editor(client, use_case, table: str, row) -> tuple[str, str]:
    """Open a row's form as the page does: its update URL and the fingerprint it was loaded with."""
    path = reverse("usecases:row_update", kwargs={"pk": use_case.pk, "table": table, "row": row.pk})
    page = client.get(path, **HTMX)
    assert page.status_code == 200
    return path, re.search(r'name="fingerprint" value="([0-9a-f]+)"', page.content.decode()).group(1)


def _revision(use_case) -> int:
    return UseCase.objects.values_list("revision", flat=True).get(pk=use_case.pk)


def test_two_editors_on_two_tables_of_one_draft_both_save(client, draft):
    use_case, role, remark, alice, bob = draft
    client.force_login(alice)
    actor_path, actor_loaded = _editor(client, use_case, "actors", role)
    client.force_login(bob)
    remark_path, remark_loaded = _editor(client, use_case, "remarks", remark)
    before = _revision(use_case)

    client.force_login(alice)
    actor = {"fingerprint": actor_loaded, "actor_name": role.actor.name, "further_information": "Alice's text."}
    assert client.post(actor_path, actor, **HTMX).status_code == 200
    client.force_login(bob)
    saved = client.post(remark_path, {"fingerprint": remark_loaded, "text": "Bob's remark."}, **HTMX)

    assert saved.status_code == 200
    role.refresh_from_db()
    remark.refresh_from_db()
    assert (role.further_information, remark.text) == ("Alice's text.", "Bob's remark.")
    assert _revision(use_case) == before + 2  # each save is a new revision of the use case


def test_two_editors_on_two_rows_of_one_table_both_save(client, draft):
    use_case, role, _, alice, bob = draft
    other = ActorRoleFactory(use_case=use_case, actor=ActorFactory(name="Congestion signal gateway"))
    client.force_login(alice)
    first_path, first_loaded = _editor(client, use_case, "actors", role)
    other_path, other_loaded = _editor(client, use_case, "actors", other)

    first = {"fingerprint": first_loaded, "actor_name": role.actor.name, "further_information": "Alice's."}
    assert client.post(first_path, first, **HTMX).status_code == 200
    client.force_login(bob)
    second = {"fingerprint": other_loaded, "actor_name": other.actor.name, "further_information": "Bob's."}

    assert client.post(other_path, second, **HTMX).status_code == 200
    assert dict(ActorRole.objects.values_list("pk", "further_information")) == {role.pk: "Alice's.", other.pk: "Bob's."}


def test_two_editors_on_the_same_row_the_second_sees_both_versions_and_keeps_their_text(client, draft):
    use_case, role, _, alice, bob = draft
    client.force_login(alice)
    path, alice_loaded = _editor(client, use_case, "actors", role)
    client.force_login(bob)
    _, bob_loaded = _editor(client, use_case, "actors", role)
    client.force_login(alice)
    mine = {"actor_name": role.actor.name, "further_information": "Operates the charge points of the depot."}
    assert client.post(path, {"fingerprint": alice_loaded, **mine}, **HTMX).status_code == 200

    client.force_login(bob)
    typed = {"actor_name": role.actor.name, "further_information": "Runs the chargers at night."}
    conflict = client.post(path, {"fingerprint": bob_loaded, **typed}, **HTMX)

    assert conflict.status_code == 409
    page = unescape(conflict.content.decode())
    assert "Someone changed this actor while you were editing it" in page and "{#" not in page
    assert f"Last changed by {alice.username}" in page
    theirs, yours = re.search(
        r"<th scope=\"row\">Further information[^<]*</th><td>(.*?)</td><td>(.*?)</td>", page
    ).groups()
    assert (theirs, yours) == ("Operates the charge points of the depot.", "Runs the chargers at night.")
    assert re.search(r"<textarea[^>]*name=\"further_information\"[^>]*>\s*Runs the chargers at night.</textarea>", page)
    role.refresh_from_db()
    assert role.further_information == "Operates the charge points of the depot."  # nothing of Bob's saved yet

    # The form now carries what Alice saved: saving it again puts Bob's text over hers, knowingly.
    again = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    assert client.post(path, {"fingerprint": again, **typed}, **HTMX).status_code == 200
    role.refresh_from_db()
    assert role.further_information == "Runs the chargers at night."


def test_the_same_change_on_both_sides_is_no_conflict(client, draft):
    use_case, _, remark, alice, bob = draft
    client.force_login(alice)
    path, loaded = _editor(client, use_case, "remarks", remark)
    assert client.post(path, {"fingerprint": loaded, "text": "Agreed wording."}, **HTMX).status_code == 200
    client.force_login(bob)

    assert client.post(path, {"fingerprint": loaded, "text": "Agreed wording."}, **HTMX).status_code == 200


def test_the_save_of_a_row_deleted_meanwhile_keeps_the_text_and_offers_to_add_it_again(client, draft):
    use_case, _, remark, alice, bob = draft
    client.force_login(bob)
    path, loaded = _editor(client, use_case, "remarks", remark)
    usecase_row_delete(user=alice, row=remark)

    refused = client.post(path, {"fingerprint": loaded, "text": "Bob's remark."}, **HTMX)

    assert refused.status_code == 409
    page = unescape(refused.content.decode())
    assert "Someone deleted this remark while you were editing it" in page and "Bob's remark." in page
    create = reverse("usecases:row_create", kwargs={"pk": use_case.pk, "table": "remarks"})
    assert f'hx-post="{create}"' in page
    assert client.post(create, {"text": "Bob's remark."}, **HTMX).status_code == 200
    assert list(Remark.objects.filter(use_case=use_case).values_list("text", flat=True)) == ["Bob's remark."]
