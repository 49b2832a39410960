"""Edges as the editor routes them: out of the side of each node that faces the other node,
spread along that side when several share it, then a stepped path with rounded corners, in
the theme's colour, dash and end marker for the edge kind, with the label in a pill at its centre.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal
from xml.sax.saxutils import escape

from apps.diagrams import theme as sop_theme
from apps.exports.render.svgparts import Box, attr, num, text_line
from apps.exports.render.text import layout_line, one_line, wrap

Side = Literal["top", "right", "bottom", "left"]
Point = tuple[float, float]
EDGE_LABEL_SIZE = 11.0
LABEL_MAX_WIDTH = 200.0
PORT_SPACING = 18.0
STEP_OFFSET = 18.0
CORNER = 10.0
_OUTWARD: dict[Side, Point] = {"top": (0, -1), "right": (1, 0), "bottom": (0, 1), "left": (-1, 0)}


def arrowhead(marker: str, end: Point, direction: Point, width: float) -> str:
    """Path data of an edge end, sized in stroke widths like the editor's SVG markers (an
    arrow 10 stroke widths long, an open chevron, or a dot), pointing along `direction`.

    Ends are drawn as plain paths, all the ends of one edge kind in one element: cairosvg's
    marker machinery cost a fifth of a 200-step render."""
    (ex, ey), (dx, dy) = end, direction
    length = abs(dx) + abs(dy) or 1.0
    dx, dy = dx / length, dy / length

    def at(along: float, across: float) -> str:
        return f"{num(ex + dx * along - dy * across)},{num(ey + dy * along + dx * across)}"

    if marker == "dot":
        radius = 2.8 * width
        return (
            f"M{num(ex - radius)},{num(ey)} a{num(radius)},{num(radius)} 0 1 0 {num(2 * radius)},0 "
            f"a{num(radius)},{num(radius)} 0 1 0 {num(-2 * radius)},0 Z"
        )
    unit = (11 if marker == "arrow-open" else 10) * width / 12
    if marker == "arrow-open":
        return f"M{at(-9 * unit, -5 * unit)} L{at(0, 0)} L{at(-9 * unit, 5 * unit)}"
    return f"M{at(-9 * unit, -5 * unit)} L{at(unit, 0)} L{at(-9 * unit, 5 * unit)} Z"


def arrowheads_svg(kind_id: str, data: list[str], *, tag: bool = True) -> str:
    """All the ends of one edge kind as one element, in the kind's colour."""
    kind = sop_theme.edge_kind_by_id()[kind_id]
    color = str(kind["color"])
    if kind["marker"] == "arrow-open":
        paint = (
            f'fill="none" stroke="{color}" stroke-width="{num(1.8 * float(kind["width"]) * 11 / 12)}" '
            f'stroke-linejoin="round" stroke-linecap="round"'
        )
    else:
        paint = f'fill="{color}"'
    mark = f" data-ends={attr(kind_id)}" if tag else ""
    return f'<path d="{" ".join(data)}" {paint}{mark}/>'


def facing_sides(source: Box, target: Box) -> tuple[Side, Side]:
    """Left-to-right lanes favour horizontal routes unless the target is clearly above or
    below (the editor's rule)."""
    dx, dy = target.cx - source.cx, target.cy - source.cy
    horizontal_gap = abs(dx) - (source.w + target.w) / 2
    if horizontal_gap > 10 or abs(dx) > abs(dy) * 1.2:
        return ("right", "left") if dx >= 0 else ("left", "right")
    return ("bottom", "top") if dy >= 0 else ("top", "bottom")


def side_point(box: Box, side: Side, offset: float = 0.0) -> Point:
    if side == "top":
        return box.cx + offset, box.y
    if side == "bottom":
        return box.cx + offset, box.bottom
    if side == "left":
        return box.x, box.cy + offset
    return box.right, box.cy + offset


