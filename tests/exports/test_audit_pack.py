"""The audit pack: cover, diagram, procedure, history, signatures, trail, on every page the
header, footer and watermark, metadata, the version's JSON inside, PDF/A-3b structures."""

from __future__ import annotations

import copy
import html
import io
import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image
from pypdf import PdfReader

from apps.assistant.models import LintComputedBy, LintStatus, VersionLintReport
from apps.assistant.services import lint_config_update, version_lint_execute
from apps.diagrams import services as diagram_services
from apps.diagrams.diff import diff_documents
from apps.diagrams.models import Diagram
from apps.diagrams.selectors import diagram_content_get
from apps.exports.render.auditpack.model import PackInput
from apps.exports.render.auditpack.validation import validation_summary
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


def _validation_page(data: bytes) -> str:
    """The validation summary's text, from its heading to the next part (pages may turn)."""
    text = "".join(_pages(data))
    return text[text.index("Validation summary") : text.index("Revision history")]


def _broken_model_version(diagram: Diagram, editor: Any) -> Any:
    """A version whose model step names no version (SOP008) and an alert no threshold
    (SOP007), its lint job not yet run."""
    content = copy.deepcopy(diagram_content_get(diagram=diagram).as_json())
    node = next(n for n in content["nodes"] if n["id"] == "select-model")
    del node["fields"]["modelVersion"]
    alert = next(n for n in content["nodes"] if n["id"] == "high-risk-alert")
    del alert["fields"]["alertThresholds"]  # SOP007, a warning
    diagram_services.diagram_content_replace(diagram=diagram, user=editor, content=content)
    return diagram_services.diagram_version_create(diagram=diagram, user=editor, message="v1")


def test_the_validation_summary_prints_the_stored_report_in_sentences(
    fraud_diagram: Diagram, editor: Any
) -> None:
    version = _broken_model_version(fraud_diagram, editor)
    report = version_lint_execute(version_id=version.pk)  # as the job after saving does
    assert report is not None and report.counts["error"] == 1
    data = _pack(fraud_diagram, 1)
    page = squash(_validation_page(data))
    counts = report.counts
    assert (
        squash(f"Findings: 1 error, {counts['warning']} warning") in page
        and squash(f"{counts['info']} info finding") in page
    )
    assert (
        squash(
            "SOP008 (error, Model steps name their version): The model step “Select fraud model” "
            "does not name its model version."
        )
        in page
    )
    for finding in report.findings:
        assert squash(f"{finding['rule']} ({finding['severity']}") in page
    assert (
        squash("SOP007 (warning, Alerts have thresholds): The alert “High-risk score alert”")
        in page
    )
    assert squash("Checked by the background job after version 1 was saved") in page
    assert squash("every rule at its default level") in page
    assert "Novalidationresultisrecorded" not in page


def test_a_pack_made_before_the_job_ran_lints_the_version_and_says_so(
    fraud_diagram: Diagram, editor: Any, owner: Any
) -> None:
    lint_config_update(
        user=owner, workspace_id=fraud_diagram.workspace_id, rules={"SOP008": "info"}
    )
    version = _broken_model_version(fraud_diagram, editor)
    assert VersionLintReport.objects.get(version=version).status == LintStatus.QUEUED
    page = squash(_validation_page(_pack(fraud_diagram, 1)))
    assert squash("the background check had not run") in page
    assert squash("SOP008 (info, Model steps name their version)") in page
    assert squash("these rules changed from their default level: SOP008 info") in page
    stored = VersionLintReport.objects.get(version=version)
    assert stored.status == LintStatus.DONE and stored.computed_by == LintComputedBy.EXPORT
    # The job arriving later finds the report done for this content and keeps it.
    assert version_lint_execute(version_id=version.pk).attempts == 1  # type: ignore[union-attr]


def test_a_clean_version_and_the_live_document_say_what_was_checked(
    history: dict[str, Any],
) -> None:
    diagram = history["diagram"]
    clean = squash(_validation_page(_pack(diagram, 2)))
    assert squash("No finding: this version passes every enabled SOP lint rule.") in clean
    live = squash(_validation_page(_pack(diagram, None)))
    assert squash("No finding: this document passes every enabled SOP lint rule.") in live
    assert squash("The live document is not a version, so nothing is stored for it") in live


def _summary_of(validation: Any, version: int | None = 3) -> str:
    """The summary's words as a reader sees them: tags dropped, entities decoded."""
    pack = cast(PackInput, {"version": version, "validation": validation})
    if validation is None:
        del pack["validation"]
    return squash(html.unescape(re.sub(r"<[^>]+>", "", validation_summary(pack))))


def test_a_finding_whose_message_does_not_name_its_element_gets_the_label_added() -> None:
    finding = {
        "rule": "SOP006",
        "title": "Monitoring covers latency, errors, drift and quality",
        "severity": "warning",
        "message": "Monitoring does not cover drift",
        "labels": ["Monitor fraud scoring"],
    }
    validation = {
        "status": "done",
        "how": "job",
        "counts": {"error": 0, "warning": 1, "info": 0},
        "findings": [finding],
        "rules_version": "1-abc",
        "config": {"SOP015": "off"},
        "checked_on": "2026-12-01",
        "error": "",
    }
    text = _summary_of(validation)
    assert squash("Findings: 0 errors, 1 warning and 0 info findings.") in text
    assert (
        squash(
            "SOP006 (warning, Monitoring covers latency, errors, drift and quality): Monitoring does "
            "not cover drift. It concerns “Monitor fraud scoring”."
        )
        in text
    )
    assert squash("these rules changed from their default level: SOP015 off") in text


def test_a_failed_check_and_a_pack_without_a_result_say_so() -> None:
    failed = {
        "status": "failed",
        "how": "export",
        "counts": {},
        "findings": [],
        "rules_version": "1-abc",
        "config": {},
        "checked_on": "2026-12-01",
        "error": "RuntimeError: rule crashed",
    }
    assert squash(
        "The SOP lint check of this version could not be completed: RuntimeError: rule crashed."
    ) in _summary_of(failed)
    assert squash("No validation result is recorded for this document.") in _summary_of(
        None, version=None
    )
