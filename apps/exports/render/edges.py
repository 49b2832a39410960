"""Edges: the theme's colour, dash and marker per edge kind, Bézier curves between facing
sides as the editor draws them, and labels placed where they hide the least."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.diagrams import theme as sop_theme
from apps.exports.render.svgparts import Box, attr, num, text_block
from apps.exports.render.text import layout_line, one_line, wrap

EDGE_LABEL_SIZE = 11.0
MUTED = "#475569"
Point = tuple[float, float]
Curve = tuple[Point, Point, Point, Point]
# Midpoint first, then outwards: the first spot that hides nothing, else the least hidden.
_LABEL_POSITIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.12, 0.88)


def marker_id(kind_id: str) -> str:
    return f"sop-marker-{kind_id}"


def marker_defs() -> str:
    """One marker per edge kind, painted in the kind's colour (cairosvg has no
    context-stroke, so markers cannot take the colour from the line)."""
    defs = []
    for kind in sop_theme.theme()["edgeKinds"]:
        color = str(kind["color"])
        common = f'id="{marker_id(str(kind["id"]))}" markerUnits="userSpaceOnUse" orient="auto"'
        if kind["marker"] == "dot":
            defs.append(
                f'<marker {common} viewBox="0 0 10 10" refX="5" refY="5" markerWidth="8" '
                f'markerHeight="8"><circle cx="5" cy="5" r="4" fill="{color}"/></marker>'
            )
        elif kind["marker"] == "arrow-open":
            defs.append(
                f'<marker {common} viewBox="0 0 12 12" refX="11" refY="6" markerWidth="12" '
                f'markerHeight="12"><path d="M1,1 L11,6 L1,11" fill="none" stroke="{color}" '
                f'stroke-width="1.6" stroke-linejoin="round"/></marker>'
            )
        else:
            defs.append(
                f'<marker {common} viewBox="0 0 12 12" refX="11" refY="6" markerWidth="12" '
                f'markerHeight="12"><path d="M0,0 L12,6 L0,12 Z" fill="{color}"/></marker>'
            )
    return "<defs>" + "".join(defs) + "</defs>"


def edge_geometry(source: Box, target: Box) -> Curve:
    """A cubic Bézier between facing sides, as the editor's edges leave and enter nodes."""
    gap = 8.0
    if source is target:
        start, end = (source.right, source.cy - 10), (source.right, source.cy + 10)
        return start, (start[0] + 60, start[1] - 40), (end[0] + 60, end[1] + 40), end
    if target.x >= source.right + gap:
        start, end = (source.right, source.cy), (target.x, target.cy)
        bend = max(30.0, (end[0] - start[0]) / 2)
        return start, (start[0] + bend, start[1]), (end[0] - bend, end[1]), end
    if target.right <= source.x - gap:
        start, end = (source.x, source.cy), (target.right, target.cy)
        bend = max(30.0, (start[0] - end[0]) / 2)
        return start, (start[0] - bend, start[1]), (end[0] + bend, end[1]), end
    if target.y >= source.bottom:
        start, end = (source.cx, source.bottom), (target.cx, target.y)
        bend = max(20.0, (end[1] - start[1]) / 2)
        return start, (start[0], start[1] + bend), (end[0], end[1] - bend), end
    if target.bottom <= source.y:
        start, end = (source.cx, source.y), (target.cx, target.bottom)
        bend = max(20.0, (start[1] - end[1]) / 2)
        return start, (start[0], start[1] - bend), (end[0], end[1] + bend), end
    start, end = (source.cx, source.cy), (target.cx, target.cy)
    return start, start, end, end


class Obstacles:
    """Node boxes and placed labels in a coarse grid, so label placement stays linear."""

    cell = 200.0

    def __init__(self, boxes: Iterable[Box]) -> None:
        self.grid: dict[tuple[int, int], list[Box]] = {}
        for box in boxes:
            self.add(box)

    def _cells(self, box: Box) -> Iterable[tuple[int, int]]:
        for gx in range(int(box.x // self.cell), int(box.right // self.cell) + 1):
            for gy in range(int(box.y // self.cell), int(box.bottom // self.cell) + 1):
                yield gx, gy

    def add(self, box: Box) -> None:
        for key in self._cells(box):
            self.grid.setdefault(key, []).append(box)

    def overlap(self, box: Box) -> float:
        """Area of the box that other boxes cover (each counted once)."""
        seen: set[int] = set()
        area = 0.0
        for key in self._cells(box):
            for other in self.grid.get(key, ()):
                if id(other) in seen:
                    continue
                seen.add(id(other))
                dx = min(box.right, other.right) - max(box.x, other.x)
                dy = min(box.bottom, other.bottom) - max(box.y, other.y)
                if dx > 0 and dy > 0:
                    area += dx * dy
        return area


def _bezier(curve: Curve, t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = curve
    u = 1 - t
    return (
        u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
        u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
    )


def edge_svg(
    edge: dict[str, Any], boxes: dict[str, Box], obstacles: Obstacles
) -> tuple[str, list[str]]:
    """The edge's path, and its label (drawn later, above the nodes)."""
    source, target = boxes.get(str(edge.get("source"))), boxes.get(str(edge.get("target")))
    if source is None or target is None:
        return "", []
    kinds = sop_theme.edge_kind_by_id()
    kind = kinds.get(str(edge.get("kind")), kinds["flow"])
    curve = edge_geometry(source, target)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = curve
    dash = f' stroke-dasharray="{kind["dash"]}"' if kind.get("dash") else ""
    path = (
        f'<path d="M{num(x0)},{num(y0)} C{num(x1)},{num(y1)} {num(x2)},{num(y2)} '
        f'{num(x3)},{num(y3)}" fill="none" stroke="{kind["color"]}" '
        f'stroke-width="{num(float(kind["width"]))}"{dash} '
        f'marker-end="url(#{marker_id(str(kind["id"]))})" data-edge-id={attr(edge.get("id"))} '
        f"data-kind={attr(kind['id'])}/>"
    )
    label = one_line(edge.get("label"))
    if not label:
        return path, []
    lines = wrap(label, max_width=150, size=EDGE_LABEL_SIZE, max_lines=3)
    width = max(layout_line(text, EDGE_LABEL_SIZE).width for text in lines) + 10
    height = len(lines) * 14 + 6
    best: tuple[float, float, float] | None = None
    for t in _LABEL_POSITIONS:
        x, y = _bezier(curve, t)
        hidden = obstacles.overlap(
            Box(x - width / 2 - 2, y - height / 2 - 2, width + 4, height + 4)
        )
        if best is None or hidden < best[0]:
            best = (hidden, x, y)
        if hidden == 0:
            break
    assert best is not None
    _, mid_x, mid_y = best
    obstacles.add(Box(mid_x - width / 2, mid_y - height / 2, width, height))
    label_parts = [
        f'<rect x="{num(mid_x - width / 2)}" y="{num(mid_y - height / 2)}" '
        f'width="{num(width)}" height="{num(height)}" rx="4" fill="#ffffff" '
        f'stroke="{kind["color"]}" stroke-width="1"/>',
        *text_block(
            lines,
            cx=mid_x,
            top=mid_y - height / 2 + 3,
            size=EDGE_LABEL_SIZE,
            line_height=14,
            fill=str(kind["color"]) if kind["id"] != "flow" else MUTED,
        ),
    ]
    return path, label_parts
