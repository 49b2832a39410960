"""What a lint rule is, what it reports, and the one read of the document all rules share."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from apps.assistant.changeset import Operation
from apps.diagrams import theme as sop_theme
from apps.diagrams.schema import DiagramEdge, DiagramNode, SopDiagram


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Most severe first: the order findings are listed in, and what `--fail-on` compares.
SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# What a fix writes where the author has to fill a fact in; the placeholder rule lists them.
PLACEHOLDER = "TODO"
PLACEHOLDER_PATTERN = re.compile(rf"\b{PLACEHOLDER}:")
STAGE_IDS = sop_theme.stage_ids()
STAGE_NAMES = {stage["id"]: stage["name"] for stage in sop_theme.theme()["stages"]}
KIND_SIZES = {kind["id"]: (kind["w"], kind["h"]) for kind in sop_theme.theme()["nodeKinds"]}
FIELD_LABELS = {item["key"]: item["label"] for item in sop_theme.theme()["fields"]}
FIELD_STAGES = {
    item["key"]: (STAGE_IDS if item["stages"] == "*" else tuple(item["stages"]))
    for item in sop_theme.theme()["fields"]
}
LAYOUT = sop_theme.theme()["layout"]
ID_MAX = sop_theme.limits()["idMax"]
COORDINATE_MAX = sop_theme.limits()["coordinateMax"]
# Kinds that are steps of the procedure, as opposed to annotations.
NOTE_KIND = "note"


def is_placeholder(value: object) -> bool:
    return (
        isinstance(value, str) and PLACEHOLDER in value and bool(PLACEHOLDER_PATTERN.search(value))
    )


def has_fact(node: DiagramNode, key: str) -> bool:
    """The node states this structured fact (a placeholder counts: the placeholder rule says)."""
    value = node.fields.get(key)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def field_allowed(key: str, stage: str) -> bool:
    return stage in FIELD_STAGES.get(key, ())


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    refs: tuple[str, ...] = ()
    fix: tuple[Operation, ...] | None = None


@dataclass(frozen=True)
class Draft:
    """What a check returns: a finding before the workspace's severity is applied."""

    message: str
    refs: tuple[str, ...] = ()
    fix: tuple[Operation, ...] | None = None


class LintContext:
    """The document with the indexes rules need, built once per run and shared by every rule."""

    def __init__(self, document: SopDiagram, *, today: date) -> None:
        self.document = document
        self.today = today
        self.nodes = document.nodes
        self.edges = document.edges
        self.node_by_id: dict[str, DiagramNode] = {node.id: node for node in document.nodes}
        # What one rule computed for its fixes and may reuse for the next finding.
        self.memo: dict[str, object] = {}

    @cached_property
    def outgoing(self) -> dict[str, list[DiagramEdge]]:
        result: dict[str, list[DiagramEdge]] = defaultdict(list)
        for edge in self.edges:
            result[edge.source].append(edge)
        return result

    @cached_property
    def incoming(self) -> dict[str, list[DiagramEdge]]:
        result: dict[str, list[DiagramEdge]] = defaultdict(list)
        for edge in self.edges:
            result[edge.target].append(edge)
        return result

    @cached_property
    def steps(self) -> list[DiagramNode]:
        """Every node but notes: the procedure itself."""
        return [node for node in self.nodes if node.kind != NOTE_KIND]

    @cached_property
    def steps_by_stage(self) -> dict[str, list[DiagramNode]]:
        result: dict[str, list[DiagramNode]] = {stage: [] for stage in STAGE_IDS}
        for node in self.steps:
            result[node.stage].append(node)
        return result

    @cached_property
    def starts(self) -> list[DiagramNode]:
        return [node for node in self.steps if node.kind == "start"]

    @cached_property
    def reachable(self) -> set[str]:
        """Ids of the nodes some start node leads to, over edges of any kind."""
        seen = {node.id for node in self.starts}
        frontier = list(seen)
        while frontier:
            for edge in self.outgoing.get(frontier.pop(), ()):
                if edge.target not in seen:
                    seen.add(edge.target)
                    frontier.append(edge.target)
        return seen

    @cached_property
    def used_ids(self) -> set[str]:
        return set(self.node_by_id) | {edge.id for edge in self.edges}

    def new_id(self, base: str, *, taken: set[str] | None = None) -> str:
        """An id not used in the document (nor in `taken`), derived from `base`."""
        extra = taken if taken is not None else set()
        base = base[: ID_MAX - 8].rstrip("-.:_") or "step"
        candidate, counter = base, 1
        while candidate in self.used_ids or candidate in extra:
            counter += 1
            candidate = f"{base}-{counter}"
        if taken is not None:
            taken.add(candidate)
        return candidate

    @cached_property
    def _lane_bottoms(self) -> dict[int, float]:
        lane_width = LAYOUT["laneWidth"]
        bottoms: dict[int, float] = {}
        for node in self.nodes:
            lane = int(node.x // lane_width)
            bottoms[lane] = max(bottoms.get(lane, node.y + node.h), node.y + node.h)
        return bottoms

    def lane_slot(self, stage: str, kind: str) -> tuple[float, float]:
        """A free position below the last node of the stage's lane for a new node of `kind`."""
        lane = STAGE_IDS.index(stage)
        width, _ = KIND_SIZES[kind]
        lane_width, header, row = (
            LAYOUT["laneWidth"],
            LAYOUT["laneHeaderHeight"],
            LAYOUT["rowHeight"],
        )
        x = lane * lane_width + (lane_width - width) / 2
        bottom = self._lane_bottoms.get(lane)
        y = header + 40 if bottom is None else bottom + row - 72
        # A lane already filled to the edge of the canvas: the new step goes at the edge.
        return round(x), round(min(y, COORDINATE_MAX))

    def label(self, node_id: str) -> str:
        node = self.node_by_id.get(node_id)
        if node is None:
            return node_id
        return node.label.strip() or f"the unnamed {node.kind} step ({node.id})"


Check = Callable[[LintContext], Iterable[Draft]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    description: str
    check: Check = field(repr=False, compare=False)


def quoted(text: str) -> str:
    return f"“{text}”"
