"""PNG and vector PDF of the diagram: paper, orientation, fit or tiles, fonts embedded."""

from __future__ import annotations

import io
import re

import cairosvg
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from apps.exports.render import render_export
from apps.exports.render.fasttext import fast_text
from apps.exports.render.pdf import PAPERS
from apps.exports.render.svg import render_svg
from tests.exports.documents import (
    band_text,
    fraud_content,
    hostile_content,
    pdf_tool,
    pdftotext,
    squash,
    synthetic_content,
)


def _pdf(content: dict, **options: str) -> bytes:
    return render_export(
        {
            "format": "pdf",
            "content": content,
            "options": {"paper": "A4", "orientation": "landscape", "fit": "page", **options},
            "title": "Fraud detection API",
            "subtitle": "SOP-7 · version 3",
            "author": "Fraud ML team",
            "subject": "SOP-7 version 3",
        }
    )


@pytest.mark.parametrize("paper", ["A4", "A3", "Letter"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_fit_to_page_gives_one_page_of_the_chosen_paper(paper: str, orientation: str) -> None:
    data = _pdf(fraud_content(), paper=paper, orientation=orientation)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = PAPERS[paper]
    if orientation == "landscape":
        width, height = height, width
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(width, abs=0.5)
    assert float(box.height) == pytest.approx(height, abs=0.5)
    text = pdftotext(data)
    assert "Page 1 of 1" in text
    assert "Score transaction" in text and "Monitoring" in text


def test_tiles_spread_a_big_diagram_over_numbered_pages_and_lose_nothing() -> None:
    content = synthetic_content(200)
    data = _pdf(content, paper="A4", orientation="portrait", fit="tile")
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages > 4
    everything = ""
    pages_with_first_step = []
    width, height = (int(v) for v in PAPERS["A4"])
    for number in range(1, pages + 1):
        text = pdftotext(data, "-f", str(number), "-l", str(number))
        # The footer band alone: text cut off at a tile's edge is still in the file nearby.
        footer = band_text(data, number, y=height - 34, width=width, height=34)
        assert f"Page {number} of {pages}" in footer
        assert re.search(r"row \d+, column \d+ of \d+ x \d+", text)
        everything += squash(text)
        if "Step0validate" in squash(text):
            pages_with_first_step.append(number)
    for node in content["nodes"]:
        # Every step shows up on some tile (labels are long: look for their start).
        assert squash(node["label"])[:8] in everything, node["id"]
    # ...and only where it can be seen: no page carries its neighbours' text, clipped away.
    assert pages_with_first_step == [1]


def test_pdf_is_vector_text_with_embedded_fonts_and_metadata() -> None:
    data = _pdf(fraud_content())
    fonts = pdf_tool("pdffonts", data).splitlines()[2:]
    assert fonts, "the PDF uses no font: text was drawn as something else"
    for line in fonts:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"
    images = pdf_tool("pdfimages", data, "-list").splitlines()[2:]
    assert images == [], "the diagram was rasterised"
    info = pdf_tool("pdfinfo", data)
    assert "Title:           Fraud detection API" in info
    assert "Author:          Fraud ML team" in info
    assert "Subject:         SOP-7 version 3" in info


def test_png_at_2x_has_twice_the_pixels_on_each_side() -> None:
    base = {"format": "png", "content": fraud_content(), "title": "T", "subtitle": "S"}
    one = Image.open(io.BytesIO(render_export({**base, "options": {"scale": 1}})))
    two = Image.open(io.BytesIO(render_export({**base, "options": {"scale": 2}})))
    assert one.format == two.format == "PNG"
    assert two.size == (one.size[0] * 2, one.size[1] * 2)
    # Not blank: the lanes are painted in the theme's colours.
    assert len(one.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50


def test_whole_run_text_lands_where_cairosvg_puts_each_character() -> None:
    # Our faster text drawing must not move a single glyph: compare with cairosvg's own.
    svg = render_svg(hostile_content()).encode("utf-8")
    own = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg))).convert("RGB")
    with fast_text():
        fast = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg))).convert("RGB")
    assert own.size == fast.size
    changed = ImageChops.difference(own, fast).convert("L").point(lambda v: 255 if v > 24 else 0)
    moved = sum(count for count, value in changed.getcolors() or [] if value == 255)
    assert moved < own.size[0] * own.size[1] * 0.0005
