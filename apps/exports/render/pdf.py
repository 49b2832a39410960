"""PNG and vector PDF from our SVG, through cairosvg (bytestring only) and cairo.

The SVG is drawn once into a cairo recording surface; each PDF page then paints that
recording scaled and clipped, so a diagram tiled over twelve pages is drawn once and stays
vector, with its fonts embedded by cairo.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import cairocffi as cairo
import cairosvg
from cairosvg.parser import Tree
from cairosvg.surface import Surface

from apps.exports.render.fasttext import fast_text
from apps.exports.render.svg import svg_size
from apps.exports.render.text import layout_line

PT_PER_PX = 0.75  # cairosvg's 96 dpi user units to PDF points
PAPERS: dict[str, tuple[float, float]] = {
    "A4": (595.276, 841.89),
    "A3": (841.89, 1190.551),
    "Letter": (612.0, 792.0),
}
MARGIN = 28.0
HEADER = 22.0
FOOTER = 22.0
MAX_TILES = 64
# A PNG is a full bitmap in memory: past this many pixels it is drawn at a smaller scale.
MAX_PNG_PIXELS = 40_000_000
MAX_PNG_SIDE = 30_000


class _RecordingSurface(Surface):
    """cairosvg drawing into a cairo recording surface (units: points) instead of a file."""

    def _create_surface(self, width: float, height: float) -> tuple[object, float, float]:
        surface = cairo.RecordingSurface(cairo.CONTENT_COLOR_ALPHA, (0, 0, width, height))
        return surface, width, height


@dataclass
class Recording:
    surface: cairo.RecordingSurface
    width: float  # points
    height: float


def svg_record(svg: str) -> Recording:
    """Parse and draw the SVG once, to paint on many pages. Never from a URL: only bytes we
    generated."""
    with fast_text():
        tree = Tree(bytestring=svg.encode("utf-8"), unsafe=False)
        drawn = _RecordingSurface(tree, None, 96)
    recording = Recording(drawn.cairo, float(drawn.width), float(drawn.height))
    _prime(recording)
    return recording


def _prime(recording: Recording) -> None:
    """Paint the whole recording once onto a PDF surface that writes nothing.

    cairo 1.16's PDF backend sorts a recording's drawing commands into regions the first time
    it is used as a source, and only for the part that use covers: a first tile would leave
    every command outside it unclassified and missing from all later tiles. A full first
    use (a few milliseconds) makes every tile complete."""
    scratch = cairo.PDFSurface(None, recording.width, recording.height)
    context = cairo.Context(scratch)
    context.set_source_surface(recording.surface, 0, 0)
    context.paint()
    scratch.finish()


def paper_size(paper: str, orientation: str) -> tuple[float, float]:
    width, height = PAPERS[paper]
    return (height, width) if orientation == "landscape" else (width, height)


@dataclass(frozen=True)
class Tile:
    """The part of the drawing (in drawing points) that one page shows."""

    x: float
    y: float
    w: float
    h: float
    row: int
    column: int


@dataclass(frozen=True)
class PagePlan:
    scale: float
    tiles: tuple[Tile, ...]
    rows: int
    columns: int


def plan_pages(
    width: float, height: float, *, box_w: float, box_h: float, fit: str, max_tiles: int = MAX_TILES
) -> PagePlan:
    """Fit the drawing into one box, or tile it at full size (smaller only past max_tiles)."""
    if fit == "page":
        scale = min(box_w / width, box_h / height, 1.0)
        return PagePlan(scale, (Tile(0, 0, width, height, 1, 1),), 1, 1)
    scale = 1.0
    while True:
        columns = max(1, math.ceil(width * scale / box_w - 1e-9))
        rows = max(1, math.ceil(height * scale / box_h - 1e-9))
        if columns * rows <= max_tiles:
            break
        scale *= 0.9
    tile_w, tile_h = box_w / scale, box_h / scale
    tiles = tuple(
        Tile(column * tile_w, row * tile_h, tile_w, tile_h, row + 1, column + 1)
        for row in range(rows)
        for column in range(columns)
    )
    return PagePlan(scale, tiles, rows, columns)


def draw_text(
    context: cairo.Context,
    text: str,
    *,
    x: float,
    y: float,
    size: float,
    anchor: str = "start",
    bold: bool = False,
    color: tuple[float, float, float] = (0.28, 0.33, 0.41),
) -> None:
    """Text with the same per-run font choice and bidi handling as the SVG renderer."""
    line = layout_line(text, size, bold)
    start = x - line.width / 2 if anchor == "middle" else x - line.width if anchor == "end" else x
    context.set_source_rgb(*color)
    for run in line.runs:
        context.select_font_face(
            run.family,
            cairo.FONT_SLANT_NORMAL,
            cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL,
        )
        context.set_font_size(size)
        context.move_to(start, y)
        context.show_text(run.text)
        start += run.width


class _PlacedSurface(Surface):
    """cairosvg drawing straight onto the current page of an open PDF, scaled and moved into
    a box: one pass, no intermediate recording (what a single page needs)."""

    def __init__(self, tree: Tree, *, target: cairo.PDFSurface, x: float, y: float, scale: float):
        self._target = target
        self._placement = (x, y, scale)
        super().__init__(tree, None, 96)

    def _create_surface(self, width: float, height: float) -> tuple[object, float, float]:
        return self._target, width, height

    def set_context_size(self, width: float, height: float, viewbox: Any, tree: Tree) -> None:
        x, y, scale = self._placement
        self.context.identity_matrix()
        self.context.translate(x, y)
        self.context.scale(scale * PT_PER_PX, scale * PT_PER_PX)
        super().set_context_size(width, height, viewbox, tree)


def _paint_tile(
    context: cairo.Context, recording: Recording, tile: Tile, *, scale: float, x: float, y: float
) -> None:
    drawn_w = min(tile.w, recording.width - tile.x) * scale
    drawn_h = min(tile.h, recording.height - tile.y) * scale
    # A pattern filling the tile's rectangle, not paint() under a clip: cairo 1.16 keeps the
    # recording as one form XObject bounded by its first use, which would blank later tiles.
    pattern = cairo.SurfacePattern(recording.surface)
    pattern.set_matrix(
        cairo.Matrix(xx=1 / scale, yy=1 / scale, x0=tile.x - x / scale, y0=tile.y - y / scale)
    )
    context.save()
    context.set_source(pattern)
    context.rectangle(x, y, drawn_w, drawn_h)
    context.fill()
    context.restore()


@dataclass(frozen=True)
class Box:
    """Where the diagram goes on each page, in points from the top left."""

    left: float
    top: float
    width: float
    height: float


Furniture = Callable[[cairo.Context, int, int, Tile, PagePlan], None]


def draw_pages(
    svg: str, pdf: cairo.PDFSurface, *, box: Box, fit: str, furniture: Furniture | None = None
) -> PagePlan:
    """Draw the diagram page by page into the box, fitted or tiled, then the furniture."""
    width_px, height_px = svg_size(svg)
    plan = plan_pages(
        width_px * PT_PER_PX, height_px * PT_PER_PX, box_w=box.width, box_h=box.height, fit=fit
    )
    context = cairo.Context(pdf)
    total = len(plan.tiles)
    if total == 1:
        tile = plan.tiles[0]
        x = box.left + (box.width - tile.w * plan.scale) / 2
        y = box.top + (box.height - tile.h * plan.scale) / 2
        with fast_text():
            _PlacedSurface(
                Tree(bytestring=svg.encode("utf-8"), unsafe=False),
                target=pdf,
                x=x,
                y=y,
                scale=plan.scale,
            )
        if furniture is not None:
            furniture(context, 1, 1, tile, plan)
        context.show_page()
        return plan
    recording = svg_record(svg)
    for number, tile in enumerate(plan.tiles, start=1):
        _paint_tile(context, recording, tile, scale=plan.scale, x=box.left, y=box.top)
        if furniture is not None:
            furniture(context, number, total, tile, plan)
        context.show_page()
    return plan


@dataclass
class PdfText:
    """What the page furniture of a diagram PDF says."""

    title: str
    subtitle: str
    author: str = ""
    subject: str = ""


def diagram_pdf(
    svg: str, *, paper: str, orientation: str, fit: str, text: PdfText
) -> tuple[bytes, int]:
    """The diagram on paper, with a header and "Page N of M" on each page; returns the
    PDF and its page count."""
    page_w, page_h = paper_size(paper, orientation)
    box = Box(MARGIN, MARGIN + HEADER, page_w - 2 * MARGIN, page_h - 2 * MARGIN - HEADER - FOOTER)

    def furniture(
        context: cairo.Context, number: int, total: int, tile: Tile, plan: PagePlan
    ) -> None:
        draw_text(context, text.title, x=MARGIN, y=MARGIN + 10, size=10, bold=True)
        where = f"row {tile.row}, column {tile.column} of {plan.rows} x {plan.columns}"
        draw_text(
            context,
            where if total > 1 else f"scale {round(plan.scale * 100)}%",
            x=page_w - MARGIN,
            y=MARGIN + 10,
            size=8,
            anchor="end",
        )
        draw_text(context, text.subtitle, x=MARGIN, y=page_h - MARGIN + 2, size=8)
        draw_text(
            context,
            f"Page {number} of {total}",
            x=page_w - MARGIN,
            y=page_h - MARGIN + 2,
            size=8,
            anchor="end",
        )

    output = io.BytesIO()
    pdf = cairo.PDFSurface(output, page_w, page_h)
    _metadata(pdf, text)
    plan = draw_pages(svg, pdf, box=box, fit=fit, furniture=furniture)
    pdf.finish()
    return output.getvalue(), len(plan.tiles)


def diagram_pages_in_box(
    svg: str, *, page_w: float, page_h: float, box: Box, fit: str
) -> tuple[bytes, PagePlan]:
    """Bare diagram pages (no furniture) to lay under another document's pages."""
    output = io.BytesIO()
    pdf = cairo.PDFSurface(output, page_w, page_h)
    plan = draw_pages(svg, pdf, box=box, fit=fit)
    pdf.finish()
    return output.getvalue(), plan


