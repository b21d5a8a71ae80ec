"""From the graphs of `graphs` to DOT sources (`dot`): the look and layout of each diagram.

The sequence diagram, the SGAM planes and the NIST domains are laid out here (positions in points, drawn by
`neato -n2`, which only draws); the actor interaction diagram is laid out by `dot`. User text enters a source only
through `text` inside `html_label` (see `usecases.analysis.dot`).
"""

import math
from collections import defaultdict

import networkx as nx

from usecases.analysis.dot import Dot, DotSource, HtmlLabel, bold, html_label, small, text, wrapped
from usecases.analysis.graphs import UNKNOWN_ACTOR, UNPLACED, exchanges_by_pair

# Labels are wrapped, never shortened: layouts made here size their boxes and rows from the number of lines, with
# the width of a character and the height of a line estimated from the font size (Helvetica, in points).
CHAR_WIDTH = 0.56
LINE_HEIGHT = 1.25


def _pos(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}!"


def _inches(points: float) -> str:
    return f"{points / 72:.3f}"


def _chars(width: float, font_size: float) -> int:
    """How many characters of `font_size` fit in `width` points."""
    return max(8, int(width / (font_size * CHAR_WIDTH)))


def _lines_height(lines: int, font_size: float) -> float:
    return lines * font_size * LINE_HEIGHT


def _step_list(exchanges: list[dict]) -> str:
    """The steps of some exchanges, by scenario: "sc. 1 step 2.2, 3; sc. 2 step 1"."""
    by_scenario: dict[str, list[str]] = defaultdict(list)
    for exchange in exchanges:
        by_scenario[exchange["scenario_number"]].append(exchange["number"])
    return "; ".join(f"sc. {scenario} step {', '.join(numbers)}" for scenario, numbers in by_scenario.items())


# Actor interaction


# Beyond this many producer -> receiver pairs the actor interaction diagram is drawn compact, around a circle: dot
# lays out the 2,450 labelled arrows between the 50 actors of a 5,000-step use case for longer than its time limit.
COMPACT_PAIRS = 200
COMPACT_NAMES = 1  # the information names a compact line's label shows (its tooltip lists every exchange)
COMPACT_SPACING = 160.0  # points of the circle per actor


def _actor_nodes(dot: Dot, graph: nx.MultiDiGraph, positions: dict[str, str] | None = None) -> None:
    for node, data in graph.nodes(data=True):
        style = {"style": "rounded,filled", "fillcolor": "#eef4fb", "color": "#4a6a8a"}
        if not data.get("listed", True):
            style.update(style="rounded,dashed", color="#b02a37", fillcolor="white")
        if positions:
            style["pos"] = positions[node]
        dot.node(
            node,
            label=html_label(bold(text(data["label"], 28)), "<BR/>", small(text(data["actor_type"], 32))),
            tooltip=f"{data['label']} ({data['actor_type']})",
            shape="box",
            **style,
        )


def _circle(nodes: list[str]) -> dict[str, str]:
    """Positions on a circle, about `COMPACT_SPACING` points of it per actor."""
    radius = max(150.0, len(nodes) * COMPACT_SPACING / (2 * math.pi))
    return {
        node: _pos(
            radius * (1 + math.sin(2 * math.pi * n / len(nodes))), radius * (1 + math.cos(2 * math.pi * n / len(nodes)))
        )
        for n, node in enumerate(nodes)
    }


def _by_information(exchanges: list[dict]) -> dict[tuple[str, ...], list[dict]]:
    grouped: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for exchange in exchanges:
        grouped[tuple(exchange["information"])].append(exchange)
    return grouped


