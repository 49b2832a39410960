"""Node shapes and icons, as the theme names them: pill, rect, diamond, cylinder,
parallelogram, octagon, note and circle, with the theme's 24x24 stroke icons."""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

from apps.diagrams import theme as sop_theme
from apps.exports.render.svgparts import Box, num

# Icon path data is ours (the theme file), but only path syntax may reach the output.
_PATH_DATA = re.compile(r"^[MmLlHhVvCcSsQqTtAaZz0-9.,\s-]*$")


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{num(px)},{num(py)}" for px, py in points)


def _element(tag: str, attributes: str, title: str) -> str:
    """A self-closing element, or one holding a <title> (the tooltip of a cut-short label)."""
    if title:
        return f"<{tag} {attributes}><title>{escape(title)}</title></{tag}>"
    return f"<{tag} {attributes}/>"


def shape_svg(
    shape: str,
    box: Box,
    *,
    fill: str,
    stroke: str,
    width: float = 2,
    extra: str = "",
    title: str = "",
) -> str:
    """The outline of a node kind's shape filling the box; `extra` attributes and the
    `title` go on its main element."""
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{num(width)}"{extra}'
    line = f'fill="none" stroke="{stroke}" stroke-width="{num(width)}"'
    x, y, w, h = box.x, box.y, box.w, box.h
    if shape == "pill":
        return _element(
            "rect",
            f'x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="{num(h / 2)}" {paint}',
            title,
        )
    if shape in {"diamond", "parallelogram", "octagon"}:
        if shape == "diamond":
            points = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
        elif shape == "parallelogram":
            skew = min(20.0, w * 0.12)
            points = [(x + skew, y), (x + w, y), (x + w - skew, y + h), (x, y + h)]
        else:
            cut = min(w, h) * 0.28
            points = [
                (x + cut, y),
                (x + w - cut, y),
                (x + w, y + cut),
                (x + w, y + h - cut),
                (x + w - cut, y + h),
                (x + cut, y + h),
                (x, y + h - cut),
                (x, y + cut),
            ]
        return _element("polygon", f'points="{_points(points)}" {paint}', title)
    if shape == "cylinder":
        ry = min(10.0, h / 6)
        body = (
            f"M{num(x)},{num(y + ry)} a{num(w / 2)},{num(ry)} 0 0 1 {num(w)},0 "
            f"v{num(h - 2 * ry)} a{num(w / 2)},{num(ry)} 0 0 1 {num(-w)},0 z"
        )
        rim = f"M{num(x)},{num(y + ry)} a{num(w / 2)},{num(ry)} 0 0 0 {num(w)},0"
        return _element("path", f'd="{body}" {paint}', title) + f'<path d="{rim}" {line}/>'
    if shape == "note":
        fold = min(16.0, h / 4)
        outline = (
            f"M{num(x)},{num(y)} H{num(x + w - fold)} L{num(x + w)},{num(y + fold)} "
            f"V{num(y + h)} H{num(x)} Z"
        )
        corner = f"M{num(x + w - fold)},{num(y)} V{num(y + fold)} H{num(x + w)}"
        return _element("path", f'd="{outline}" {paint}', title) + f'<path d="{corner}" {line}/>'
    if shape == "circle":
        radius = min(w, h) / 2
        return _element(
            "circle", f'cx="{num(box.cx)}" cy="{num(box.cy)}" r="{num(radius)}" {paint}', title
        )
    return _element(
        "rect",
        f'x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" rx="8" {paint}',
        title,
    )


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


def label_area(shape: str, box: Box) -> tuple[float, float]:
    """Usable width and height for a label inside the shape."""
    if shape == "diamond":
        return box.w * 0.58, box.h * 0.5
    if shape == "parallelogram":
        return box.w - 2 * min(20.0, box.w * 0.12) - 16, box.h - 12
    if shape == "octagon":
        return box.w - min(box.w, box.h) * 0.5, box.h - 12
    return box.w - 24, box.h - 14
