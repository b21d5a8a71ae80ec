"""The template's one description (usecases.template) is what the use case page, the print page and the frozen
versions show."""

import re

import pytest
from django.urls import reverse

from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from tests.http import response_text
from usecases.template import SECTIONS, TITLES, heading
from usecases.versions import usecase_document_json


@pytest.fixture
def signed_in(client):
    workspace = WorkspaceFactory()
    client.force_login(member_of(workspace, "viewer"))
    return client, UseCaseFactory(workspace=workspace)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["usecases:usecase_detail", "usecases:usecase_print"])
def test_pages_show_every_heading_of_the_template_in_its_order(signed_in, page):
    client, use_case = signed_in
    response = client.get(reverse(page, kwargs={"pk": use_case.pk}))
    html = response_text(response)

    found = {match.group(2): match.start() for match in re.finditer(r"<h([23])[^>]*>([^<{]+?)\s*(?:<|$)", html)}
    positions = [found.get(heading(number), -1) for number in TITLES]

    assert -1 not in positions, [number for number, at in zip(TITLES, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_a_frozen_version_has_the_template_sections_and_columns():
    use_case = UseCaseFactory()
    document = usecase_document_json(use_case_id=use_case.pk)

    assert [(s["key"], s["title"]) for s in document["sections"]] == [(s.number, s.title) for s in SECTIONS]
    versions = next(section for section in document["sections"] if section["key"] == "1.2")["tables"][0]
    assert versions["columns"] == ["Version No.", "Date", "Name of author(s)", "Changes", "Approval status"]
