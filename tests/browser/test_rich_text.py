"""The formatting toolbar of rich text fields (static/js/richtext.js) in a real browser, under the
Content-Security-Policy (the `page` fixture fails a test on any violation): what the buttons write is what the
page then shows formatted."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actors.models import Actor
from tests.browser.conftest import sign_in
from tests.factories import ActorFactory, UserFactory, with_repository_role

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Curator-pw-47!"


def test_a_curator_formats_a_description_with_the_toolbar(page):
    curator = with_repository_role(UserFactory(username="curator"), "curator")
    curator.set_password(PASSWORD)
    curator.save()
    actor = ActorFactory(name="Grid operator", description="")
    sign_in(page, "curator", PASSWORD)

    page.goto(reverse("actors:actor_update", kwargs={"pk": actor.pk}))
    description = page.get_by_label("Description")
    description.fill("firm")
    description.select_text()
    page.get_by_role("button", name="Bold").click()
    expect(description).to_have_value("<b>firm</b>")
    page.get_by_role("button", name=re.compile("Save")).click()

    expect(page.locator("dd b")).to_have_text("firm")
    assert Actor.objects.get(pk=actor.pk).description == "<b>firm</b>"
