"""The procedure as text: steps numbered by stage, with every field and every path spelled out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.diagrams import theme as sop_theme


@dataclass
class PathLine:
    """One outgoing or incoming edge of a step, as a sentence."""

    kind: str
    text: str


@dataclass
class Step:
    number: str
    node: dict[str, Any]
    stage: dict[str, Any]
    kind_name: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    outgoing: list[PathLine] = field(default_factory=list)
    incoming: list[PathLine] = field(default_factory=list)
    needs_exception_path: bool = False


@dataclass
class ExceptionPath:
    kind: str
    source: str
    target: str
    condition: str
    handled_by: str


@dataclass
class Procedure:
    stages: list[tuple[dict[str, Any], list[Step]]]
    exception_paths: list[ExceptionPath]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _step_name(step: Step) -> str:
    label = str(step.node.get("label") or "").strip() or f"(unnamed {step.kind_name.lower()})"
    return f"{step.number} {label}"


def build_procedure(content: dict[str, Any]) -> Procedure:
    """Number the steps stage by stage (top to bottom, left to right) and describe each path."""
    stages = sop_theme.theme()["stages"]
    kinds = sop_theme.node_kind_by_id()
    field_defs = sop_theme.theme()["fields"]
    nodes = list(content.get("nodes") or [])
    steps: dict[str, Step] = {}
    by_stage: list[tuple[dict[str, Any], list[Step]]] = []
    for stage_index, stage in enumerate(stages, start=1):
        in_stage = sorted(
            (n for n in nodes if n.get("stage") == stage["id"]),
            key=lambda n: (float(n.get("y", 0)), float(n.get("x", 0)), str(n.get("id"))),
        )
        stage_steps = []
        for index, node in enumerate(in_stage, start=1):
            values = node.get("fields") or {}
            applicable = [f for f in field_defs if f["stages"] == "*" or stage["id"] in f["stages"]]
            present = [f for f in field_defs if f["key"] in values]
            step = Step(
                number=f"{stage_index}.{index}",
                node=node,
                stage=stage,
                kind_name=str(kinds.get(str(node.get("kind")), {}).get("name", node.get("kind"))),
                fields=[(str(f["label"]), _value(values[f["key"]])) for f in present],
                missing_fields=[str(f["label"]) for f in applicable if f["key"] not in values],
                needs_exception_path=stage["id"] in {"model", "inference"}
                and node.get("kind") not in {"note", "end"},
            )
            steps[str(node.get("id"))] = step
            stage_steps.append(step)
        by_stage.append((stage, stage_steps))

    exception_paths: list[ExceptionPath] = []
    has_exception_path: set[str] = set()
    for edge in content.get("edges") or []:
        source, target = steps.get(str(edge.get("source"))), steps.get(str(edge.get("target")))
        if source is None or target is None:
            continue
        kind = str(edge.get("kind") or "flow")
        label = str(edge.get("label") or "").strip()
        quoted = f"“{label}”" if label else ""
        target_fields = target.node.get("fields") or {}
        owner = str(target_fields.get("owner") or "").strip()
        contact = str(target_fields.get("escalationContact") or "").strip()
        handled = ", ".join(
            part for part in (owner and f"owner {owner}", contact and f"contact {contact}") if part
        )
        handled_text = f" — {handled}" if handled else ""
        target_name = f"{_step_name(target)} ({target.stage['name']})"
        source_name = _step_name(source)
        if kind == "error":
            when = quoted or "an error occurs"
            source.outgoing.append(
                PathLine(kind, f"On error ({when}): go to {target_name}{handled_text}.")
            )
            target.incoming.append(PathLine(kind, f"Handles errors of {source_name} ({when})."))
        elif kind == "fallback":
            when = quoted or "the step cannot complete"
            source.outgoing.append(
                PathLine(kind, f"Fallback ({when}): continue at {target_name}{handled_text}.")
            )
            target.incoming.append(PathLine(kind, f"Fallback for {source_name} ({when})."))
        elif kind == "data":
            detail = f" ({quoted})" if quoted else ""
            source.outgoing.append(PathLine(kind, f"Sends data to {target_name}{detail}."))
        else:
            condition = f" when {quoted}" if quoted else ""
            source.outgoing.append(PathLine(kind, f"Then{condition}: {target_name}."))
        if kind in {"error", "fallback"}:
            has_exception_path.add(str(source.node.get("id")))
            exception_paths.append(
                ExceptionPath(
                    kind=kind,
                    source=source_name,
                    target=target_name,
                    condition=label,
                    handled_by=handled,
                )
            )
    for step in steps.values():
        if str(step.node.get("id")) in has_exception_path:
            step.needs_exception_path = False
    return Procedure(stages=by_stage, exception_paths=exception_paths)
