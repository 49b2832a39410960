"""The server-side SVG renderer: a `sop-diagram/1` document drawn the way the editor draws it.

Stages, node kinds, edge kinds, colours, icons and the lane layout all come from the shared
theme (apps/diagrams/sop_theme.json). The output is plain SVG 1.1: text stays text, there is
no foreignObject, no script, no style sheet and no reference to anything outside the file, and
every piece of user text is cleaned of characters XML forbids and escaped.

The element tree is kept flat (no group or tooltip per node unless a label was cut short):
cairosvg spends most of its time per element, and this is what keeps a 200-node PDF fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from apps.diagrams import theme as sop_theme
from apps.exports.render.edges import (
    Obstacles,
    arrowhead,
    arrowheads_svg,
    edge_svg,
    port_offsets,
)
from apps.exports.render.shapes import NODE_FILL, NOTE_FILL, icon_chip, shape_svg
from apps.exports.render.svgparts import FONT_STACK, Box, attr, num, text_block, text_line
from apps.exports.render.text import layout_line, one_line, wrap

PADDING = 32
TITLE_HEIGHT = 64
LABEL_SIZE = 12.5
LABEL_LINE = 15.6
META_SIZE = 10.5
META_LINE = 13.0
HEADER_SIZE = 14.0
INK = "#0f172a"
MUTED = "#475569"
SUBTLE = "#64748b"
FAINT = "#94a3b8"
GRID = "#e2e8f0"
LANE_FILLS = ("#fbfcfd", "#f4f7fa")
LANE_LINE = "#d5dde8"


@dataclass
class SvgOptions:
    """What the caller wants printed around the diagram."""

    title: str = ""
    subtitle: str = ""
    legend: bool = True
    # Tooltips holding labels cut short: for viewers of the SVG; paper has no hover.
    tooltips: bool = True
    background: str = "#ffffff"


# Inner padding of a node's body per shape (top, right, bottom, left), as the editor lays out.
_PADDING: dict[str, tuple[float, float, float, float]] = {
    "pill": (8, 12, 8, 14),
    "parallelogram": (8, 20, 8, 22),
    "octagon": (8, 12, 8, 14),
    "cylinder": (16, 12, 8, 16),
    "note": (8, 20, 8, 16),
}
_LAYOUTS = {"decision": "center", "end": "badge"}


def _facts(node: dict[str, Any], stage: dict[str, Any]) -> str:
    count = len(node.get("fields") or {})
    return f"{one_line(stage['name'])}" + (f" · {count} facts" if count else "")


def _node_svg(
    node: dict[str, Any], out: list[Part], labels_below: list[Part], *, tooltips: bool
) -> None:
    stages = sop_theme.stage_by_id()
    kinds = sop_theme.node_kind_by_id()
    stage = stages.get(str(node.get("stage")), next(iter(stages.values())))
    kind = kinds.get(str(node.get("kind")), kinds["process"])
    shape = str(kind["shape"])
    box = Box(float(node["x"]), float(node["y"]), float(node["w"]), float(node["h"]))
    color, pale = str(stage["color"]), str(stage["fill"])
    label = one_line(node.get("label"))
    tag = f" data-node-id={attr(node.get('id'))}"
    icon_tag = f"{tag} data-icon={attr(kind['icon'])}"
    layout = _LAYOUTS.get(str(kind["id"]), "row")
    is_note = kind["id"] == "note"
    parts: list[str] = []
    if layout == "badge":
        lines = wrap(label, max_width=160, size=LABEL_SIZE, max_lines=3, bold=True)
        chip = 40.0
        parts.append(
            icon_chip(
                str(kind["icon"]),
                x=box.cx - chip / 2,
                y=box.cy - chip / 2,
                size=chip,
                icon=22,
                color=color,
                fill=pale,
                round_chip=True,
                extra=icon_tag,
            )
        )
        below = text_block(
            lines,
            cx=box.cx,
            top=box.bottom + 6,
            size=LABEL_SIZE,
            line_height=LABEL_LINE,
            fill=INK,
            bold=True,
        )
        area = Box(box.cx - 90, box.bottom, 180, 8 + len(lines) * LABEL_LINE)
        labels_below.append(("\n".join(below), area))
    elif layout == "center":
        lines = wrap(
            label or "Untitled step",
            max_width=max(box.w - 68, 30),
            size=LABEL_SIZE,
            max_lines=2,
            bold=True,
        )
        height = 22 + 2 + len(lines) * LABEL_LINE
        top = box.cy - height / 2
        parts.append(
            icon_chip(
                str(kind["icon"]),
                x=box.cx - 11,
                y=top,
                size=22,
                icon=16,
                color=color,
                fill=pale,
                extra=icon_tag,
            )
        )
        parts.extend(
            text_block(
                lines,
                cx=box.cx,
                top=top + 24,
                size=LABEL_SIZE,
                line_height=LABEL_LINE,
                fill=INK,
                bold=True,
            )
        )
    else:
        pad_top, pad_right, pad_bottom, pad_left = _PADDING.get(shape, (8, 12, 8, 16))
        body_top, body_bottom = box.y + pad_top, box.bottom - pad_bottom
        middle = (body_top + body_bottom) / 2
        chip_x = box.x + pad_left
        text_x = chip_x + 30 + 10
        lines = wrap(
            label or "Untitled step",
            max_width=max(box.right - pad_right - text_x, 30),
            size=LABEL_SIZE,
            max_lines=2,
            bold=True,
        )
        parts.append(
            icon_chip(
                str(kind["icon"]),
                x=chip_x,
                y=middle - 15,
                size=30,
                icon=16,
                color=color,
                fill=pale,
                extra=icon_tag,
            )
        )
        height = len(lines) * LABEL_LINE + 2 + META_LINE
        top = middle - height / 2
        parts.extend(
            text_block(
                lines,
                cx=text_x,
                top=top,
                size=LABEL_SIZE,
                line_height=LABEL_LINE,
                fill=INK,
                bold=True,
                anchor="start",
            )
        )
        meta = wrap(
            _facts(node, stage),
            max_width=max(box.right - pad_right - text_x, 30),
            size=META_SIZE,
            max_lines=1,
        )
        parts.extend(
            text_block(
                meta,
                cx=text_x,
                top=top + len(lines) * LABEL_LINE + 2,
                size=META_SIZE,
                line_height=META_LINE,
                fill=SUBTLE,
                anchor="start",
            )
        )
    shortened = bool(lines) and lines[-1].endswith("…") and not label.endswith("…")
    outline = shape_svg(
        shape,
        box,
        stroke=color,
        fill=NOTE_FILL if is_note else NODE_FILL,
        dash="4 3" if is_note else "",
        extra=f"{tag} data-kind={attr(kind['id'])}",
        title=label if shortened and tooltips else "",
    )
    out.append(("\n".join([outline, *parts]), box))


def _lanes_svg(out: list[Part], *, top: float, bottom: float) -> None:
    layout = sop_theme.theme()["layout"]
    lane_width = float(layout["laneWidth"])
    header = float(layout["laneHeaderHeight"])
    for index, stage in enumerate(sop_theme.theme()["stages"]):
        x = index * lane_width
        color, pale = str(stage["color"]), str(stage["fill"])
        lane = (
            f'<rect x="{num(x)}" y="{num(top)}" width="{num(lane_width)}" '
            f'height="{num(bottom - top)}" fill="{LANE_FILLS[index % 2]}"/>\n'
            f'<path d="M{num(x + lane_width - 0.5)},{num(top)} V{num(bottom)}" stroke="{LANE_LINE}" '
            f'stroke-width="1" stroke-dasharray="4 3"/>'
        )
        out.append((lane, Box(x, top, lane_width, bottom - top)))
        # The header: white, a band of the stage colour on top, the icon chip, step and name.
        middle = top + 4 + (header - 4) / 2
        parts = [
            f'<rect x="{num(x)}" y="{num(top)}" width="{num(lane_width)}" height="{num(header)}" '
            f'fill="#ffffff" stroke="{GRID}" stroke-width="1" data-stage={attr(stage["id"])}/>',
            f'<rect x="{num(x)}" y="{num(top)}" width="{num(lane_width)}" height="4" fill="{color}"/>',
            icon_chip(
                str(stage["icon"]),
                x=x + 14,
                y=middle - 15,
                size=30,
                icon=16,
                color=color,
                fill=pale,
            ),
            text_line(
                layout_line(f"STAGE {index + 1}", 10, True),
                x=x + 54,
                y=middle - 3,
                size=10,
                fill=FAINT,
                anchor="start",
                bold=True,
            ),
            text_line(
                layout_line(one_line(stage["name"]), HEADER_SIZE, True),
                x=x + 54,
                y=middle + 13,
                size=HEADER_SIZE,
                fill=INK,
                anchor="start",
                bold=True,
            ),
        ]
        out.append(("\n".join(parts), Box(x, top, lane_width, header)))


def _legend_svg(width: float) -> tuple[list[str], float]:
    """The node kinds and edge kinds as swatches, wrapped to the canvas width."""
    parts = [
        text_line(
            layout_line("Legend", 13, True), x=0, y=14, size=13, fill=INK, anchor="start", bold=True
        )
    ]
    x, y = 0.0, 28.0
    for kind in sop_theme.theme()["nodeKinds"]:
        name = one_line(kind["name"])
        item_width = 48 + layout_line(name, 11).width + 24
        if x + item_width > width and x > 0:
            x, y = 0.0, y + 40
        swatch = Box(x, y + 4, 40 if kind["shape"] != "circle" else 26, 26)
        dash = "4 3" if kind["id"] == "note" else ""
        parts.append(shape_svg(str(kind["shape"]), swatch, stroke=MUTED, width=1.5, dash=dash))
        parts.append(
            text_line(layout_line(name, 11), x=x + 48, y=y + 21, size=11, fill=INK, anchor="start")
        )
        x += item_width
    x, y = 0.0, y + 40
    for kind in sop_theme.theme()["edgeKinds"]:
        name = one_line(kind["name"])
        item_width = 64 + layout_line(name, 11).width + 24
        if x + item_width > width and x > 0:
            x, y = 0.0, y + 28
        dash = f' stroke-dasharray="{kind["dash"]}"' if kind.get("dash") else ""
        parts.append(
            f'<path d="M{num(x)},{num(y + 10)} H{num(x + 52)}" stroke="{kind["color"]}" '
            f'stroke-width="{num(float(kind["width"]))}"{dash} fill="none"/>'
        )
        parts.append(
            arrowheads_svg(
                str(kind["id"]),
                [arrowhead(str(kind["marker"]), (x + 52, y + 10), (1, 0), float(kind["width"]))],
                tag=False,
            )
        )
        parts.append(
            text_line(layout_line(name, 11), x=x + 64, y=y + 14, size=11, fill=INK, anchor="start")
        )
        x += item_width
    return parts, y + 28


def diagram_bounds(content: dict[str, Any]) -> Box:
    """The area the lanes and every node (with labels under circles) occupy."""
    layout = sop_theme.theme()["layout"]
    lane_width, header = float(layout["laneWidth"]), float(layout["laneHeaderHeight"])
    lanes = len(sop_theme.theme()["stages"])
    min_x, max_x = 0.0, lanes * lane_width
    min_y, max_y = 0.0, header + float(layout["rowHeight"])
    for node in content.get("nodes") or []:
        x, y, w, h = (float(node[k]) for k in ("x", "y", "w", "h"))
        min_x, max_x = min(min_x, x - 40), max(max_x, x + w + 40)
        min_y = min(min_y, y - header - 20)
        max_y = max(max_y, y + h + (60 if node.get("kind") == "end" else 40))
    return Box(min_x, min_y, max_x - min_x, max_y - min_y)


def _title_svg(title: str, subtitle: str, width: float) -> list[str]:
    out = []
    for line in wrap(title, max_width=width - 2 * PADDING, size=20, max_lines=1, bold=True):
        out.append(
            text_line(
                layout_line(line, 20, True),
                x=PADDING,
                y=PADDING + 20,
                size=20,
                fill=INK,
                anchor="start",
                bold=True,
            )
        )
    for line in wrap(subtitle, max_width=width - 2 * PADDING, size=12, max_lines=1):
        out.append(
            text_line(
                layout_line(line, 12),
                x=PADDING,
                y=PADDING + 44,
                size=12,
                fill=MUTED,
                anchor="start",
            )
        )
    return out


Part = tuple[str, Box | None]  # SVG text, and the area it draws (None: needed everywhere)


@dataclass
class SvgDocument:
    """A rendered diagram as parts that know where they draw, so a page showing one tile of a
    big diagram can carry only what is visible there."""

    width: float
    height: float
    parts: list[Part] = field(default_factory=list)

    def text(self, region: Box | None = None) -> str:
        """The SVG; with a region, only the parts that draw inside it (and the frame)."""
        chosen = (
            text
            for text, area in self.parts
            if region is None
            or area is None
            or (
                area.x < region.right
                and region.x < area.right
                and area.y < region.bottom
                and region.y < area.bottom
            )
        )
        return "\n".join(text for text in chosen if text)


def build_svg(content: dict[str, Any], options: SvgOptions | None = None) -> SvgDocument:
    """The diagram as an SVG document, in parts that know where they draw."""
    options = options or SvgOptions()
    bounds = diagram_bounds(content)
    title_height = TITLE_HEIGHT if (options.title or options.subtitle) else 0
    legend, legend_height = _legend_svg(max(bounds.w, 600)) if options.legend else ([], 0.0)
    width = max(bounds.w, 600) + 2 * PADDING
    height = title_height + bounds.h + (legend_height + 24 if options.legend else 0) + 2 * PADDING
    title = one_line(options.title) or one_line((content.get("meta") or {}).get("title"))
    document = SvgDocument(width, height)
    frame = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{num(width)}" '
        f'height="{num(height)}" viewBox="0 0 {num(width)} {num(height)}" role="img" '
        f"font-family={quoteattr(FONT_STACK)}>",
        f"<title>{escape(title or 'SOP diagram')}</title>",
    ]
    if options.subtitle:
        frame.append(f"<desc>{escape(one_line(options.subtitle))}</desc>")
    frame.append(
        f'<rect x="0" y="0" width="{num(width)}" height="{num(height)}" fill="{options.background}"/>'
    )
    document.parts.append(("\n".join(frame), None))
    if title_height:
        document.parts.append(
            (
                "\n".join(_title_svg(title, options.subtitle, width)),
                Box(0, 0, width, PADDING + title_height),
            )
        )
    dx, dy = PADDING - bounds.x, PADDING + title_height - bounds.y
    document.parts.append((f'<g transform="translate({num(dx)} {num(dy)})">', None))
    diagram: list[Part] = []
    _lanes_svg(diagram, top=bounds.y, bottom=bounds.bottom)
    nodes = content.get("nodes") or []
    boxes = {
        str(node["id"]): Box(float(node["x"]), float(node["y"]), float(node["w"]), float(node["h"]))
        for node in nodes
    }
    edges = content.get("edges") or []
    ports = port_offsets(boxes, edges)
    obstacles = Obstacles(boxes.values())
    edge_labels: list[Part] = []
    heads: dict[str, list[str]] = {}
    for edge in edges:
        routed = edge_svg(edge, boxes, ports, obstacles, tooltips=options.tooltips)
        diagram.append((routed.path, routed.path_area))
        if routed.head:
            heads.setdefault(routed.kind, []).append(routed.head)
        if routed.label:
            edge_labels.append(("\n".join(routed.label), routed.label_area))
    diagram.extend((arrowheads_svg(kind, data), None) for kind, data in heads.items())
    labels_below: list[Part] = []
    for node in nodes:
        _node_svg(node, diagram, labels_below, tooltips=options.tooltips)
    diagram.extend(labels_below)
    diagram.extend(edge_labels)  # above the nodes they may cross
    for text, area in diagram:
        shifted = Box(area.x + dx, area.y + dy, area.w, area.h) if area else None
        document.parts.append((text, shifted))
    document.parts.append(("</g>", None))
    if options.legend:
        legend_y = PADDING + title_height + bounds.h + 24
        document.parts.append(
            (
                f'<g transform="translate({num(PADDING)} {num(legend_y)})">\n'
                + "\n".join(legend)
                + "\n</g>",
                Box(0, legend_y - 8, width, legend_height + 16),
            )
        )
    document.parts.append(("</svg>", None))
    return document


def render_svg(content: dict[str, Any], options: SvgOptions | None = None) -> str:
    """The diagram as a standalone SVG document (UTF-8 text)."""
    return build_svg(content, options).text()


def svg_size(svg: str) -> tuple[float, float]:
    """Width and height (px) of an SVG this module made."""
    match = re.search(r'<svg [^>]*width="([0-9.]+)" height="([0-9.]+)"', svg)
    if not match:
        raise ValueError("not an SVG made by this renderer")
    return float(match.group(1)), float(match.group(2))
