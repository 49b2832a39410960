"""A parsed Mermaid flowchart made into `sop-diagram/1`: stages, ids and a lane layout."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from apps.diagrams import theme as sop_theme
from apps.exports.interchange.errors import ImportRejected
from apps.exports.interchange.mermaid_parse import Graph, parse_flowchart
from apps.exports.render.text import one_line


def _ranks(graph: Graph) -> dict[str, int]:
    """Breadth-first depth from the nodes nothing points to (then from any node left, so
    cycles get a depth too)."""
    outgoing: dict[str, list[str]] = {node_id: [] for node_id in graph.nodes}
    has_incoming: set[str] = set()
    for source, target, _, _ in graph.edges:
        outgoing[source].append(target)
        if source != target:
            has_incoming.add(target)
    rank: dict[str, int] = {}
    starts = [n for n in graph.nodes if n not in has_incoming] + list(graph.nodes)
    for start in starts:
        if start in rank:
            continue
        rank[start] = 0 if start not in has_incoming else max(rank.values(), default=0)
        queue = deque([start])
        while queue:
            node_id = queue.popleft()
            for target in outgoing[node_id]:
                if target not in rank:
                    rank[target] = rank[node_id] + 1
                    queue.append(target)
    return rank


def _assign_stages(graph: Graph, rank: dict[str, int]) -> None:
    """Stages for nodes outside stage subgraphs: start → Trigger and alert → Monitoring;
    otherwise the stage of the step before them. A flowchart with no stage subgraph at all is
    spread over the lanes by depth, so it still reads left to right."""
    stages = [str(s["id"]) for s in sop_theme.theme()["stages"]]
    any_subgraph = any(node.stage for node in graph.nodes.values())
    for node in graph.nodes.values():
        if node.stage is None and node.kind == "start":
            node.stage = "trigger"
        elif node.stage is None and node.kind == "alert":
            node.stage = "monitoring"
    if not any_subgraph:
        for node in graph.nodes.values():
            if node.stage is None:
                node.stage = stages[min(rank[node.mermaid_id], len(stages) - 1)]
        return
    changed = True
    while changed:
        changed = False
        for source, target, _, _ in graph.edges:
            if graph.nodes[target].stage is None and graph.nodes[source].stage is not None:
                graph.nodes[target].stage = graph.nodes[source].stage
                changed = True
    for node in graph.nodes.values():
        if node.stage is None:
            node.stage = stages[min(rank[node.mermaid_id], len(stages) - 1)]


def _our_id(mermaid_id: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.:-]", "_", mermaid_id.removeprefix("n_"))[:56].strip("_.:-")
    if not base or not base[0].isalnum():
        base = f"node{len(used) + 1}"
    candidate, counter = base, 1
    while candidate in used:
        counter += 1
        candidate = f"{base}-{counter}"
    used.add(candidate)
    return candidate


def mermaid_read(text: Any, *, title: str = "") -> dict[str, Any]:
    """A Mermaid flowchart as `sop-diagram/1` content, laid out in the stage lanes."""
    if not isinstance(text, str):
        raise ImportRejected("A Mermaid import must be text.", field="content")
    graph = parse_flowchart(text)
    rank = _ranks(graph)
    _assign_stages(graph, rank)
    theme = sop_theme.theme()
    layout = theme["layout"]
    lane_width, header, row_height = (
        float(layout["laneWidth"]),
        float(layout["laneHeaderHeight"]),
        float(layout["rowHeight"]),
    )
    kinds = sop_theme.node_kind_by_id()
    limits = sop_theme.limits()
    stage_index = {str(s["id"]): i for i, s in enumerate(theme["stages"])}
    used: set[str] = set()
    ours = {mid: _our_id(mid, used) for mid in graph.nodes}
    next_row: dict[str, int] = {}
    nodes = []
    ordered = sorted(graph.nodes.values(), key=lambda n: (rank[n.mermaid_id], n.order))
    for node in ordered:
        stage = node.stage or "trigger"
        row = max(rank[node.mermaid_id], next_row.get(stage, 0))
        next_row[stage] = row + 1
        kind = kinds[node.kind]
        width, height = float(kind["w"]), float(kind["h"])
        label = node.label
        description = ""
        if len(label) > limits["labelMax"]:
            label, description = label[: limits["labelMax"] - 1] + "…", label
        nodes.append(
            {
                "id": ours[node.mermaid_id],
                "kind": node.kind,
                "stage": stage,
                "label": label,
                "description": description[: limits["descriptionMax"]],
                "x": stage_index[stage] * lane_width + (lane_width - width) / 2,
                "y": header + 40 + row * row_height,
                "w": width,
                "h": height,
                "fields": {},
            }
        )
    edges = []
    edge_ids: set[str] = set(used)
    for index, (source, target, edge_kind, edge_label) in enumerate(graph.edges, start=1):
        edge_id = _our_id(f"e{index}", edge_ids)
        if len(edge_label) > limits["edgeLabelMax"]:
            edge_label = edge_label[: limits["edgeLabelMax"] - 1] + "…"
        edges.append(
            {
                "id": edge_id,
                "source": ours[source],
                "target": ours[target],
                "kind": edge_kind,
                "label": edge_label,
            }
        )
    final_title = one_line(title) or graph.title or "Imported flowchart"
    return {
        "schema": "sop-diagram/1",
        "meta": {
            "title": final_title[: limits["titleMax"]],
            "description": "Imported from a Mermaid flowchart.",
        },
        "nodes": nodes,
        "edges": edges,
    }
