"""The loader's decisions, on small documents built in Python: matching, merging, placeholders, policies, the
repairs real files need, and what a failure leaves behind."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actors.models import Actor
from requirements.models import RequirementCategory
from sgam.models import RenderedDiagram
from tests.factories import UseCaseFactory, WorkspaceFactory, member_of, with_repository_role
from tests.usecases.exchange.conftest import fingerprint
from tests.usecases.xml.test_parsing import HOSTILE
from ucmr.models import BackgroundJob, ChangeLogEntry
from usecases.exchange import bulk
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import, repository_import_xml
from usecases.exchange.records import MRID_NAMESPACE, bookkeeping
from usecases.models import Step, UseCase, UseCaseRelation, VersionEntry
from usecases.xml import XmlImportError, read_document, write_variant_c
from usecases.xml import document as doc

pytestmark = pytest.mark.django_db

UC_MRID = "6a3c2f1e-0000-4000-8000-000000000001"


def _use_case(**fields) -> doc.UseCase:
    values = {
        "mrid": UC_MRID,
        "identifier": "UC-1",
        "name": "Collect meter data",
        "scope": "Meters",
        "scenarios": [
            doc.Scenario(
                mrid="6a3c2f1e-0000-4000-8000-0000000000a1",
                number="1",
                name="Normal",
                steps=[
                    doc.Step(mrid=f"6a3c2f1e-0000-4000-8000-0000000001{n:02d}", number=str(n), name=f"Step {n}")
                    for n in (1, 2, 3)
                ],
            )
        ],
    }
    return doc.UseCase(**{**values, **fields})


def _import(document: doc.Repository, **options):
    return repository_import(user=None, document=document, workspace=options.pop("workspace", None), **options)


def test_non_uuid_mrids_map_to_uuid5_and_the_export_writes_them_back():
    """BRIDGE's Excel-to-XML pipeline uses actor names as mRIDs."""
    actor = doc.Actor(mrid="Market Operator", name="Market Operator")
    use_case = _use_case(primary_actor_refs=["market operator"])
    _import(doc.Repository(actors=[actor], use_cases=[use_case]))

    stored = Actor.objects.get()
    assert stored.mrid == uuid.uuid5(MRID_NAMESPACE, "market operator")
    assert list(UseCase.objects.get().primary_actors.all()) == [stored]
    exported = repository_export(user=None, use_cases=UseCase.objects.all())
    assert [a.mrid for a in exported.actors] == ["market operator"]
    assert exported.use_cases[0].primary_actor_refs == ["market operator"]


def test_the_same_actor_from_several_files_is_one_library_actor():
    first = doc.Repository(actors=[doc.Actor(mrid=str(uuid.uuid4()), name="Data Hub", description="Central")])
    second = doc.Repository(
        actors=[doc.Actor(mrid=str(uuid.uuid4()), name="  data hub ")],
        use_cases=[_use_case(primary_actor_refs=[])],
    )
    second.use_cases[0].primary_actor_refs = [second.actors[0].mrid]
    _import(first)

    report = _import(second)

    actor = Actor.objects.get()
    assert (actor.name, actor.description) == ("Data Hub", "Central")  # a blank in the file blanks nothing
    assert report.counts["actor"] == {"merged": 1}
    assert list(UseCase.objects.get().primary_actors.all()) == [actor]


def test_actors_listed_twice_under_one_name_in_a_file_are_one():
    actors = [doc.Actor(mrid=str(uuid.uuid4()), name="DSO"), doc.Actor(mrid=str(uuid.uuid4()), name="dso")]
    steps = [doc.Step(mrid=str(uuid.uuid4()), number="1", name="Send", producer_refs=[a.mrid for a in actors])]
    scenario = doc.Scenario(mrid=str(uuid.uuid4()), name="S", steps=steps)

    report = _import(doc.Repository(actors=actors, use_cases=[_use_case(scenarios=[scenario])]))

    assert Actor.objects.count() == 1
    assert list(Step.objects.get().producers.values_list("name", flat=True)) == ["DSO"]
    assert any("listed twice under one name" in warning for warning in report.warnings)


