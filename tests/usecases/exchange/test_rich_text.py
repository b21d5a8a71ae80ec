"""Rich text from real files and from every write path (ucmr.richtext): the pages show the files' formatting and
never their markup as text or their tool residue; the export gives the files' fragments back while a text is not
edited; hostile HTML is removed whether it comes in a file, over the API or through a form."""

import lxml.html
import pytest
from django.urls import reverse
from lxml import etree
from rest_framework.test import APIClient

from actors.models import Actor
from tests.factories import ActorFactory, UseCaseFactory, UserFactory, member_of, with_repository_role
from tests.http import response_text
from tests.usecases.exchange.conftest import canonical, empty_repository
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import_xml
from usecases.exchange.records import bookkeeping
from usecases.exchange.use_cases import PLACEHOLDER
from usecases.models import InformationObject, Step, UseCase
from usecases.services import usecase_row_update
from usecases.versions import usecase_snapshot_create
from usecases.xml import read_document, write_variant_c
from usecases.xml.document import iter_steps

pytestmark = pytest.mark.django_db

MARKUP_AS_TEXT = ("<br", "&#", "<font", "InstanceName=", "</", "&lt;", "&amp;")
ATTACK = (
    '<p>Safe <b>bold</b></p><script>alert("file")</script><img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">link</a><iframe src="https://evil.example/"></iframe>'
    '<svg onload="alert(4)"></svg><p style="position:fixed">styled</p>'
)
HOSTILE_WORDS = ("<script", "alert(", "onerror", "onload", "javascript:", "<iframe", "<svg", "style=")


def _visible_text(html: str) -> str:
    """What a reader sees of a page: its text, without scripts, styles and attribute values."""
    tree = lxml.html.fromstring(html)
    for hidden in tree.xpath("//script|//style|//template|//head"):
        hidden.drop_tree()
    return tree.text_content()


def _full_use_cases() -> list[UseCase]:
    return [use_case for use_case in UseCase.objects.all() if not bookkeeping(use_case).get(PLACEHOLDER)]


def _export() -> bytes:
    return write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))


def _rich_texts(document) -> list[str]:
    """The step, scenario and narrative texts of a document's full use cases, in order."""
    texts = []
    for use_case in document.full_use_cases:
        texts += [use_case.scope, use_case.short_description, use_case.complete_description]
        for scenario in use_case.scenarios:
            texts.append(scenario.description)
            texts += [step.description for step in iter_steps(scenario.steps)]
    return texts


def test_the_pages_of_an_imported_file_show_no_markup_as_text(example, client, repository_reader):
    repository_import_xml(user=None, data=example.read_bytes(), workspace=None)
    client.force_login(repository_reader)
    pages = []
    for use_case in _full_use_cases():
        pages += [use_case.get_absolute_url(), reverse("usecases:usecase_print", kwargs={"pk": use_case.pk})]
    pages += [actor.get_absolute_url() for actor in Actor.objects.all()]
    pages += [item.get_absolute_url() for item in InformationObject.objects.all()]
    pages += [reverse("actors:actor_list"), reverse("usecases:term_list")]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _visible_text(response_text(response))
        shown = [markup for markup in MARKUP_AS_TEXT if markup in text]
        assert not shown, (url, shown, text[text.find(shown[0]) - 80 : text.find(shown[0]) + 80] if shown else "")


def test_the_use_case_page_keeps_the_files_formatting(iec_dir, client, repository_reader):
    data = (iec_dir / "examples/variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml").read_bytes()
    repository_import_xml(user=None, data=data, workspace=None)
    client.force_login(repository_reader)
    [use_case] = _full_use_cases()

    page = lxml.html.fromstring(client.get(use_case.get_absolute_url()).content.decode())

    assert page.xpath("//td/b[normalize-space()='Scenario 1:']"), "bold text of the complete description"
    assert page.xpath("//td[contains(., 'Flexibility services can be used')]/br"), "its line breaks"
    assert not page.xpath("//td//font"), "presentational tags are not kept"
    text = _visible_text(client.get(use_case.get_absolute_url()).content.decode())
    assert "Modsarus Use Case" not in text and "The Flexibility Operator should send the offers" in text


def test_the_export_gives_the_files_fragments_back(example):
    original = read_document(data=example.read_bytes())
    repository_import_xml(user=None, data=example.read_bytes(), workspace=None)
    stored = [step.description for step in Step.objects.all()]
    assert not any("InstanceName=" in text or "<br/>" in text or "&#" in text for text in stored)

    first = _export()
    exported = read_document(data=first)

    assert sorted(_rich_texts(exported)) == sorted(_rich_texts(original))
    empty_repository()
    repository_import_xml(user=None, data=first, workspace=None)
    assert canonical(_export()) == canonical(first)


