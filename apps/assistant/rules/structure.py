"""Shape of the flow: the seven stages, a trigger that starts it, reachability, and clutter."""

from __future__ import annotations

from collections.abc import Iterator

from apps.assistant.changeset import AddEdge, AddNode, Operation
from apps.assistant.rules.base import (
    FIELD_LABELS,
    KIND_SIZES,
    PLACEHOLDER,
    STAGE_IDS,
    STAGE_NAMES,
    Draft,
    LintContext,
    field_allowed,
    quoted,
)
from apps.diagrams.schema import DiagramEdge, DiagramNode

# Past this many steps a lane is hard to read; a suggestion to group, not a mistake.
MAX_STEPS_PER_STAGE = 12
# Crossing edges (straight lines between step centres) before we suggest reordering.
MAX_CROSSINGS = 20
# The facts a placeholder step of each stage asks for, so the author sees what is missing.
_STAGE_PLACEHOLDER_FIELDS = {
    "trigger": ("triggerType",),
    "input": ("inputSchema", "validationRules"),
    "model": ("modelName", "modelVersion"),
    "inference": ("runtime",),
    "postprocess": ("thresholds",),
    "delivery": ("deliveryChannel",),
    "monitoring": ("metrics", "alertThresholds"),
}


def _exit_step(nodes: list[DiagramNode], context: LintContext) -> DiagramNode:
    """The step a stage hands on from: one with no flow leaving it, else the lowest."""
    ends = [n for n in nodes if not any(e.kind == "flow" for e in context.outgoing.get(n.id, ()))]
    return max(ends or nodes, key=lambda node: (node.y, node.id))


def _entry_step(nodes: list[DiagramNode], context: LintContext) -> DiagramNode:
    """The step a stage is entered at: one with no flow arriving, else the highest."""
    starts = [n for n in nodes if not any(e.kind == "flow" for e in context.incoming.get(n.id, ()))]
    return min(starts or nodes, key=lambda node: (node.y, node.id))


def placeholder_step(
    context: LintContext, *, stage: str, kind: str, label: str, taken: set[str]
) -> DiagramNode:
    """A new step in its stage's lane, with placeholders for the facts that stage records."""
    x, y = context.lane_slot(stage, kind)
    width, height = KIND_SIZES[kind]
    fields: dict[str, str | int | float | bool] = {
        key: f"{PLACEHOLDER}: {FIELD_LABELS[key].lower()}"
        for key in _STAGE_PLACEHOLDER_FIELDS.get(stage, ())
        if field_allowed(key, stage)
    }
    fields["owner"] = f"{PLACEHOLDER}: owner"
    return DiagramNode(
        id=context.new_id(f"{stage}-step", taken=taken),
        kind=kind,
        stage=stage,
        label=label,
        description=f"{PLACEHOLDER}: describe this {STAGE_NAMES[stage]} step.",
        x=x,
        y=y,
        w=width,
        h=height,
        fields=fields,
    )


def _flow(context: LintContext, source: str, target: str, taken: set[str]) -> AddEdge:
    return AddEdge(
        edge=DiagramEdge(
            id=context.new_id(f"e-{source}-{target}", taken=taken),
            source=source,
            target=target,
            kind="flow",
        )
    )


def stages_present(context: LintContext) -> Iterator[Draft]:
    for position, stage in enumerate(STAGE_IDS):
        if context.steps_by_stage[stage]:
            continue
        taken: set[str] = set()
        kind = "start" if stage == "trigger" else "process"
        step = placeholder_step(
            context,
            stage=stage,
            kind=kind,
            label=f"{PLACEHOLDER}: {STAGE_NAMES[stage]} step",
            taken=taken,
        )
        fix: list[Operation] = [AddNode(node=step)]
        before = next(
            (
                context.steps_by_stage[s]
                for s in reversed(STAGE_IDS[:position])
                if context.steps_by_stage[s]
            ),
            None,
        )
        after = next(
            (
                context.steps_by_stage[s]
                for s in STAGE_IDS[position + 1 :]
                if context.steps_by_stage[s]
            ),
            None,
        )
        if before:
            fix.append(_flow(context, _exit_step(before, context).id, step.id, taken))
        if after:
            fix.append(_flow(context, step.id, _entry_step(after, context).id, taken))
        yield Draft(
            message=f"The {STAGE_NAMES[stage]} stage has no step: every SOP records what "
            "happens in each of the seven stages.",
            fix=tuple(fix),
        )


