"""The variant C writer: what variant C has no element for comes back through the `ucmr:` keys, the output is
schema-valid (ours and the published XSD), and its shape is what other tools expect."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from usecases.xml import read_document, schema_problems, write_variant_c
from usecases.xml.document import (
    Actor,
    ActorGrouping,
    Area,
    Author,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    FurtherActorInformation,
    GeneratedDrawing,
    InformationObject,
    Kpi,
    Objective,
    Reference,
    Remark,
    Repository,
    Requirement,
    RequirementCategory,
    Scenario,
    SgamPlacement,
    Step,
    UseCase,
    UseCaseRelation,
    Version,
)
from usecases.xml.readers.variant_c import NAMESPACE

PUBLISHED_XSD = "xsd/IEC62559-3_UC_Build08082016.xsd"


def _mrid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _rich_document() -> Repository:
    """Every field and table, including all that needs a ucmr: key."""
    requirement = Requirement(mrid=_mrid(1), identifier="R-1", name="Latency", description="Below 1 s")
    categories = [
        RequirementCategory(
            mrid=_mrid(2),
            identifier="CAT-1",
            name="Performance",
            requirements=[requirement],
            children=[
                RequirementCategory(
                    mrid=_mrid(3),
                    identifier="CAT-1.1",
                    name="Performance.Timing",
                    children=[RequirementCategory(mrid=_mrid(4), identifier="CAT-1.1.1", name="Deadlines")],
                    requirements=[Requirement(mrid=_mrid(5), identifier="R-2")],
                )
            ],
        ),
        RequirementCategory(mrid=_mrid(6), identifier="CAT-2", name="Security", extra={"origin": "BSI"}),
    ]
    actors = [
        Actor(
            mrid=_mrid(10),
            name="DSO",
            type="business",
            type_text="Business actor",
            description="Distribution system operator",
            sgam=[SgamPlacement(layer="business", domain="distribution", zone="enterprise")],
            nist=["distribution"],
        ),
        Actor(mrid=_mrid(11), name="Meter", type="device"),
        Actor(mrid=_mrid(12), name="Prosumer", type="person", type_text="Legal entity"),
        Actor(mrid=_mrid(13), name="Unknown", extra={"identifier": "A-13"}),
    ]
    information_object = InformationObject(
        mrid=_mrid(20),
        identifier="IO-1",
        name="Meter reading",
        description="kWh <b>per</b> 15 min & more",
        requirement_refs=[requirement.mrid],
        data_class="meter_usage",
        standards="IEC 61968-9",
        sgam=[SgamPlacement(domain="customer_premises", zone="field")],
        nist=["customer", "distribution"],
    )
    steps = [
        Step(
            mrid=_mrid(40),
            number="1",
            event="Every 15 min",
            name="Send reading",
            description="The meter sends",
            service="REPORT",
            producer_refs=[_mrid(11)],
            receiver_refs=[_mrid(10)],
            primary_actor_refs=[_mrid(11)],
            information_object_refs=[information_object.mrid],
            requirement_refs=[requirement.mrid],
            drawings=[Drawing(mrid=_mrid(41), name="Step view", drawing_type="activity overview", uri="s.png")],
            children=[
                Step(
                    mrid=_mrid(42),
                    number="1.1",
                    name="Sign",
                    extra={"requirements": "R-9"},
                    children=[Step(mrid=_mrid(43), number="1.1.1", name="Hash", service="EXECUTE")],
                )
            ],
        ),
        Step(mrid=_mrid(44), number="2", name="Acknowledge", service="REPEAT(1-2)"),
    ]
    scenario = Scenario(
        mrid=_mrid(30),
        number="1",
        name="Normal",
        description="Readings flow",
        primary_actor_refs=[_mrid(11)],
        requirement_refs=[requirement.mrid],
        conditions=[
            Condition(mrid=_mrid(31), kind="postcondition", name="Stored"),
            Condition(mrid=_mrid(32), kind="precondition", number="P1", description="Meter installed"),
            Condition(mrid=_mrid(33), kind="triggering_event", number="T1", name="Timer"),
        ],
        drawings=[Drawing(mrid=_mrid(34), name="Flow", drawing_type="activities flowchart", uri_type="UMLDiagram")],
        steps=steps,
    )
    related = UseCase(mrid=_mrid(90), identifier="UC-9", name="Billing", nature="BUC", is_stub=True)
    use_case = UseCase(
        mrid=_mrid(50),
        identifier="UC-1",
        name="Collect meter data",
        status="in_review",
        workspace="BRIDGE",
        area="Distribution / Field",
        scope="All meters",
        narrative_mrid=_mrid(51),
        short_description="Short",
        complete_description="Complete\nwith lines",
        level_of_depth="Detailed",
        prioritisation="Mandatory",
        classification="Generic",
        nature="SUC",
        view_point="Technical",
        keywords="meter, data",
        versions=[
            Version(
                mrid=_mrid(52),
                number="1",
                date=datetime(2024, 3, 1, 12, 30, tzinfo=UTC),
                authors=[Author(mrid=_mrid(53), name="Ann"), Author(name="Bob")],
                changes="First",
                approval_status="draft",
            ),
            Version(mrid=_mrid(54), number="2", date=datetime(2024, 4, 1, tzinfo=timezone(timedelta(hours=2)))),
            Version(mrid=_mrid(55), number="3", extra={"title": "Undated"}),
        ],
        objectives=[Objective(mrid=_mrid(56), name="Know the load", description="d")],
        business_case_refs=[_mrid(60)],
        kpis=[
            Kpi(mrid=_mrid(57), identifier="K1", name="Coverage", objective_refs=[_mrid(56)], extra={"target": "99 %"})
        ],
        conditions=[
            Condition(mrid=_mrid(58), kind="assumption", number="1", name="Meters exist"),
            Condition(mrid=_mrid(59), kind="prerequisite", description="Contracts"),
        ],
        relations=[
            UseCaseRelation(use_case_ref=related.mrid, type="include", description="billing needs data"),
            UseCaseRelation(use_case_ref=related.mrid, type="extend"),
        ],
        remarks=[Remark(mrid=_mrid(61), text="Remark")],
        drawings=[Drawing(mrid=_mrid(62), name="Overview", drawing_type="use case overview", uri="o.png")],
        actor_groupings=[
            ActorGrouping(
                mrid=_mrid(63),
                name="Grid",
                description="Grid side",
                further_actor_information=[
                    FurtherActorInformation(mrid=_mrid(64), actor_refs=[_mrid(10), _mrid(11)], description="both")
                ],
            )
        ],
        primary_actor_refs=[_mrid(10)],
        references=[
            Reference(
                mrid=_mrid(65),
                number="1",
                reference_type="Standard",
                name="IEC 62559-2",
                status="IS",
                impact="high",
                originator="IEC",
                link="https://example.org",
                description="Template",
            )
        ],
        scenarios=[scenario],
        custom_information=[CustomInformation(mrid=_mrid(66), key="Project", value="BRIDGE", reference="1.1")],
        common_term_refs=[_mrid(70)],
        sgam=[SgamPlacement(domain="distribution", zone="field"), SgamPlacement(layer="information", zone="station")],
        nist=["distribution"],
        extra={"namespace": "enera"},
    )
    return Repository(
        mrid=_mrid(80),
        name="Repository",
        description="All of it",
        library_names={"ActorLibrary": "Actors", "UseCaseLibrary": ""},
        actors=actors,
        areas=[Area(mrid=_mrid(81), name="Flexibility", description="area")],
        business_cases=[BusinessCase(mrid=_mrid(60), name="Grid ops", area_refs=[_mrid(81)])],
        information_objects=[information_object],
        common_terms=[CommonTerm(mrid=_mrid(70), term="DSO", definition="Distribution system operator")],
        requirement_categories=categories,
        use_cases=[related, use_case],
        extra={"exported_by": "UCMR"},
    )


def test_every_field_survives_a_trip_through_variant_c():
    document = _rich_document()
    assert read_document(data=write_variant_c(document=document)) == document


def test_the_rich_document_validates_against_our_xsd_and_the_published_one(iec_dir):
    written = write_variant_c(document=_rich_document())
    assert schema_problems(data=written) == []
    assert schema_problems(data=written, schema_path=iec_dir / PUBLISHED_XSD) == []


def test_only_the_root_is_namespace_qualified_and_children_are_alphabetical():
    root = etree.fromstring(write_variant_c(document=_rich_document()))
    assert root.tag == f"{{{NAMESPACE}}}UseCaseRepository"
    descendants = list(root.iterdescendants(etree.Element))
    assert descendants and all(etree.QName(element).namespace is None for element in descendants)
    for element in root.iter(etree.Element):
        names = [etree.QName(child).localname.lower() for child in element.iterchildren(etree.Element)]
        assert names == sorted(names), f"children of {element.tag} out of order: {names}"


def test_what_variant_c_cannot_hold_travels_as_documented_ucmr_entries():
    root = etree.fromstring(write_variant_c(document=_rich_document()))
    entries = {
        (entry.findtext("key"), entry.findtext("value") or "", entry.findtext("reference") or "")
        for entry in root.iter("CustomInformation")
    }
    expected = {
        ("Project", "BRIDGE", "1.1"),
        ("ucmr:workspace", "BRIDGE", ""),
        ("ucmr:status", "in_review", ""),
        ("ucmr:area", "Distribution / Field", ""),
        ("ucmr:view_point", "Technical", ""),
        ("ucmr:sgam", "domain=distribution;zone=field", ""),
        ("ucmr:sgam", "layer=information;zone=station", ""),
        ("ucmr:nist", "distribution", ""),
        ("ucmr:relation.type", "include", _mrid(90)),
        ("ucmr:relation.type", "extend", _mrid(90)),
        ("ucmr:relation.description", "billing needs data", _mrid(90)),
        ("ucmr:relation.description", "", _mrid(90)),
        ("ucmr:condition.number", "T1", _mrid(33)),
        ("ucmr:extra.use_case.namespace", "enera", _mrid(50)),
        ("ucmr:extra.version.title", "Undated", _mrid(55)),
        ("ucmr:extra.kpi.target", "99 %", _mrid(57)),
        ("ucmr:extra.step.requirements", "R-9", _mrid(42)),
        ("ucmr:extra.repository.exported_by", "UCMR", _mrid(80)),
        ("ucmr:actor.sgam", "layer=business;domain=distribution;zone=enterprise", _mrid(10)),
        ("ucmr:actor.nist", "distribution", _mrid(10)),
        ("ucmr:actor.type", "person", _mrid(12)),
        ("ucmr:extra.actor.identifier", "A-13", _mrid(13)),
        ("ucmr:information_object.data_class", "meter_usage", _mrid(20)),
        ("ucmr:information_object.standards", "IEC 61968-9", _mrid(20)),
        ("ucmr:information_object.sgam", "domain=customer_premises;zone=field", _mrid(20)),
        ("ucmr:information_object.nist", "customer", _mrid(20)),
        ("ucmr:information_object.nist", "distribution", _mrid(20)),
        ("ucmr:requirement_category.parent", _mrid(2), _mrid(3)),
        ("ucmr:requirement_category.parent", _mrid(3), _mrid(4)),
        ("ucmr:extra.requirement_category.origin", "BSI", _mrid(6)),
    }
    assert entries == expected
    carrier = next(u for u in root.iter("UseCase") if u.findtext("mRID") == _mrid(50))
    assert carrier.find("CustomInformation[key='ucmr:actor.type']") is not None  # the first full use case


def _with_generated_drawings() -> Repository:
    """The rich document with diagrams a repository generated, on the use case and on a scenario."""
    document = _rich_document()
    use_case = document.full_use_cases[0]
    use_case.drawings.append(
        GeneratedDrawing(mrid=_mrid(70), name="Actor interaction", uri=f"/diagrams/{_mrid(50)}/actors.svg")
    )
    use_case.scenarios[0].drawings.append(
        GeneratedDrawing(
            mrid=_mrid(71),
            name="Sequence diagram of scenario 1",
            drawing_type="scenario overview",
            uri=f"/diagrams/{_mrid(50)}/sequence-{use_case.scenarios[0].mrid}.svg",
        )
    )
    return document


def test_generated_drawings_are_written_as_drawings_marked_generated(iec_dir):
    written = write_variant_c(document=_with_generated_drawings())

    assert schema_problems(data=written) == []
    assert schema_problems(data=written, schema_path=iec_dir / PUBLISHED_XSD) == []
    root = etree.fromstring(written)
    use_case = next(u for u in root.iter("UseCase") if u.findtext("mRID") == _mrid(50))
    drawing = use_case.find(f"Drawing[mRID='{_mrid(70)}']")
    assert (drawing.findtext("name"), drawing.findtext("URI"), drawing.find("URI").get("type")) == (
        "Actor interaction",
        f"/diagrams/{_mrid(50)}/actors.svg",
        "image",
    )
    assert use_case.find(f"Scenario/Drawing[mRID='{_mrid(71)}']") is not None
    marks = [
        (entry.findtext("value"), entry.findtext("reference"))
        for entry in use_case.findall("CustomInformation[key='ucmr:drawing.generated']")
    ]
    assert marks == [("true", _mrid(70)), ("true", _mrid(71))]


def test_the_reader_leaves_out_generated_drawings_and_their_marks():
    """Importing our own export gives back the author's drawings only: the generated ones are not data."""
    document = read_document(data=write_variant_c(document=_with_generated_drawings()))

    assert document == _rich_document()
    assert not document.warnings


