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
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from apps.diagrams import theme as sop_theme
from apps.exports.render.edges import Obstacles, edge_svg, marker_defs, marker_id
from apps.exports.render.shapes import icon_svg, label_area, shape_svg
from apps.exports.render.svgparts import FONT_STACK, Box, attr, num, text_block, text_line
from apps.exports.render.text import layout_line, one_line, wrap

PADDING = 32
TITLE_HEIGHT = 64
LABEL_SIZE = 13.0
LABEL_LINE = 16.0
HEADER_SIZE = 15.0
INK = "#0f172a"
MUTED = "#475569"
GRID = "#cbd5e1"


@dataclass
class SvgOptions:
    """What the caller wants printed around the diagram."""

    title: str = ""
    subtitle: str = ""
    legend: bool = True
    background: str = "#ffffff"


def _node_svg(node: dict[str, Any], out: list[str], labels_below: list[str]) -> None:
    stages = sop_theme.stage_by_id()
    kinds = sop_theme.node_kind_by_id()
    stage = stages.get(str(node.get("stage")), next(iter(stages.values())))
    kind = kinds.get(str(node.get("kind")), kinds["process"])
    shape = str(kind["shape"])
    box = Box(float(node["x"]), float(node["y"]), float(node["w"]), float(node["h"]))
    color, fill = str(stage["color"]), str(stage["fill"])
    label = one_line(node.get("label"))
    tag = f" data-node-id={attr(node.get('id'))}"
    if shape == "circle":
        lines = wrap(label, max_width=max(box.w + 100, 160), size=LABEL_SIZE, max_lines=3)
        icon = min(box.w, box.h) * 0.4
        icon_x, icon_y, icon_size = box.cx - icon / 2, box.cy - icon / 2, icon
        label_top = box.bottom + 6
    else:
        width, height = label_area(shape, box)
        max_lines = max(1, int(height // LABEL_LINE))
        lines = wrap(label, max_width=max(width, 20), size=LABEL_SIZE, max_lines=max_lines)
        icon_size = 16.0
        if shape == "diamond":
            icon_x, icon_y = box.cx - icon_size / 2, box.y + box.h * 0.16
        else:
            inset = min(20.0, box.w * 0.12) + 4 if shape == "parallelogram" else 8
            icon_x, icon_y = box.x + inset, box.y + 7
        label_top = box.cy - len(lines) * LABEL_LINE / 2 + (4 if shape == "diamond" else 2)
    shortened = bool(lines) and lines[-1].endswith("…") and not label.endswith("…")
    out.append(
        shape_svg(
            shape,
            box,
            fill=fill,
            stroke=color,
            extra=f"{tag} data-kind={attr(kind['id'])}",
            title=label if shortened else "",
        )
    )
    out.append(
        icon_svg(
            str(kind["icon"]),
            x=icon_x,
            y=icon_y,
            size=icon_size,
            color=color,
            extra=f"{tag} data-icon={attr(kind['icon'])}",
        )
    )
    block = text_block(
        lines, cx=box.cx, top=label_top, size=LABEL_SIZE, line_height=LABEL_LINE, fill=INK
    )
    (labels_below if shape == "circle" else out).extend(block)


def _lanes_svg(out: list[str], *, top: float, bottom: float) -> None:
    layout = sop_theme.theme()["layout"]
    lane_width = float(layout["laneWidth"])
    header = float(layout["laneHeaderHeight"])
    for index, stage in enumerate(sop_theme.theme()["stages"]):
        x = index * lane_width
        color, fill = str(stage["color"]), str(stage["fill"])
        out.append(
            f'<rect x="{num(x)}" y="{num(top)}" width="{num(lane_width)}" '
            f'height="{num(bottom - top)}" fill="{fill}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<rect x="{num(x)}" y="{num(top)}" width="{num(lane_width)}" '
            f'height="{num(header)}" fill="{color}" data-stage={attr(stage["id"])}/>'
        )
        out.append(
            icon_svg(
                str(stage["icon"]), x=x + 14, y=top + header / 2 - 10, size=20, color="#ffffff"
            )
        )
        out.append(
            text_line(
                layout_line(one_line(stage["name"]), HEADER_SIZE, True),
                x=x + 44,
                y=top + header / 2 + HEADER_SIZE * 0.35,
                size=HEADER_SIZE,
                fill="#ffffff",
                anchor="start",
                bold=True,
            )
        )
        out.append(
            text_line(
                layout_line(f"{index + 1}", 11),
                x=x + lane_width - 14,
                y=top + header / 2 + 4,
                size=11,
                fill="#ffffff",
                anchor="end",
            )
        )


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
        parts.append(shape_svg(str(kind["shape"]), swatch, fill="#ffffff", stroke=MUTED, width=1.5))
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
            f'stroke-width="{num(float(kind["width"]))}"{dash} fill="none" '
            f'marker-end="url(#{marker_id(str(kind["id"]))})"/>'
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


def render_svg(content: dict[str, Any], options: SvgOptions | None = None) -> str:
    """The diagram as a standalone SVG document (UTF-8 text)."""
    options = options or SvgOptions()
    bounds = diagram_bounds(content)
    title_height = TITLE_HEIGHT if (options.title or options.subtitle) else 0
    legend, legend_height = _legend_svg(max(bounds.w, 600)) if options.legend else ([], 0.0)
    width = max(bounds.w, 600) + 2 * PADDING
    height = title_height + bounds.h + (legend_height + 24 if options.legend else 0) + 2 * PADDING
    title = one_line(options.title) or one_line((content.get("meta") or {}).get("title"))

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{num(width)}" '
        f'height="{num(height)}" viewBox="0 0 {num(width)} {num(height)}" role="img" '
        f"font-family={quoteattr(FONT_STACK)}>",
        f"<title>{escape(title or 'SOP diagram')}</title>",
    ]
    if options.subtitle:
        out.append(f"<desc>{escape(one_line(options.subtitle))}</desc>")
    out.append(marker_defs())
    out.append(
        f'<rect x="0" y="0" width="{num(width)}" height="{num(height)}" fill="{options.background}"/>'
    )
    if title_height:
        out.extend(_title_svg(title, options.subtitle, width))
    out.append(
        f'<g transform="translate({num(PADDING - bounds.x)} {num(PADDING + title_height - bounds.y)})">'
    )
    _lanes_svg(out, top=bounds.y, bottom=bounds.bottom)
    nodes = content.get("nodes") or []
    boxes = {
        str(node["id"]): Box(float(node["x"]), float(node["y"]), float(node["w"]), float(node["h"]))
        for node in nodes
    }
    obstacles = Obstacles(boxes.values())
    edge_labels: list[str] = []
    for edge in content.get("edges") or []:
        path, label = edge_svg(edge, boxes, obstacles)
        out.append(path)
        edge_labels.extend(label)
    labels_below: list[str] = []
    for node in nodes:
        _node_svg(node, out, labels_below)
    out.extend(labels_below)
    out.extend(edge_labels)  # above the nodes they may cross
    out.append("</g>")
    if options.legend:
        legend_y = PADDING + title_height + bounds.h + 24
        out.append(f'<g transform="translate({num(PADDING)} {num(legend_y)})">')
        out.extend(legend)
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(part for part in out if part)


def svg_size(svg: str) -> tuple[float, float]:
    """Width and height (px) of an SVG this module made."""
    match = re.search(r'<svg [^>]*width="([0-9.]+)" height="([0-9.]+)"', svg)
    if not match:
        raise ValueError("not an SVG made by this renderer")
    return float(match.group(1)), float(match.group(2))
