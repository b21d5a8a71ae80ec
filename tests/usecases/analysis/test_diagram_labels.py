"""Diagrams are read by name (issue 15): information and actors labelled by their names (an information object's ID
in the tooltip), long labels wrapped rather than cut with "…", no "(no … named)" placeholders, and SGAM planes only
as tall as what they hold. Checked on the DOT source and on the SVG Graphviz draws from it, for the demo repository
and a real imported file."""

import re
import xml.etree.ElementTree as ET

import pytest

from usecases.analysis.diagrams import usecase_diagram_specs_get
from usecases.analysis.dot import graphviz_run
from usecases.exchange.loader import repository_import_xml
from usecases.models import UseCase
from usecases.selectors import usecase_get

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
REAL_FILE = "variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml"


def svg_words(svg: bytes) -> str:
    """The text an SVG shows, its lines joined by spaces (a wrapped label reads as one)."""
    tree = ET.fromstring(svg)  # noqa: S314 - our own Graphviz output
    return " ".join(" ".join((element.text or "").split()) for element in tree.iter(f"{SVG}text"))


def svg_tooltips(svg: bytes) -> str:
    tree = ET.fromstring(svg)  # noqa: S314 - our own Graphviz output
    return "\n".join(
        value for element in tree.iter(f"{SVG}a") for name, value in element.attrib.items() if name.endswith("title")
    )


def drawn(use_case: UseCase, user) -> dict[str, tuple[str, bytes]]:
    """key -> (DOT source, SVG) of every diagram of the use case."""
    loaded = usecase_get(user=user, pk=use_case.pk)
    return {
        spec.key: (spec.dot.source, graphviz_run(dot=spec.dot, output_format="svg")[0])
        for spec in usecase_diagram_specs_get(use_case=loaded)
    }


@pytest.fixture
def repository(demo_loaded, iec_dir, admin_user):
    repository_import_xml(user=None, data=(iec_dir / "examples" / REAL_FILE).read_bytes(), workspace=None)
    return UseCase.objects.listed()


def _step_information(use_case: UseCase) -> set[tuple[str, str]]:
    return {
        (information.identifier, information.name)
        for scenario in use_case.scenarios.all()
        for step in scenario.steps.all()
        for information in step.information_objects.all()
    }


def test_diagrams_name_information_and_never_cut_or_make_up_labels(repository, admin_user):
    assert repository.count() >= 7
    checked = 0
    for use_case in repository:
        diagrams = drawn(use_case, admin_user)
        named = {(identifier, name) for identifier, name in _step_information(use_case) if name}
        for key, (source, svg) in diagrams.items():
            words = svg_words(svg)
            assert "…" not in source and "…" not in words, (use_case.identifier, key)
            assert not re.search(r"\(no [^)]*named\)", words), (use_case.identifier, key, words)
        actors_words = svg_words(diagrams["actors"][1])
        actors_tooltips = svg_tooltips(diagrams["actors"][1])
        for identifier, name in named:
            assert " ".join(name.split()) in actors_words, (use_case.identifier, name)
            if identifier and identifier != name:
                # the ID is not a label (unless it is a word of another label), it is in the tooltip
                assert identifier in actors_tooltips, (use_case.identifier, identifier)
                assert not re.search(rf"(^| ){re.escape(identifier)}( |,|$)", actors_words.replace(name, "")), (
                    use_case.identifier,
                    identifier,
                )
            checked += 1
    assert checked > 20


def test_the_real_file_labels_its_information_by_name(repository, admin_user):
    use_case = next(item for item in repository if not item.identifier.startswith("DEMO-"))
    diagrams = drawn(use_case, admin_user)
    words = " ".join(svg_words(svg) for _, svg in diagrams.values())
    # edf-1 names its information objects Info1..Info4; the diagrams show their names
    assert not re.search(r"\bInfo\d\b", words)
    assert any(re.search(r"\bInfo\d\b", svg_tooltips(svg)) for _, svg in diagrams.values())


def test_long_names_are_wrapped_whole(known, repository_reader):
    long_name = "Distribution system operator's advanced distribution management system with state estimation"
    known.dso.name = long_name
    known.dso.save()
    known.steps["1"].name = "Send the day-ahead flexibility forecast for every congested feeder of the region " * 2
    known.steps["1"].save()
    diagrams = drawn(known.use_case, repository_reader)

    for key, (source, svg) in diagrams.items():
        words = svg_words(svg)
        assert "…" not in source, key
        if key == "actors" or key.startswith("sequence-") or key == "nist":
            assert long_name in words, key
    sequence = next(svg for key, (_, svg) in diagrams.items() if key == f"sequence-{known.scenario.mrid}")
    assert known.steps["1"].name.strip() in svg_words(sequence)


def test_sgam_plane_is_only_as_tall_as_its_content(known, repository_reader):
    diagrams = drawn(known.use_case, repository_reader)
    svg = diagrams["sgam-information"][1]
    height = float(re.search(rb'height="([\d.]+)pt"', svg).group(1))
    # two information objects in one cell, six zones: the empty zones are thin strips
    assert height < 400, height
