"""From the graphs of `sgam.graphs` to DOT sources (`sgam.dot`): the look and layout of each diagram.

The sequence diagram, the SGAM planes and the NIST domains are laid out here (positions in points, drawn by
`neato -n2`, which only draws); the actor interaction diagram is laid out by `dot`. User text enters a source only
through `text` inside `html_label` (see `sgam.dot`).
"""

import networkx as nx

from sgam.dot import LABEL_LIMIT, Dot, DotSource, bold, html_label, small, text
from sgam.graphs import UNKNOWN_ACTOR, UNPLACED, exchanges_by_pair

EDGE_LABEL_LINES = 4


def _pos(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}!"


def _inches(points: float) -> str:
    return f"{points / 72:.3f}"


# Actor interaction


def actor_interaction_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Actors as boxes (dashed red: not listed in 3.1), one arrow per producer -> receiver pair listing its
    exchanges (information IDs and step numbers)."""
    dot = Dot(rankdir="LR", nodesep="0.4", ranksep="1.2", splines="true", overlap="false")
    for node, data in graph.nodes(data=True):
        style = {"style": "rounded,filled", "fillcolor": "#eef4fb", "color": "#4a6a8a"}
        if not data.get("listed", True):
            style.update(style="rounded,dashed", color="#b02a37", fillcolor="white")
        dot.node(
            node,
            label=html_label(bold(text(data["label"])), "<BR/>", small(text(data["actor_type"]))),
            shape="box",
            **style,
        )
    for (source, target), exchanges in exchanges_by_pair(graph).items():
        lines = [text(exchange["label"], 60) for exchange in exchanges[:EDGE_LABEL_LINES]]
        if len(exchanges) > EDGE_LABEL_LINES:
            lines.append(f"… {len(exchanges) - EDGE_LABEL_LINES} more")
        dot.edge(source, target, label=html_label("<BR/>".join(lines)), color="#4a6a8a")
    return DotSource(dot.source)


# Sequence diagram

SEQ_COLUMN, SEQ_ROW, SEQ_HEAD_H, SEQ_HEAD_W, SEQ_FRAME_PAD, SEQ_SELF = 180.0, 34.0, 34.0, 150.0, 14.0, 36.0


def sequence_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Lifelines left to right, messages top to bottom; a macro step is a frame around its sub-steps."""
    dot = Dot(outputorder="nodesfirst", splines="line")
    lifelines = sorted(graph.nodes(data=True), key=lambda item: item[1]["order"])
    x_of = {node: index * SEQ_COLUMN for index, (node, _) in enumerate(lifelines)}
    rows = graph.graph.get("rows", 0)
    top = -SEQ_HEAD_H
    bottom = top - (rows + 1) * SEQ_ROW
    width = max(x_of.values(), default=0)

    def y_of(row: int) -> float:
        return top - (row + 1) * SEQ_ROW

    for frame in graph.graph.get("frames", []):
        indent = frame.depth * 6
        left, right = -SEQ_HEAD_W / 2 - SEQ_FRAME_PAD + indent, width + SEQ_HEAD_W / 2 + SEQ_FRAME_PAD - indent
        upper, lower = y_of(frame.first_row) + SEQ_ROW * 0.6, y_of(frame.last_row) - SEQ_ROW * 0.45
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
        dot.node(
            f"frame-{frame.step}-label",
            label=html_label(bold(text(frame.number, 20)), " ", text(frame.name)),
            shape="plaintext",
            pos=_pos(left + 6 + len(frame.name[:LABEL_LIMIT]) * 2.6, upper - 9),
            fontsize="9",
            height="0.2",
        )

    for node, data in lifelines:
        x = x_of[node]
        fill = "#fff3cd" if node == UNKNOWN_ACTOR else "#eef4fb"
        dot.node(
            node,
            label=html_label(bold(text(data["label"], 40))),
            shape="box",
            style="rounded,filled",
            fillcolor=fill,
            pos=_pos(x, 0),
            width=_inches(SEQ_HEAD_W),
            height=_inches(SEQ_HEAD_H),
            fixedsize="true",
        )
        dot.node(f"{node}-end", label="", shape="point", width="0.01", pos=_pos(x, bottom))
        dot.edge(node, f"{node}-end", style="dashed", color="#888888", arrowhead="none")

    for source, target, data in graph.edges(data=True):
        y = y_of(data["row"])
        number = text(data["number"], 20)
        what = text(data["name"], 50)
        information = text(", ".join(data["information"]), 60)
        service = text(data["service"], 30)
        label = html_label(
            bold(number),
            " ",
            what,
            f" [{service}]" if service else "",
            "<BR/>" + small(information, 8) if information else "",
        )
        start, end = f"{source}-m{data['row']}", f"{target}-m{data['row']}-to"
        dot.node(start, label="", shape="point", width="0.04", pos=_pos(x_of[source], y))
        if source == target:
            corner, back = f"{start}-corner", f"{start}-back"
            dot.node(corner, label="", shape="point", width="0.01", pos=_pos(x_of[source] + SEQ_SELF, y))
            dot.node(back, label="", shape="point", width="0.01", pos=_pos(x_of[source] + SEQ_SELF, y - 10))
            dot.node(end, label="", shape="point", width="0.04", pos=_pos(x_of[source], y - 10))
            dot.edge(start, corner, arrowhead="none")
            dot.edge(corner, back, arrowhead="none")
            dot.edge(back, end, arrowsize="0.6")
            label_x = x_of[source] + SEQ_SELF + 8 + SEQ_COLUMN * 0.35
        else:
            dot.node(end, label="", shape="point", width="0.04", pos=_pos(x_of[target], y))
            dot.edge(start, end, arrowsize="0.7")
            label_x = (x_of[source] + x_of[target]) / 2
        dot.node(
            f"{start}-label", label=label, shape="plaintext", fontsize="9", height="0.1", pos=_pos(label_x, y + 11)
        )
    return DotSource(dot.source, engine="neato", pinned=True)


