"""Variant B (the 2015 draft): a small sample written here, valid against the draft's own XSD, reads correctly."""

import pytest

from usecases.xml import Dialect, detect_dialect, parse_xml, read_document, schema_problems, write_variant_c
from usecases.xml.readers.variant_b import NAMESPACE

DRAFT_XSD = "xsd/IEC62559-3_Build11022015.xsd"
PUBLISHED_XSD = "xsd/IEC62559-3_UC_Build08082016.xsd"

SAMPLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<UC:UseCaseRepository xmlns:UC="{NAMESPACE}">
  <name>Draft repository</name>
  <technicalId>REPO-1</technicalId>
  <DomainLibrary>
    <Domain><name>Flexibility</name><technicalId>DOM-1</technicalId><description>Markets</description></Domain>
  </DomainLibrary>
  <BusinessObjectLibrary>
    <BusinessObject>
      <name>Meter reading</name><technicalId>BO-1</technicalId><description>kWh per 15 min</description>
      <Requirement><technicalId>REQ-1</technicalId></Requirement>
    </BusinessObject>
  </BusinessObjectLibrary>
  <RequirementLibrary>
    <RequirementCategory>
      <name>Performance</name><identifier>CAT-1</identifier>
      <Requirement><name>Latency</name><technicalId>REQ-1</technicalId><identifier>R-1</identifier></Requirement>
      <Requirement><name>Throughput</name><technicalId>REQ-2</technicalId></Requirement>
    </RequirementCategory>
  </RequirementLibrary>
  <ActorLibrary>
    <Actor><name>DSO</name><identifier>A-1</identifier><technicalId>ACT-1</technicalId>
      <type>Business actor</type></Actor>
    <Actor><name>Meter System</name><identifier>A-2</identifier><technicalId>ACT-2</technicalId>
      <type>System</type></Actor>
  </ActorLibrary>
  <CommonTermLibrary>
    <CommonTerm><name>DSO</name><identifier>T-1</identifier><technicalId>TERM-1</technicalId>
      <description>Distribution system operator</description></CommonTerm>
  </CommonTermLibrary>
  <BusinessCaseLibrary>
    <BusinessCase><name>Grid operation</name><technicalId>BC-1</technicalId>
      <Domain><technicalId>DOM-1</technicalId></Domain></BusinessCase>
  </BusinessCaseLibrary>
  <UseCaseLibrary>
    <UseCase>
      <name>Collect meter data</name><identifier>UC-1</identifier><technicalId>UC-TECH-1</technicalId>
      <nature>SUC</nature><classification>Generic</classification><keywords>meter</keywords>
      <levelOfDepth>Detailed</levelOfDepth><prioritisation>Mandatory</prioritisation><scope>All meters</scope>
      <RelatedUseCase><name>Billing</name><technicalId>UC-TECH-2</technicalId></RelatedUseCase>
      <ActorGrouping>
        <name>Grid</name><identifier>G-1</identifier><description>Grid side</description>
        <Actor><name>DSO</name><technicalId>ACT-1</technicalId><furtherInformation>Runs it</furtherInformation></Actor>
        <Actor><name>Meter System</name><technicalId>ACT-2</technicalId></Actor>
      </ActorGrouping>
      <PrimaryActor><name>DSO</name></PrimaryActor>
      <RelatedObjective><name>Know the load</name><technicalId>OBJ-1</technicalId></RelatedObjective>
      <Assumption><name>A1</name><content>Meters exist</content></Assumption>
      <Prerequisite><name>P1</name><content>Contracts signed</content></Prerequisite>
      <KeyPerformanceIndicator><name>Coverage</name><technicalId>KPI-1</technicalId>
        <Objective><technicalId>OBJ-1</technicalId></Objective></KeyPerformanceIndicator>
      <BusinessCase><technicalId>BC-1</technicalId></BusinessCase>
      <Narrative><shortDescription>Short</shortDescription><completeDescription>Complete</completeDescription></Narrative>
      <Reference><identifier>1</identifier><name>IEC 62559-2</name><status>IS</status>
        <originatorOrganisation>IEC</originatorOrganisation></Reference>
      <Remark><content>A remark</content></Remark>
      <Drawing><name>Overview</name><drawingType>Use Case Overview</drawingType><URI type="Image">o.png</URI></Drawing>
      <Version><versionNumber>0.1</versionNumber><date>2015-02-11T09:00:00</date><changes>First</changes>
        <approvalStatus>draft</approvalStatus><Author><name>Ann</name></Author></Version>
      <CustomInformation><key>Project</key><value>Demo</value><reference>1</reference></CustomInformation>
      <CommonTerm><technicalId>TERM-1</technicalId></CommonTerm>
      <Scenario>
        <name>Normal</name><identifier>1</identifier><description>Readings flow</description>
        <PrimaryActor><technicalId>ACT-2</technicalId></PrimaryActor>
        <Drawing><name>Flow</name><drawingType>MacroActivities Flowchart</drawingType>
          <URI type="UMLDiagram">m.xmi#Flow</URI></Drawing>
        <TriggeringEvent><name>Timer</name><content>Every 15 min</content></TriggeringEvent>
        <Precondition><content>Meter installed</content></Precondition>
        <Postcondition><content>Stored</content></Postcondition>
        <Requirement><technicalId>REQ-1</technicalId></Requirement>
        <MacroActivity>
          <name>Collect</name><description>Collect readings</description>
          <ChildMacroActivity>
            <name>Validate</name>
            <Step><name>Check</name><identifier>1.1.1</identifier><description>Plausibility</description>
              <event>Received</event><service>EXECUTE</service></Step>
            <technicalId>MA-2</technicalId>
          </ChildMacroActivity>
          <Step>
            <name>Send reading</name><identifier>1.2</identifier><description>The meter sends</description>
            <event>Timer</event><service>REPORT</service>
            <Requirement><technicalId>REQ-2</technicalId></Requirement>
            <InformationReceiver><name>DSO</name><technicalId>ACT-1</technicalId></InformationReceiver>
            <InformationProducer><technicalId>ACT-2</technicalId></InformationProducer>
            <BusinessObject><name>Meter reading</name><technicalId>BO-1</technicalId></BusinessObject>
          </Step>
          <technicalId>MA-1</technicalId>
        </MacroActivity>
        <technicalId>SC-1</technicalId>
      </Scenario>
    </UseCase>
    <UseCase><name>Billing</name><identifier>UC-2</identifier><technicalId>UC-TECH-2</technicalId></UseCase>
  </UseCaseLibrary>
