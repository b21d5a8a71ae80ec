"""No lost updates: two people open the same revision of a use case; the first save wins, the second is refused
with the service's message and overwrites nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from ucmr.models import ChangeLogEntry
from usecases.models import UseCase
from usecases.services import STALE_REVISION_MESSAGE

pytestmark = pytest.mark.django_db


def _form_data(response, **changes) -> dict:
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in {**data, **changes}.items()}


def test_the_second_save_from_the_same_revision_is_refused_and_the_first_is_kept():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace, name="Congestion management", scope="Original scope.")
    alice, bob = Client(), Client()
    alice.force_login(member_of(workspace, "author", username="alice"))
    bob.force_login(member_of(workspace, "author", username="bob"))
    url = reverse("usecases:usecase_update", kwargs={"pk": use_case.pk})
    alice_page, bob_page = alice.get(url), bob.get(url)
    opened = use_case.revision
    assert alice_page.context["form"]["revision"].value() == bob_page.context["form"]["revision"].value() == opened

    saved = alice.post(url, _form_data(alice_page, scope="Alice's scope."))
    refused = bob.post(url, _form_data(bob_page, scope="Bob's scope.", name="Bob's name"))

    assert saved.status_code == 302 and saved["Location"] == use_case.get_absolute_url()
    assert refused.status_code == 200
    message = STALE_REVISION_MESSAGE.format(expected=opened, current=opened + 1)
    assert message.replace("'", "&#x27;") in refused.content.decode()
    stored = UseCase.objects.get(pk=use_case.pk)
    assert (stored.scope, stored.name, stored.revision) == ("Alice's scope.", "Congestion management", opened + 1)
    updates = ChangeLogEntry.objects.filter(content_type__model="usecase", action="update")
    assert [(entry.user_name, entry.after["scope"]) for entry in updates] == [("alice", "Alice's scope.")]


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