def test_a_related_use_case_becomes_a_placeholder_that_the_full_import_fills_in():
    stub = doc.UseCase(mrid=str(uuid.uuid4()), identifier="UC-2", name="Market offering", is_stub=True)
    _import(doc.Repository(use_cases=[_use_case(relations=[doc.UseCaseRelation(use_case_ref=stub.mrid)]), stub]))

    placeholder = UseCase.objects.get(identifier="UC-2")
    assert bookkeeping(placeholder)["placeholder"] is True and placeholder.status == UseCase.Status.DRAFT
    relation = UseCaseRelation.objects.get()
    assert (relation.related, relation.type) == (placeholder, "associate")

    full = _use_case(mrid=stub.mrid, identifier="UC-2", name="Market offering", scope="Offers")
    report = _import(doc.Repository(use_cases=[full]))

    placeholder.refresh_from_db()
    assert "placeholder" not in bookkeeping(placeholder) and placeholder.scope == "Offers"
    assert report.counts["use_case"] == {"created": 1}
    assert UseCase.objects.count() == 2


def test_a_related_use_case_already_in_the_repository_is_linked_not_copied():
    target = UseCaseFactory(name="Billing")
    stub = doc.UseCase(mrid=str(target.mrid), name="Billing (old name)", is_stub=True)

    report = _import(
        doc.Repository(use_cases=[_use_case(relations=[doc.UseCaseRelation(use_case_ref=stub.mrid)]), stub])
    )

    target.refresh_from_db()
    assert target.name == "Billing" and UseCaseRelation.objects.get().related == target
    assert report.counts["related_use_case"] == {"merged": 1}


def test_policy_skip_leaves_an_existing_use_case_alone():
    _import(doc.Repository(use_cases=[_use_case()]))
    changed = _use_case(name="Renamed", scenarios=[])

    report = _import(doc.Repository(use_cases=[changed]), policy="skip")

    assert UseCase.objects.get().name == "Collect meter data" and Step.objects.count() == 3
    assert report.counts["use_case"] == {"skipped": 1}
    assert report.use_cases[0]["outcome"] == "skipped"


def test_policy_update_replaces_the_rows_rewriting_only_what_changed():
    _import(doc.Repository(use_cases=[_use_case()]))
    use_case = UseCase.objects.get()
    revision = use_case.revision
    changed = _use_case()
    steps = changed.scenarios[0].steps
    steps[1].name = "Step two, renamed"
    del steps[2]
    steps.append(doc.Step(mrid=str(uuid.uuid4()), number="3", name="A new third step"))
    entries = ChangeLogEntry.objects.count()

    report = _import(doc.Repository(use_cases=[changed]))

    assert report.counts["step"] == {"unchanged": 1, "updated": 1, "created": 1, "deleted": 1}
    assert report.counts["use_case"] == {"updated": 1}
    assert UseCase.objects.get().revision == revision + 1  # once, however many rows changed
    assert list(Step.objects.order_by("position").values_list("name", flat=True)) == [
        "Step 1",
        "Step two, renamed",
        "A new third step",
    ]
    actions = ChangeLogEntry.objects.order_by("pk")[entries:].values_list("action", "related_object_id")
    assert sorted(action for action, _ in actions) == ["create", "delete", "update"]
    assert {related for _, related in actions} == {str(use_case.pk)}


def test_steps_may_swap_numbers_on_update():
    _import(doc.Repository(use_cases=[_use_case()]))
    swapped = _use_case()
    steps = swapped.scenarios[0].steps
    steps[0].number, steps[1].number = "2", "1"

    _import(doc.Repository(use_cases=[swapped]))

    assert dict(Step.objects.values_list("name", "number")) == {"Step 1": "2", "Step 2": "1", "Step 3": "3"}


def test_repeated_step_numbers_are_suffixed_and_exported_as_found():
    use_case = _use_case()
    use_case.scenarios[0].steps[2].number = "2"

    report = _import(doc.Repository(use_cases=[use_case]))

    assert sorted(Step.objects.values_list("number", flat=True)) == ["1", "2", "2 (2)"]
    assert any("step numbers used twice" in warning for warning in report.warnings)
    exported = repository_export(user=None, use_cases=UseCase.objects.all())
    assert [step.number for step in exported.use_cases[0].scenarios[0].steps] == ["1", "2", "2"]


def test_too_long_values_are_shortened_with_a_warning_and_exported_whole():
    long_name = "A very long step name " * 20
    use_case = _use_case()
    use_case.scenarios[0].steps[0].name = long_name

    report = _import(doc.Repository(use_cases=[use_case]))

    assert len(Step.objects.get(number="1").name) == 300
    assert any("shortened" in warning for warning in report.warnings)
    exported = repository_export(user=None, use_cases=UseCase.objects.all())
    assert exported.use_cases[0].scenarios[0].steps[0].name == long_name.strip()


