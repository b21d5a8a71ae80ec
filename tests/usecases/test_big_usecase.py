"""Issue 20, part 1: the use case page of thousands of steps costs what a small one costs. The steps of the scenarios
past the first few hundred rows load on demand (a scenario's step fragment), sections 5 and 6 still list what every
step names, the print page stays complete; the number of queries does not grow with the number of steps."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    DrawingFactory,
    InformationObjectFactory,
    RequirementFactory,
    UseCaseFactory,
    with_repository_role,
)
from usecases.analysis.diagrams import usecase_generated_get
from usecases.models import Scenario, Step
from usecases.step_tables import STEPS_PER_FRAGMENT, STEPS_SHOWN

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def make_big_use_case(*, scenarios: int, steps: int, **fields):
    """A use case of `scenarios` scenarios of `steps` steps each (every fifth a sub-step of the one before it),
    each step with a producer, a receiver, an information object and a requirement: bulk inserts, so thousands of
    steps take a moment."""
    use_case = UseCaseFactory(**fields)
    actors = [ActorFactory(name=f"Actor {use_case.pk}-{n}") for n in range(4)]
    for actor in actors:
        ActorRoleFactory(use_case=use_case, actor=actor)
    objects = [InformationObjectFactory(identifier=f"IO-{use_case.pk}-{n}") for n in range(scenarios)]
    requirements = [RequirementFactory(identifier=f"R-{use_case.pk}-{n}") for n in range(scenarios)]
    rows = Scenario.objects.bulk_create(
        Scenario(use_case=use_case, number=str(n + 1), name=f"Scenario {n + 1}", position=n) for n in range(scenarios)
    )
    links = {name: [] for name in ("producers", "receivers", "information_objects", "requirements")}
    for index, scenario in enumerate(rows):
        tops = Step.objects.bulk_create(
            Step(scenario=scenario, number=str(n + 1), name=f"Step {index + 1}.{n + 1}", position=n)
            for n in range(steps - steps // 5)
        )
        subs = Step.objects.bulk_create(
            Step(
                scenario=scenario, parent=tops[n], number=f"{n + 1}.1", name=f"Sub-step {index + 1}.{n + 1}", position=0
            )
            for n in range(steps // 5)
        )
        for n, step in enumerate([*tops, *subs]):
            links["producers"].append((step, actors[n % 4]))
            links["receivers"].append((step, actors[(n + 1) % 4]))
            links["information_objects"].append((step, objects[index]))
            links["requirements"].append((step, requirements[index]))
    for name, pairs in links.items():
        field = Step._meta.get_field(name)
        through = field.remote_field.through
        target = f"{field.m2m_reverse_field_name()}_id"
        through.objects.bulk_create(through(step_id=step.pk, **{target: item.pk}) for step, item in pairs)
    return use_case


@pytest.fixture
def reader(client):
    from tests.factories import UserFactory

    client.force_login(with_repository_role(UserFactory(), "administrator"))
    return client


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    return response, len(queries)


def test_the_page_makes_the_same_queries_for_50_500_and_5000_steps(reader):
    small = make_big_use_case(scenarios=5, steps=10)
    middle = make_big_use_case(scenarios=5, steps=100)
    large = make_big_use_case(scenarios=10, steps=500)
    _get(reader, make_big_use_case(scenarios=1, steps=1).get_absolute_url())  # warms what a process reads once

    small_page, small_queries = _get(reader, small.get_absolute_url())
    middle_page, middle_queries = _get(reader, middle.get_absolute_url())
    large_page, large_queries = _get(reader, large.get_absolute_url())

    assert small_queries == middle_queries
    assert large_queries <= middle_queries  # no scenario fits: not even the query of the steps shown
    assert small_page.content.decode().count('<tr id="step-') == 50  # a small use case looks as it did
    assert middle_page.content.decode().count('<tr id="step-') == STEPS_SHOWN  # the three scenarios that fit
    assert middle_page.content.decode().count("data-steps-more") == 2
    assert large_page.content.decode().count('<tr id="step-') == 0


def test_a_page_of_5000_steps_is_small_and_still_lists_what_every_step_names(reader):
    use_case = make_big_use_case(scenarios=10, steps=500)

    page = reader.get(use_case.get_absolute_url()).content.decode()

    assert len(page.encode()) < 500 * 1024
    assert page.count("data-steps-more") == 10 and page.count("Show 500 steps") == 10
    for scenario in use_case.scenarios.all():  # every scenario's table is there, collapsed
        assert f'id="table-steps-{scenario.pk}"' in page and f'id="scenario-{scenario.pk}-steps"' in page
    # sections 5 and 6 list the information and requirements of steps that are not shown
    assert page.count('<tr id="informationobject-') == 10 and page.count('<tr id="requirement-') == 10


def test_a_drawing_of_a_step_not_shown_still_names_the_step(reader):
    use_case = make_big_use_case(scenarios=2, steps=400)
    step = Step.objects.get(scenario__use_case=use_case, name="Sub-step 2.3")
    DrawingFactory(use_case=use_case, step=step, scenario=step.scenario, name="Sketch")

    page = reader.get(use_case.get_absolute_url()).content.decode()

    assert f'<tr id="step-{step.pk}"' not in page and "Step 3.1 Sub-step 2.3" in page


def test_a_scenarios_steps_load_a_fragment_at_a_time_in_a_constant_number_of_queries(reader):
    small = make_big_use_case(scenarios=1, steps=50).scenarios.get()
    large = make_big_use_case(scenarios=1, steps=STEPS_PER_FRAGMENT + 100).scenarios.get()

    def url(scenario, start=0):
        kwargs = {"pk": scenario.use_case_id, "scenario": scenario.pk}
        return reverse("usecases:scenario_steps", kwargs=kwargs) + f"?start={start}"

    small_rows, small_queries = _get(reader, url(small), **HTMX)
    first, first_queries = _get(reader, url(large), **HTMX)
    rest, _ = _get(reader, url(large, STEPS_PER_FRAGMENT), **HTMX)

    assert small_queries == first_queries
    assert small_rows.content.decode().count('<tr id="step-') == 50 and b"data-steps-more" not in small_rows.content
    first = first.content.decode()
    assert first.count('<tr id="step-') == STEPS_PER_FRAGMENT and "Show the next 100 steps" in first
    assert f'hx-get="{url(large, STEPS_PER_FRAGMENT)}"' in first
    rest = rest.content.decode()
    assert rest.count('<tr id="step-') == 100 and "data-steps-more" not in rest
    # each step once, in reading order: a sub-step right after its step, numbered as the page numbers it
    assert 'data-depth="1">1.1' in first and first.index(">1<") < first.index(">1.1<") < first.index(">2<")

    page = reader.get(url(large)).content.decode()  # without script: a page of its own, with a way on
    assert "Steps 1 to 500 of 600." in page and f'href="?start={STEPS_PER_FRAGMENT}"' in page


def test_the_step_fragment_is_404_for_who_may_not_see_the_use_case(client, user):
    use_case = make_big_use_case(scenarios=1, steps=5)
    scenario = use_case.scenarios.get()
    client.force_login(user)
    url = reverse("usecases:scenario_steps", kwargs={"pk": use_case.pk, "scenario": scenario.pk})
    assert client.get(url, **HTMX).status_code == 404
    other = make_big_use_case(scenarios=1, steps=1).scenarios.get()  # a scenario of another use case
    reader_url = reverse("usecases:scenario_steps", kwargs={"pk": use_case.pk, "scenario": other.pk})
    client.force_login(with_repository_role(user, "administrator"))
    assert client.get(reader_url, **HTMX).status_code == 404


def _print(client, use_case) -> tuple[str, int]:
    """The print page of `use_case`, streamed to its end, and the queries that took (the stream's included)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("usecases:usecase_print", kwargs={"pk": use_case.pk}))
        assert response.status_code == 200 and response.streaming
        page = b"".join(response.streaming_content).decode()
    return page, len(queries)


def test_the_print_page_stays_complete(reader):
    use_case = make_big_use_case(scenarios=2, steps=STEPS_SHOWN)
    page, _ = _print(reader, use_case)
    assert page.count('<tr id="step-') == 2 * STEPS_SHOWN and "data-steps-more" not in page


def test_the_print_page_of_5000_steps_streams_every_step_in_a_few_queries_per_scenario(reader):
    large = make_big_use_case(scenarios=10, steps=500)
    fewer_steps = make_big_use_case(scenarios=10, steps=350)
    fewer_scenarios = make_big_use_case(scenarios=5, steps=500)
    _print(reader, fewer_scenarios)  # the first request fills Django's caches (content types, sites)
    for use_case in (large, fewer_steps):  # the first reading of a revision records its diagrams (more pages, more)
        usecase_generated_get(use_case=use_case)

    page, queries = _print(reader, large)

    assert page.count('<tr id="step-') == 5000 and "data-steps-more" not in page and "<!--" not in page
    assert page.rstrip().endswith("</html>")
    for scenario in large.scenarios.all():  # each table whole, in reading order: 1, 1.1, 2, ... 400
        table = page[page.index(f'id="table-steps-{scenario.pk}"') :]
        table = table[: table.index("</table>")]
        assert table.count('<tr id="step-') == 500
        assert table.index(">1<") < table.index(">1.1<") < table.index(">2<") < table.index(">400<")
    assert _print(reader, fewer_steps)[1] == queries  # not one more query for 1,500 more steps
    per_scenario = (queries - _print(reader, fewer_scenarios)[1]) / 5
    assert per_scenario <= 6  # the steps of a scenario and their four kinds of links


def test_the_step_editor_shows_a_window_of_rows_in_a_constant_number_of_queries(client):
    from tests.factories import member_of
    from usecases.authoring.tables import EDITOR_PAGE_ROWS

    small = make_big_use_case(scenarios=1, steps=150)
    large = make_big_use_case(scenarios=1, steps=1500, workspace=small.workspace)
    client.force_login(member_of(small.workspace, "author"))

    def url(use_case, start=None):
        kwargs = {"pk": use_case.pk, "scenario": use_case.scenarios.get().pk, "table": "steps"}
        return reverse("usecases:row_list", kwargs=kwargs) + (f"?start={start}" if start is not None else "")

    _, small_queries = _get(client, url(small), **HTMX)
    first, large_queries = _get(client, url(large), **HTMX)
    assert large_queries == small_queries
    first = first.content.decode()
    assert first.count("data-row=") == EDITOR_PAGE_ROWS and "Rows 1 to 100 of 1,500" in first
    assert f'hx-get="{url(large, EDITOR_PAGE_ROWS)}"' in first

    third = client.get(url(large, 2 * EDITOR_PAGE_ROWS), **HTMX).content.decode()
    assert "Rows 201 to 300 of 1,500" in third and '<input type="hidden" name="start" value="200">' in third

    # saving a row answers the window that holds it, wherever the editor was
    step = Step.objects.get(scenario__use_case=large, name="Step 1.1000")
    kwargs = {"pk": large.pk, "scenario": step.scenario_id, "table": "steps", "row": step.pk}
    form = client.get(reverse("usecases:row_update", kwargs=kwargs), **HTMX).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="Renamed step", producers=[actor.pk for actor in step.producers.all()])
    data.update(receivers=[actor.pk for actor in step.receivers.all()])
    data.update(information_objects=[item.pk for item in step.information_objects.all()])
    data.update(requirements=[item.pk for item in step.requirements.all()])
    saved = client.post(reverse("usecases:row_update", kwargs=kwargs), data, **HTMX)
    assert saved.status_code == 200, saved.content.decode()[:2000]
    saved = saved.content.decode()
    assert "Renamed step" in saved and f'id="steps-{step.scenario_id}-row-{step.pk}"' in saved