def port_offsets(
    boxes: dict[str, Box], edges: Iterable[dict[str, Any]]
) -> dict[str, tuple[float, float]]:
    """Spread the edges sharing one side of a node along it, ordered by where their other end
    is, so parallel edges do not draw over each other."""
    groups: dict[tuple[str, Side], list[tuple[float, str, int]]] = {}
    for edge in edges:
        source, target = boxes.get(str(edge.get("source"))), boxes.get(str(edge.get("target")))
        if source is None or target is None:
            continue
        from_side, to_side = facing_sides(source, target)
        for node_id, side, other, end in (
            (str(edge["source"]), from_side, target, 0),
            (str(edge["target"]), to_side, source, 1),
        ):
            along = other.cx if side in ("top", "bottom") else other.cy
            groups.setdefault((node_id, side), []).append((along, str(edge["id"]), end))
    offsets: dict[str, list[float]] = {}
    for (node_id, side), members in groups.items():
        box = boxes[node_id]
        length = box.w if side in ("top", "bottom") else box.h
        spacing = min(PORT_SPACING, length / (len(members) + 1))
        members.sort()
        for index, (_, edge_id, end) in enumerate(members):
            pair = offsets.setdefault(edge_id, [0.0, 0.0])
            pair[end] = round((index - (len(members) - 1) / 2) * spacing, 1)
    return {edge_id: (pair[0], pair[1]) for edge_id, pair in offsets.items()}


def step_points(
    start: Point, from_side: Side, end: Point, to_side: Side
) -> tuple[list[Point], Point]:
    """The corners of a stepped route between two facing sides, and its label point."""
    (sx, sy), (tx, ty) = start, end
    ox, oy = _OUTWARD[from_side]
    gap_start = (sx + ox * STEP_OFFSET, sy + oy * STEP_OFFSET)
    tox, toy = _OUTWARD[to_side]
    gap_end = (tx + tox * STEP_OFFSET, ty + toy * STEP_OFFSET)
    mid = ((sx + tx) / 2, (sy + ty) / 2)
    if ox:  # leaving sideways
        ahead = (gap_end[0] - gap_start[0]) * ox >= 0
        if ahead:
            points = [start, (mid[0], sy), (mid[0], ty), end]
        else:
            points = [start, gap_start, (gap_start[0], mid[1]), (gap_end[0], mid[1]), gap_end, end]
            mid = ((gap_start[0] + gap_end[0]) / 2, mid[1])
    else:
        ahead = (gap_end[1] - gap_start[1]) * oy >= 0
        if ahead:
            points = [start, (sx, mid[1]), (tx, mid[1]), end]
        else:
            points = [start, gap_start, (mid[0], gap_start[1]), (mid[0], gap_end[1]), gap_end, end]
            mid = (mid[0], (gap_start[1] + gap_end[1]) / 2)
    # Drop corners a straight segment runs through: they would only shrink the next bend.
    kept: list[Point] = []
    for point in points:
        if kept and point == kept[-1]:
            continue
        if len(kept) >= 2 and _collinear(kept[-2], kept[-1], point):
            kept.pop()
        kept.append(point)
    return kept, mid


def _collinear(a: Point, b: Point, c: Point) -> bool:
    return (a[0] == b[0] == c[0]) or (a[1] == b[1] == c[1])


def _distance(a: Point, b: Point) -> float:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def rounded_path(points: list[Point]) -> str:
    """Straight segments with each corner rounded by a quadratic curve."""
    data = f"M{num(points[0][0])},{num(points[0][1])}"
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        size = min(_distance(before, corner) / 2, _distance(corner, after) / 2, CORNER)
        enter = _towards(corner, before, size)
        leave = _towards(corner, after, size)
        data += (
            f" L{num(enter[0])},{num(enter[1])} "
            f"Q{num(corner[0])},{num(corner[1])} {num(leave[0])},{num(leave[1])}"
        )
    data += f" L{num(points[-1][0])},{num(points[-1][1])}"
    return data


def _towards(origin: Point, target: Point, length: float) -> Point:
    dx, dy = target[0] - origin[0], target[1] - origin[1]
    span = abs(dx) + abs(dy) or 1.0
    return origin[0] + dx / span * length, origin[1] + dy / span * length


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


# Where along the route a label may sit, as fractions of its length, nearest the middle first.
_LABEL_STOPS = (0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)


def _along(points: list[Point], fraction: float) -> Point:
    lengths = [_distance(a, b) for a, b in pairwise(points)]
    remaining = sum(lengths) * fraction
    for (a, b), length in zip(pairwise(points), lengths, strict=True):
        if remaining <= length and length:
            return a[0] + (b[0] - a[0]) * remaining / length, a[1] + (
                b[1] - a[1]
            ) * remaining / length
        remaining -= length
    return points[-1]


