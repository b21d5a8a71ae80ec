"""The review loop (issue 16): a version frozen at each submission, so that the reviewer and the author compare a
resubmission with what was reviewed in one click; the version table lists a submission only when the author asks;
history and the change log read as sentences with the changed values."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, WorkspaceFactory, make_complete_use_case, member_of, with_repository_role
from usecases.models import Step, UseCase, UseCaseSnapshot, VersionEntry
from usecases.services import usecase_row_update
from usecases.workflow import (
    review_comparison_get,
    usecase_approve,
    usecase_send_back,
    usecase_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loop():
    """A use case submitted, sent back with a comment, one step renamed by its author, and resubmitted."""
    workspace = WorkspaceFactory()
    people = {role: member_of(workspace, role) for role in ("viewer", "author", "reviewer")}
    people["outsider"] = UserFactory()
    use_case = make_complete_use_case(workspace=workspace, name="Congestion", created_by=people["author"], steps=3)
    use_case.versions.all().delete()  # a version table of its own would set the numbers
    usecase_submit(user=people["author"], use_case=use_case)
    usecase_send_back(user=people["reviewer"], use_case=use_case, comment="Name the meter in step 1.")
    return use_case, people


def _rename_a_step(use_case, user, name="Read the smart meter"):
    step = Step.objects.filter(scenario__use_case=use_case).order_by("pk").first()
    usecase_row_update(user=user, row=step, data={"name": name})
    return step


def test_each_submission_is_frozen_but_not_listed_in_the_version_table(loop):
    use_case, people = loop
    rows_before = VersionEntry.objects.filter(use_case=use_case).count()
    _rename_a_step(use_case, people["author"])
    usecase_submit(user=people["author"], use_case=use_case)

    snapshots = list(UseCaseSnapshot.objects.filter(use_case=use_case).order_by("sequence"))
    assert [(s.version_number, s.status) for s in snapshots] == [
        ("0.1 submission 1", "in_review"),
        ("0.1 submission 2", "in_review"),
    ]
    steps = [table for section in snapshots[1].document["sections"] for table in section["tables"]]
    assert "Read the smart meter" in str(steps) and "Read the smart meter" not in str(snapshots[0].document)
    assert VersionEntry.objects.filter(use_case=use_case).count() == rows_before


def test_the_author_may_list_a_submission_in_the_version_table_and_approval_numbers_after_it(loop):
    use_case, people = loop
    usecase_submit(user=people["author"], use_case=use_case, list_in_version_table=True)
    usecase_approve(user=people["reviewer"], use_case=use_case)

    rows = [(row.number, row.approval_status) for row in VersionEntry.objects.filter(use_case=use_case)]
    assert rows == [("0.1", "Submitted for review"), ("0.2", "Approved")]
    latest = UseCaseSnapshot.objects.filter(use_case=use_case).order_by("-sequence")
    assert [(s.version_number, s.status) for s in latest[:2]] == [("0.2", "approved"), ("0.1", "in_review")]


def test_the_submit_form_lists_the_submission_when_ticked(client, loop):
    use_case, people = loop
    client.force_login(people["author"])
    page = client.get(use_case.get_absolute_url()).content.decode()
    assert 'name="list_in_version_table"' in page
    use_case.refresh_from_db()
    url = reverse("usecases:usecase_submit", kwargs={"pk": use_case.pk})
    client.post(url, {"revision": use_case.revision, "list_in_version_table": "on"})
    assert VersionEntry.objects.filter(use_case=use_case, approval_status="Submitted for review").exists()


def _compare_link(client, user, use_case) -> str:
    client.force_login(user)
    page = client.get(use_case.get_absolute_url())
    if page.status_code != 200:
        return str(page.status_code)
    comparison = page.context["review_comparison"]
    return "" if comparison is None else f"?old={comparison.old}&amp;new={comparison.new}"


def test_after_a_send_back_the_author_compares_the_draft_with_what_was_submitted(client, loop):
    use_case, people = loop
    _rename_a_step(use_case, people["author"])
    submitted = UseCaseSnapshot.objects.get(use_case=use_case).sequence

    link = _compare_link(client, people["author"], use_case)
    assert link == f"?old={submitted}&amp;new=current"
    page = client.get(use_case.get_absolute_url()).content.decode()
    assert "Compare with the submitted version" in page and link in page

    compare = client.get(reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk}), {"old": 1, "new": "current"})
    text = compare.content.decode()
    assert compare.status_code == 200 and '<ins class="diff-insert">' in text and "smart" in text


def test_after_a_resubmission_the_reviewer_compares_it_with_the_reviewed_version(client, loop):
    use_case, people = loop
    _rename_a_step(use_case, people["author"])
    usecase_submit(user=people["author"], use_case=use_case)
    use_case.refresh_from_db()

    comparison = review_comparison_get(use_case=use_case)
    assert (comparison.old, comparison.new) == ("1", "2")
    for role in ("reviewer", "author", "viewer"):
        assert _compare_link(client, people[role], use_case) == "?old=1&amp;new=2", role
    client.force_login(people["reviewer"])
    compare = client.get(reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk}), {"old": 1, "new": 2})
    text = compare.content.decode()
    assert compare.status_code == 200
    assert '<ins class="diff-insert">' in text and "smart meter" in text


def test_others_get_a_404_for_the_comparison(client, loop):
    use_case, people = loop
    usecase_submit(user=people["author"], use_case=use_case)
    client.force_login(people["outsider"])
    url = reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk})
    assert client.get(url, {"old": 1, "new": 2}).status_code == 404
    assert client.get(use_case.get_absolute_url()).status_code == 404


def test_no_comparison_before_a_second_submission_or_after_approval(loop):
    use_case, people = loop
    usecase_submit(user=people["author"], use_case=use_case)
    use_case.refresh_from_db()
    first = review_comparison_get(use_case=use_case)
    usecase_approve(user=people["reviewer"], use_case=use_case)
    use_case.refresh_from_db()
    assert first is not None and first.old == "1"  # the resubmission of the fixture
    assert review_comparison_get(use_case=use_case) is None
    fresh = make_complete_use_case(workspace=use_case.workspace, created_by=people["author"], steps=1)
    usecase_submit(user=people["author"], use_case=fresh)
    fresh.refresh_from_db()
    assert review_comparison_get(use_case=fresh) is None  # nothing was reviewed before


def test_history_reads_as_sentences_with_the_changed_values(client, loop):
    use_case, people = loop
    step = _rename_a_step(use_case, people["author"])
    client.force_login(people["author"])
    text = client.get(reverse("usecases:usecase_history", kwargs={"pk": use_case.pk})).content.decode()

    assert "Changed step “" in text and '<ins class="diff-insert">Read the smart meter</ins>' in text
    assert f'<del class="diff-delete">{step.name}</del>' not in text  # the old name, not the new one, is deleted
    assert "Sent it back to draft: <q>Name the meter in step 1.</q>" in text
    assert "Submitted it for review" in text
    assert "Froze version “0.1 submission 1”" in text
    for raw in ("use_case_id", "scenario_id", "extra:", "{}", "revision:"):
        assert raw not in text, raw
    assert UseCase.Status.IN_REVIEW.label in text  # the status moves, in words


def test_the_change_log_links_a_frozen_version_to_the_comparison_with_the_one_before(client, loop):
    use_case, people = loop
    usecase_submit(user=people["author"], use_case=use_case)
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    text = client.get(reverse("change_log")).content.decode()
    url = reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk})
    assert f'href="{url}?old=1&amp;new=2">compare with the version before' in text
    assert "use_case_id" not in text and "extra:" not in text
