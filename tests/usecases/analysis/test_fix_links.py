"""What an author can fix, the Fix link fixes: every finding that stops a submission has a Fix that opens a form
for the author, and the forms it opens fix what the finding says. What only a library curator can fix is a
warning; curators get the library object's edit page. The real files of ../shared/iec62559/examples, imported,
submit cleanly or are refused only by findings with a Fix."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sgam.models import Domain, SgamPlacement, ValidationResult, Zone
from tests.factories import WorkspaceFactory, member_of, with_repository_role
from tests.usecases.analysis.test_validation import BREAKERS
from tests.usecases.exchange.conftest import EXAMPLES
from usecases.analysis.validation.rules import ERROR, RULES
from usecases.analysis.validation.services import usecase_findings, usecase_validation_errors, validation_run
from usecases.authoring.locate import findings_with_editors
from usecases.exchange.loader import repository_import_xml
from usecases.models import ActorRole, Step, UseCase

pytestmark = pytest.mark.django_db

LIBRARY_RULES = {"UC009", "UC010", "UC026", "UC027"}  # about library objects, which only curators change


@pytest.fixture
def draft(clean_use_case) -> UseCase:
    UseCase.objects.filter(pk=clean_use_case.pk).update(status=UseCase.Status.DRAFT)
    clean_use_case.refresh_from_db()
    return clean_use_case


def _findings(use_case: UseCase, user) -> list:
    """The stored findings of the use case as its page shows them to `user`, with their Fix."""
    validation_run(use_case_ids=[use_case.pk])
    findings = list(ValidationResult.objects.get(use_case=use_case).findings.all())
    return findings_with_editors(use_case=use_case, findings=findings, may_change=True, user=user)


def _opens_a_form(client, url: str, *, htmx: bool) -> str:
    response = client.get(url, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code == 200, url
    html = response.content.decode()
    assert "<form" in html, url
    return html


@pytest.mark.parametrize("rule_id, breaker, anchor", BREAKERS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BREAKERS)])
def test_every_finding_an_author_must_fix_has_a_fix_that_opens_a_form(client, draft, rule_id, breaker, anchor):
    author = member_of(draft.workspace, "author")
    client.force_login(author)
    breaker(draft)

    findings = [finding for finding in _findings(draft, author) if finding.rule == rule_id]

    assert findings
    for finding in findings:
        if finding.severity == ERROR:
            assert finding.editor, f"{rule_id} stops a submission and has no Fix"
        if finding.editor:
            _opens_a_form(client, finding.editor, htmx=finding.editor_inline)


def test_rules_about_library_objects_are_warnings_with_a_fix_for_curators(client, draft):
    assert {rule.id for rule in RULES if rule.id in LIBRARY_RULES and rule.severity == ERROR} == set()
    Step.objects.get(scenario__use_case=draft).requirements.update(identifier="")
    author, curator = member_of(draft.workspace, "author"), member_of(draft.workspace, "author")
    with_repository_role(curator, "curator")

    assert [finding.editor for finding in _findings(draft, author) if finding.rule == "UC010"] == [None]
    (editor,) = [finding.editor for finding in _findings(draft, curator) if finding.rule == "UC010"]
    client.force_login(curator)
    assert 'name="identifier"' in _opens_a_form(client, editor, htmx=False)


def _loaded(html: str) -> str:
    """The fingerprint of the row as the form loaded it, which a save posts back."""
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


def test_the_fix_of_an_actor_without_placement_places_it(client, draft):
    author = member_of(draft.workspace, "author")
    client.force_login(author)
    SgamPlacement.objects.filter(actor__roles__use_case=draft).delete()
    role = ActorRole.objects.filter(use_case=draft).order_by("pk").first()
    (finding,) = [
        item for item in _findings(draft, author) if item.rule == "UC021" and item.anchor.endswith(str(role.pk))
    ]
    html = _opens_a_form(client, finding.editor, htmx=True)
    assert 'name="sgam_domain"' in html and 'name="sgam_zone"' in html
    draft.refresh_from_db()

    response = client.post(
        finding.editor,
        {
            "actor_name": role.actor.name,
            "grouping": "",
            "further_information": role.further_information,
            "sgam_domain": Domain.objects.get(code="distribution").pk,
            "sgam_zone": Zone.objects.get(code="field").pk,
            "fingerprint": _loaded(html),
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert str(role.sgam_placements.get()) == "Distribution / Field"
    assert UseCase.objects.get(pk=draft.pk).revision == draft.revision + 1
    anchors = {finding.anchor for finding in usecase_findings(use_case_id=draft.pk) if finding.rule == "UC021"}
    assert f"actorrole-{role.pk}" not in anchors


def test_the_fix_of_a_step_without_number_numbers_it_as_shown(client, draft):
    author = member_of(draft.workspace, "author")
    client.force_login(author)
    Step.objects.filter(scenario__use_case=draft).update(number="")
    (finding,) = [item for item in _findings(draft, author) if item.rule == "UC016"]
    assert "shown as 1" in finding.message
    html = _opens_a_form(client, finding.editor, htmx=True)
    assert 'name="number" value="1"' in html

    step = Step.objects.get(scenario__use_case=draft)
    data = {
        "number": "1",
        "name": step.name,
        "service": step.service,
        "producers": [actor.pk for actor in step.producers.all()],
        "receivers": [actor.pk for actor in step.receivers.all()],
        "information_objects": [item.pk for item in step.information_objects.all()],
        "requirements": [item.pk for item in step.requirements.all()],
        "fingerprint": _loaded(html),
    }
    assert client.post(finding.editor, data, HTTP_HX_REQUEST="true").status_code == 200
    assert "UC016" not in {finding.rule for finding in usecase_findings(use_case_id=draft.pk)}


def test_section_findings_open_the_form_of_their_section(draft):
    author = member_of(draft.workspace, "author")
    UseCase.objects.filter(pk=draft.pk).update(name=" ")
    SgamPlacement.objects.filter(use_case=draft).delete()
    editors = {finding.rule: (finding.editor, finding.editor_inline) for finding in _findings(draft, author)}
    assert editors["UC001"] == (reverse("usecases:usecase_update", kwargs={"pk": draft.pk}), False)
    assert editors["UC020"] == (reverse("sgam:placement_editor", kwargs={"pk": draft.pk}), True)


def test_imported_real_use_cases_submit_or_are_refused_only_by_findings_with_a_fix(client, iec_dir):
    workspace = WorkspaceFactory(slug="grid", name="Grid")
    author = member_of(workspace, "author", username="author")
    for name in EXAMPLES:
        repository_import_xml(user=author, data=(iec_dir / "examples" / name).read_bytes(), workspace=workspace)
    api = APIClient()
    api.force_authenticate(author)
    client.force_login(author)
    submitted, refused = 0, 0
    for use_case in UseCase.objects.order_by("pk"):
        blocking = {(finding.rule, finding.anchor) for finding in usecase_validation_errors(use_case=use_case)}

        response = api.post(f"/api/use-cases/{use_case.pk}/submit/", {"comment": ""}, format="json")

        if response.status_code == 200:
            assert not blocking
            submitted += 1
            continue
        assert response.status_code == 400 and blocking, response.json()
        refused += 1
        for finding in _findings(use_case, author):
            if (finding.rule, finding.anchor) in blocking:
                assert finding.editor, f"{use_case}: {finding.rule} {finding.message} has no Fix"
                _opens_a_form(client, finding.editor, htmx=finding.editor_inline)
    assert submitted + refused == UseCase.objects.count() and submitted


def test_the_panel_opens_partials_under_the_finding_and_links_to_pages(client, draft):
    author = member_of(draft.workspace, "author")
    UseCase.objects.filter(pk=draft.pk).update(name=" ")
    SgamPlacement.objects.filter(use_case=draft).delete()
    validation_run(use_case_ids=[draft.pk])
    client.force_login(author)

    html = client.get(draft.get_absolute_url()).content.decode()

    edit = reverse("usecases:usecase_update", kwargs={"pk": draft.pk})
    placement = reverse("sgam:placement_editor", kwargs={"pk": draft.pk})
    assert f'href="{edit}" aria-label="Fix: edit' in html  # a page of its own
    assert f'href="{placement}" hx-get="{placement}" hx-target="next .finding-editor"' in html
