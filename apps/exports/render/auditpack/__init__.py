"""The audit pack: one PDF that tells an auditor what a version of an SOP says and how it came
to be.

WeasyPrint lays out the text pages (cover, procedure, history, signatures, audit trail) and
reserves placeholder pages for the diagram, so "page N of M", the header, the footer and the
watermark cover every page; cairo draws the diagram (the same vector drawing as the PDF export)
and pypdf lays it under the placeholder pages. WeasyPrint writes PDF/A-3b structures (XMP with
pdfaid part 3 / conformance B, an sRGB output intent, a document id) and embeds the version's
JSON as an associated file; nothing in the pack is fetched from anywhere.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any, cast

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, NameObject

from apps.exports.render.auditpack.html import (
    CAPTION,
    MARGIN_BOTTOM,
    MARGIN_SIDE,
    MARGIN_TOP,
    diagram_placeholders,
    pack_html,
    version_label,
)
from apps.exports.render.auditpack.model import PackEvent, PackInput, PackPrevious, PackVersion
from apps.exports.render.pdf import Box, diagram_pages_in_box, paper_size
from apps.exports.render.svg import SvgOptions, build_svg

__all__ = ["PackEvent", "PackInput", "PackPrevious", "PackVersion", "render_audit_pack"]


def render_audit_pack(
    pack: PackInput,
    *,
    paper: str,
    orientation: str,
    fit: str,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The audit pack PDF of one version (or of the live document, watermarked as such)."""
    from weasyprint import HTML, Attachment
    from weasyprint.urls import URLFetcher

    class _NoFetching(URLFetcher):
        """The pack is built from our own HTML: any URL in it is refused, never fetched."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"fetching {url!r} is not allowed while rendering")

    report = progress or (lambda _: None)
    document = build_svg(
        pack["content"],
        SvgOptions(
            title=pack["title"],
            subtitle=f"{pack['document_id']} · {version_label(pack)} · {pack['status']}",
            tooltips=False,
        ),
    )
    report(20)
    page_w, page_h = paper_size(paper, orientation)
    box = Box(
        left=MARGIN_SIDE,
        top=MARGIN_TOP + CAPTION,
        width=page_w - 2 * MARGIN_SIDE,
        height=page_h - MARGIN_TOP - MARGIN_BOTTOM - CAPTION,
    )
    diagram_pdf, plan = diagram_pages_in_box(
        document, page_w=page_w, page_h=page_h, box=box, fit=fit
    )
    report(35)
    fetcher = _NoFetching()
    document = HTML(
        string=pack_html(
            pack,
            paper=paper,
            orientation=orientation,
            diagram_pages=diagram_placeholders(pack, len(plan.tiles), plan.rows, plan.columns),
        ),
        url_fetcher=fetcher,
    ).render()
    report(65)
    placeholder_pages = [
        index
        for index, page in enumerate(document.pages)
        if any(anchor.startswith("diagram-tile-") for anchor in page.anchors)
    ]
    attachment = Attachment(
        string=json.dumps(pack["content"], ensure_ascii=False, sort_keys=True, indent=2),
        name=pack["attachment_name"],
        description=f"{pack['document_id']} {version_label(pack)} as sop-diagram/1 JSON",
        relationship="Source",
        url_fetcher=fetcher,
    )
    text_pdf = document.write_pdf(pdf_variant="pdf/a-3b", attachments=[attachment])
    report(80)
    return _lay_diagram_under(text_pdf, diagram_pdf, placeholder_pages)


def _lay_diagram_under(text_pdf: bytes, diagram_pdf: bytes, placeholder_pages: list[int]) -> bytes:
    """Put each diagram page under its placeholder page; keep everything else as written."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf)))
    diagram = PdfReader(io.BytesIO(diagram_pdf))
    for page_index, diagram_page in zip(placeholder_pages, diagram.pages, strict=False):
        writer.pages[page_index].merge_transformed_page(diagram_page, Transformation(), over=False)
    # WeasyPrint lists the attachment twice in /AF (from the name tree and the file spec).
    root = writer.root_object
    if "/AF" in root:
        unique: dict[int, Any] = {}
        for reference in cast(ArrayObject, root["/AF"]):
            unique.setdefault(reference.idnum, reference)
        root[NameObject("/AF")] = ArrayObject(unique.values())
    # pypdf names itself the producer; keep the one the XMP metadata already states.
    info = PdfReader(io.BytesIO(text_pdf)).metadata
    producer = info.get("/Producer") if info else None
    if producer:
        writer.add_metadata({"/Producer": producer})
    writer.pdf_header = b"%PDF-1.7"  # PDF/A-3 is based on PDF 1.7
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