def _metadata(pdf: cairo.PDFSurface, text: PdfText) -> None:
    pdf.set_metadata(cairo.PDF_METADATA_TITLE, text.title)
    if text.author:
        pdf.set_metadata(cairo.PDF_METADATA_AUTHOR, text.author)
    if text.subject:
        pdf.set_metadata(cairo.PDF_METADATA_SUBJECT, text.subject)
    pdf.set_metadata(cairo.PDF_METADATA_CREATOR, "SOP Studio")
    pdf.set_metadata(
        cairo.PDF_METADATA_CREATE_DATE, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def png_scale(width_px: float, height_px: float, scale: float) -> float:
    """The scale actually used: as asked, unless the bitmap would be too big to hold."""
    limit = min(
        math.sqrt(MAX_PNG_PIXELS / max(width_px * height_px, 1.0)),
        MAX_PNG_SIDE / max(width_px, height_px, 1.0),
    )
    return min(scale, limit)


def diagram_png(svg: str, *, scale: float, width_px: float, height_px: float) -> bytes:
    """The diagram as PNG at 1x or 2x (smaller when the bitmap would be too big)."""
    used = png_scale(width_px, height_px, scale)
    with fast_text():
        data: bytes = cairosvg.svg2png(
            bytestring=svg.encode("utf-8"), scale=used, unsafe=False, background_color="#ffffff"
        )
    return data
