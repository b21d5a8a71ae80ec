"""The SGAM planes and the NIST domains as DOT sources: elements laid out on the reference grid (zones by domains;
the NIST conceptual model's arrangement), positions in points drawn by `neato -n2`. User text enters a source only
through `text` inside `html_label` (see `usecases.analysis.dot`).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from usecases.analysis.dot import Dot, DotSource, bold, html_label, small, text, wrapped
from usecases.analysis.graphs import UNPLACED
from usecases.analysis.rendering import chars_fitting, inches, lines_height, point_pos

# SGAM plane

SGAM_CELL_W, SGAM_EMPTY_W, SGAM_EMPTY_H, SGAM_HEADER, SGAM_GAP, SGAM_FONT = 180.0, 90.0, 26.0, 100.0, 6.0, 9.0
SGAM_CELL_ROWS = 8  # a cell holding more elements than this shows them side by side, widening its domain
SGAM_DOMAIN_COLORS = {
    "generation": "#e6f0e0",
    "transmission": "#e0ecf5",
    "distribution": "#ece4f3",
    "der": "#f6ece0",
    "customer_premises": "#f5f3df",
    "*": "#f2f2f2",
}
SGAM_ELEMENT_STYLES = {
    "actor": {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "color": "#4a6a8a"},
    "information": {"shape": "note", "style": "filled", "fillcolor": "#fffbe6", "color": "#8a6d1a"},
    "usecase": {"shape": "ellipse", "style": "filled", "fillcolor": "#e8f5e9", "color": "#2e7d32"},
}


@dataclass(kw_only=True)
class _SgamGrid:
    """Where everything of an SGAM plane goes, in points: the rows (zones, Market first) and columns (domains) in
    use, each cell's elements in their order, each element's wrapped name, and each row's and column's size and
    place."""

    graph: nx.DiGraph
    domains: list[tuple[str, str]]
    zones: list[tuple[str, str]]
    by_cell: dict[tuple[str, str], list[str]]
    lines_of: dict[str, list[str]]
    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[str, float] = field(default_factory=dict)
    left: dict[str, float] = field(default_factory=dict)
    top: dict[str, float] = field(default_factory=dict)

    def element_h(self, node: str) -> float:
        return lines_height(len(self.lines_of[node]), SGAM_FONT) + (
            18 if self.graph.nodes[node]["kind"] == "usecase" else 10
        )

    def stacks(self, code: str, zone: str) -> list[list[str]]:
        members = self.by_cell.get((code, zone), [])
        return [members[i : i + SGAM_CELL_ROWS] for i in range(0, len(members), SGAM_CELL_ROWS)]

    def stack_h(self, stack: list[str]) -> float:
        return sum(self.element_h(node) + SGAM_GAP for node in stack) + SGAM_GAP


def _sgam_grid(graph: nx.DiGraph) -> _SgamGrid:
    """The plane's grid: a used domain as wide as its fullest cell needs (elements side by side beyond
    SGAM_CELL_ROWS), a zone as tall as its fullest cell, unused ones thin strips."""
    nodes = list(graph.nodes(data=True))
    domains = list(graph.graph["domains"])
    zones = list(reversed(graph.graph["zones"]))  # Market first, at the top
    if any(data["domain"] == "*" for _, data in nodes):
        domains.append(("*", "Any domain"))
    if any(data["zone"] == "*" for _, data in nodes):
        zones.append(("*", "Any zone"))
    by_cell: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node, data in nodes:
        by_cell[(data["domain"], data["zone"])].append(node)
    for members in by_cell.values():
        members.sort(key=lambda member: (graph.nodes[member]["kind"], graph.nodes[member]["label"], member))

    sides = {
        code: max((math.ceil(len(by_cell.get((code, zone), [])) / SGAM_CELL_ROWS) for zone, _ in zones), default=0)
        for code, _ in domains
    }
    element_chars = {"usecase": chars_fitting(SGAM_CELL_W - 60, SGAM_FONT)}  # an ellipse holds less than a box
    grid = _SgamGrid(
        graph=graph,
        domains=domains,
        zones=zones,
        by_cell=by_cell,
        lines_of={
            node: wrapped(data["label"], element_chars.get(data["kind"], chars_fitting(SGAM_CELL_W - 28, SGAM_FONT)))
            for node, data in nodes
        },
        widths={code: SGAM_CELL_W * sides[code] if sides[code] else SGAM_EMPTY_W for code, _ in domains},
    )
    grid.heights = {
        zone: max([grid.stack_h(stack) for code, _ in domains for stack in grid.stacks(code, zone)], default=0)
        or SGAM_EMPTY_H
        for zone, _ in zones
    }
    x = SGAM_HEADER
    for code, _ in domains:
        grid.left[code], x = x, x + grid.widths[code]
    y = 0.0
    for zone, _ in zones:
        grid.top[zone], y = y, y - grid.heights[zone]
    return grid


def _sgam_headings(dot: Dot, grid: _SgamGrid) -> None:
    """The layer's name and the domains' names above their columns."""
    header_lines = max(len(wrapped(name, chars_fitting(grid.widths[code] - 8, 10))) for code, name in grid.domains)
    header_y = lines_height(header_lines, 10) / 2 + 6
    dot.node(
        "title",
        label=html_label(bold(text(grid.graph.graph["layer_name"] + " layer", 14))),
        shape="plaintext",
        pos=point_pos(SGAM_HEADER / 2, header_y),
    )
    for code, name in grid.domains:
        dot.node(
            f"domain-{code}".replace("*", "any"),
            label=html_label(bold(text(name, chars_fitting(grid.widths[code] - 8, 10)))),
            shape="plaintext",
            pos=point_pos(grid.left[code] + grid.widths[code] / 2, header_y),
        )


def _sgam_rows(dot: Dot, grid: _SgamGrid) -> None:
    """Each zone's name left of its row, and its cells, filled in their domain's colour."""
    left, top, widths, heights = grid.left, grid.top, grid.widths, grid.heights
    for zone, name in grid.zones:
        dot.node(
            f"zone-{zone}".replace("*", "any"),
            label=html_label(bold(text(name, 14))),
            shape="plaintext",
            pos=point_pos(SGAM_HEADER / 2, top[zone] - heights[zone] / 2),
        )
        for code, _ in grid.domains:
            dot.node(
                f"cell-{code}-{zone}".replace("*", "any"),
                label="",
                shape="box",
                style="filled",
                color="#bbbbbb",
                fillcolor=SGAM_DOMAIN_COLORS.get(code, "#f2f2f2"),
                pos=point_pos(left[code] + widths[code] / 2, top[zone] - heights[zone] / 2),
                width=inches(widths[code]),
                height=inches(heights[zone]),
                fixedsize="true",
            )


def _sgam_elements(dot: Dot, grid: _SgamGrid) -> dict[str, tuple[str, int]]:
    """Each element in its cell, stacked from the middle of its row; dashed when its placement is inherited or
    derived. Returns each element's column in its cell: node -> (domain, side)."""
    columns: dict[str, tuple[str, int]] = {}
    for (code, zone), _ in sorted(grid.by_cell.items()):
        for side, stack in enumerate(grid.stacks(code, zone)):
            y = grid.top[zone] - (grid.heights[zone] - grid.stack_h(stack)) / 2 - SGAM_GAP
            for node in stack:
                data = grid.graph.nodes[node]
                style = dict(SGAM_ELEMENT_STYLES[data["kind"]])
                if data["source"] in ("default", "derived"):
                    style["style"] += ",dashed"
                dot.node(
                    node,
                    label=html_label(text("\n".join(grid.lines_of[node]))),
                    tooltip=data.get("tooltip") or data["label"],
                    fontsize=str(SGAM_FONT),
                    pos=point_pos(grid.left[code] + (side + 0.5) * SGAM_CELL_W, y - grid.element_h(node) / 2),
                    width=inches(SGAM_CELL_W - 20),
                    height=inches(grid.element_h(node)),
                    fixedsize="true",
                    **style,
                )
                columns[node] = (code, side)
                y -= grid.element_h(node) + SGAM_GAP
    return columns


