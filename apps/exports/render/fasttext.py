"""A faster way for cairosvg to draw the plain text our SVG renderer writes.

cairosvg draws every character on its own, twice (once as an outline for a stroke, once as
text): about ten cairo calls per character, most of the render time of a labelled diagram.
Our `<text>`/`<tspan>` elements are simple (one x and y, an anchor, no per-glyph positions,
no rotation, no letter spacing, no stroke), and cairo's toy text API does no kerning, so
drawing each run with one `show_text` puts every glyph exactly where cairosvg would. Anything
beyond that subset goes to cairosvg's own code. The patch is scoped: `fast_text()` installs
it for one render and puts the original back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import cairocffi as cairo
import cairosvg.surface as cairosvg_surface
from cairosvg.helpers import size

_SIMPLE_BLOCKERS = ("dx", "dy", "rotate", "letter-spacing", "textLength", "stroke")


def _single(value: str | None) -> bool:
    return value is None or len(value.replace(",", " ").split()) <= 1


def _is_simple(node: Any) -> bool:
    return (
        node.tag in {"text", "tspan"}
        and bool(node.text)
        and not any(name in node for name in _SIMPLE_BLOCKERS)
        and _single(node.get("x"))
        and _single(node.get("y"))
        and not node.get_href()
        and not node.get("dominant-baseline")
        and not node.get("alignment-baseline")
        and not node.get("display-anchor")
    )


def _draw_run(surface: Any, node: Any, draw_as_text: bool) -> None:
    if not draw_as_text:
        return  # the outline pass only feeds a stroke, and simple text has none
    context = surface.context
    weight = node.get("font-weight")
    bold = weight == "bold" or (weight is not None and weight.isdigit() and int(weight) >= 550)
    family = (node.get("font-family") or "sans-serif").split(",")[0].strip("\"' ")
    slant = {"italic": cairo.FONT_SLANT_ITALIC, "oblique": cairo.FONT_SLANT_OBLIQUE}.get(
        node.get("font-style") or "", cairo.FONT_SLANT_NORMAL
    )
    context.select_font_face(
        family, slant, cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL
    )
    context.set_font_size(surface.font_size)
    text = node.text
    x_bearing, _, width, _, x_advance, _ = context.text_extents(text)
    x = size(surface, node["x"], "x") if "x" in node else surface.cursor_position[0]
    y = size(surface, node["y"], "y") if "y" in node else surface.cursor_position[1]
    anchor = node.get("text-anchor")
    # The same anchoring arithmetic as cairosvg: on the ink extents of the whole run.
    shift = (
        -(width / 2 + x_bearing)
        if anchor == "middle"
        else -(width + x_bearing)
        if anchor == "end"
        else 0
    )
    context.move_to(x + shift, y)
    context.show_text(text)
    surface.cursor_position = (x + x_advance, y)
    surface.cursor_d_position = [0, 0]


def _fast(original: Callable[..., Any]) -> Callable[..., Any]:
    def text(surface: Any, node: Any, draw_as_text: bool = False) -> Any:
        if _is_simple(node):
            return _draw_run(surface, node, draw_as_text)
        return original(surface, node, draw_as_text)

    return text


@contextmanager
def fast_text() -> Iterator[None]:
    """Draw simple text runs whole while the block runs."""
    original = cairosvg_surface.text
    if getattr(original, "is_fast_text", False):
        yield  # already installed by an enclosing render
        return
    replacement = _fast(original)
    replacement.is_fast_text = True  # type: ignore[attr-defined]
    saved = {tag: cairosvg_surface.TAGS[tag] for tag in ("text", "tspan")}
    cairosvg_surface.text = replacement
    cairosvg_surface.TAGS.update(dict.fromkeys(saved, replacement))
    try:
        yield
    finally:
        cairosvg_surface.text = original
        cairosvg_surface.TAGS.update(saved)