def trigger_starts_flow(context: LintContext) -> Iterator[Draft]:
    if any(node.stage == "trigger" for node in context.starts):
        return
    misplaced = tuple(node.id for node in context.starts)
    if misplaced:
        labels = ", ".join(quoted(context.label(node_id)) for node_id in misplaced[:3])
        yield Draft(
            message=f"No start step in the Trigger stage; {labels} starts the flow from "
            "another stage. Move it to the Trigger stage.",
            refs=misplaced,
        )
        return
    taken: set[str] = set()
    step = placeholder_step(
        context,
        stage="trigger",
        kind="start",
        label=f"{PLACEHOLDER}: what starts inference",
        taken=taken,
    )
    fix: list[Operation] = [AddNode(node=step)]
    first = next((context.steps_by_stage[s] for s in STAGE_IDS if context.steps_by_stage[s]), None)
    if first:
        fix.append(_flow(context, step.id, _entry_step(first, context).id, taken))
    yield Draft(
        message="The flow has no trigger: add a start step in the Trigger stage that says what "
        "starts inference (API request, schedule, stream message, user action).",
        fix=tuple(fix),
    )


def steps_reachable(context: LintContext) -> Iterator[Draft]:
    if not context.starts:
        return  # the trigger rule reports this once, not once per step
    for node in context.steps:
        if node.id not in context.reachable:
            yield Draft(
                message=f"{quoted(context.label(node.id))} cannot be reached from a trigger: "
                "connect it to the flow or remove it.",
                refs=(node.id,),
            )


def stage_size(context: LintContext) -> Iterator[Draft]:
    for stage, steps in context.steps_by_stage.items():
        if len(steps) > MAX_STEPS_PER_STAGE:
            yield Draft(
                message=f"The {STAGE_NAMES[stage]} stage has {len(steps)} steps (more than "
                f"{MAX_STEPS_PER_STAGE}): consider grouping related steps into one.",
                refs=tuple(node.id for node in steps),
            )


def _segments_cross(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> bool:
    """Whether two segments cross at a single interior point (touching or collinear does not)."""
    ax, ay, bx, by = a
    cx, cy, dx, dy = b
    d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    return d1 * d2 < 0 and d3 * d4 < 0


def count_crossings(context: LintContext) -> tuple[int, set[str]]:
    """Crossings between edges drawn as straight lines between step centres.

    A sweep over x: only edges whose horizontal extents overlap are compared, which keeps a
    lane layout far below the all-pairs cost.
    """
    centre = {n.id: (n.x + n.w / 2, n.y + n.h / 2) for n in context.nodes}
    segments = []
    for edge in context.edges:
        if edge.source == edge.target:
            continue
        (x1, y1), (x2, y2) = centre[edge.source], centre[edge.target]
        segments.append(
            (min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2), (x1, y1, x2, y2), edge)
        )
    segments.sort(key=lambda item: item[0])
    crossings = 0
    involved: set[str] = set()
    for index, (_, right, low, high, line, edge) in enumerate(segments):
        ends = (edge.source, edge.target)
        for other_left, _, other_low, other_high, other_line, other in segments[index + 1 :]:
            if other_left > right:
                break
            if other_high < low or other_low > high:
                continue
            if other.source in ends or other.target in ends:
                continue
            if _segments_cross(line, other_line):
                crossings += 1
                involved.update((edge.id, other.id))
    return crossings, involved


def crossings(context: LintContext) -> Iterator[Draft]:
    count, involved = count_crossings(context)
    if count > MAX_CROSSINGS:
        yield Draft(
            message=f"{count} edge crossings make the flow hard to follow (more than "
            f"{MAX_CROSSINGS}): reorder steps in their lanes or group them.",
            refs=tuple(sorted(involved)),
        )
