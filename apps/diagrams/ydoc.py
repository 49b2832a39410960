"""The Yjs layout of a diagram, written down once, and its mapping to and from JSON.

    meta:  Y.Map  title, mode, owner, reviewBy, description, glossary (JSON list), modelVersions
    nodes: Y.Map  id -> Y.Map {kind, stage, label, description, x, y, w, h, fields: Y.Map}
    edges: Y.Map  id -> Y.Map {source, target, kind, label}

A node is never one opaque value: a concurrent drag (x, y) and rename (label) must both survive.
The editor (frontend/src/lib/ydoc.ts) follows the same layout.
"""

from __future__ import annotations

import json
from typing import Any

from pycrdt import Doc, Map

from apps.diagrams.schema import SCHEMA_ID, SopDiagram, content_read

META = "meta"
NODES = "nodes"
EDGES = "edges"
FIELDS = "fields"
NODE_KEYS = ("kind", "stage", "label", "description", "x", "y", "w", "h")
EDGE_KEYS = ("source", "target", "kind", "label")
META_KEYS = ("title", "mode", "owner", "reviewBy", "description", "glossary", "modelVersions")


def doc_roots(doc: Doc) -> tuple[Map, Map, Map]:
    return doc.get(META, type=Map), doc.get(NODES, type=Map), doc.get(EDGES, type=Map)


def _as_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _plain(value: Any) -> Any:
    return value.to_py() if hasattr(value, "to_py") else value


def doc_to_json(doc: Doc) -> dict[str, Any]:
    """Project the document to JSON as it is, unchecked: whatever any client wrote into it.

    `doc_content` is its reading by the schema; this raw form is for checking an update's
    effect before it is stored.
    """
    # One JSON rendering per root, done in Rust: every key read or membership test on a Y.Map
    # crosses into Rust on its own, and a 200-node projection paid for some 190,000 of them.
    # Yrs writes a non-finite number as null, which the schema then refuses like the number.
    with doc.transaction():
        meta_map, nodes_map, edges_map = doc_roots(doc)
        meta_values = _as_object(json.loads(str(meta_map)))
        raw_nodes = _as_object(json.loads(str(nodes_map)))
        raw_edges = _as_object(json.loads(str(edges_map)))
        # A node or edge written as one opaque value rather than a Y.Map is not the layout.
        maps = {key for key, value in nodes_map.items() if isinstance(value, Map)}
        maps |= {key for key, value in edges_map.items() if isinstance(value, Map)}
    meta = {key: meta_values[key] for key in META_KEYS if key in meta_values}
    nodes: list[dict[str, Any]] = []
    for node_id, values in raw_nodes.items():
        if node_id not in maps or not isinstance(values, dict):
            continue
        item: dict[str, Any] = {"id": node_id}
        item.update((key, values[key]) for key in NODE_KEYS if key in values)
        fields = values.get(FIELDS)
        item[FIELDS] = fields if fields is not None else {}
        nodes.append(item)
    edges: list[dict[str, Any]] = []
    for edge_id, values in raw_edges.items():
        if edge_id not in maps or not isinstance(values, dict):
            continue
        entry: dict[str, Any] = {"id": edge_id}
        entry.update((key, values[key]) for key in EDGE_KEYS if key in values)
        edges.append(entry)
    return {"schema": SCHEMA_ID, "meta": meta, "nodes": nodes, "edges": edges}


def doc_content(doc: Doc) -> SopDiagram:
    """The document as `SopDiagram` (normalised; never fails, see `content_read`)."""
    return content_read(doc_to_json(doc))


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    return bool(_plain(left) == right)


def _sync_map(target_map: Map, wanted: dict[str, Any], keys: tuple[str, ...] | None) -> None:
    """Set only what differs and delete what is gone, so unchanged keys keep their Yjs items."""
    managed = keys if keys is not None else tuple(wanted)
    for key in managed:
        if key not in wanted:
            continue
        value = wanted[key]
        if key not in target_map or not _same(target_map[key], value):
            target_map[key] = value
    stale = [key for key in target_map.keys() if key not in wanted]
    for key in stale:
        del target_map[key]


def _node_map(node: dict[str, Any]) -> Map:
    values = {key: node[key] for key in NODE_KEYS if key in node}
    values[FIELDS] = Map(dict(node.get(FIELDS) or {}))
    return Map(values)


def doc_make_equal(doc: Doc, target: SopDiagram) -> None:
    """Make the live document equal to `target` with a minimal forward transaction.

    Never merge a freshly built Doc instead: its new client id would duplicate content.
    """
    content = target.as_json()
    meta_map, nodes_map, edges_map = doc_roots(doc)
    with doc.transaction():
        _sync_map(meta_map, dict(content.get("meta") or {}), None)

        wanted_nodes = {node["id"]: node for node in content.get("nodes", [])}
        wanted_edges = {edge["id"]: edge for edge in content.get("edges", [])}
        for edge_id in [key for key in edges_map.keys() if key not in wanted_edges]:
            del edges_map[edge_id]
        for node_id in [key for key in nodes_map.keys() if key not in wanted_nodes]:
            del nodes_map[node_id]

        for node_id, node in wanted_nodes.items():
            current = nodes_map.get(node_id) if node_id in nodes_map else None
            if not isinstance(current, Map):
                nodes_map[node_id] = _node_map(node)
                continue
            scalars = {key: node[key] for key in NODE_KEYS if key in node}
            scalars[FIELDS] = None  # kept: handled below, never deleted as stale
            _sync_map(current, scalars, NODE_KEYS)
            fields = current.get(FIELDS) if FIELDS in current else None
            wanted_fields = dict(node.get(FIELDS) or {})
            if isinstance(fields, Map):
                _sync_map(fields, wanted_fields, None)
            else:
                current[FIELDS] = Map(wanted_fields)

        for edge_id, edge in wanted_edges.items():
            current_edge = edges_map.get(edge_id) if edge_id in edges_map else None
            values = {key: edge[key] for key in EDGE_KEYS if key in edge}
            if not isinstance(current_edge, Map):
                edges_map[edge_id] = Map(values)
            else:
                _sync_map(current_edge, values, EDGE_KEYS)


def doc_from_updates(snapshot: bytes, updates: list[bytes]) -> Doc:
    doc: Doc = Doc()
    if snapshot:
        doc.apply_update(snapshot)
    for update in updates:
        doc.apply_update(update)
    return doc