# SGAM plane

SGAM_CELL_W, SGAM_ELEMENT_H, SGAM_HEADER, SGAM_GAP = 170.0, 24.0, 90.0, 6.0
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
    """Zones as rows (Market at the top), domains as columns, each element in its cell; a dashed outline marks a
    placement the element inherits or derives; an extra column or row holds elements with an open domain or zone."""
    dot = Dot(outputorder="nodesfirst", splines="line")
    nodes = list(graph.nodes(data=True))
    domains = list(graph.graph["domains"])
    zones = list(reversed(graph.graph["zones"]))  # Market first, at the top
    if any(data["domain"] == "*" for _, data in nodes):
        domains.append(("*", "Any domain"))
    if any(data["zone"] == "*" for _, data in nodes):
        zones.append(("*", "Any zone"))
    by_cell: dict[tuple[str, str], list[str]] = {}
    for node, data in nodes:
        by_cell.setdefault((data["domain"], data["zone"]), []).append(node)
    per_cell = max((len(members) for members in by_cell.values()), default=0)
    cell_h = max(60.0, per_cell * (SGAM_ELEMENT_H + SGAM_GAP) + 2 * SGAM_GAP)
    column = {code: SGAM_HEADER + index * SGAM_CELL_W for index, (code, _) in enumerate(domains)}
    row = {code: -(index * cell_h) for index, (code, _) in enumerate(zones)}

    dot.node(
        "title",
        label=html_label(bold(text(graph.graph["layer_name"] + " layer"))),
        shape="plaintext",
        pos=_pos(SGAM_HEADER / 2, cell_h / 2 + 18),
    )
    for code, name in domains:
        dot.node(
            f"domain-{code}".replace("*", "any"),
            label=html_label(bold(text(name))),
            shape="plaintext",
            pos=_pos(column[code] + SGAM_CELL_W / 2, cell_h / 2 + 18),
        )
    for code, name in zones:
        dot.node(
            f"zone-{code}".replace("*", "any"),
            label=html_label(bold(text(name))),
            shape="plaintext",
            pos=_pos(SGAM_HEADER / 2, row[code]),
        )
        for domain_code, _ in domains:
            dot.node(
                f"cell-{domain_code}-{code}".replace("*", "any"),
                label="",
                shape="box",
                style="filled",
                color="#bbbbbb",
                fillcolor=SGAM_DOMAIN_COLORS.get(domain_code, "#f2f2f2"),
                pos=_pos(column[domain_code] + SGAM_CELL_W / 2, row[code]),
                width=_inches(SGAM_CELL_W),
                height=_inches(cell_h),
                fixedsize="true",
            )
    for (domain_code, zone_code), members in sorted(by_cell.items()):
        first_y = row[zone_code] + (len(members) - 1) * (SGAM_ELEMENT_H + SGAM_GAP) / 2
        for index, node in enumerate(sorted(members, key=lambda member: (graph.nodes[member]["kind"], member))):
            data = graph.nodes[node]
            style = dict(SGAM_ELEMENT_STYLES[data["kind"]])
            if data["source"] in ("default", "derived"):
                style["style"] += ",dashed"
            dot.node(
                node,
                label=html_label(text(data["label"], 28)),
                fontsize="9",
                pos=_pos(column[domain_code] + SGAM_CELL_W / 2, first_y - index * (SGAM_ELEMENT_H + SGAM_GAP)),
                width=_inches(SGAM_CELL_W - 20),
                height=_inches(SGAM_ELEMENT_H),
                fixedsize="true",
                **style,
            )
    for source, target, data in graph.edges(data=True):
        shown = data["information"][:3]
        more = f" +{len(data['information']) - 3}" if len(data["information"]) > 3 else ""
        dot.edge(
            source,
            target,
            label=html_label(small(text(", ".join(shown), 40) + more, 8, "#1f3b57")),
            color="#1f3b57",
            arrowsize="0.6",
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
NIST_BOX_W, NIST_GAP, NIST_HEADER, NIST_ACTOR_H = 210.0, 50.0, 40.0, 30.0


def nist_dot(graph: nx.MultiDiGraph) -> DotSource:
    """Each NIST domain a box holding its actors, arranged as in the NIST conceptual model; blue arrows: the data
    flows of the steps between domains (number of exchanges, information IDs); grey double arrows: the energy
    flow along the power chain."""
    dot = Dot(outputorder="nodesfirst", splines="curved")
    domains = {data["code"]: (node, data) for node, data in graph.nodes(data=True) if data["kind"] == "domain"}
    actors_in: dict[str, list[tuple[str, dict]]] = {}
    for node, data in graph.nodes(data=True):
        if data["kind"] == "actor":
            actors_in.setdefault(data["domain"], []).append((node, data))
    internal = {
        source: data for source, target, data in graph.edges(data=True) if data["kind"] == "data" and source == target
    }

    def height(code: str) -> float:
        return NIST_HEADER + max(1, len(actors_in.get(code, []))) * NIST_ACTOR_H + 10

    row_heights = [max(height(code) for code in row if code in domains) for row in NIST_ROWS]
    for row_index, row in enumerate(NIST_ROWS):
        row_top = 0.0 if row_index == 0 else -(row_heights[0] + NIST_GAP)
        offset = (NIST_BOX_W + NIST_GAP) / 2 if row_index == 0 else 0
        for column, code in enumerate(row):
            if code not in domains:
                continue
            node, data = domains[code]
            x = offset + column * (NIST_BOX_W + NIST_GAP) + NIST_BOX_W / 2
            box_h = height(code)
            center_y = row_top - box_h / 2
            title = bold(text(data["label"]))
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
            for index, (actor, actor_data) in enumerate(sorted(actors_in.get(code, []), key=lambda i: i[1]["label"])):
                dot.node(
                    actor,
                    label=html_label(text(actor_data["label"], 32)),
                    shape="box",
                    style="rounded,filled",
                    fillcolor="white",
                    fontsize="9",
                    pos=_pos(x, top - (index + 0.5) * NIST_ACTOR_H),
                    width=_inches(NIST_BOX_W - 30),
                    height=_inches(NIST_ACTOR_H - 8),
                    fixedsize="true",
                )
    for source, target, data in graph.edges(data=True):
        if data["kind"] == "energy":
            dot.edge(source, target, dir="both", color="#9e9e9e", penwidth="4", arrowsize="0.5")
        elif source != target:
            shown = ", ".join(data["information"][:4]) + (" …" if len(data["information"]) > 4 else "")
            label = html_label(bold(str(data["count"])), " ", small(text(shown, 50), 8, "#0d47a1"))
            dot.edge(source, target, label=label, color="#1565c0", penwidth="1.5")
    return DotSource(dot.source, engine="neato", pinned=True)