def test_a_link_to_a_step_not_shown_leads_to_the_steps_that_hold_it(reader, client, user):
    use_case = make_big_use_case(scenarios=1, steps=STEPS_PER_FRAGMENT + 100)
    step = Step.objects.get(scenario__use_case=use_case, name="Step 1.400")  # row 520: after 120 steps with a sub-step
    page = reader.get(use_case.get_absolute_url()).content.decode()
    locate = reverse("usecases:step_locate", kwargs={"pk": use_case.pk, "step": 0})
    assert f'data-step-locate="{locate}"' in page and f'id="step-{step.pk}"' not in page

    response = reader.get(reverse("usecases:step_locate", kwargs={"pk": use_case.pk, "step": step.pk}))

    steps = reverse("usecases:scenario_steps", kwargs={"pk": use_case.pk, "scenario": step.scenario_id})
    assert response.status_code == 302 and response["Location"] == f"{steps}?start={STEPS_PER_FRAGMENT}#step-{step.pk}"
    assert f'<tr id="step-{step.pk}"' in reader.get(response["Location"]).content.decode()
    other = make_big_use_case(scenarios=1, steps=1)
    stranger = reverse("usecases:step_locate", kwargs={"pk": other.pk, "step": step.pk})
    assert reader.get(stranger).status_code == 404  # a step of another use case
