"""Small SVG building blocks shared by the renderer: numbers, attributes, boxes, text lines."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from apps.exports.render.text import FONT_STACK, SANS, Line, layout_line, one_line


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def attr(value: object) -> str:
    """User text as a quoted, escaped, one-line attribute value."""
    return quoteattr(one_line(value))


def _family(run_family: str) -> str:
    return "" if run_family == SANS else f" font-family={quoteattr(run_family + ', sans-serif')}"


def text_line(
    line: Line,
    *,
    x: float,
    y: float,
    size: float,
    fill: str,
    anchor: str = "middle",
    bold: bool = False,
) -> str:
    """One line of text. A single-font line keeps text-anchor (robust in every viewer); a line
    mixing fonts is placed run by run from our own measurements. Right-to-left text arrives in
    display order, so viewers are told not to reorder it."""
    if not line.runs:
        return ""
    weight = ' font-weight="bold"' if bold else ""
    bidi = ' direction="ltr" unicode-bidi="bidi-override"' if line.reordered else ""
    common = f'font-size="{num(size)}" fill="{fill}"{weight}{bidi}'
    if len(line.runs) == 1:
        run = line.runs[0]
        return (
            f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}"{_family(run.family)} '
            f"{common}>{escape(run.text)}</text>"
        )
    start = x - line.width / 2 if anchor == "middle" else x - line.width if anchor == "end" else x
    spans = []
    for run in line.runs:
        spans.append(f'<tspan x="{num(start)}"{_family(run.family)}>{escape(run.text)}</tspan>')
        start += run.width
    return f'<text y="{num(y)}" xml:space="preserve" {common}>{"".join(spans)}</text>'


def text_block(
    lines: list[str],
    *,
    cx: float,
    top: float,
    size: float,
    line_height: float,
    fill: str,
    bold: bool = False,
    anchor: str = "middle",
) -> list[str]:
    """Lines of text stacked from `top`, each laid out with its fonts and direction."""
    out = []
    for index, text in enumerate(lines):
        baseline = top + index * line_height + size * 0.8
        out.append(
            text_line(
                layout_line(text, size, bold),
                x=cx,
                y=baseline,
                size=size,
                fill=fill,
                anchor=anchor,
                bold=bold,
            )
        )
    return out


__all__ = ["FONT_STACK", "Box", "attr", "num", "text_block", "text_line"]
