"""A table editor opened as a page of its own (a link opened in a new tab, or without JavaScript): an HTML page."""

import pytest
from django.urls import reverse

from tests.factories import ScenarioFactory, UseCaseFactory, WorkspaceFactory, member_of


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["actors", "scenarios", "steps"])
def test_an_editor_opened_as_a_page_is_html(client, table):
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    kwargs = {"pk": use_case.pk, "table": table}
    if table == "steps":
        kwargs["scenario"] = ScenarioFactory(use_case=use_case).pk
    client.force_login(member_of(workspace, "author"))

    response = client.get(reverse("usecases:row_list", kwargs=kwargs))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<!doctype html>" in response.content.decode()