def test_an_edited_text_is_exported_as_edited_and_the_others_as_found(iec_dir):
    data = (iec_dir / "examples/variant-c/elering-14_manage-sub-meter-data.xml").read_bytes()
    repository_import_xml(user=None, data=data, workspace=None)
    [use_case] = _full_use_cases()
    steps = [step for step in Step.objects.filter(scenario__use_case=use_case) if step.description]
    edited, untouched = steps[0], steps[1]
    found = bookkeeping(untouched)["as_found"]["description"][1]
    assert "Modsarus Use Case::InstanceName=" in found
    author = with_repository_role(UserFactory(), "administrator")

    usecase_row_update(user=author, row=edited, data={"description": "Now <b>firm</b>.<script>x()</script>"})

    tree = etree.fromstring(_export())
    descriptions = [element.text for element in tree.iter("description")]
    assert "Now <b>firm</b>." in descriptions
    assert found in descriptions


def test_hostile_html_in_a_file_is_removed_on_import(iec_dir, client, repository_reader):
    document = read_document(data=(iec_dir / "examples/variant-c/elering-1_aggregate-energy-data.xml").read_bytes())
    [use_case] = document.full_use_cases
    use_case.complete_description = ATTACK
    step = next(iter_steps(use_case.scenarios[0].steps))
    step.description = ATTACK
    document.actors[0].description = ATTACK

    repository_import_xml(user=None, data=write_variant_c(document=document), workspace=None)

    stored = UseCase.objects.get(mrid=use_case.mrid)
    actor = Actor.objects.get(name=document.actors[0].name)
    for text in (stored.complete_description, Step.objects.get(name=step.name).description, actor.description):
        assert text.startswith("<p>Safe <b>bold</b></p>") and not any(word in text for word in HOSTILE_WORDS)
    client.force_login(repository_reader)
    for url in (stored.get_absolute_url(), actor.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<b>bold</b>" in page and not any(word in page for word in HOSTILE_WORDS[1:4])


def test_hostile_html_over_the_api_is_removed():
    curator = with_repository_role(UserFactory(), "curator")
    api = APIClient()
    api.force_authenticate(curator)
    actor = ActorFactory()
    url = reverse("api:actor-detail", kwargs={"pk": actor.pk})

    changed = api.patch(url, {"description": ATTACK}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])

    assert changed.status_code == 200, changed.json()
    actor.refresh_from_db()
    assert actor.description == changed.json()["description"]
    assert actor.description.startswith("<p>Safe <b>bold</b></p>")
    assert not any(word in actor.description for word in HOSTILE_WORDS)


def test_hostile_html_in_a_use_case_document_over_the_api_is_removed():
    use_case = UseCaseFactory()
    author = member_of(use_case.workspace, "author")
    api = APIClient()
    api.force_authenticate(author)
    url = f"/api/use-cases/{use_case.pk}/"

    changed = api.patch(
        url, {"document": {"complete_description": ATTACK}}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"]
    )

    assert changed.status_code == 200, changed.json()
    use_case.refresh_from_db()
    assert use_case.complete_description.startswith("<p>Safe <b>bold</b></p>")
    assert not any(word in use_case.complete_description for word in HOSTILE_WORDS)


def test_hostile_html_through_a_form_is_removed_and_the_editor_has_its_toolbar(client):
    curator = with_repository_role(UserFactory(), "curator")
    actor = ActorFactory(name="Grid operator")
    client.force_login(curator)
    url = reverse("actors:actor_update", kwargs={"pk": actor.pk})

    form = lxml.html.fromstring(client.get(url).content.decode())
    assert form.xpath("//textarea[@name='description'][@data-rich-text]")
    assert not form.xpath("//input[@name='name'][@data-rich-text]")
    assert form.xpath("//script[contains(@src, 'js/richtext.js')]")
    response = client.post(url, {"name": "Grid operator", "type": "organisation", "description": ATTACK})

    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.description.startswith("<p>Safe <b>bold</b></p>")
    assert not any(word in actor.description for word in HOSTILE_WORDS)


def test_a_frozen_version_shows_rich_text_formatted(client):
    use_case = UseCaseFactory(complete_description="<p>Keep <b>firm</b></p>")
    reader = member_of(use_case.workspace, "viewer")
    version = usecase_snapshot_create(user=reader, use_case=use_case, version_number="0.1")
    client.force_login(reader)

    page = lxml.html.fromstring(client.get(version.get_absolute_url()).content.decode())

    assert page.xpath("//td/p/b[.='firm']")
    assert "<p>" not in _visible_text(etree.tostring(page, encoding="unicode"))