def test_a_category_without_name_is_named_from_its_id_and_exported_blank():
    category = doc.RequirementCategory(
        identifier="91", requirements=[doc.Requirement(mrid=str(uuid.uuid4()), identifier="384")]
    )
    use_case = _use_case()
    use_case.scenarios[0].steps[0].requirement_refs = [category.requirements[0].mrid]

    report = _import(doc.Repository(requirement_categories=[category], use_cases=[use_case]))

    assert RequirementCategory.objects.get().name == "Category 91"
    assert any("blank names were filled in" in warning for warning in report.warnings)
    [exported] = repository_export(user=None, use_cases=UseCase.objects.all()).requirement_categories
    assert (exported.identifier, exported.name) == ("91", "")


def test_naive_dates_are_stored_as_utc_and_exported_as_written():
    use_case = _use_case(versions=[doc.Version(mrid=str(uuid.uuid4()), number="1", date=datetime(2018, 3, 15))])

    _import(doc.Repository(use_cases=[use_case]))

    assert VersionEntry.objects.get().date == datetime(2018, 3, 15, tzinfo=UTC)
    exported = repository_export(user=None, use_cases=UseCase.objects.all())
    assert exported.use_cases[0].versions[0].date == datetime(2018, 3, 15)


def test_an_id_taken_in_the_workspace_by_another_use_case_gets_a_suffix():
    workspace = WorkspaceFactory()
    UseCaseFactory(workspace=workspace, identifier="UC-1")
    other = _use_case(mrid=str(uuid.uuid4()))
    twin = _use_case(mrid=str(uuid.uuid4()), name="Twin")

    report = _import(doc.Repository(use_cases=[other, twin]), workspace=workspace)

    assert report.use_cases[0]["outcome"] == "merged"  # found by its ID in the workspace
    assert UseCase.objects.get(identifier="UC-1 (2)").name == "Twin"


def test_use_cases_go_to_the_workspace_the_file_names_created_when_missing():
    report = _import(doc.Repository(use_cases=[_use_case(workspace="Grid operators")]))

    assert UseCase.objects.get().workspace.name == "Grid operators"
    assert report.counts["workspace"] == {"created": 1}


def test_a_user_who_may_not_add_use_cases_may_not_import(user):
    with pytest.raises(PermissionDenied):
        repository_import(user=user, document=doc.Repository(use_cases=[_use_case()]), workspace=None)


def test_an_author_imports_into_their_workspace_and_is_recorded_as_the_author():
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author")

    repository_import(user=author, document=doc.Repository(use_cases=[_use_case()]), workspace=workspace)

    assert UseCase.objects.get().created_by == author
    assert set(ChangeLogEntry.objects.values_list("user", flat=True)) == {author.pk}


def test_an_author_may_not_import_into_another_workspace():
    author = member_of(WorkspaceFactory(), "author")

    with pytest.raises(PermissionDenied, match="may not add use cases to the workspace"):
        repository_import(user=author, document=doc.Repository(use_cases=[_use_case()]), workspace=WorkspaceFactory())

    assert not UseCase.objects.exists()


def test_an_author_adds_new_library_objects_but_leaves_existing_ones_to_curators():
    """Authors write use cases: what their file brings new to the libraries is added (else its references would be
    lost), but changing what the shared libraries already hold is for library curators."""
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author")
    existing = Actor.objects.create(name="DSO", description="Operates the grid")
    actors = [
        doc.Actor(mrid=str(existing.mrid), name="DSO", description="Changed by the file"),
        doc.Actor(mrid=str(uuid.uuid4()), name="Aggregator"),
    ]
    document = doc.Repository(actors=actors, use_cases=[_use_case(primary_actor_refs=[a.mrid for a in actors])])

    report = repository_import(user=author, document=document, workspace=workspace)

    assert sorted(Actor.objects.values_list("name", "description")) == [
        ("Aggregator", ""),
        ("DSO", "Operates the grid"),
    ]
    assert report.counts["actor"] == {"created": 1, "skipped": 1}
    assert {actor.name for actor in UseCase.objects.get().primary_actors.all()} == {"DSO", "Aggregator"}


def test_an_administrator_imports_everything_and_creates_the_workspace_the_file_names(user):
    administrator = with_repository_role(user, "administrator")

    report = repository_import(
        user=administrator,
        document=doc.Repository(actors=[doc.Actor(mrid=str(uuid.uuid4()), name="DSO")], use_cases=[_use_case()]),
        workspace=None,
    )

    assert report.counts["workspace"] == {"created": 1} and report.counts["actor"] == {"created": 1}


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValidationError, match="Unknown policy"):
        _import(doc.Repository(), policy="merge")