</UC:UseCaseRepository>
""".encode()


def test_the_sample_is_valid_against_the_2015_draft_xsd(iec_dir):
    assert schema_problems(data=SAMPLE, schema_path=iec_dir / DRAFT_XSD) == []


def test_the_sample_is_read_as_variant_b():
    assert detect_dialect(root=parse_xml(data=SAMPLE)) == Dialect.VARIANT_B
    document = read_document(data=SAMPLE)
    assert document.name == "Draft repository" and document.mrid == "repo-1"
    # no field for an actor grouping's identifier, and no mRID to key it in an export
    assert document.warnings == [
        "Actor grouping identifier 'G-1' at line 41, element /UC:UseCaseRepository/UseCaseLibrary/UseCase[1]/"
        "ActorGrouping is not kept."
    ]


def test_libraries_are_read_with_technical_ids_as_mrids():
    document = read_document(data=SAMPLE)
    dso, meter = document.actors
    assert (dso.mrid, dso.type, dso.type_text) == ("act-1", "business", "Business actor")
    assert dso.extra == {"identifier": "A-1"}
    assert (meter.type, meter.type_text) == ("system", "")
    assert [area.name for area in document.areas] == ["Flexibility"]
    assert document.business_cases[0].area_refs == ["dom-1"]
    assert document.information_objects[0].requirement_refs == ["req-1"]
    assert [(r.identifier, r.name) for r in document.all_requirements()] == [("R-1", "Latency"), ("", "Throughput")]
    assert (document.common_terms[0].term, document.common_terms[0].extra) == ("DSO", {"identifier": "T-1"})


def test_the_use_case_is_read_with_its_tables():
    use_case, stub = read_document(data=SAMPLE).use_cases
    assert stub.is_stub and not use_case.is_stub
    assert (use_case.identifier, use_case.prioritisation, use_case.mrid) == ("UC-1", "Mandatory", "uc-tech-1")
    assert [r.use_case_ref for r in use_case.relations] == [stub.mrid]
    assert use_case.primary_actor_refs == ["act-1"]  # a reference by name only, resolved in the actor library
    [grouping] = use_case.actor_groupings
    assert [(i.actor_refs, i.description) for i in grouping.further_actor_information] == [
        (["act-1"], "Runs it"),
        (["act-2"], ""),
    ]
    assert [(c.kind, c.name, c.description) for c in use_case.conditions] == [
        ("assumption", "A1", "Meters exist"),
        ("prerequisite", "P1", "Contracts signed"),
    ]
    assert use_case.kpis[0].objective_refs == [use_case.objectives[0].mrid]
    assert (use_case.references[0].number, use_case.references[0].originator) == ("1", "IEC")
    assert use_case.remarks[0].text == "A remark"
    assert (use_case.drawings[0].drawing_type, use_case.drawings[0].uri_type) == ("use case overview", "image")
    [version] = use_case.versions
    assert (version.number, version.date.year, [a.name for a in version.authors]) == ("0.1", 2015, ["Ann"])
    assert use_case.common_term_refs == ["term-1"]


def test_macro_activities_become_steps_with_their_sub_steps():
    [scenario] = read_document(data=SAMPLE).use_cases[0].scenarios
    assert [(c.kind, c.description) for c in scenario.conditions] == [
        ("postcondition", "Stored"),
        ("precondition", "Meter installed"),
        ("triggering_event", "Every 15 min"),
    ]
    assert scenario.drawings[0].drawing_type == "activities flowchart"
    assert scenario.drawings[0].uri_type == "UMLDiagram"
    [collect] = scenario.steps
    validate, send = collect.children
    assert (collect.mrid, validate.mrid, validate.children[0].number) == ("ma-1", "ma-2", "1.1.1")
    assert (send.number, send.service, send.event) == ("1.2", "REPORT", "Timer")
    assert (send.producer_refs, send.receiver_refs) == (["act-2"], ["act-1"])
    assert (send.information_object_refs, send.requirement_refs) == (["bo-1"], ["req-2"])


def test_a_variant_b_document_survives_a_trip_through_variant_c(iec_dir):
    document = read_document(data=SAMPLE)
    written = write_variant_c(document=document)
    assert schema_problems(data=written, schema_path=iec_dir / PUBLISHED_XSD) == []
    assert read_document(data=written) == document


@pytest.mark.parametrize("reference", ["<name>Nobody</name>", ""])
def test_an_actor_reference_that_resolves_to_nothing_is_dropped_with_a_warning(reference):
    found = b"<PrimaryActor><name>DSO</name></PrimaryActor>"
    data = SAMPLE.replace(found, f"<PrimaryActor>{reference}</PrimaryActor>".encode())
    document = read_document(data=data)
    assert document.use_cases[0].primary_actor_refs == []
    assert any("cannot resolve" in warning and "PrimaryActor" in warning for warning in document.warnings)
