"""No lost updates on the edit page of sections 1.1 to 1.7: two people change the same fields; the first save wins,
the second is refused with both versions named, keeps the typed text and overwrites nothing until saved again. A
change elsewhere in the use case meanwhile (a table) refuses nothing."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from ucmr.models import ChangeLogEntry
from usecases.models import Remark, UseCase
from usecases.services import usecase_row_create

pytestmark = pytest.mark.django_db


def _form_data(response, **changes) -> dict:
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in {**data, **changes}.items()}


def test_the_second_save_of_the_same_fields_is_refused_and_the_first_is_kept_until_saved_again():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace, name="Congestion management", scope="Original scope.")
    alice, bob = Client(), Client()
    alice.force_login(member_of(workspace, "author", username="alice"))
    bob.force_login(member_of(workspace, "author", username="bob"))
    url = reverse("usecases:usecase_update", kwargs={"pk": use_case.pk})
    alice_page, bob_page = alice.get(url), bob.get(url)
    opened = use_case.revision

    saved = alice.post(url, _form_data(alice_page, scope="Alice's scope."))
    refused = bob.post(url, _form_data(bob_page, scope="Bob's scope.", name="Bob's name"))

    assert saved.status_code == 302 and saved["Location"] == use_case.get_absolute_url()
    assert refused.status_code == 200
    page = unescape(refused.content.decode())
    assert "Someone changed these fields while you were editing them" in page
    assert "Scope: theirs “Alice's scope.”, yours “Bob's scope.”" in page
    assert refused.context["form"]["name"].value() == "Bob's name"  # the typed text is kept
    stored = UseCase.objects.get(pk=use_case.pk)
    assert (stored.scope, stored.name, stored.revision) == ("Alice's scope.", "Congestion management", opened + 1)
    updates = ChangeLogEntry.objects.filter(content_type__model="usecase", action="update")
    assert [(entry.user_name, entry.after["scope"]) for entry in updates] == [("alice", "Alice's scope.")]

    again = bob.post(url, _form_data(refused))  # the form now carries Alice's version: saving replaces it
    assert again.status_code == 302
    assert UseCase.objects.values_list("scope", "name").get(pk=use_case.pk) == ("Bob's scope.", "Bob's name")


def test_a_table_changed_meanwhile_refuses_no_save_of_the_edit_page():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    alice = member_of(workspace, "author", username="alice")
    bob = Client()
    bob.force_login(member_of(workspace, "author", username="bob"))
    url = reverse("usecases:usecase_update", kwargs={"pk": use_case.pk})
    opened = bob.get(url)
    usecase_row_create(user=alice, use_case=use_case, model=Remark, data={"text": "Alice's remark."})

    saved = bob.post(url, _form_data(opened, scope="Bob's scope."))

    assert saved.status_code == 302
    assert UseCase.objects.get(pk=use_case.pk).scope == "Bob's scope."


def test_saving_again_after_reloading_works():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    client = Client()
    client.force_login(member_of(workspace, "author"))
    url = reverse("usecases:usecase_update", kwargs={"pk": use_case.pk})

    first = client.get(url)
    client.post(url, _form_data(first, scope="First."))
    reloaded = client.get(url)
    second = client.post(url, _form_data(reloaded, scope="Second."))

    assert second.status_code == 302
    assert UseCase.objects.get(pk=use_case.pk).scope == "Second."
