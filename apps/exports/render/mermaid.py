"""Mermaid flowchart export: stages as subgraphs, node kinds as shapes, edge kinds as link
types with the theme's colours and dashes (classDef and linkStyle).

Link types are chosen so an import can tell the kinds apart again: flow `-->`, error `-.->`,
fallback `==>`, data `--o`. Labels go inside double quotes with Mermaid's entity codes for
the characters that would end or alter them, so user text never becomes Mermaid syntax.
"""

from __future__ import annotations

import json
import re
from typing import Any

from apps.diagrams import theme as sop_theme
from apps.exports.render.text import one_line

# Node kind → (opening, closing) of the Mermaid shape.
SHAPES: dict[str, tuple[str, str]] = {
    "start": ('(["', '"])'),
    "process": ('["', '"]'),
    "decision": ('{"', '"}'),
    "datastore": ('[("', '")]'),
    "external": ('[/"', '"/]'),
    "alert": ('{{"', '"}}'),
    "note": ('>"', '"]'),
    "end": ('(("', '"))'),
}
LINKS: dict[str, str] = {"flow": "-->", "error": "-.->", "fallback": "==>", "data": "--o"}
_ESCAPED = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"}
_ESCAPE_RE = re.compile('["#&<>`]')


def mermaid_text(value: object) -> str:
    """User text made safe inside a quoted Mermaid label."""
    return _ESCAPE_RE.sub(lambda match: _ESCAPED[match.group(0)], one_line(value))


def mermaid_ids(node_ids: list[str]) -> dict[str, str]:
    """Our ids as Mermaid ids: letters, digits and underscores, never a keyword like `end`."""
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for node_id in node_ids:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)
        candidate, counter = base, 1
        while candidate in used:
            counter += 1
            candidate = f"{base}_{counter}"
        used.add(candidate)
        mapping[node_id] = candidate
    return mapping


def _style(color: str, *, dash: str = "", width: float = 2) -> str:
    style = f"stroke:{color},stroke-width:{width:g}px"
    if dash:
        style += f",stroke-dasharray:{dash}"
    return style


def render_mermaid(content: dict[str, Any], *, note: str = "") -> str:
    """The diagram as a Mermaid flowchart (left to right, one subgraph per stage)."""
    meta = content.get("meta") or {}
    nodes = list(content.get("nodes") or [])
    edges = list(content.get("edges") or [])
    ids = mermaid_ids([str(node["id"]) for node in nodes])
    stages = sop_theme.theme()["stages"]
    title = one_line(meta.get("title")) or "Untitled SOP"
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---"]
    lines.append(
        "%% Exported from SOP Studio (sop-diagram/1)" + (f" · {one_line(note)}" if note else "")
    )
    lines.append("flowchart LR")
    for stage in stages:
        members = [node for node in nodes if node.get("stage") == stage["id"]]
        if not members:
            continue
        members.sort(key=lambda n: (float(n.get("y", 0)), float(n.get("x", 0)), str(n["id"])))
        lines.append(f'  subgraph stage_{stage["id"]}["{mermaid_text(stage["name"])}"]')
        lines.append("    direction TB")
        for node in members:
            opening, closing = SHAPES.get(str(node.get("kind")), SHAPES["process"])
            label = mermaid_text(node.get("label")) or " "
            lines.append(f"    {ids[str(node['id'])]}{opening}{label}{closing}")
        lines.append("  end")
    link_indexes: dict[str, list[int]] = {}
    index = 0
    for edge in edges:
        source, target = ids.get(str(edge.get("source"))), ids.get(str(edge.get("target")))
        if source is None or target is None:
            continue
        kind = str(edge.get("kind") or "flow")
        link = LINKS.get(kind, LINKS["flow"])
        label = mermaid_text(edge.get("label"))
        text = f'|"{label}"|' if label else ""
        lines.append(f"  {source} {link}{text} {target}")
        link_indexes.setdefault(kind, []).append(index)
        index += 1
    for stage in stages:
        members = [ids[str(n["id"])] for n in nodes if n.get("stage") == stage["id"]]
        if not members:
            continue
        lines.append(
            f"  classDef stage_{stage['id']} fill:{stage['fill']},stroke:{stage['color']},"
            "stroke-width:2px,color:#0f172a"
        )
        lines.append(f"  class {','.join(members)} stage_{stage['id']}")
    for kind in sop_theme.theme()["edgeKinds"]:
        positions = link_indexes.get(str(kind["id"]))
        if positions:
            lines.append(
                f"  linkStyle {','.join(str(p) for p in positions)} "
                f"{_style(str(kind['color']), dash=str(kind.get('dash') or ''), width=float(kind['width']))}"
            )
    return "\n".join(lines) + "\n"
