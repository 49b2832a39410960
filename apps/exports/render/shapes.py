"""Node shapes and icons, drawn as the editor draws them: a white body outlined in the stage
colour (a note on warm paper with a dashed edge, a process step with a thick left accent),
and the theme's 24x24 stroke icons on a rounded chip in the stage's pale colour."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from apps.diagrams import theme as sop_theme
from apps.exports.render.svgparts import Box, num

OUTLINE = 1.6  # the editor's node border width
ACCENT = 5.0  # a process step's left border
NODE_FILL = "#ffffff"
NOTE_FILL = "#fffdf3"
# Icon path data is ours (the theme file), but only path syntax may reach the output.
_PATH_DATA = re.compile(r"^[MmLlHhVvCcSsQqTtAaZz0-9.,\s-]*$")


def _element(tag: str, attributes: str, title: str) -> str:
    """A self-closing element, or one holding a <title> (the tooltip of a cut-short label)."""
    if title:
        return f"<{tag} {attributes}><title>{escape(title)}</title></{tag}>"
    return f"<{tag} {attributes}/>"


def outline_path(shape: str, box: Box) -> str:
    """Path data of the outlines drawn as paths, inset so the stroke stays inside the box."""
    x, y, w, h = box.x + 1, box.y + 1, box.w - 2, box.h - 2
    right, bottom = x + w, y + h
    if shape == "diamond":
        return (
            f"M{num(box.cx)},{num(y)} L{num(right)},{num(box.cy)} L{num(box.cx)},{num(bottom)} "
            f"L{num(x)},{num(box.cy)} Z"
        )
    if shape == "parallelogram":
        skew = min(18.0, box.w / 6)
        return f"M{num(x + skew)},{num(y)} H{num(right)} L{num(right - skew)},{num(bottom)} H{num(x)} Z"
    if shape == "octagon":
        cut = min(16.0, box.h / 3.5)
        return (
            f"M{num(x + cut)},{num(y)} H{num(right - cut)} L{num(right)},{num(y + cut)} "
            f"V{num(bottom - cut)} L{num(right - cut)},{num(bottom)} H{num(x + cut)} "
            f"L{num(x)},{num(bottom - cut)} V{num(y + cut)} Z"
        )
    if shape == "note":
        return (
            f"M{num(x)},{num(y)} H{num(right - 16)} L{num(right)},{num(y + 16)} V{num(bottom)} "
            f"H{num(x)} Z M{num(right - 16)},{num(y)} V{num(y + 16)} H{num(right)}"
        )
    # cylinder: the body; its rim is drawn separately
    rim = min(10.0, box.h / 6)
    return (
        f"M{num(x)},{num(y + rim)} A{num(w / 2)},{num(rim)} 0 0 1 {num(right)},{num(y + rim)} "
        f"V{num(bottom - rim)} A{num(w / 2)},{num(rim)} 0 0 1 {num(x)},{num(bottom - rim)} Z"
    )


def shape_svg(
    shape: str,
    box: Box,
    *,
    stroke: str,
    fill: str = NODE_FILL,
    width: float = OUTLINE,
    extra: str = "",
    title: str = "",
    dash: str = "",
) -> str:
    """The outline of a node kind's shape filling the box; `extra` attributes and the
    `title` go on its main element."""
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{num(width)}"{dashing}{extra}'
    inset = width / 2
    x, y, w, h = box.x + inset, box.y + inset, box.w - width, box.h - width
    if shape == "rect":
        # The editor's process step: a border in the stage colour, five points wide on the left.
        inner = (
            f'x="{num(box.x + ACCENT)}" y="{num(box.y + width)}" width="{num(box.w - ACCENT - width)}" '
            f'height="{num(box.h - 2 * width)}" rx="6" fill="{fill}"'
        )
        outer = (
            f'x="{num(box.x)}" y="{num(box.y)}" width="{num(box.w)}" height="{num(box.h)}" rx="8" '
            f'fill="{stroke}"{extra}'
        )
        return _element("rect", outer, title) + f"<rect {inner}/>"
    if shape == "pill":
        return _element(
            "rect",
            f'x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="{num(min(w, h) / 2)}" {paint}',
            title,
        )
    if shape == "circle":
        return _element(
            "circle",
            f'cx="{num(box.cx)}" cy="{num(box.cy)}" r="{num(min(w, h) / 2)}" {paint}',
            title,
        )
    body = _element("path", f'd="{outline_path(shape, box)}" {paint}', title)
    if shape == "cylinder":
        rim = min(10.0, box.h / 6)
        arc = (
            f"M{num(box.x + 1)},{num(box.y + 1 + rim)} A{num(box.w / 2 - 1)},{num(rim)} 0 0 0 "
            f"{num(box.right - 1)},{num(box.y + 1 + rim)}"
        )
        body += f'<path d="{arc}" fill="none" stroke="{stroke}" stroke-width="1.4"/>'
    return body


def icon_path(name: str) -> str:
    data = str(sop_theme.theme()["icons"].get(name, ""))
    return data if _PATH_DATA.match(data) else ""


def icon_svg(name: str, *, x: float, y: float, size: float, color: str, extra: str = "") -> str:
    """A theme icon (24x24 stroke drawing) scaled to `size` with its top left at (x, y)."""
    data = icon_path(name)
    if not data:
        return ""
    return (
        f'<path d="{data}" transform="translate({num(x)} {num(y)}) scale({num(size / 24)})" '
        f'fill="none" stroke="{color}" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round"{extra}/>'
    )


def icon_chip(
    name: str,
    *,
    x: float,
    y: float,
    size: float,
    icon: float,
    color: str,
    fill: str,
    round_chip: bool = False,
    extra: str = "",
) -> str:
    """The editor's icon chip: a rounded square (or a disc) in the pale stage colour."""
    radius = size / 2 if round_chip else 8
    chip = (
        f'<rect x="{num(x)}" y="{num(y)}" width="{num(size)}" height="{num(size)}" '
        f'rx="{num(radius)}" fill="{fill}"/>'
    )
    offset = (size - icon) / 2
    return chip + icon_svg(name, x=x + offset, y=y + offset, size=icon, color=color, extra=extra)
