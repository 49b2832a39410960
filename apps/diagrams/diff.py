"""Structural diff between two `sop-diagram/1` documents, with a one-line summary per change."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from apps.diagrams.theme import edge_kind_by_id

ChangeType = Literal["added", "removed", "changed", "moved"]
_NODE_TEXT_KEYS = ("kind", "stage", "label", "description")
_EDGE_KEYS = ("source", "target", "kind", "label")
_META_KEYS = ("title", "mode", "owner", "reviewBy", "description", "glossary", "modelVersions")


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class ElementChange:
    element: Literal["node", "edge", "meta"]
    id: str
    change: ChangeType
    summary: str
    fields: list[FieldChange] = field(default_factory=list)


def _short(value: Any, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field_summary(name: str, old: Any, new: Any) -> str:
    if old in (None, "") and new not in (None, ""):
        return f"{name} set to {_short(new)}"
    if new in (None, ""):
        return f"{name} cleared (was {_short(old)})"
    return f"{name} {_short(old)} → {_short(new)}"


def _node_name(node: dict[str, Any]) -> str:
    return str(node.get("label") or node.get("id"))


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[ElementChange]:
    """Nodes and edges added, removed, changed (field by field) and moved, in a stable order."""
    changes: list[ElementChange] = []
    old_meta, new_meta = old.get("meta") or {}, new.get("meta") or {}
    meta_fields = [
        FieldChange(key, old_meta.get(key), new_meta.get(key))
        for key in _META_KEYS
        if old_meta.get(key) != new_meta.get(key)
    ]
    if meta_fields:
        changes.append(
            ElementChange(
                element="meta",
                id="meta",
                change="changed",
                summary="Document "
                + "; ".join(_field_summary(c.field, c.old, c.new) for c in meta_fields),
                fields=meta_fields,
            )
        )

    old_nodes = {n["id"]: n for n in old.get("nodes") or []}
    new_nodes = {n["id"]: n for n in new.get("nodes") or []}
    names = {
        **{k: _node_name(v) for k, v in old_nodes.items()},
        **{k: _node_name(v) for k, v in new_nodes.items()},
    }
    for node_id in sorted(old_nodes.keys() | new_nodes.keys()):
        before, after = old_nodes.get(node_id), new_nodes.get(node_id)
        if before is None and after is not None:
            changes.append(
                ElementChange(
                    "node",
                    node_id,
                    "added",
                    f"Added {after.get('kind', 'step')} {_node_name(after)} "
                    f"in {after.get('stage', '?')}",
                )
            )
            continue
        if after is None and before is not None:
            changes.append(
                ElementChange("node", node_id, "removed", f"Removed {_node_name(before)}")
            )
            continue
        assert before is not None and after is not None
        field_changes = [
            FieldChange(key, before.get(key), after.get(key))
            for key in _NODE_TEXT_KEYS
            if before.get(key) != after.get(key)
        ]
        old_fields, new_fields = before.get("fields") or {}, after.get("fields") or {}
        field_changes += [
            FieldChange(f"fields.{key}", old_fields.get(key), new_fields.get(key))
            for key in sorted(old_fields.keys() | new_fields.keys())
            if old_fields.get(key) != new_fields.get(key)
        ]
        if field_changes:
            parts = [
                _field_summary(c.field.removeprefix("fields."), c.old, c.new) for c in field_changes
            ]
            changes.append(
                ElementChange(
                    "node",
                    node_id,
                    "changed",
                    f"{_node_name(after)}: " + "; ".join(parts),
                    field_changes,
                )
            )
        geometry = [
            FieldChange(key, before.get(key), after.get(key))
            for key in ("x", "y", "w", "h")
            if before.get(key) != after.get(key)
        ]
        if geometry:
            changes.append(
                ElementChange("node", node_id, "moved", f"Moved {_node_name(after)}", geometry)
            )

    old_edges = {e["id"]: e for e in old.get("edges") or []}
    new_edges = {e["id"]: e for e in new.get("edges") or []}
    kinds = edge_kind_by_id()

    def edge_text(edge: dict[str, Any]) -> str:
        kind = kinds.get(str(edge.get("kind")), {}).get("name", "flow").lower().replace(" path", "")
        label = f" “{edge['label']}”" if edge.get("label") else ""
        return (
            f"{kind} edge {names.get(edge.get('source', ''), edge.get('source'))} → "
            f"{names.get(edge.get('target', ''), edge.get('target'))}{label}"
        )

    for edge_id in sorted(old_edges.keys() | new_edges.keys()):
        before_edge, after_edge = old_edges.get(edge_id), new_edges.get(edge_id)
        if before_edge is None and after_edge is not None:
            changes.append(
                ElementChange("edge", edge_id, "added", f"Added {edge_text(after_edge)}")
            )
        elif after_edge is None and before_edge is not None:
            changes.append(
                ElementChange("edge", edge_id, "removed", f"Removed {edge_text(before_edge)}")
            )
        elif before_edge is not None and after_edge is not None:
            edge_changes = [
                FieldChange(key, before_edge.get(key), after_edge.get(key))
                for key in _EDGE_KEYS
                if before_edge.get(key) != after_edge.get(key)
            ]
            if edge_changes:
                changes.append(
                    ElementChange(
                        "edge",
                        edge_id,
                        "changed",
                        f"Changed {edge_text(after_edge)}: "
                        + "; ".join(_field_summary(c.field, c.old, c.new) for c in edge_changes),
                        edge_changes,
                    )
                )
    return changes


def diff_as_json(changes: list[ElementChange]) -> list[dict[str, Any]]:
    return [asdict(change) for change in changes]


def diff_counts(changes: list[ElementChange]) -> dict[str, int]:
    counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
    for change in changes:
        counts[change.change] += 1
    return counts
