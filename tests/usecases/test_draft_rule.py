"""Only drafts are edited, in the services themselves: whatever calls them (pages, table editors, the API, the admin)
is refused for a use case in review, approved or published, and the status moves only through the workflow.
(Imports: tests/usecases/exchange/test_existence_oracles.py.)"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import ObjectiveFactory, UseCaseFactory
from usecases.models import Objective, UseCase
from usecases.services import (
    usecase_row_create,
    usecase_row_delete,
    usecase_row_update,
    usecase_rows_reorder,
    usecase_update,
)
from usecases.workflow import usecase_withdraw

pytestmark = pytest.mark.django_db

NOT_DRAFT = [UseCase.Status.IN_REVIEW, UseCase.Status.APPROVED, UseCase.Status.PUBLISHED]


def _refused(write) -> str:
    with pytest.raises(ValidationError) as error:
        write()
    return " ".join(error.value.messages)


@pytest.mark.parametrize("status", NOT_DRAFT)
def test_the_services_refuse_every_write_to_a_use_case_that_is_not_a_draft(status):
    use_case = UseCaseFactory(status=status, name="Kept")
    first, second = ObjectiveFactory(use_case=use_case, name="One"), ObjectiveFactory(use_case=use_case, name="Two")
    revision = use_case.revision
    writes = [
        lambda: usecase_update(user=None, use_case=use_case, data={"name": "Changed"}),
        lambda: usecase_row_create(user=None, use_case=use_case, model=Objective, data={"name": "Three"}),
        lambda: usecase_row_update(user=None, row=first, data={"name": "Changed"}),
        lambda: usecase_row_delete(user=None, row=second),
        lambda: usecase_rows_reorder(user=None, use_case=use_case, rows=[second, first]),
    ]

    for write in writes:
        assert "Only drafts are edited" in _refused(write)

    use_case.refresh_from_db()
    assert (use_case.name, use_case.revision) == ("Kept", revision)
    assert list(use_case.objectives.order_by("position").values_list("name", flat=True)) == ["One", "Two"]


def test_a_use_case_whose_copy_in_memory_is_stale_is_refused_by_its_stored_status():
    use_case = UseCaseFactory()
    UseCase.objects.filter(pk=use_case.pk).update(status=UseCase.Status.PUBLISHED)  # approved meanwhile
    assert "Only drafts are edited" in _refused(
        lambda: usecase_update(user=None, use_case=use_case, data={"name": "X"})
    )


def test_the_status_of_a_draft_moves_only_through_the_workflow():
    use_case = UseCaseFactory()
    message = _refused(lambda: usecase_update(user=None, use_case=use_case, data={"status": "published"}))
    assert "workflow" in message
    use_case.refresh_from_db()
    assert use_case.status == UseCase.Status.DRAFT


def test_a_withdrawn_use_case_is_edited_again():
    manager = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-boss-1")
    use_case = UseCaseFactory(status=UseCase.Status.PUBLISHED)
    usecase_withdraw(user=manager, use_case=use_case, comment="Needs an update")
    usecase_update(user=manager, use_case=use_case, data={"name": "Updated"})
    use_case.refresh_from_db()
    assert (use_case.status, use_case.name) == (UseCase.Status.DRAFT, "Updated")


def test_the_admin_shows_the_refusal_and_changes_nothing(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1"))
    use_case = UseCaseFactory(status=UseCase.Status.PUBLISHED, name="Kept")
    url = reverse("admin:usecases_usecase_change", args=[use_case.pk])
    data = {
        "workspace": use_case.workspace_id,
        "identifier": use_case.identifier,
        "name": "Changed in the admin",
        "status": use_case.status,
        "expected_revision": use_case.revision,
    }
    for inline in client.get(url).context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})

    response = client.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "Only drafts are edited" in response.content.decode()
    use_case.refresh_from_db()
    assert use_case.name == "Kept"
