"""From the graphs of `graphs` to DOT sources (`dot`): the look and layout of the actor interaction and sequence
diagrams, and the measures every layout of ours uses (the SGAM planes and the NIST domains are in `planes`).

The sequence diagram is laid out here (positions in points, drawn by `neato -n2`, which only draws), and so is a
compact actor interaction diagram (around a circle); a smaller one is laid out by `dot`. User text enters a source
only through `text` inside `html_label` (see `usecases.analysis.dot`).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from usecases.analysis.dot import Dot, DotSource, HtmlLabel, bold, html_label, small, text, wrapped
from usecases.analysis.graphs import UNKNOWN_ACTOR, exchanges_by_pair

# Labels are wrapped, never shortened: layouts made here size their boxes and rows from the number of lines, with
# the width of a character and the height of a line estimated from the font size (Helvetica, in points).
CHAR_WIDTH = 0.56
LINE_HEIGHT = 1.25


def point_pos(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}!"


def inches(points: float) -> str:
    return f"{points / 72:.3f}"


def chars_fitting(width: float, font_size: float) -> int:
    """How many characters of `font_size` fit in `width` points."""
    return max(8, int(width / (font_size * CHAR_WIDTH)))


def lines_height(lines: int, font_size: float) -> float:
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
        node: point_pos(
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
    chars = chars_fitting(width, SEQ_FONT)
    service = f" [{data['service']}]" if data["service"] else ""
    heading = wrapped(f"{data['number']} {data['name']}{service}", chars)
    first, *rest = heading
    number = data["number"]
    # A space between the bold number and the name: a non-breaking one, as Graphviz drops a plain one there.
    markup = bold(text(number)) + "&#160;" + text(first[len(number) :]) if first.startswith(number) else text(first)
    markup += "".join("<BR/>" + text(line) for line in rest)
    count = len(heading)
    if data["information"]:
        information = wrapped(", ".join(data["information"]), chars_fitting(width, 8))
        markup += "<BR/>" + small(text("\n".join(information)), 8)
        count += len(information)
    return markup, count


@dataclass(kw_only=True)
class _SequenceLayout:
    """Where everything of a sequence diagram goes, in points: each lifeline's x, the heads' size, and for each row
    from the top down its top, its arrow (messages) and its bottom, with each message's label."""

    lifelines: list[tuple[str, dict]]
    x_of: dict[str, float]
    width: float
    head_chars: int
    head_h: float
    messages: dict[int, tuple[str, str, dict]]
    frames: list
    labels: dict[int, tuple[str, float, float]] = field(default_factory=dict)  # row -> (markup, label width, height)
    tops: dict[int, float] = field(default_factory=dict)
    arrows: dict[int, float] = field(default_factory=dict)
    bottoms: dict[int, float] = field(default_factory=dict)
    bottom: float = 0.0

    def frame_bounds(self, frame) -> tuple[float, float]:
        indent = frame.depth * 6
        return -SEQ_HEAD_W / 2 - SEQ_FRAME_PAD + indent, self.width + SEQ_HEAD_W / 2 + SEQ_FRAME_PAD - indent


def _sequence_columns(graph: nx.MultiDiGraph) -> _SequenceLayout:
    """The lifelines left to right (a found message's dot left of them) and the height of their heads."""
    lifelines = sorted(
        ((node, data) for node, data in graph.nodes(data=True) if node != UNKNOWN_ACTOR),
        key=lambda item: item[1]["order"],
    )
    x_of = {node: index * SEQ_COLUMN for index, (node, _) in enumerate(lifelines)}
    x_of[UNKNOWN_ACTOR] = SEQ_FOUND
    head_chars = chars_fitting(SEQ_HEAD_W - 12, SEQ_HEAD_FONT * 1.08)
    head_lines = max((len(wrapped(data["label"], head_chars)) for _, data in lifelines), default=1)
    return _SequenceLayout(
        lifelines=lifelines,
        x_of=x_of,
        width=max((x for node, x in x_of.items() if node != UNKNOWN_ACTOR), default=0),
        head_chars=head_chars,
        head_h=lines_height(head_lines, SEQ_HEAD_FONT) + 14,
        messages={data["row"]: (source, target, data) for source, target, data in graph.edges(data=True)},
        frames=graph.graph.get("frames", []),
    )


def _sequence_rows(graph: nx.MultiDiGraph, layout: _SequenceLayout) -> None:
    """Each row from the top down, as tall as its message's wrapped label or its frame's heading."""
    headers = {frame.first_row: frame for frame in layout.frames}
    x_of, tops, arrows, bottoms = layout.x_of, layout.tops, layout.arrows, layout.bottoms
    cursor = -layout.head_h / 2 - 16
    for row in range(graph.graph.get("rows", 0)):
        tops[row] = cursor
        if row in layout.messages:
            source, target, data = layout.messages[row]
            span = abs(x_of[target] - x_of[source]) if source != target else 0
            label_w = max(span, SEQ_COLUMN) - 20
            markup, count = _message_label(data, label_w)
            height = lines_height(count, SEQ_FONT)
            layout.labels[row] = (markup, label_w, height)
            arrows[row] = cursor - height - 6
            bottoms[row] = arrows[row] - (16 if source == target else 6)
        elif row in headers:
            frame = headers[row]
            left, right = layout.frame_bounds(frame)
            lines = wrapped(f"{frame.number} {frame.name}", chars_fitting(right - left - 16, SEQ_FONT))
            bottoms[row] = cursor - lines_height(len(lines), SEQ_FONT) - 8
        else:
            bottoms[row] = cursor - 10
        cursor = bottoms[row]
    layout.bottom = cursor - 16


