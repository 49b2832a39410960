"""`manage.py export_diagram` writes the same exports for scripts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram
from tests.exports.documents import pdftotext

pytestmark = pytest.mark.django_db


def test_export_a_version_as_a_pdf_file(
    fraud_diagram: Diagram, editor: Any, tmp_path: Path
) -> None:
    diagram_services.diagram_version_create(diagram=fraud_diagram, user=editor, message="v1")
    out = tmp_path / "sop.pdf"
    call_command(
        "export_diagram",
        str(fraud_diagram.pk),
        "--format",
        "pdf",
        "--version",
        "1",
        "--out",
        str(out),
        "--paper",
        "Letter",
        "--orientation",
        "portrait",
    )
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612)
    text = pdftotext(out.read_bytes())
    assert f"SOP-{fraud_diagram.pk} · version 1" in text


def test_export_the_live_document_as_json(fraud_diagram: Diagram, tmp_path: Path) -> None:
    out = tmp_path / "sop.json"
    call_command("export_diagram", str(fraud_diagram.pk), "--format", "json", "--out", str(out))
    assert json.loads(out.read_text())["meta"]["title"] == "Fraud detection API"


def test_mistakes_are_reported_not_raised(fraud_diagram: Diagram, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Version 4 of this diagram does not exist"):
        call_command(
            "export_diagram",
            str(fraud_diagram.pk),
            "--format",
            "svg",
            "--version",
            "4",
            "--out",
            str(tmp_path / "x.svg"),
        )
    with pytest.raises(CommandError, match="Diagram 999999 does not exist"):
        call_command("export_diagram", "999999", "--format", "svg", "--out", str(tmp_path / "x"))