def _label_spot(
    points: list[Point], centre: Point, width: float, height: float, obstacles: Obstacles
) -> Point:
    """The editor's spot (the route's centre) unless a step or another label is there; then
    the first free spot along the route, else the least covered one."""
    best: tuple[float, Point] | None = None
    for spot in (centre, *(_along(points, stop) for stop in _LABEL_STOPS)):
        hidden = obstacles.overlap(
            Box(spot[0] - width / 2 - 2, spot[1] - height / 2 - 2, width + 4, height + 4)
        )
        if best is None or hidden < best[0]:
            best = (hidden, spot)
        if hidden == 0:
            break
    assert best is not None
    return best[1]


@dataclass
class RoutedEdge:
    path: str
    path_area: Box | None
    label: list[str]
    label_area: Box | None = None
    kind: str = "flow"
    head: str = ""  # path data of its end, drawn with the other ends of its kind


def edge_svg(
    edge: dict[str, Any],
    boxes: dict[str, Box],
    ports: dict[str, tuple[float, float]],
    obstacles: Obstacles,
    *,
    tooltips: bool = True,
) -> RoutedEdge:
    """The edge's path, and its label (drawn later, above the nodes)."""
    source, target = boxes.get(str(edge.get("source"))), boxes.get(str(edge.get("target")))
    if source is None or target is None:
        return RoutedEdge("", None, [])
    kinds = sop_theme.edge_kind_by_id()
    kind = kinds.get(str(edge.get("kind")), kinds["flow"])
    color = str(kind["color"])
    from_side, to_side = facing_sides(source, target)
    start_offset, end_offset = ports.get(str(edge.get("id")), (0.0, 0.0))
    points, (label_x, label_y) = step_points(
        side_point(source, from_side, start_offset),
        from_side,
        side_point(target, to_side, end_offset),
        to_side,
    )
    dash = f' stroke-dasharray="{kind["dash"]}"' if kind.get("dash") else ""
    path = (
        f'<path d="{rounded_path(points)}" fill="none" stroke="{color}" '
        f'stroke-width="{num(float(kind["width"]))}"{dash} data-edge-id={attr(edge.get("id"))} '
        f"data-kind={attr(kind['id'])}/>"
    )
    last, before = points[-1], points[-2]
    head = arrowhead(
        str(kind["marker"]),
        last,
        (last[0] - before[0], last[1] - before[1]),
        float(kind["width"]),
    )
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    reach = 12.0  # the end drawn beyond the last point
    area = Box(
        min(xs) - reach,
        min(ys) - reach,
        max(xs) - min(xs) + 2 * reach,
        max(ys) - min(ys) + 2 * reach,
    )
    text = one_line(edge.get("label"))
    if not text:
        return RoutedEdge(path, area, [], kind=str(kind["id"]), head=head)
    # One line in a pill, cut short with an ellipsis past 200 px (as in the editor).
    (line,) = wrap(text, max_width=LABEL_MAX_WIDTH - 16, size=EDGE_LABEL_SIZE, max_lines=1)
    laid = layout_line(line, EDGE_LABEL_SIZE)
    width, height = laid.width + 16, EDGE_LABEL_SIZE + 7
    label_x, label_y = _label_spot(points, (label_x, label_y), width, height, obstacles)
    obstacles.add(Box(label_x - width / 2, label_y - height / 2, width, height))
    box = (
        f'x="{num(label_x - width / 2)}" y="{num(label_y - height / 2)}" width="{num(width)}" '
        f'height="{num(height)}" rx="{num(height / 2)}" fill="#ffffff" stroke="{color}" '
        f'stroke-width="1"'
    )
    # A label cut short keeps its whole text as the pill's tooltip.
    cut = line != text and tooltips
    pill = f"<rect {box}><title>{escape(text)}</title></rect>" if cut else f"<rect {box}/>"
    label = text_line(
        laid, x=label_x, y=label_y + EDGE_LABEL_SIZE * 0.35, size=EDGE_LABEL_SIZE, fill=color
    )
    label_area = Box(label_x - width / 2 - 1, label_y - height / 2 - 1, width + 2, height + 2)
    return RoutedEdge(path, area, [pill, label], label_area, kind=str(kind["id"]), head=head)
