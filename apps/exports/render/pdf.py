"""PNG and vector PDF from our SVG, through cairosvg (bytestring only) and cairo.

A page is drawn by cairosvg straight onto the PDF page, moved and scaled into the page's
box. A big diagram tiled over several pages draws, on each page, only the parts of the SVG
that fall inside that tile (clipped to it), so no page carries invisible text from its
neighbours and the file stays small. Fonts are embedded by cairo; text stays text.
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
from apps.exports.render.svg import SvgDocument
from apps.exports.render.svgparts import Box as SvgBox
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


@dataclass(frozen=True)
class Box:
    """Where the diagram goes on each page, in points from the top left."""

    left: float
    top: float
    width: float
    height: float


class _PlacedSurface(Surface):
    """cairosvg drawing straight onto the current page of an open PDF: moved, scaled and
    clipped into a box. One pass, no intermediate surface."""

    def __init__(
        self,
        tree: Tree,
        *,
        target: cairo.PDFSurface,
        x: float,
        y: float,
        scale: float,
        clip: Box,
    ) -> None:
        self._target = target
        self._placement = (x, y, scale, clip)
        super().__init__(tree, None, 96)

    def _create_surface(self, width: float, height: float) -> tuple[object, float, float]:
        return self._target, width, height

    def set_context_size(self, width: float, height: float, viewbox: Any, tree: Tree) -> None:
        x, y, scale, clip = self._placement
        self.context.identity_matrix()
        self.context.rectangle(clip.left, clip.top, clip.width, clip.height)
        self.context.clip()
        self.context.translate(x, y)
        self.context.scale(scale * PT_PER_PX, scale * PT_PER_PX)
        super().set_context_size(width, height, viewbox, tree)


Furniture = Callable[[cairo.Context, int, int, Tile, PagePlan], None]


def draw_pages(
    document: SvgDocument,
    pdf: cairo.PDFSurface,
    *,
    box: Box,
    fit: str,
    furniture: Furniture | None = None,
) -> PagePlan:
    """Draw the diagram page by page into the box, fitted or tiled, then the furniture."""
    plan = plan_pages(
        document.width * PT_PER_PX,
        document.height * PT_PER_PX,
        box_w=box.width,
        box_h=box.height,
        fit=fit,
    )
    context = cairo.Context(pdf)
    total = len(plan.tiles)
    for number, tile in enumerate(plan.tiles, start=1):
        drawn_w = min(tile.w, document.width * PT_PER_PX - tile.x) * plan.scale
        drawn_h = min(tile.h, document.height * PT_PER_PX - tile.y) * plan.scale
        if total == 1:  # centred in the box
            left = box.left + (box.width - drawn_w) / 2
            top = box.top + (box.height - drawn_h) / 2
            svg = document.text()
        else:
            left, top = box.left, box.top
            # Only what shows in this tile (in SVG pixels), with a little slack at its edges.
            region = SvgBox(
                tile.x / PT_PER_PX - 4,
                tile.y / PT_PER_PX - 4,
                tile.w / PT_PER_PX + 8,
                tile.h / PT_PER_PX + 8,
            )
            svg = document.text(region)
        with fast_text():
            _PlacedSurface(
                Tree(bytestring=svg.encode("utf-8"), unsafe=False),
                target=pdf,
                x=left - tile.x * plan.scale,
                y=top - tile.y * plan.scale,
                scale=plan.scale,
                clip=Box(left, top, drawn_w, drawn_h),
            )
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
    document: SvgDocument, *, paper: str, orientation: str, fit: str, text: PdfText
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
    plan = draw_pages(document, pdf, box=box, fit=fit, furniture=furniture)
    pdf.finish()
    return output.getvalue(), len(plan.tiles)


def diagram_pages_in_box(
    document: SvgDocument, *, page_w: float, page_h: float, box: Box, fit: str
) -> tuple[bytes, PagePlan]:
    """Bare diagram pages (no furniture) to lay under another document's pages."""
    output = io.BytesIO()
    pdf = cairo.PDFSurface(output, page_w, page_h)
    plan = draw_pages(document, pdf, box=box, fit=fit)
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


def diagram_png(document: SvgDocument, *, scale: float) -> bytes:
    """The diagram as PNG at 1x or 2x (smaller when the bitmap would be too big)."""
    used = png_scale(document.width, document.height, scale)
    with fast_text():
        data: bytes = cairosvg.svg2png(
            bytestring=document.text().encode("utf-8"),
            scale=used,
            unsafe=False,
            background_color="#ffffff",
        )
    return data
