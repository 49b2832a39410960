"""Exception handling: every model and inference step can fail visibly, and failures reach someone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from apps.assistant.changeset import AddEdge, AddNode, Operation, SetField
from apps.assistant.rules.base import (
    KIND_SIZES,
    PLACEHOLDER,
    Draft,
    LintContext,
    has_fact,
    quoted,
)
from apps.diagrams.schema import DiagramEdge, DiagramNode

FAILURE_EDGE_KINDS = frozenset({"error", "fallback"})
# Steps that run something that can fail; ends, notes and alerts themselves do not.
_RUNNING_KINDS = frozenset({"start", "process", "decision", "datastore", "external"})
_OWNER_KEYS = ("owner", "escalationContact")


def _has_owner(node: DiagramNode) -> bool:
    return any(has_fact(node, key) for key in _OWNER_KEYS)


def _alert_with_owner(context: LintContext) -> DiagramNode | None:
    if "alert_with_owner" not in context.memo:
        alerts = [n for n in context.nodes if n.kind == "alert" and _has_owner(n)]
        # An alert in the Monitoring lane first: that is where escalation is drawn.
        alerts.sort(key=lambda node: (node.stage != "monitoring", node.y, node.id))
        context.memo["alert_with_owner"] = alerts[0] if alerts else None
    return cast(DiagramNode | None, context.memo["alert_with_owner"])


def failure_path_fix(context: LintContext, node: DiagramNode) -> tuple[Operation, ...]:
    """An error edge from the step to an alert with an owner, adding the alert if none exists.

    Built without re-validation (ids from `new_id`, text from validated labels and constants):
    this runs once per finding on every lint, and `changeset_apply` validates it when applied.
    """
    taken: set[str] = set()
    operations: list[Operation] = []
    alert = _alert_with_owner(context)
    if alert is None:
        x, y = context.lane_slot("monitoring", "alert")
        width, height = KIND_SIZES["alert"]
        alert = DiagramNode.model_construct(
            id=context.new_id(f"{node.id}-failure-alert", taken=taken),
            kind="alert",
            stage="monitoring",
            label=f"{node.label.strip() or 'Step'} failure alert"[:80],
            description=f"{PLACEHOLDER}: who is alerted when this step fails, and what they do.",
            x=x,
            y=y,
            w=width,
            h=height,
            fields={
                "owner": f"{PLACEHOLDER}: owner",
                "escalationContact": f"{PLACEHOLDER}: escalation contact",
                "alertThresholds": f"{PLACEHOLDER}: when this alert fires",
            },
        )
        operations.append(AddNode.model_construct(node=alert))
    operations.append(
        AddEdge.model_construct(
            edge=DiagramEdge.model_construct(
                id=context.new_id(f"e-{node.id}-error", taken=taken),
                source=node.id,
                target=alert.id,
                kind="error",
                label="error or timeout",
            )
        )
    )
    return tuple(operations)


def model_steps_have_failure_paths(context: LintContext) -> Iterator[Draft]:
    for node in context.steps:
        if node.stage not in ("model", "inference") or node.kind not in _RUNNING_KINDS:
            continue
        if any(edge.kind in FAILURE_EDGE_KINDS for edge in context.outgoing.get(node.id, ())):
            continue
        yield Draft(
            message=f"{quoted(context.label(node.id))} has no error or fallback path: draw what "
            "happens when it fails or times out.",
            refs=(node.id,),
            fix=failure_path_fix(context, node),
        )


def _reaching_someone(context: LintContext) -> set[str]:
    """Ids of the nodes that are, or lead to, an alert or a step with an owner.

    One backward walk from every such node, so each error edge is then a set lookup.
    """
    seen = {node.id for node in context.nodes if node.kind == "alert" or _has_owner(node)}
    frontier = list(seen)
    while frontier:
        for edge in context.incoming.get(frontier.pop(), ()):
            if edge.source not in seen:
                seen.add(edge.source)
                frontier.append(edge.source)
    return seen


def error_paths_end_in_owner(context: LintContext) -> Iterator[Draft]:
    error_edges = [edge for edge in context.edges if edge.kind == "error"]
    if not error_edges:
        return
    handled = _reaching_someone(context)
    for edge in error_edges:
        if edge.target in handled:
            continue
        yield Draft(
            message=f"The error path from {quoted(context.label(edge.source))} to "
            f"{quoted(context.label(edge.target))} reaches neither an alert nor a step with an "
            "owner: say who handles the failure.",
            refs=(edge.id, edge.target),
            fix=(SetField(id=edge.target, key="owner", value=f"{PLACEHOLDER}: owner"),),
        )
