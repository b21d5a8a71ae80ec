"""The variant C reader on files other tools (or people) wrote: what it warns about, and what it keeps."""

from usecases.xml import read_document
from usecases.xml.readers.variant_c import NAMESPACE


def _file(use_cases: str, libraries: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<UC:UseCaseRepository xmlns:UC="{NAMESPACE}">\n{libraries}'
        f"<name>R</name>\n<UseCaseLibrary>\n{use_cases}\n</UseCaseLibrary>\n</UC:UseCaseRepository>\n"
    ).encode()


def test_unknown_elements_are_reported_with_their_line():
    document = read_document(
        data=_file("<UseCase>\n<colour>blue</colour>\n<identifier/><name>U</name><scope>s</scope>\n</UseCase>")
    )
    assert any("<colour> at line 6" in warning for warning in document.warnings), document.warnings


def test_custom_information_of_other_tools_and_unknown_ucmr_keys_stay_custom_information():
    document = read_document(
        data=_file(
            "<UseCase><CustomInformation><key>Budget</key><reference>8</reference><value>1 M</value>"
            "</CustomInformation><CustomInformation><key>ucmr:colour</key><value>blue</value></CustomInformation>"
            "<CustomInformation><key>ucmr:status</key><value>approved</value></CustomInformation>"
            "<identifier/><name>U</name><scope>s</scope></UseCase>"
        )
    )
    [use_case] = document.use_cases
    assert use_case.status == "approved"
    assert [(c.key, c.value, c.reference) for c in use_case.custom_information] == [
        ("Budget", "1 M", "8"),
        ("ucmr:colour", "blue", ""),
    ]
    assert any("ucmr:colour" in warning for warning in document.warnings)


def test_a_stub_stays_a_stub_when_it_carries_ucmr_entries():
    document = read_document(
        data=_file(
            "<UseCase><CustomInformation><key>ucmr:workspace</key><value>W</value></CustomInformation>"
            "<identifier>UC-2</identifier><mRID>{AA}</mRID><name>Related</name><nature>BUC</nature></UseCase>"
        )
    )
    [stub] = document.use_cases
    assert (stub.is_stub, stub.workspace, stub.mrid, stub.mrid_raw) == (True, "W", "aa", "{AA}")


def test_relation_entries_that_do_not_match_the_related_use_cases_are_ignored_with_a_warning():
    document = read_document(
        data=_file(
            "<UseCase><CustomInformation><key>ucmr:relation.type</key><reference>bb</reference>"
            "<value>include</value></CustomInformation><identifier/><name>U</name>"
            "<RelatedUseCase><mRID>cc</mRID></RelatedUseCase><scope>s</scope></UseCase>"
        )
    )
    assert document.use_cases[0].relations[0].type == ""
    assert any("do not match" in warning for warning in document.warnings)


def test_a_category_whose_parent_is_missing_stays_on_top():
    libraries = (
        "<RequirementLibrary><RequirementCategory><identifier>C</identifier><mRID>c1</mRID><name>C</name>"
        "</RequirementCategory></RequirementLibrary>"
    )
    document = read_document(
        data=_file(
            "<UseCase><CustomInformation><key>ucmr:requirement_category.parent</key><reference>c1</reference>"
            "<value>nowhere</value></CustomInformation><identifier/><name>U</name><scope>s</scope></UseCase>",
            libraries,
        )
    )
    assert [category.mrid for category in document.requirement_categories] == ["c1"]
    assert any("parent nowhere not found" in warning for warning in document.warnings)
