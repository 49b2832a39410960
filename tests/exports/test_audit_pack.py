"""The audit pack: cover, diagram, procedure, history, signatures, trail, on every page the
header, footer and watermark, metadata, the version's JSON inside, PDF/A-3b structures."""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from apps.diagrams import services as diagram_services
from apps.diagrams.diff import diff_documents
from apps.diagrams.models import Diagram
from apps.exports.services import export_render, export_source_get
from tests.exports.documents import pdf_tool, pdftotext, squash

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(fraud_diagram: Diagram, editor: Any) -> dict[str, Any]:
    """Version 1 from the template; version 2 renames a step and adds a fallback; then 3."""
    first = diagram_services.diagram_version_create(
        diagram=fraud_diagram, user=editor, message="Initial SOP"
    )
    changed = copy.deepcopy(first.content)
    node = next(n for n in changed["nodes"] if n["id"] == "score-txn")
    node["label"] = "Score card transaction"
    node["fields"]["timeoutMs"] = 45
    diagram_services.diagram_content_replace(diagram=fraud_diagram, user=editor, content=changed)
    second = diagram_services.diagram_version_create(
        diagram=fraud_diagram, user=editor, message="Tighter timeout"
    )
    return {"diagram": fraud_diagram, "first": first, "second": second, "editor": editor}


def _pack(diagram: Diagram, version: int | None, **options: str) -> bytes:
    source = export_source_get(diagram=diagram, version=version)
    rendered = export_render(
        source=source,
        export_format="audit-pack",
        options={"paper": "A4", "orientation": "landscape", "fit": "page", **options},
        generated_by="auditor",
    )
    assert rendered.download_name.endswith("-audit-pack.pdf")
    return rendered.data


def _watermarks(data: bytes) -> list[str]:
    """The diagonal word on each page (poppler skips diagonal text; pypdf reads it)."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        words = re.findall(r"\b(DRAFT|SUPERSEDED|NOT A VERSION)\b", page.extract_text())
        found.append(words[-1] if words else "")
    return found


def _watermark_pixels(data: bytes, *, page: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "pack.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "50",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
        )
        (image_path,) = Path(folder).glob("page*.png")
        image = Image.open(image_path).convert("RGB")
        colours = image.getcolors(maxcolors=1_000_000) or []
    # #dc2626 at 14 % over white.
    return sum(
        count
        for count, (r, g, b) in colours
        if abs(r - 250) <= 6 and abs(g - 225) <= 8 and abs(b - 225) <= 8
    )


def _pages(data: bytes) -> list[str]:
    count = len(PdfReader(io.BytesIO(data)).pages)
    return [pdftotext(data, "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


def test_every_page_carries_id_version_status_page_numbers_and_watermark(
    history: dict[str, Any],
) -> None:
    diagram = history["diagram"]
    data = _pack(diagram, 2)
    pages = _pages(data)
    assert len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        assert f"SOP-{diagram.pk}" in text, number
        assert "Version 2 · Draft" in text, number
        assert f"Page {number} of {len(pages)}" in text
    assert _watermarks(data) == ["DRAFT"] * len(pages)
    # And it is visibly painted: pale red pixels of the diagonal word on the cover.
    assert _watermark_pixels(data, page=1) > 500


def test_a_version_with_a_later_one_is_marked_superseded(history: dict[str, Any]) -> None:
    diagram = history["diagram"]
    data = _pack(diagram, 1)
    pages = _pages(data)
    assert all("Version 1 · Superseded" in text for text in pages)
    assert _watermarks(data) == ["SUPERSEDED"] * len(pages)


def test_cover_diagram_procedure_history_signatures_and_trail(history: dict[str, Any]) -> None:
    diagram, second = history["diagram"], history["second"]
    data = _pack(diagram, 2)
    pages = _pages(data)
    everything = squash("".join(pages))
    cover = pages[0]
    for fact in (
        "Fraud detection API",
        f"SOP-{diagram.pk}",
        "Version 2",
        "Draft",
        "Effective date",
        "Not effective",
        "Fraud ML team",
        "Tighter timeout",
    ):
        assert fact in cover, fact
    assert second.content_hash in squash(cover)

    diagram_page = next(
        text
        for text in pages
        if text.lstrip().startswith("SOP") and "Diagram" in text and "Legend" in text
    )
    assert squash("Score card transaction") in squash(diagram_page)
    assert "Monitoring" in diagram_page

    # The procedure: numbered by stage, every field, every error and fallback path in words.
    for expected in (
        "1.1Cardtransactionreceived",
        "4.1Scorecardtransaction",
        "Latencybudget(ms):150",
        "Timeout(ms):45",
        "Onerror(“invalidpayload:HTTP400”):goto6.1Returndecisiontogateway(Delivery)",
        "Fallback(“timeout>60ms”):continueat3.2Rulesenginefallback(Model)",
        "Errorandfallbackpaths",
        "Notrecorded:",
    ):
        assert expected in everything, expected

    changes = diff_documents(history["first"].content, second.content)
    assert "Changesfromversion1toversion2" in everything
    for change in changes:
        assert squash(change.summary) in everything, change.summary
    assert "Notapproved" in everything
    assert "Audittrailexcerpt" in everything and "version.created" in everything
    assert "diagram.created" in everything


def test_metadata_and_the_attached_version_json(history: dict[str, Any]) -> None:
    diagram, second = history["diagram"], history["second"]
    data = _pack(diagram, 2)
    info = pdf_tool("pdfinfo", data)
    assert f"Title:           Fraud detection API — SOP-{diagram.pk} Version 2" in info
    assert "Author:          Fraud ML team" in info
    assert f"Subject:         Audit pack of SOP-{diagram.pk} version 2 (Draft)" in info
    reader = PdfReader(io.BytesIO(data))
    attachments = reader.attachments
    assert len(attachments) == 1
    ((name, contents),) = attachments.items()
    assert name.endswith("-v2.json")
    assert json.loads(contents[0]) == second.content


def test_pdf_a_3b_structures_are_present(history: dict[str, Any]) -> None:
    data = _pack(history["diagram"], 2, fit="tile")
    assert data.startswith(b"%PDF-1.7")
    assert "No syntax or stream encoding errors" in pdf_tool("qpdf", data, "--check")
    fonts = pdf_tool("pdffonts", data).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    # The XMP metadata says what the Info dictionary says (PDF/A requires them to agree).
    info = reader.metadata
    assert info is not None
    assert f'<rdf:li xml:lang="x-default">{info["/Title"]}</rdf:li>' in xmp
    assert f"<rdf:li>{info['/Author']}</rdf:li>" in xmp
    assert f'pdf:Producer="{info["/Producer"]}"' in xmp
    assert f"<xmp:CreatorTool>{info['/Creator']}</xmp:CreatorTool>" in xmp
    assert "<xmp:CreateDate>" in xmp and "/CreationDate" in info
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    assert reader.trailer.get("/ID")
    (spec,) = [ref.get_object() for ref in root["/AF"]]
    assert spec["/AFRelationship"] == "/Source"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_the_live_document_is_marked_as_not_a_version(history: dict[str, Any]) -> None:
    data = _pack(history["diagram"], None)
    pages = _pages(data)
    assert all("Live document" in text for text in pages)
    assert _watermarks(data) == ["NOT A VERSION"] * len(pages)
    assert "Changes from version 2 to live document" in "".join(pages)