def _sequence_frames(dot: Dot, layout: _SequenceLayout) -> None:
    """A macro step's frame around its sub-steps' rows, its number and name in its top left corner."""
    for frame in layout.frames:
        left, right = layout.frame_bounds(frame)
        upper, lower = layout.tops[frame.first_row] - 2, layout.bottoms[frame.last_row] - 4
        dot.node(
            f"frame-{frame.step}",
            label="",
            shape="box",
            style="filled",
            fillcolor="#f4f4f4",
            color="#999999",
            pos=point_pos((left + right) / 2, (upper + lower) / 2),
            width=inches(right - left),
            height=inches(upper - lower),
            fixedsize="true",
        )
        chars = chars_fitting(right - left - 16, SEQ_FONT)
        lines = wrapped(f"{frame.number} {frame.name}", chars)
        label_w = max(len(line) for line in lines) * SEQ_FONT * CHAR_WIDTH
        label_h = lines_height(len(lines), SEQ_FONT)
        dot.node(
            f"frame-{frame.step}-label",
            label=html_label(bold(text("\n".join(lines)))),
            shape="plaintext",
            pos=point_pos(left + 8 + label_w / 2, upper - 4 - label_h / 2),
            fontsize=str(SEQ_FONT),
            width=inches(label_w),
            height=inches(label_h),
            margin="0",
        )


def _sequence_lifelines(dot: Dot, layout: _SequenceLayout) -> None:
    """Each actor's head, its name wrapped, and its dashed lifeline down to the last row."""
    for node, data in layout.lifelines:
        x = layout.x_of[node]
        dot.node(
            node,
            label=html_label(bold(text(data["label"], layout.head_chars))),
            tooltip=data["label"],
            shape="box",
            style="rounded,filled",
            fillcolor="#eef4fb",
            pos=point_pos(x, 0),
            width=inches(SEQ_HEAD_W),
            height=inches(layout.head_h),
            fixedsize="true",
        )
        dot.node(f"{node}-end", label="", shape="point", width="0.01", pos=point_pos(x, layout.bottom))
        dot.edge(node, f"{node}-end", style="dashed", color="#888888", arrowhead="none")


def _sequence_message(dot: Dot, layout: _SequenceLayout, row: int) -> None:
    """One message: an arrow from producer to receiver (a loop back to an actor sending to itself, a dot for a
    found message), its label above it."""
    source, target, data = layout.messages[row]
    x_of, y = layout.x_of, layout.arrows[row]
    markup, label_w, label_h = layout.labels[row]
    start, end = f"{source}-m{row}", f"{target}-m{row}-to"
    found = source == UNKNOWN_ACTOR
    dot.node(start, label="", shape="point", width="0.1" if found else "0.04", pos=point_pos(x_of[source], y))
    if source == target and not found:
        corner, back = f"{start}-corner", f"{start}-back"
        dot.node(corner, label="", shape="point", width="0.01", pos=point_pos(x_of[source] + SEQ_SELF, y))
        dot.node(back, label="", shape="point", width="0.01", pos=point_pos(x_of[source] + SEQ_SELF, y - 10))
        dot.node(end, label="", shape="point", width="0.04", pos=point_pos(x_of[source], y - 10))
        dot.edge(start, corner, arrowhead="none")
        dot.edge(corner, back, arrowhead="none")
        dot.edge(back, end, arrowsize="0.6")
        label_x = x_of[source] + 10 + label_w / 2
    elif source == target:  # neither producer nor receiver named: the label alone, by its dot
        label_x = x_of[source] + 10 + label_w / 2
    else:
        dot.node(end, label="", shape="point", width="0.04", pos=point_pos(x_of[target], y))
        dot.edge(start, end, arrowsize="0.7")
        label_x = (x_of[source] + x_of[target]) / 2
    dot.node(
        f"{start}-label",
        label=html_label(markup),
        tooltip="\n".join(data.get("information_ids", [])) or data["name"],
        shape="plaintext",
        fontsize=str(SEQ_FONT),
        width=inches(label_w),
        height=inches(label_h),
        margin="0",
        pos=point_pos(label_x, y + 4 + label_h / 2),
    )


def sequence_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Lifelines left to right, messages top to bottom, each row as tall as its wrapped label; a macro step is a
    frame around its sub-steps; a step naming no producer is a found message, from a dot left of the lifelines."""
    dot = Dot(outputorder="nodesfirst", splines="line")
    layout = _sequence_columns(graph)
    _sequence_rows(graph, layout)
    _sequence_frames(dot, layout)
    _sequence_lifelines(dot, layout)
    for row in sorted(layout.messages):
        _sequence_message(dot, layout, row)
    return DotSource(dot.source, engine="neato", pinned=True)