def actor_interaction_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Actors as boxes (dashed red: not listed in 3.1), one arrow per producer -> receiver pair listing every
    exchange: the information exchanged (names; IDs in the tooltip) and the steps exchanging it. Beyond
    `COMPACT_PAIRS` pairs, compact (`_actor_interaction_compact_dot`)."""
    pairs = exchanges_by_pair(graph)
    if len(pairs) > COMPACT_PAIRS:
        return _actor_interaction_compact_dot(graph, pairs)
    dot = Dot(rankdir="LR", nodesep="0.4", ranksep="1.2", splines="true", overlap="false")
    _actor_nodes(dot, graph)
    for (source, target), exchanges in pairs.items():
        lines = []
        for information, group in _by_information(exchanges).items():
            steps = small(text(_step_list(group), 50), 8)
            lines.append(f"{text(', '.join(information), 44)}<BR/>{steps}" if information else steps)
        tooltip = sorted({item for exchange in exchanges for item in exchange.get("information_ids", [])})
        dot.edge(
            source,
            target,
            label=html_label("<BR/>".join(lines)),
            tooltip="\n".join(tooltip) or "no information named",
            color="#4a6a8a",
        )
    return DotSource(dot.source)


def _compact_label(exchanges: list[dict]) -> HtmlLabel:
    """The number of exchanges over the first information names ("Meter reading, Tariff +3")."""
    names = list(dict.fromkeys(name for exchange in exchanges for name in exchange["information"]))
    count = bold(str(len(exchanges)))
    if not names:
        return html_label(count)
    more = f" +{len(names) - COMPACT_NAMES}" if len(names) > COMPACT_NAMES else ""
    return html_label(count, " ", small(text(", ".join(names[:COMPACT_NAMES]) + more), 7))


def _actor_interaction_compact_dot(graph: nx.MultiDiGraph, pairs: dict[tuple[str, str], list[dict]]) -> DotSource:
    """The actors around a circle, one straight line between two actors that exchange anything, either way
    (arrowheads where information flows), labelled with the number of exchanges and the first information name;
    its tooltip lists every exchange (the information and the steps, each way). Positions are ours (`neato -n2`
    draws the lines in a second where dot's ranks did not finish in 30), and the names stay readable."""
    dot = Dot(splines="line")
    _actor_nodes(dot, graph, _circle(list(graph.nodes)))
    names = {node: data["label"] for node, data in graph.nodes(data=True)}
    lines: dict[tuple[str, str], dict[tuple[str, str], list[dict]]] = {}
    for (source, target), exchanges in pairs.items():
        line = (target, source) if (target, source) in lines else (source, target)
        lines.setdefault(line, {})[(source, target)] = exchanges
    for (first, second), ways in lines.items():
        tooltip = [
            f"{names[source]} -> {names[target]}: "
            + "; ".join(
                f"{', '.join(information) or 'no information named'} ({_step_list(group)})"
                for information, group in _by_information(exchanges).items()
            )
            for (source, target), exchanges in ways.items()
        ]
        dot.edge(
            first,
            second,
            label=_compact_label([exchange for exchanges in ways.values() for exchange in exchanges]),
            tooltip="\n".join(tooltip),
            dir="both" if len(ways) == 2 else "forward",
            color="#4a6a8a80",
        )
    return DotSource(dot.source, engine="neato", pinned=True)


# Sequence diagram

SEQ_COLUMN, SEQ_HEAD_W, SEQ_FRAME_PAD, SEQ_SELF, SEQ_FONT, SEQ_HEAD_FONT = 200.0, 170.0, 14.0, 36.0, 9.0, 10.0
SEQ_FOUND = -SEQ_COLUMN * 0.6  # where a message of a producer the step does not name starts


def _message_label(data: dict, width: float) -> tuple[str, int]:
    """A message's label and its number of lines: number, name and service of the step, then its information."""
    chars = _chars(width, SEQ_FONT)
    service = f" [{data['service']}]" if data["service"] else ""
    heading = wrapped(f"{data['number']} {data['name']}{service}", chars)
    first, *rest = heading
    number = data["number"]
    # A space between the bold number and the name: a non-breaking one, as Graphviz drops a plain one there.
    markup = bold(text(number)) + "&#160;" + text(first[len(number) :]) if first.startswith(number) else text(first)
    markup += "".join("<BR/>" + text(line) for line in rest)
    count = len(heading)
    if data["information"]:
        information = wrapped(", ".join(data["information"]), _chars(width, 8))
        markup += "<BR/>" + small(text("\n".join(information)), 8)
        count += len(information)
    return markup, count


def sequence_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Lifelines left to right, messages top to bottom, each row as tall as its wrapped label; a macro step is a
    frame around its sub-steps; a step naming no producer is a found message, from a dot left of the lifelines."""
    dot = Dot(outputorder="nodesfirst", splines="line")
    lifelines = sorted(
        ((node, data) for node, data in graph.nodes(data=True) if node != UNKNOWN_ACTOR),
        key=lambda item: item[1]["order"],
    )
    x_of = {node: index * SEQ_COLUMN for index, (node, _) in enumerate(lifelines)}
    x_of[UNKNOWN_ACTOR] = SEQ_FOUND
    width = max((x for node, x in x_of.items() if node != UNKNOWN_ACTOR), default=0)
    head_chars = _chars(SEQ_HEAD_W - 12, SEQ_HEAD_FONT * 1.08)
    head_lines = max((len(wrapped(data["label"], head_chars)) for _, data in lifelines), default=1)
    head_h = _lines_height(head_lines, SEQ_HEAD_FONT) + 14

    messages = {data["row"]: (source, target, data) for source, target, data in graph.edges(data=True)}
    frames = graph.graph.get("frames", [])
    headers = {frame.first_row: frame for frame in frames}

    def frame_bounds(frame) -> tuple[float, float]:
        indent = frame.depth * 6
        return -SEQ_HEAD_W / 2 - SEQ_FRAME_PAD + indent, width + SEQ_HEAD_W / 2 + SEQ_FRAME_PAD - indent

    # Each row from the top down: its top, its arrow (messages) and its bottom.
    labels: dict[int, tuple[str, float, float]] = {}  # row -> (markup, label width, height)
    tops, arrows, bottoms = {}, {}, {}
    cursor = -head_h / 2 - 16
    for row in range(graph.graph.get("rows", 0)):
        tops[row] = cursor
        if row in messages:
            source, target, data = messages[row]
            span = abs(x_of[target] - x_of[source]) if source != target else 0
            label_w = max(span, SEQ_COLUMN) - 20
            markup, count = _message_label(data, label_w)
            height = _lines_height(count, SEQ_FONT)
            labels[row] = (markup, label_w, height)
            arrows[row] = cursor - height - 6
            bottoms[row] = arrows[row] - (16 if source == target else 6)
        elif row in headers:
            frame = headers[row]
            left, right = frame_bounds(frame)
            lines = wrapped(f"{frame.number} {frame.name}", _chars(right - left - 16, SEQ_FONT))
            bottoms[row] = cursor - _lines_height(len(lines), SEQ_FONT) - 8
        else:
            bottoms[row] = cursor - 10
        cursor = bottoms[row]
    bottom = cursor - 16

    for frame in frames:
        left, right = frame_bounds(frame)
        upper, lower = tops[frame.first_row] - 2, bottoms[frame.last_row] - 4
        dot.node(
            f"frame-{frame.step}",
            label="",
            shape="box",
            style="filled",
            fillcolor="#f4f4f4",
            color="#999999",
            pos=_pos((left + right) / 2, (upper + lower) / 2),
            width=_inches(right - left),
            height=_inches(upper - lower),
            fixedsize="true",
        )
        chars = _chars(right - left - 16, SEQ_FONT)
        lines = wrapped(f"{frame.number} {frame.name}", chars)
        label_w = max(len(line) for line in lines) * SEQ_FONT * CHAR_WIDTH
        label_h = _lines_height(len(lines), SEQ_FONT)
        dot.node(
            f"frame-{frame.step}-label",
            label=html_label(bold(text("\n".join(lines)))),
            shape="plaintext",
            pos=_pos(left + 8 + label_w / 2, upper - 4 - label_h / 2),
            fontsize=str(SEQ_FONT),
            width=_inches(label_w),
            height=_inches(label_h),
            margin="0",
        )

    for node, data in lifelines:
        x = x_of[node]
        dot.node(
            node,
            label=html_label(bold(text(data["label"], head_chars))),
            tooltip=data["label"],
            shape="box",
            style="rounded,filled",
            fillcolor="#eef4fb",
            pos=_pos(x, 0),
            width=_inches(SEQ_HEAD_W),
            height=_inches(head_h),
            fixedsize="true",
        )
        dot.node(f"{node}-end", label="", shape="point", width="0.01", pos=_pos(x, bottom))
        dot.edge(node, f"{node}-end", style="dashed", color="#888888", arrowhead="none")

    for row, (source, target, data) in sorted(messages.items()):
        y = arrows[row]
        markup, label_w, label_h = labels[row]
        start, end = f"{source}-m{row}", f"{target}-m{row}-to"
        found = source == UNKNOWN_ACTOR
        dot.node(start, label="", shape="point", width="0.1" if found else "0.04", pos=_pos(x_of[source], y))
        if source == target and not found:
            corner, back = f"{start}-corner", f"{start}-back"
            dot.node(corner, label="", shape="point", width="0.01", pos=_pos(x_of[source] + SEQ_SELF, y))
            dot.node(back, label="", shape="point", width="0.01", pos=_pos(x_of[source] + SEQ_SELF, y - 10))
            dot.node(end, label="", shape="point", width="0.04", pos=_pos(x_of[source], y - 10))
            dot.edge(start, corner, arrowhead="none")
            dot.edge(corner, back, arrowhead="none")
            dot.edge(back, end, arrowsize="0.6")
            label_x = x_of[source] + 10 + label_w / 2
        elif source == target:  # neither producer nor receiver named: the label alone, by its dot
            label_x = x_of[source] + 10 + label_w / 2
        else:
            dot.node(end, label="", shape="point", width="0.04", pos=_pos(x_of[target], y))
            dot.edge(start, end, arrowsize="0.7")
            label_x = (x_of[source] + x_of[target]) / 2
        dot.node(
            f"{start}-label",
            label=html_label(markup),
            tooltip="\n".join(data.get("information_ids", [])) or data["name"],
            shape="plaintext",
            fontsize=str(SEQ_FONT),
            width=_inches(label_w),
            height=_inches(label_h),
            margin="0",
            pos=_pos(label_x, y + 4 + label_h / 2),
        )
    return DotSource(dot.source, engine="neato", pinned=True)


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


def sgam_plane_dot(graph: nx.DiGraph) -> DotSource:
    """Zones as rows (Market at the top), domains as columns, as in the placement editor; each element in its cell,
    its name wrapped; a row is as tall as its fullest cell, a row or column holding nothing is a thin strip. A
    dashed outline marks a placement the element inherits or derives; an extra column or row holds elements with
    an open domain or zone."""
    dot = Dot(outputorder="nodesfirst", splines="line")
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

    # Columns: a used domain as wide as its fullest cell needs (elements side by side beyond SGAM_CELL_ROWS).
    sides = {
        code: max((math.ceil(len(by_cell.get((code, zone), [])) / SGAM_CELL_ROWS) for zone, _ in zones), default=0)
        for code, _ in domains
    }
    widths = {code: SGAM_CELL_W * sides[code] if sides[code] else SGAM_EMPTY_W for code, _ in domains}
    element_chars = {"usecase": _chars(SGAM_CELL_W - 60, SGAM_FONT)}  # an ellipse holds less than a box
    lines_of = {
        node: wrapped(data["label"], element_chars.get(data["kind"], _chars(SGAM_CELL_W - 28, SGAM_FONT)))
        for node, data in nodes
    }

    def element_h(node: str) -> float:
        return _lines_height(len(lines_of[node]), SGAM_FONT) + (18 if graph.nodes[node]["kind"] == "usecase" else 10)

    def stacks(code: str, zone: str) -> list[list[str]]:
        members = by_cell.get((code, zone), [])
        return [members[i : i + SGAM_CELL_ROWS] for i in range(0, len(members), SGAM_CELL_ROWS)]

    def stack_h(stack: list[str]) -> float:
        return sum(element_h(node) + SGAM_GAP for node in stack) + SGAM_GAP

    heights = {
        zone: max([stack_h(stack) for code, _ in domains for stack in stacks(code, zone)], default=0) or SGAM_EMPTY_H
        for zone, _ in zones
    }
    left = {}
    x = SGAM_HEADER
    for code, _ in domains:
        left[code], x = x, x + widths[code]
    top = {}
    y = 0.0
    for zone, _ in zones:
        top[zone], y = y, y - heights[zone]

    header_lines = max(len(wrapped(name, _chars(widths[code] - 8, 10))) for code, name in domains)
    header_y = _lines_height(header_lines, 10) / 2 + 6
    dot.node(
        "title",
        label=html_label(bold(text(graph.graph["layer_name"] + " layer", 14))),
        shape="plaintext",
        pos=_pos(SGAM_HEADER / 2, header_y),
    )
    for code, name in domains:
        dot.node(
            f"domain-{code}".replace("*", "any"),
            label=html_label(bold(text(name, _chars(widths[code] - 8, 10)))),
            shape="plaintext",
            pos=_pos(left[code] + widths[code] / 2, header_y),
        )
    for zone, name in zones:
        dot.node(
            f"zone-{zone}".replace("*", "any"),
            label=html_label(bold(text(name, 14))),
            shape="plaintext",
            pos=_pos(SGAM_HEADER / 2, top[zone] - heights[zone] / 2),
        )
        for code, _ in domains:
            dot.node(
                f"cell-{code}-{zone}".replace("*", "any"),
                label="",
                shape="box",
                style="filled",
                color="#bbbbbb",
                fillcolor=SGAM_DOMAIN_COLORS.get(code, "#f2f2f2"),
                pos=_pos(left[code] + widths[code] / 2, top[zone] - heights[zone] / 2),
                width=_inches(widths[code]),
                height=_inches(heights[zone]),
                fixedsize="true",
            )
    columns: dict[str, tuple[str, int]] = {}  # node -> (domain, side): elements one above the other
    for (code, zone), _ in sorted(by_cell.items()):
        for side, stack in enumerate(stacks(code, zone)):
            y = top[zone] - (heights[zone] - stack_h(stack)) / 2 - SGAM_GAP
            for node in stack:
                data = graph.nodes[node]
                style = dict(SGAM_ELEMENT_STYLES[data["kind"]])
                if data["source"] in ("default", "derived"):
                    style["style"] += ",dashed"
                dot.node(
                    node,
                    label=html_label(text("\n".join(lines_of[node]))),
                    tooltip=data.get("tooltip") or data["label"],
                    fontsize=str(SGAM_FONT),
                    pos=_pos(left[code] + (side + 0.5) * SGAM_CELL_W, y - element_h(node) / 2),
                    width=_inches(SGAM_CELL_W - 20),
                    height=_inches(element_h(node)),
                    fixedsize="true",
                    **style,
                )
                columns[node] = (code, side)
                y -= element_h(node) + SGAM_GAP
    # An arrow between two elements stacked in one column would run through them, its label over their names: it
    # runs along their right or left side instead (alternately, so that two such labels do not cover each other).
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


def nist_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Each NIST domain a box holding its actors, arranged as in the NIST conceptual model; blue arrows: the data
    flows of the steps between domains (number of exchanges, names of the information); grey double arrows: the
    energy flow along the power chain. Actor names are wrapped, each box as tall as what it holds."""
    dot = Dot(outputorder="nodesfirst", splines="curved")
    domains = {data["code"]: (node, data) for node, data in graph.nodes(data=True) if data["kind"] == "domain"}
    actors_in: dict[str, list[tuple[str, dict]]] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "actor":
            actors_in.setdefault(data["domain"], []).append((node, data))
    internal = {
        source: data for source, target, data in graph.edges(data=True) if data["kind"] == "data" and source == target
    }

    actor_chars = _chars(NIST_BOX_W - 44, NIST_FONT)
    lines_of = {node: wrapped(data["label"], actor_chars) for members in actors_in.values() for node, data in members}

    def actor_h(node: str) -> float:
        return _lines_height(len(lines_of[node]), NIST_FONT) + 10

    def height(code: str) -> float:
        members = actors_in.get(code, [])
        return NIST_HEADER + (sum(actor_h(node) + NIST_ACTOR_GAP for node, _ in members) if members else 30) + 10

    flows = {
        (source, target): data
        for source, target, data in graph.edges(data=True)
        if data["kind"] == "data" and source != target
    }
    # The flow labels sit between the two rows of domains: the rows are as far apart as the longest label needs.
    label_lines = [
        sum(1 + len(wrapped(", ".join(item["information"]), 40)) for item in (flow, flows.get(pair[::-1])) if item)
        for pair, flow in flows.items()
        if len({graph.nodes[node]["code"] in NIST_ROWS[0] for node in pair}) == 2  # from one row to the other
    ]
    row_gap = max([NIST_GAP, *(lines * 10.5 + 40 for lines in label_lines)])
    row_heights = [max(height(code) for code in row if code in domains) for row in NIST_ROWS]
    for row_index, row in enumerate(NIST_ROWS):
        row_top = 0.0 if row_index == 0 else -(row_heights[0] + row_gap)
        offset = (NIST_BOX_W + NIST_GAP) / 2 if row_index == 0 else 0
        for column, code in enumerate(row):
            if code not in domains:
                continue
            node, data = domains[code]
            x = offset + column * (NIST_BOX_W + NIST_GAP) + NIST_BOX_W / 2
            box_h = height(code)
            center_y = row_top - box_h / 2
            title = bold(text(data["label"], 32))
            if node in internal:
                count = internal[node]["count"]
                title += "<BR/>" + small(f"{count} exchange{'s' if count != 1 else ''} within the domain", 8)
            dot.node(
                node,
                label=html_label(title),
                shape="box",
                style="rounded,filled",
                color="#888888",
                fillcolor=NIST_COLORS.get(code, "#f2f2f2"),
                labelloc="t",
                pos=_pos(x, center_y),
                width=_inches(NIST_BOX_W),
                height=_inches(box_h),
                fixedsize="true",
            )
            top = center_y + box_h / 2 - NIST_HEADER
            for actor, actor_data in sorted(actors_in.get(code, []), key=lambda item: item[1]["label"]):
                dot.node(
                    actor,
                    label=html_label(text("\n".join(lines_of[actor]))),
                    tooltip=actor_data["label"],
                    shape="box",
                    style="rounded,filled",
                    fillcolor="white",
                    fontsize=str(NIST_FONT),
                    pos=_pos(x, top - actor_h(actor) / 2),
                    width=_inches(NIST_BOX_W - 30),
                    height=_inches(actor_h(actor)),
                    fixedsize="true",
                )
                top -= actor_h(actor) + NIST_ACTOR_GAP
    for source, target, data in graph.edges(data=True):
        if data["kind"] == "energy":
            dot.edge(source, target, dir="both", color="#9e9e9e", penwidth="4", arrowsize="0.5")
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
    return DotSource(dot.source, engine="neato", pinned=True)
