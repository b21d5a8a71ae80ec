"""Frozen versions: the document holds everything the use case page shows; two versions compare section by
section, word by word; a reader never learns the name of a related use case they may not see."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
    make_complete_use_case,
    member_of,
)
from usecases.models import Remark, Step, UseCaseSnapshot
from usecases.services import usecase_row_create, usecase_row_delete, usecase_row_update, usecase_update
from usecases.versions import (
    HIDDEN_USE_CASE,
    document_diff,
    document_redacted,
    text_change,
    usecase_document_json,
    usecase_snapshot_create,
)

pytestmark = pytest.mark.django_db

SECTIONS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "2", "3.1", "3.2", "4.1", "4.2", "5", "6", "7", "8"]


def _section(document, key):
    return next(section for section in document["sections"] if section["key"] == key)


def _text(document) -> str:
    return repr(document)


def test_the_frozen_document_holds_every_section_with_what_the_page_shows():
    use_case = make_complete_use_case(steps=12, actors=6, rows=2, name="Flexibility market", identifier="BUC-FM")

    document = usecase_document_json(use_case_id=use_case.pk)

    assert [section["key"] for section in document["sections"]] == SECTIONS
    text = _text(document)
    for shown in (
        "BUC-FM",
        "Flexibility market",
        "Distribution / Operation",
        "Author 1",
        "Objective BUC-FM-1",
        "Business case BUC-FM-1",
        "KPI BUC-FM-2",
        "assumption 1",
        "prerequisite 2",
        "Detailed",
        "flexibility, congestion",
        "Remark 2",
        "Drawing 1",
        "Grouping 1",
        "Actor BUC-FM-5",
        "IEC 61962",
        "Scenario BUC-FM-3",
        "triggering_event of Scenario BUC-FM-2",
        "Step BUC-FM-11",
        "IO-BUC-FM-3",
        "R-BUC-FM-3",
        "Category BUC-FM-2",
        "Term BUC-FM-2",
        "key-2",
        "value 1",
    ):
        assert shown in text, shown
    steps = _section(document, "4.2")["tables"]
    assert len(steps) == 3 and sum(len(table["rows"]) for table in steps) == 12
    assert {row["key"] for table in steps for row in table["rows"]} == {
        str(mrid) for mrid in Step.objects.filter(scenario__use_case=use_case).values_list("mrid", flat=True)
    }


def test_the_frozen_document_stays_as_it_was_when_the_use_case_changes(repository_reader):
    use_case = UseCaseFactory(name="Before")
    snapshot = usecase_snapshot_create(user=repository_reader, use_case=use_case, version_number="0.1")

    usecase_update(user=repository_reader, use_case=use_case, data={"name": "After"})

    assert UseCaseSnapshot.objects.get(pk=snapshot.pk).document["name"] == "Before"
    assert usecase_document_json(use_case_id=use_case.pk)["name"] == "After"


def test_text_changes_mark_the_words_removed_and_added():
    change = text_change("Scope", "Voltage control in the distribution grid.", "Voltage control in the whole grid.")

    assert change.changed
    assert [(segment.kind, segment.text) for segment in change.old] == [
        ("equal", "Voltage control in the "),
        ("delete", "distribution"),
        ("equal", " grid."),
    ]
    assert [(segment.kind, segment.text) for segment in change.new] == [
        ("equal", "Voltage control in the "),
        ("insert", "whole"),
        ("equal", " grid."),
    ]
    assert not text_change("Scope", "Same", "Same").changed


def test_the_diff_shows_changed_fields_and_rows_added_removed_and_changed(repository_reader):
    user = repository_reader
    use_case = UseCaseFactory(scope="Voltage control in the distribution grid.")
    kept = usecase_row_create(user=user, use_case=use_case, model=Remark, data={"text": "Check the limits."})
    dropped = usecase_row_create(user=user, use_case=use_case, model=Remark, data={"text": "Obsolete remark."})
    old = usecase_document_json(use_case_id=use_case.pk)
    usecase_update(user=user, use_case=use_case, data={"scope": "Voltage control in the whole grid."})
    usecase_row_update(user=user, row=kept, data={"text": "Check the thermal limits."})
    usecase_row_delete(user=user, row=dropped)
    usecase_row_create(user=user, use_case=use_case, model=Remark, data={"text": "A new remark."})

    sections = {section.key: section for section in document_diff(old, usecase_document_json(use_case_id=use_case.pk))}

    assert {key for key, section in sections.items() if section.changed} == {"1.3", "1.8"}
    scope = sections["1.3"].changed_fields[0]
    assert scope.label == "Scope" and ("delete", "distribution") in [(s.kind, s.text) for s in scope.old]
    remarks = sections["1.8"].changed_tables[0]
    kinds = [
        (row.kind, row.cells[0].new[-1].text if row.kind != "removed" else row.cells[0].old[0].text)
        for row in remarks.rows
    ]
    assert kinds == [("changed", "limits."), ("added", "A new remark."), ("removed", "Obsolete remark.")]
    changed = remarks.rows[0].cells[0]
    assert ("insert", "thermal ") in [(segment.kind, segment.text) for segment in changed.new]


def test_a_related_use_case_the_reader_may_not_see_is_not_named():
    relation = UseCaseRelationFactory(related=UseCaseFactory(name="Secret merger plan"))
    reader = member_of(relation.use_case.workspace, "viewer")
    document = usecase_document_json(use_case_id=relation.use_case.pk)
    assert "Secret merger plan" in _text(document)

    redacted = document_redacted(user=reader, document=document)

    assert "Secret merger plan" not in _text(redacted)
    assert HIDDEN_USE_CASE in _text(redacted)
    colleague = member_of(relation.related.workspace, "viewer")
    assert "Secret merger plan" in _text(document_redacted(user=colleague, document=document))


def test_the_version_pages_show_a_frozen_version_and_the_difference(client):
    use_case = UseCaseFactory(name="Voltage <control>", scope="In the distribution grid.")
    step = StepFactory(scenario=ScenarioFactory(use_case=use_case), name="Send set point")
    reader = member_of(use_case.workspace, "viewer")
    first = usecase_snapshot_create(user=reader, use_case=use_case, version_number="0.1")
    usecase_update(user=reader, use_case=use_case, data={"scope": "In the whole grid."})
    usecase_row_update(user=reader, row=step, data={"name": "Send the set point"})
    second = usecase_snapshot_create(user=reader, use_case=use_case, version_number="0.2")
    client.force_login(reader)

    listing = client.get(reverse("usecases:usecase_versions", kwargs={"pk": use_case.pk})).content.decode()
    shown = client.get(first.get_absolute_url()).content.decode()
    compared = client.get(
        reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk}), {"old": first.sequence, "new": second.sequence}
    )

    assert f'href="{first.get_absolute_url()}"' in listing and f'href="{second.get_absolute_url()}"' in listing
    assert "Voltage &lt;control&gt;" in shown and "In the distribution grid." in shown and "<control>" not in shown
    text = compared.content.decode()
    assert compared.status_code == 200
    assert '<del class="diff-delete">distribution</del>' in text
    assert '<ins class="diff-insert">whole</ins>' in text
    assert re.search(r'<ins class="diff-insert">\s*the\s*</ins>', text)
    assert 'id="diff-1-3"' in text and 'id="diff-4-2"' in text and 'id="diff-1-8"' not in text


def test_comparing_with_the_current_state_and_bad_choices(client):
    use_case = UseCaseFactory(scope="Old scope.")
    reader = member_of(use_case.workspace, "viewer")
    snapshot = usecase_snapshot_create(user=reader, use_case=use_case, version_number="0.1")
    client.force_login(reader)
    url = reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk})

    same = client.get(url, {"old": snapshot.sequence, "new": "current"})
    unknown = client.get(url, {"old": "99", "new": "current"})

    assert "The two versions are the same." in same.content.decode()
    assert unknown.status_code == 400 and "Select a valid choice" in unknown.content.decode()