def test_the_document_is_not_changed_by_the_import(iec_dir):
    document = read_document(
        data=(iec_dir / "examples/variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml").read_bytes()
    )
    before = write_variant_c(document=document)

    _import(document, dry_run=True)
    _import(document)

    assert write_variant_c(document=document) == before


def test_an_import_that_fails_half_way_leaves_nothing_behind(iec_dir, monkeypatch):
    repository_import_xml(
        user=None,
        data=(iec_dir / "examples/variant-c/elering-1_aggregate-energy-data.xml").read_bytes(),
        workspace=None,
    )
    before = fingerprint()
    write = bulk.Writer.write

    def failing_write(self, plans, **options):
        plans = list(plans)
        if plans and plans[0].kind == "step":
            raise RuntimeError("The disk is full.")
        write(self, plans, **options)

    monkeypatch.setattr(bulk.Writer, "write", failing_write)
    data = (iec_dir / "examples/variant-c/elering-5_collect-energy-data.xml").read_bytes()

    with pytest.raises(RuntimeError, match="disk is full"):
        repository_import_xml(user=None, data=data, workspace=None)

    assert fingerprint() == before


@pytest.mark.parametrize(("data", "code", "line"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_file_changes_nothing_and_says_where(data, code, line, iec_dir):
    repository_import_xml(
        user=None,
        data=(iec_dir / "examples/variant-c/elering-1_aggregate-energy-data.xml").read_bytes(),
        workspace=None,
    )
    before = fingerprint()

    with pytest.raises(XmlImportError) as caught:
        repository_import_xml(user=None, data=data, workspace=None)

    assert caught.value.code == code and caught.value.line == line
    assert f"line {line}" in caught.value.message
    assert fingerprint() == before


def test_a_file_with_the_wrong_root_changes_nothing():
    before = fingerprint()

    with pytest.raises(XmlImportError, match=r"root element at line 2 is <catalog>"):
        repository_import_xml(user=None, data=b'<?xml version="1.0"?>\n<catalog><book/></catalog>', workspace=None)

    assert fingerprint() == before


def test_a_variant_b_file_is_imported_with_its_nested_steps_and_exported_again():
    from tests.usecases.xml.test_variant_b import SAMPLE

    report = repository_import_xml(user=None, data=SAMPLE, workspace=None)

    use_case = UseCase.objects.get(identifier="UC-1")
    assert report.counts["use_case"] == {"created": 1}
    assert Step.objects.filter(scenario__use_case=use_case, parent__isnull=False).exists()
    exported = write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))
    assert read_document(data=exported).full_use_cases[0].identifier == "UC-1"


def test_the_report_keeps_the_readers_warnings_and_says_what_was_done_about_dangling_references(iec_dir):
    offis = repository_import_xml(
        user=None, data=(iec_dir / "examples/variant-d/offis-2_1201.xml").read_bytes(), workspace=None
    )
    edf = repository_import_xml(
        user=None,
        data=(iec_dir / "examples/variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml").read_bytes(),
        workspace=None,
    )

    assert any("listed with its id only" in warning for warning in offis.warnings)
    assert not any("the file does not define" in warning for warning in edf.warnings)
    dropped = [warning for warning in edf.warnings if "references to actors neither the file" in warning]
    assert len(dropped) == 1 and "0118bddd-f390-48e9-ab0b-6f36ccfed4c2" in dropped[0]
    assert not any("step" in warning and "merged" in warning for warning in edf.warnings)  # occurrences are steps
    assert edf.as_dict() == edf.from_dict(edf.as_dict()).as_dict()


def test_an_import_queues_one_validation_for_all_its_use_cases_and_renders_nothing(django_capture_on_commit_callbacks):
    """The import's validation is written with the import (rolled back with a dry run), one job for all the use cases
    it created or changed; an import that changes nothing queues nothing; no diagram is rendered until viewed."""
    with django_capture_on_commit_callbacks():
        _import(doc.Repository(use_cases=[_use_case()]), dry_run=True)
    assert not BackgroundJob.objects.exists()

    with django_capture_on_commit_callbacks():
        _import(
            doc.Repository(
                use_cases=[
                    _use_case(),
                    _use_case(mrid=str(uuid.uuid4()), identifier="UC-2", name="Second", scenarios=[]),
                ]
            )
        )
    [job] = BackgroundJob.objects.all()
    assert job.kind == "validate" and job.params == {"use_cases": sorted(UseCase.objects.values_list("pk", flat=True))}

    with django_capture_on_commit_callbacks():
        _import(doc.Repository(use_cases=[_use_case()]))
    assert BackgroundJob.objects.count() == 1
    assert not RenderedDiagram.objects.exists()