def _sgam_arrows(dot: Dot, graph: nx.DiGraph, columns: dict[str, tuple[str, int]]) -> None:
    """The exchanges between elements, labelled with the information. An arrow between two elements stacked in one
    column would run through them, its label over their names: it runs along their right or left side instead
    (alternately, so that two such labels do not cover each other)."""
    sides_used: dict[tuple[str, int], int] = defaultdict(int)
    for source, target, data in graph.edges(data=True):
        ports = {}
        if columns[source] == columns[target]:
            port = "e" if sides_used[columns[source]] % 2 == 0 else "w"
            sides_used[columns[source]] += 1
            ports = {"tailport": port, "headport": port}
        dot.edge(
            source,
            target,
            label=html_label(small(text(", ".join(data["information"]), 30), 8, "#1f3b57")),
            tooltip="Steps " + ", ".join(dict.fromkeys(data["numbers"])),
            color="#1f3b57",
            arrowsize="0.6",
            **ports,
        )


def sgam_plane_dot(graph: nx.DiGraph) -> DotSource:
    """Zones as rows (Market at the top), domains as columns, as in the placement editor; each element in its cell,
    its name wrapped; a row is as tall as its fullest cell, a row or column holding nothing is a thin strip. A
    dashed outline marks a placement the element inherits or derives; an extra column or row holds elements with
    an open domain or zone."""
    dot = Dot(outputorder="nodesfirst", splines="line")
    grid = _sgam_grid(graph)
    _sgam_headings(dot, grid)
    _sgam_rows(dot, grid)
    columns = _sgam_elements(dot, grid)
    _sgam_arrows(dot, graph, columns)
    return DotSource(dot.source, engine="neato", pinned=True)


