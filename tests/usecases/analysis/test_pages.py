"""The generated diagrams and validation on the use case page, their downloads and status endpoint, the validation
report, and impact analysis on the actor and information object pages. A use case the user may not see is a 404
everywhere, diagrams included."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sgam.models import ValidationResult
from tests.factories import (
    ActorRoleFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
    make_complete_use_case,
    member_of,
)
from ucmr.models import BackgroundJob
from usecases.analysis.services import usecase_diagrams_render
from usecases.analysis.validation.services import validation_run
from usecases.analysis.views import SVG_POLICY

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


@pytest.fixture
def outsider(client, user):
    """Signed in, no role anywhere: sees published use cases only."""
    client.force_login(user)
    return client


def urls(use_case, key="actors") -> dict[str, str]:
    return {
        "status": reverse("usecases:usecase_generated_status", kwargs={"pk": use_case.pk}),
        "svg": reverse("usecases:diagram_download", kwargs={"pk": use_case.pk, "key": key, "output_format": "svg"}),
        "png": reverse("usecases:diagram_download", kwargs={"pk": use_case.pk, "key": key, "output_format": "png"}),
        "validate": reverse("usecases:usecase_validate", kwargs={"pk": use_case.pk}),
    }


def test_use_case_page_shows_diagrams_rendering_then_ready(reader, known, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False  # nothing renders until asked
    page = reader.get(known.use_case.get_absolute_url()).content.decode()

    assert 'id="generated-diagrams"' in page and 'data-pending="true"' in page
    assert page.count('data-state="rendering"') == 8
    poll = f'hx-get="{urls(known.use_case)["status"]}?poll=1" hx-trigger="load delay:1500ms"'
    assert poll in page  # the page asks again while something is pending
    assert "not validated yet" in page

    usecase_diagrams_render(use_case_id=known.use_case.pk)
    validation_run(use_case_ids=[known.use_case.pk])
    page = reader.get(known.use_case.get_absolute_url()).content.decode()

    assert page.count('data-state="ready"') == 8 and 'data-pending="false"' in page
    assert "?poll=" not in page  # nothing pending: no polling
    assert f'<img src="{urls(known.use_case)["svg"]}?v=' in page
    meter = known.use_case.actor_roles.get(actor=known.meter)
    assert f'<a href="#actorrole-{meter.pk}">The actor Meter is listed' in page
    assert "0 errors" in page and "1 warning<" in page


def test_status_asks_for_what_is_missing_and_reports_it(reader, known, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = reader.get(urls(known.use_case)["status"]).json()
    second = reader.get(urls(known.use_case)["status"]).json()

    assert first["pending"] is True and {d["state"] for d in first["diagrams"]} == {"rendering"}
    assert second["pending"] is False and {d["state"] for d in second["diagrams"]} == {"ready"}
    assert second["validation"]["state"] == "done" and second["validation"]["warnings"] == 1
    assert second["validation"]["findings"][0]["anchor"].startswith("actorrole-")
    assert [d["key"] for d in second["diagrams"]][:2] == ["actors", f"sequence-{known.scenario.mrid}"]
    assert sorted(BackgroundJob.objects.values_list("kind", "status")) == [
        ("render_diagrams", "succeeded"),
        ("validate", "succeeded"),
    ]


def test_the_page_polls_for_the_panel_and_diagrams_as_html_with_a_growing_delay_then_stops(reader, known, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    status = urls(known.use_case)["status"]

    first = reader.get(status + "?poll=1", HTTP_HX_REQUEST="true")
    late = reader.get(status + "?poll=10", HTTP_HX_REQUEST="true").content.decode()
    last = reader.get(status + "?poll=120", HTTP_HX_REQUEST="true").content.decode()

    panel = first.content.decode()
    assert first["Content-Type"].startswith("text/html") and "HX-Request" in first["Vary"]
    assert panel.count('id="validation"') == 1 and panel.count('id="generated-diagrams"') == 1
    assert panel.count('id="validation-summary"') == 1  # the counts in the page's section list
    assert 'hx-trigger="usecaseRevised from:body, ucmrRefresh"' in panel  # after every edit of the page, or held back
    assert f'hx-get="{status}?poll=2" hx-trigger="load delay:1725ms"' in panel
    assert f'hx-get="{status}?poll=11" hx-trigger="load delay:6068ms"' in late
    assert "?poll=121" not in last and "reload the page in a while" in last
    assert reader.get(status).json()["pending"] is True  # other clients still get JSON


def test_findings_offer_the_row_editor_to_who_may_change_the_draft(client, known, repository_reader):
    known.use_case.status = "draft"
    known.use_case.save(update_fields=["status"])
    validation_run(use_case_ids=[known.use_case.pk])
    meter = known.use_case.actor_roles.get(actor=known.meter)
    fix = reverse("usecases:row_update", kwargs={"pk": known.use_case.pk, "table": "actors", "row": meter.pk})
    client.force_login(member_of(known.use_case.workspace, "author"))
    page = client.get(known.use_case.get_absolute_url()).content.decode()
    panel = client.get(urls(known.use_case)["status"], HTTP_HX_REQUEST="true").content.decode()
    for html in (page, panel):
        assert f'href="{fix}" hx-get="{fix}" hx-target="next .finding-editor"' in html

    client.force_login(repository_reader)  # sees the finding, may not change the use case
    page = client.get(known.use_case.get_absolute_url()).content.decode()
    assert f'<a href="#actorrole-{meter.pk}">The actor Meter is listed' in page and fix not in page


def test_svg_download_is_served_under_a_restrictive_policy(reader, known):
    usecase_diagrams_render(use_case_id=known.use_case.pk)

    response = reader.get(urls(known.use_case)["svg"] + "?download=1")

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml; charset=utf-8"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script" not in policy
    assert response["Content-Disposition"] == 'attachment; filename="uc-known-actors.svg"'
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    again = reader.get(urls(known.use_case)["svg"], HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_png_is_rendered_on_request(reader, known, graphviz_calls, django_capture_on_commit_callbacks):
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    graphviz_calls.clear()
    url = urls(known.use_case, "nist")["png"]

    with django_capture_on_commit_callbacks(execute=True):
        asked = reader.get(url)  # the job runs when the request's transaction commits
    response = reader.get(url)

    assert asked.status_code == 202 and graphviz_calls == ["png"]
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert reader.get(url).status_code == 200 and graphviz_calls == ["png"]


def test_a_diagram_not_rendered_yet_answers_202_and_reloads(reader, known, settings):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False  # as if the job waited for a worker
    response = reader.get(urls(known.use_case)["svg"])
    assert response.status_code == 202 and response["Refresh"] == "2"
    assert "being rendered" in response.content.decode()


def test_a_failed_render_is_said_on_the_page_and_in_the_download(reader, known, settings):
    settings.UCMR_DIAGRAM_TIMEOUT = 0.000001
    usecase_diagrams_render(use_case_id=known.use_case.pk)

    response = reader.get(urls(known.use_case)["svg"])
    page = reader.get(known.use_case.get_absolute_url()).content.decode()

    assert response.status_code == 502 and "took longer than" in response.content.decode()
    assert page.count('data-state="failed"') == 8 and "could not be rendered: Graphviz took longer" in page


@pytest.mark.parametrize("key, output_format", [("no-such-diagram", "svg"), ("actors", "pdf"), ("sequence-0", "png")])
def test_unknown_diagrams_are_404(reader, known, key, output_format):
    url = reverse(
        "usecases:diagram_download", kwargs={"pk": known.use_case.pk, "key": key, "output_format": output_format}
    )
    assert reader.get(url).status_code == 404


def by_mrid(use_case, key="actors", output_format="svg") -> str:
    return reverse(
        "usecases:diagram_by_mrid", kwargs={"mrid": use_case.mrid, "key": key, "output_format": output_format}
    )


def test_the_address_without_primary_keys_serves_the_same_diagram(reader, known):
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    key = f"sequence-{known.scenario.mrid}"

    response = reader.get(by_mrid(known.use_case, key))

    by_pk = reader.get(urls(known.use_case, key)["svg"])
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.content == by_pk.content and b"Send forecast" in response.content
    assert response["ETag"] == by_pk["ETag"] and response["Content-Security-Policy"] == SVG_POLICY
    assert reader.get(by_mrid(known.use_case, key), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "mrid, key, output_format",
    [(None, "no-such-diagram", "svg"), (None, "actors", "pdf"), (uuid.uuid4(), "actors", "svg")],
    ids=["unknown-key", "unknown-format", "unknown-mrid"],
)
def test_the_address_without_primary_keys_is_404_for_what_it_does_not_name(reader, known, mrid, key, output_format):
    kwargs = {"mrid": mrid or known.use_case.mrid, "key": key, "output_format": output_format}
    assert reader.get(reverse("usecases:diagram_by_mrid", kwargs=kwargs)).status_code == 404


def test_the_address_without_primary_keys_is_404_to_those_who_may_not_see_the_use_case(outsider, known):
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    assert outsider.get(by_mrid(known.use_case)).status_code == 200  # published: everyone signed in sees it

    known.use_case.status = "draft"
    known.use_case.save()

    assert outsider.get(by_mrid(known.use_case)).status_code == 404


def test_the_address_without_primary_keys_sends_anonymous_visitors_to_sign_in(client, known, settings):
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    response = client.get(by_mrid(known.use_case))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    settings.UCMR_PUBLIC_READ = True
    assert client.get(by_mrid(known.use_case)).status_code == 200  # a published use case


@pytest.mark.parametrize("endpoint", ["status", "svg", "png"])
def test_a_use_case_the_user_may_not_see_is_404_for_its_diagrams(outsider, known, endpoint):
    known.use_case.status = "draft"
    known.use_case.save()
    usecase_diagrams_render(use_case_id=known.use_case.pk)

    assert outsider.get(urls(known.use_case)[endpoint]).status_code == 404
    assert outsider.post(urls(known.use_case)["validate"]).status_code == 404


def test_a_published_use_case_shows_its_diagrams_to_everyone_signed_in(outsider, known):
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    assert outsider.get(urls(known.use_case)["svg"]).status_code == 200


@pytest.mark.parametrize("endpoint", ["status", "svg", "png"])
def test_anonymous_visitors_are_sent_to_sign_in(client, known, endpoint):
    response = client.get(urls(known.use_case)[endpoint])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_validate_now_runs_the_validation_and_returns_to_the_findings(
    reader, known, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(urls(known.use_case)["validate"])
    assert response.status_code == 302 and response["Location"].endswith("#validation")
    assert ValidationResult.objects.get(use_case=known.use_case).warnings == 1
    assert reader.get(urls(known.use_case)["validate"]).status_code == 405


def test_validation_report_counts_only_use_cases_the_user_may_see(outsider, known, clean_use_case):
    hidden = UseCaseFactory(status="draft", identifier="UC-HIDDEN", scope="")  # an error nobody outside may count
    validation_run(use_case_ids=[known.use_case.pk, clean_use_case.pk, hidden.pk])

    response = outsider.get(reverse("usecases:validation_report"))

    page = response.content.decode()
    report = response.context["report"]
    assert report.use_cases == 2 and report.validated == 2 and report.totals == {"error": 0, "warning": 1, "info": 3}
    assert "UC-HIDDEN" not in page and "UC-KNOWN" in page
    assert {count.rule for count in report.rules} == {"UC017", "UC021", "UC029"}
    warnings = outsider.get(reverse("usecases:validation_report"), {"severity": "warning"})
    assert [row.use_case for row in warnings.context["rows"]] == [known.use_case]
    by_rule = outsider.get(reverse("usecases:validation_report"), {"rule": "UC021"})
    assert [finding.rule for row in by_rule.context["rows"] for finding in row.findings] == ["UC021", "UC021"]


def test_validation_report_lists_unused_library_objects(outsider, known):
    unused = ActorRoleFactory().actor
    unused.roles.all().delete()
    page = outsider.get(reverse("usecases:validation_report")).content.decode()
    assert f'<a href="{unused.get_absolute_url()}">{unused.name}</a>: The actor takes part in no use case.' in page


def test_validate_all_starts_a_job_for_the_visible_use_cases(outsider, known, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = outsider.post(reverse("usecases:validation_run"))
    job = BackgroundJob.objects.get(kind="validate")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.params == {"scope": "visible"} and job.status == "succeeded" and job.result["validated"] == 1


def test_actor_page_shows_what_depends_on_the_actor(outsider, known):
    includer = UseCaseFactory(identifier="UC-INCLUDER", status="published")
    UseCaseRelationFactory(use_case=includer, related=known.use_case, type="include")
    hidden = UseCaseFactory(identifier="UC-SECRET", status="draft")
    UseCaseRelationFactory(use_case=hidden, related=known.use_case, type="extend")
    ActorRoleFactory(use_case=hidden, actor=known.tso)

    response = outsider.get(known.tso.get_absolute_url())

    page = response.content.decode()
    impact = response.context["impact"]
    assert [(use.use_case, use.how) for use in impact.direct] == [
        (known.use_case, ["listed in 3.1", "produces information", "receives information"])
    ]
    assert [(use.use_case, use.via, use.relation) for use in impact.indirect] == [
        (includer, known.use_case, "includes")
    ]
    assert {(str(partner.obj), tuple(partner.how)) for partner in impact.partners} == {
        ("IO-1 Grid constraints", ("produces", "receives")),
        ("IO-2 Forecast", ("receives",)),
    }
    assert 'id="impact"' in page and "UC-INCLUDER" in page and "UC-SECRET" not in page


def test_information_object_page_shows_what_depends_on_it(outsider, known):
    constraints = known.steps["3"].information_objects.get()

    impact = outsider.get(constraints.get_absolute_url()).context["impact"]

    assert [use.use_case for use in impact.direct] == [known.use_case]
    assert {(str(partner.obj), tuple(partner.how)) for partner in impact.partners} == {
        ("DMS", ("produces",)),
        ("TSO", ("produces", "receives")),
        ("DSO", ("receives",)),
        ("Aggregator", ("receives",)),
    }


def test_status_json_and_page_keep_hostile_text_as_text(reader, known):
    known.meter.name = '<img src=x onerror="alert(1)">'
    known.meter.save()
    validation_run(use_case_ids=[known.use_case.pk])

    page = reader.get(known.use_case.get_absolute_url()).content.decode()
    status = json.loads(reader.get(urls(known.use_case)["status"]).content)

    assert '<img src=x onerror="alert(1)">' not in page and "&lt;img src=x onerror=" in page
    assert any('<img src=x onerror="alert(1)">' in finding["message"] for finding in status["validation"]["findings"])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_status_and_download_queries_do_not_grow_with_the_use_case(reader):
    small = make_complete_use_case(steps=10, actors=5, rows=2, status="published")
    large = make_complete_use_case(steps=300, actors=50, rows=10, status="published")
    for use_case in (small, large):
        usecase_diagrams_render(use_case_id=use_case.pk)
        validation_run(use_case_ids=[use_case.pk])

    for endpoint in ("status", "svg"):
        assert count_queries(reader, urls(small)[endpoint]) == count_queries(reader, urls(large)[endpoint]), endpoint


def test_impact_queries_do_not_grow_with_the_use_cases(outsider, known):
    few = count_queries(outsider, known.tso.get_absolute_url())
    for _ in range(10):
        user = UseCaseFactory(status="published")
        ActorRoleFactory(use_case=user, actor=known.tso)
        UseCaseRelationFactory(use_case=UseCaseFactory(status="published"), related=user, type="invoke")
    assert count_queries(outsider, known.tso.get_absolute_url()) == few
