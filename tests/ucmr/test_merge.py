"""Merging duplicates in the libraries (ucmr.merge): every reference moves to the survivor, the duplicates go, the
audit trail says so; the merge page is for curators only and its queries do not grow with the rows."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from requirements.models import Requirement
from sgam.models import Domain, NistDomain, NistPlacement, SgamPlacement
from tests.factories import (
    ActorFactory,
    ActorGroupingFactory,
    ActorRoleFactory,
    CommonTermFactory,
    InformationObjectFactory,
    NistPlacementFactory,
    RequirementFactory,
    ScenarioFactory,
    SgamPlacementFactory,
    StepFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
    with_repository_role,
)
from ucmr.merge import library_merge, library_merge_preview, library_usage_counts
from ucmr.models import ChangeLogEntry
from usecases.models import ActorRole, CommonTerm, InformationObject

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator():
    return with_repository_role(UserFactory(username="curator"), "curator")


def entries_about(obj_or_model, pk) -> list[ChangeLogEntry]:
    content_type = ContentType.objects.get_for_model(obj_or_model)
    return list(ChangeLogEntry.objects.filter(content_type=content_type, object_id=str(pk)).order_by("pk"))


def test_merging_actors_moves_every_reference_and_folds_clashing_rows(curator):
    survivor, duplicate = ActorFactory(name="Grid operator"), ActorFactory(name="Grid Operator (DSO)")
    both, only_duplicate = UseCaseFactory(name="Both"), UseCaseFactory(name="Only the duplicate")
    grouping = ActorGroupingFactory(use_case=both, name="Operators")
    kept_role = ActorRoleFactory(use_case=both, actor=survivor, further_information="Runs the grid.")
    folded_role = ActorRoleFactory(
        use_case=both, actor=duplicate, grouping=grouping, further_information="Operates the feeders."
    )
    moved_role = ActorRoleFactory(use_case=only_duplicate, actor=duplicate, further_information="Alone here.")
    role_placement = SgamPlacementFactory(actor_role=folded_role, domain=Domain.objects.get(code="distribution"))
    step = StepFactory(scenario=ScenarioFactory(use_case=both))
    step.producers.add(duplicate)
    step.receivers.add(duplicate, survivor)
    step.primary_actors.add(duplicate)
    scenario = ScenarioFactory(use_case=only_duplicate)
    scenario.primary_actors.add(duplicate)
    both.primary_actors.add(duplicate, survivor)
    distribution, transmission = Domain.objects.get(code="distribution"), Domain.objects.get(code="transmission")
    SgamPlacementFactory(actor=survivor, domain=distribution)
    SgamPlacementFactory(actor=duplicate, domain=distribution)
    SgamPlacementFactory(actor=duplicate, domain=transmission)
    NistPlacementFactory(actor=duplicate, nist_domain=NistDomain.objects.order_by("order").first())

    merged = library_merge(user=curator, survivor=survivor, duplicates=[duplicate])

    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    assert [(item.name, item.total) for item in merged] == [("Grid Operator (DSO)", 10)]
    assert list(step.producers.all()) == [survivor]
    assert list(step.receivers.all()) == [survivor]
    assert list(step.primary_actors.all()) == [survivor]
    assert list(scenario.primary_actors.all()) == [survivor]
    assert list(both.primary_actors.all()) == [survivor]
    roles = {role.use_case_id: role for role in ActorRole.objects.filter(actor=survivor)}
    assert set(roles) == {both.pk, only_duplicate.pk}
    assert roles[both.pk].pk == kept_role.pk
    assert roles[both.pk].further_information == "Runs the grid.\n\nOperates the feeders."
    assert roles[both.pk].grouping == grouping
    assert (
        roles[only_duplicate.pk].pk == moved_role.pk and roles[only_duplicate.pk].further_information == "Alone here."
    )
    assert not ActorRole.objects.filter(pk=folded_role.pk).exists()
    role_placement.refresh_from_db()
    assert role_placement.actor_role_id == kept_role.pk
    assert sorted(p.domain.code for p in SgamPlacement.objects.filter(actor=survivor)) == [
        "distribution",
        "transmission",
    ]
    assert NistPlacement.objects.filter(actor=survivor).count() == 1


def test_merging_writes_the_audit_trail(curator):
    survivor, duplicate = ActorFactory(name="Aggregator"), ActorFactory(name="Aggregator (old)")
    use_case = UseCaseFactory()
    ActorRoleFactory(use_case=use_case, actor=survivor)
    folded = ActorRoleFactory(use_case=use_case, actor=duplicate, further_information="Bids flexibility.")
    StepFactory(scenario=ScenarioFactory(use_case=use_case)).producers.add(duplicate)

    library_merge(user=curator, survivor=survivor, duplicates=[duplicate])

    [deleted] = entries_about(Actor, duplicate.pk)
    assert deleted.action == ChangeLogEntry.Action.DELETE and deleted.user == curator
    assert deleted.before["name"] == "Aggregator (old)"
    assert deleted.after == {"merged_into": f"Aggregator (#{survivor.pk})", "references_moved": 2}
    assert (deleted.related_content_type.model, deleted.related_object_id) == ("actor", str(survivor.pk))
    [updated] = entries_about(Actor, survivor.pk)
    assert updated.action == ChangeLogEntry.Action.UPDATE
    assert updated.after["merged"] == f"Aggregator (old) (#{duplicate.pk}): 2 reference(s) moved"
    # The use case's history shows the row it lost and the row that took over its text.
    role_entries = ChangeLogEntry.objects.filter(related_object_id=str(use_case.pk), content_type__model="actorrole")
    assert sorted(role_entries.values_list("action", flat=True)) == ["delete", "update"]
    assert role_entries.get(action="delete").object_id == str(folded.pk)


def test_merging_information_objects_moves_steps_placements_and_requirements(curator):
    survivor, duplicate = InformationObjectFactory(name="Meter reading"), InformationObjectFactory(name="Meter data")
    shared, own = RequirementFactory(), RequirementFactory()
    survivor.requirements.add(shared)
    duplicate.requirements.add(shared, own)
    step, other_step = StepFactory(), StepFactory()
    step.information_objects.add(duplicate, survivor)
    other_step.information_objects.add(duplicate)
    SgamPlacementFactory(information_object=duplicate, domain=Domain.objects.get(code="der"))

    library_merge(user=curator, survivor=survivor, duplicates=[duplicate])

    assert not InformationObject.objects.filter(pk=duplicate.pk).exists()
    assert list(step.information_objects.all()) == [survivor]
    assert list(other_step.information_objects.all()) == [survivor]
    assert set(survivor.requirements.all()) == {shared, own}
    assert survivor.sgam_placements.get().domain.code == "der"
    [updated] = entries_about(InformationObject, survivor.pk)
    assert updated.before["requirements"] == [shared.pk] and updated.after["requirements"] == sorted(
        [shared.pk, own.pk]
    )


def test_merging_requirements_moves_steps_scenarios_and_information_objects(curator):
    survivor, first, second = RequirementFactory(), RequirementFactory(), RequirementFactory()
    step, scenario, information_object = StepFactory(), ScenarioFactory(), InformationObjectFactory()
    step.requirements.add(first, second)
    scenario.requirements.add(second, survivor)
    information_object.requirements.add(first)

    merged = library_merge(user=curator, survivor=survivor, duplicates=[first, second])

    assert [item.pk for item in merged] == sorted([first.pk, second.pk])
    assert not Requirement.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert list(step.requirements.all()) == [survivor]
    assert list(scenario.requirements.all()) == [survivor]
    assert list(information_object.requirements.all()) == [survivor]
    assert len(entries_about(Requirement, first.pk)) == len(entries_about(Requirement, second.pk)) == 1


def test_merging_terms_moves_the_use_cases_defining_them(curator):
    survivor, duplicate = CommonTermFactory(term="DSO"), CommonTermFactory(term="D.S.O.")
    defines_both, defines_duplicate = UseCaseFactory(), UseCaseFactory()
    defines_both.common_terms.add(survivor, duplicate)
    defines_duplicate.common_terms.add(duplicate)

    library_merge(user=curator, survivor=survivor, duplicates=[duplicate])

    assert not CommonTerm.objects.filter(pk=duplicate.pk).exists()
    assert list(defines_both.common_terms.all()) == [survivor]
    assert list(defines_duplicate.common_terms.all()) == [survivor]


def test_use_cases_the_curator_may_not_see_do_not_block_the_merge(curator):
    survivor, duplicate = ActorFactory(), ActorFactory()
    hidden = UseCaseFactory(workspace=WorkspaceFactory())
    ActorRoleFactory(use_case=hidden, actor=duplicate)

    library_merge(user=curator, survivor=survivor, duplicates=[duplicate])

    assert hidden.actor_roles.get().actor == survivor


def test_merge_preview_and_usage_count_every_reference_and_the_visible_use_cases(curator):
    actor = ActorFactory()
    seen = UseCaseFactory(status="published")
    ActorRoleFactory(use_case=seen, actor=actor)
    StepFactory(scenario=ScenarioFactory(use_case=seen)).producers.add(actor)
    ActorRoleFactory(actor=actor)  # a draft of a workspace the curator is not a member of

    [preview] = library_merge_preview(user=curator, objects=[actor])

    assert dict(preview.moved) == {"Actor of the use cases": 2, "Steps (producers)": 1}
    assert preview.used_in == 1
    assert library_usage_counts(user=curator, model=Actor, pks=[actor.pk]) == {actor.pk: 1}


def _refusals(curator):
    actor = ActorFactory()
    author = member_of(WorkspaceFactory(), "author")
    return {
        "itself": (curator, actor, [actor], "cannot be merged into itself"),
        "another library": (curator, actor, [CommonTermFactory()], "only objects of the same library"),
        "nothing chosen": (curator, actor, [], "at least one duplicate"),
        "an author": (author, actor, [ActorFactory()], "library curators"),
    }


@pytest.mark.parametrize("case", ["itself", "another library", "nothing chosen", "an author"])
def test_merge_is_refused(curator, case):
    user, survivor, duplicates, message = _refusals(curator)[case]
    count = Actor.objects.count()

    with pytest.raises(ValidationError, match=message):
        library_merge(user=user, survivor=survivor, duplicates=duplicates)

    assert Actor.objects.count() == count
    assert not ChangeLogEntry.objects.exists()


def test_a_duplicate_deleted_meanwhile_refuses_the_merge(curator):
    survivor, duplicate = ActorFactory(), ActorFactory()
    Actor.objects.filter(pk=duplicate.pk).delete()

    with pytest.raises(ValidationError, match="deleted meanwhile"):
        library_merge(user=curator, survivor=survivor, duplicates=[duplicate])


# The merge page, for each library.

LIBRARIES = {
    "actor": (ActorFactory, "actors:actor_merge", "actors:actor_detail"),
    "requirement": (RequirementFactory, "requirements:requirement_merge", "requirements:requirement_detail"),
    "information object": (
        InformationObjectFactory,
        "usecases:information_object_merge",
        "usecases:information_object_detail",
    ),
    "term": (CommonTermFactory, "usecases:term_merge", "usecases:term_list"),
}


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_curator_merges_from_the_page(client, curator, library):
    factory, url_name, _ = LIBRARIES[library]
    survivor, duplicate, bystander = factory(), factory(), factory()
    url = reverse(url_name, kwargs={"pk": survivor.pk})
    client.force_login(curator)

    choose = client.get(url)
    assert choose.status_code == 200
    assert {obj.pk for obj in choose.context["candidates"]} == {duplicate.pk, bystander.pk}
    assert f'id="candidate-{duplicate.pk}"' in choose.content.decode()

    review = client.get(url, {"duplicates": [duplicate.pk]})
    assert review.status_code == 200
    assert [preview.obj.pk for preview in review.context["previews"]] == [duplicate.pk]
    assert 'class="merge-confirm"' in review.content.decode()

    response = client.post(url, {"duplicates": [duplicate.pk]}, follow=True)
    assert response.redirect_chain[0][0] == survivor.get_absolute_url()
    assert "Merged" in response.content.decode()
    model = type(survivor)
    assert set(model.objects.values_list("pk", flat=True)) == {survivor.pk, bystander.pk}


def test_the_page_searches_candidates_and_shows_where_each_is_used(client, curator):
    survivor = ActorFactory(name="Grid operator")
    duplicate, other = ActorFactory(name="grid operator (DSO)"), ActorFactory(name="Aggregator")
    ActorRoleFactory.create_batch(2, actor=duplicate, use_case__status="published")
    client.force_login(curator)

    response = client.get(reverse("actors:actor_merge", kwargs={"pk": survivor.pk}), {"q": "GRID"})

    assert [(actor.pk, actor.used_in) for actor in response.context["candidates"]] == [(duplicate.pk, 2)]
    assert other.name not in response.content.decode()


def test_the_page_shows_the_service_refusal(client, curator):
    survivor = ActorFactory()
    client.force_login(curator)

    response = client.post(reverse("actors:actor_merge", kwargs={"pk": survivor.pk}), {"duplicates": [survivor.pk]})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Actor.objects.filter(pk=survivor.pk).exists()


@pytest.mark.parametrize("role", ["author", "viewer", "manager", "no role"])
def test_the_page_is_forbidden_to_everyone_but_curators(client, role):
    survivor, duplicate = ActorFactory(), ActorFactory()
    user = UserFactory() if role == "no role" else member_of(WorkspaceFactory(), role)
    client.force_login(user)
    url = reverse("actors:actor_merge", kwargs={"pk": survivor.pk})

    assert client.get(url).status_code == 403
    assert client.post(url, {"duplicates": [duplicate.pk]}).status_code == 403
    assert Actor.objects.filter(pk=duplicate.pk).exists()


def test_an_unknown_object_is_404_and_anonymous_visitors_sign_in(client, curator):
    url = reverse("actors:actor_merge", kwargs={"pk": 424242})
    assert client.get(url).status_code == 302
    client.force_login(curator)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("library", LIBRARIES)
def test_library_pages_offer_the_merge_to_curators_only(client, curator, library):
    factory, url_name, page_name = LIBRARIES[library]
    obj = factory()
    page = reverse(page_name) if library == "term" else reverse(page_name, kwargs={"pk": obj.pk})
    merge_url = reverse(url_name, kwargs={"pk": obj.pk})

    client.force_login(member_of(WorkspaceFactory(), "author"))
    assert merge_url not in client.get(page).content.decode()
    client.force_login(curator)
    assert merge_url in client.get(page).content.decode()


@pytest.mark.parametrize("stage", ["choose", "review"])
def test_merge_page_queries_do_not_grow_with_the_rows(client, curator, stage):
    survivor = ActorFactory()
    client.force_login(curator)
    url = reverse("actors:actor_merge", kwargs={"pk": survivor.pk})

    def add_rows(count: int) -> None:
        for actor in ActorFactory.create_batch(count):
            ActorRoleFactory.create_batch(2, actor=actor, use_case__status="published")
            StepFactory().producers.add(actor)
            SgamPlacementFactory(actor=actor, domain=Domain.objects.first())

    def count_queries() -> int:
        others = list(Actor.objects.exclude(pk=survivor.pk).values_list("pk", flat=True))
        params = {"duplicates": others} if stage == "review" else {}
        with CaptureQueriesContext(connection) as context:
            assert client.get(url, params).status_code == 200
        return len(context.captured_queries)

    add_rows(1)
    few = count_queries()
    add_rows(10)
    assert count_queries() == few


# "Used in" panels.


def test_requirement_detail_lists_the_visible_scenarios_using_it(client):
    requirement = RequirementFactory()
    seen = ScenarioFactory(name="Peak shaving", use_case=UseCaseFactory(name="Flexibility", status="published"))
    hidden = ScenarioFactory(name="Secret scenario")
    seen.requirements.add(requirement)
    hidden.requirements.add(requirement)
    client.force_login(UserFactory())

    text = client.get(requirement.get_absolute_url()).content.decode()

    assert "Flexibility" in text and "Peak shaving" in text and f"#scenario-{seen.pk}" in text
    assert "Secret scenario" not in text