# NIST domains

NIST_COLORS = {
    "bulk_generation": "#e6f0e0",
    "transmission": "#e0ecf5",
    "distribution": "#ece4f3",
    "customer": "#f5f3df",
    "markets": "#e1f3f6",
    "operations": "#e8eaf6",
    "service_provider": "#fbe9e7",
    UNPLACED: "#f2f2f2",
}
# The NIST conceptual model's arrangement: markets, operations and service providers above the power chain.
NIST_ROWS = (
    ("markets", "operations", "service_provider", UNPLACED),
    ("bulk_generation", "transmission", "distribution", "customer"),
)
NIST_BOX_W, NIST_GAP, NIST_HEADER, NIST_ACTOR_GAP, NIST_FONT = 210.0, 50.0, 40.0, 8.0, 9.0


@dataclass(kw_only=True)
class _NistBoxes:
    """What the NIST domain boxes hold: each domain's node, its actors and their wrapped names, the exchanges
    within a domain, and the data flows between two domains."""

    graph: nx.MultiDiGraph
    domains: dict[str, tuple[str, dict]]
    actors_in: dict[str, list[tuple[str, dict]]]
    internal: dict[str, dict]
    lines_of: dict[str, list[str]]
    flows: dict[tuple[str, str], dict]

    def actor_h(self, node: str) -> float:
        return lines_height(len(self.lines_of[node]), NIST_FONT) + 10

    def height(self, code: str) -> float:
        members = self.actors_in.get(code, [])
        return NIST_HEADER + (sum(self.actor_h(node) + NIST_ACTOR_GAP for node, _ in members) if members else 30) + 10


def _nist_boxes(graph: nx.MultiDiGraph) -> _NistBoxes:
    domains = {data["code"]: (node, data) for node, data in graph.nodes(data=True) if data["kind"] == "domain"}
    actors_in: dict[str, list[tuple[str, dict]]] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "actor":
            actors_in.setdefault(data["domain"], []).append((node, data))
    actor_chars = chars_fitting(NIST_BOX_W - 44, NIST_FONT)
    return _NistBoxes(
        graph=graph,
        domains=domains,
        actors_in=actors_in,
        internal={
            source: data
            for source, target, data in graph.edges(data=True)
            if data["kind"] == "data" and source == target
        },
        lines_of={
            node: wrapped(data["label"], actor_chars) for members in actors_in.values() for node, data in members
        },
        flows={
            (source, target): data
            for source, target, data in graph.edges(data=True)
            if data["kind"] == "data" and source != target
        },
    )


def _nist_row_gap(boxes: _NistBoxes) -> float:
    """The flow labels sit between the two rows of domains: the rows are as far apart as the longest label needs."""
    flows, graph = boxes.flows, boxes.graph
    label_lines = [
        sum(1 + len(wrapped(", ".join(item["information"]), 40)) for item in (flow, flows.get(pair[::-1])) if item)
        for pair, flow in flows.items()
        if len({graph.nodes[node]["code"] in NIST_ROWS[0] for node in pair}) == 2  # from one row to the other
    ]
    return max([NIST_GAP, *(lines * 10.5 + 40 for lines in label_lines)])