@pytest.mark.parametrize("reference", [_mrid(99), ""], ids=["unknown", "blank"])
def test_a_mark_naming_no_drawing_is_a_warning_and_the_drawings_are_kept(reference):
    document = _rich_document()
    use_case = document.full_use_cases[0]
    use_case.drawings.append(Drawing(name="Without mRID", uri="https://example.org/x.png"))
    root = etree.fromstring(write_variant_c(document=document))
    element = next(u for u in root.iter("UseCase") if u.findtext("mRID") == _mrid(50))
    mark = etree.SubElement(element, "CustomInformation")
    etree.SubElement(mark, "key").text = "ucmr:drawing.generated"
    etree.SubElement(mark, "reference").text = reference
    etree.SubElement(mark, "value").text = "true"

    read = read_document(data=etree.tostring(root))

    assert read.full_use_cases[0].drawings == use_case.drawings and len(use_case.drawings) >= 2
    assert any("ucmr:drawing.generated refers to no drawing" in warning for warning in read.warnings)


def test_categories_are_written_flat_parents_first_and_nested_again_on_reading():
    written = write_variant_c(document=_rich_document())
    identifiers = [c.findtext("identifier") for c in etree.fromstring(written).iter("RequirementCategory")]
    assert identifiers == ["CAT-1", "CAT-1.1", "CAT-1.1.1", "CAT-2"]
    categories = read_document(data=written).requirement_categories
    assert [c.identifier for c in categories] == ["CAT-1", "CAT-2"]
    assert categories[0].children[0].children[0].name == "Deadlines"