def _nist_domain(dot: Dot, boxes: _NistBoxes, code: str, *, x: float, row_top: float) -> None:
    """One domain's box, its name (and how many exchanges stay within it) on top, its actors one above the other."""
    node, data = boxes.domains[code]
    box_h = boxes.height(code)
    center_y = row_top - box_h / 2
    title = bold(text(data["label"], 32))
    if node in boxes.internal:
        count = boxes.internal[node]["count"]
        title += "<BR/>" + small(f"{count} exchange{'s' if count != 1 else ''} within the domain", 8)
    dot.node(
        node,
        label=html_label(title),
        shape="box",
        style="rounded,filled",
        color="#888888",
        fillcolor=NIST_COLORS.get(code, "#f2f2f2"),
        labelloc="t",
        pos=point_pos(x, center_y),
        width=inches(NIST_BOX_W),
        height=inches(box_h),
        fixedsize="true",
    )
    top = center_y + box_h / 2 - NIST_HEADER
    for actor, actor_data in sorted(boxes.actors_in.get(code, []), key=lambda item: item[1]["label"]):
        dot.node(
            actor,
            label=html_label(text("\n".join(boxes.lines_of[actor]))),
            tooltip=actor_data["label"],
            shape="box",
            style="rounded,filled",
            fillcolor="white",
            fontsize=str(NIST_FONT),
            pos=point_pos(x, top - boxes.actor_h(actor) / 2),
            width=inches(NIST_BOX_W - 30),
            height=inches(boxes.actor_h(actor)),
            fixedsize="true",
        )
        top -= boxes.actor_h(actor) + NIST_ACTOR_GAP


def _nist_flows(dot: Dot, boxes: _NistBoxes) -> None:
    """The data flows between two domains: one arrow per pair (a double arrow when data flows both ways, saying
    which way each flow goes), with the number of exchanges and the information."""
    flows, graph = boxes.flows, boxes.graph
    for (source, target), data in flows.items():
        back = flows.get((target, source))
        if back is not None and (target, source) < (source, target):
            continue  # drawn with the other direction, as one double arrow
        parts, steps = [], list(data["numbers"])
        for flow, (sender, receiver) in ((data, (source, target)), (back, (target, source))):
            if flow is None:
                continue
            heading = f"{flow['count']}"
            if back is not None:  # say which way each flow goes
                heading += f" {graph.nodes[sender]['label']} → {graph.nodes[receiver]['label']}"
            shown = text(", ".join(flow["information"]), 40)
            parts.append(bold(text(heading, 40)) + ("<BR/>" + small(shown, 8, "#0d47a1") if shown else ""))
            if flow is back:
                steps += back["numbers"]
        dot.edge(
            source,
            target,
            label=html_label("<BR/>".join(parts)),
            tooltip="Steps " + ", ".join(dict.fromkeys(steps)),
            dir="both" if back is not None else "forward",
            color="#1565c0",
            penwidth="1.5",
        )


def nist_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Each NIST domain a box holding its actors, arranged as in the NIST conceptual model; blue arrows: the data
    flows of the steps between domains (number of exchanges, names of the information); grey double arrows: the
    energy flow along the power chain. Actor names are wrapped, each box as tall as what it holds."""
    dot = Dot(outputorder="nodesfirst", splines="curved")
    boxes = _nist_boxes(graph)
    row_gap = _nist_row_gap(boxes)
    row_heights = [max(boxes.height(code) for code in row if code in boxes.domains) for row in NIST_ROWS]
    for row_index, row in enumerate(NIST_ROWS):
        row_top = 0.0 if row_index == 0 else -(row_heights[0] + row_gap)
        offset = (NIST_BOX_W + NIST_GAP) / 2 if row_index == 0 else 0
        for column, code in enumerate(row):
            if code in boxes.domains:
                x = offset + column * (NIST_BOX_W + NIST_GAP) + NIST_BOX_W / 2
                _nist_domain(dot, boxes, code, x=x, row_top=row_top)
    for source, target, data in graph.edges(data=True):
        if data["kind"] == "energy":
            dot.edge(source, target, dir="both", color="#9e9e9e", penwidth="4", arrowsize="0.5")
    _nist_flows(dot, boxes)
    return DotSource(dot.source, engine="neato", pinned=True)