def test_a_library_without_use_cases_travels_in_a_carrier_the_reader_drops():
    document = _rich_document()
    document.use_cases = []
    written = write_variant_c(document=document)
    assert etree.fromstring(written).find("UseCaseLibrary/UseCase/CustomInformation[key='ucmr:carrier']") is not None
    assert read_document(data=written) == document


def test_versions_without_a_date_get_the_placeholder_date_and_come_back_undated():
    written = write_variant_c(document=_rich_document())
    dates = [d.text for d in etree.fromstring(written).iter("date")]
    assert dates == ["2024-03-01T12:30:00+00:00", "2024-04-01T00:00:00+02:00", "0001-01-01T00:00:00"]
    assert read_document(data=written).use_cases[1].versions[2].date is None


def test_required_elements_are_written_even_when_blank():
    document = Repository(
        use_cases=[UseCase(scenarios=[Scenario(steps=[Step()])], references=[Reference()], short_description="s")]
    )
    root = etree.fromstring(write_variant_c(document=document))
    use_case = root.find("UseCaseLibrary/UseCase")
    for path in ("identifier", "name", "Narrative/shortDescription", "Reference/name"):
        assert use_case.find(path) is not None, path
    assert use_case.find("Reference/originatorOrganization") is not None
    assert use_case.find("Scenario/Activity/description") is not None
    assert root.find("name") is not None


def test_characters_xml_cannot_hold_are_left_out():
    document = Repository(use_cases=[UseCase(name="Bad\x0bname\x00", scope="ok")])
    assert read_document(data=write_variant_c(document=document)).use_cases[0].name == "Badname"


def test_an_object_that_needs_a_key_but_has_no_mrid_is_refused():
    document = Repository(actors=[Actor(name="Nameless", sgam=[SgamPlacement(domain="der")])])
    with pytest.raises(ValueError, match="actor without an mRID"):
        write_variant_c(document=document)


def test_scenario_conditions_on_a_use_case_are_refused():
    document = Repository(use_cases=[UseCase(name="x", conditions=[Condition(kind="precondition")])])
    with pytest.raises(ValueError, match="precondition"):
        write_variant_c(document=document)


def test_mrids_are_written_normalised():
    document = Repository(actors=[Actor(mrid_raw="{ABCDEF00-0000-4000-8000-000000000001}", name="A")])
    root = etree.fromstring(write_variant_c(document=document))
    assert root.findtext("ActorLibrary/Actor/mRID") == "abcdef00-0000-4000-8000-000000000001"
