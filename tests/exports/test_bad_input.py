"""Hostile and awkward text: the PDFs still render with the text readable, and rendering never
opens a network connection, whatever URLs the document mentions."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from apps.diagrams import services as diagram_services
from apps.diagrams.schema import content_parse
from apps.exports.runner import render_sandboxed
from apps.exports.services import export_render_request, export_source_get
from tests.exports.documents import (
    ARABIC,
    CJK,
    HEBREW,
    LONG_DESCRIPTION,
    SCRIPT_LABEL,
    UNBROKEN,
    body_text,
    hostile_content,
    pdftotext,
    squash,
)

pytestmark = pytest.mark.django_db


def _version_of(content: dict[str, Any], workspace: Any, editor: Any) -> Any:
    diagram = diagram_services.diagram_create(
        workspace=workspace, user=editor, content=content_parse(content)
    )
    diagram_services.diagram_version_create(diagram=diagram, user=editor, message="hostile")
    return diagram


def _render(diagram: Any, export_format: str, version: int | None = 1) -> bytes:
    source = export_source_get(diagram=diagram, version=version)
    options = {"paper": "A4", "orientation": "portrait", "fit": "page", "scale": 1}
    request = export_render_request(
        source=source, export_format=export_format, options=options, generated_by="tester"
    )
    return render_sandboxed(request)


def test_audit_pack_prints_hostile_rtl_cjk_and_long_text_readably(
    workspace: Any, editor: Any
) -> None:
    diagram = _version_of(hostile_content(), workspace, editor)
    # Leave out what repeats on each page a long row runs over: the table's header row and
    # the letters of the diagonal watermark, which pdftotext reads one by one.
    furniture = {"#", "Step", "Details, fields and paths", *"DRAFT"}
    lines = body_text(_render(diagram, "audit-pack")).splitlines()
    text = squash("".join(line for line in lines if line.strip() not in furniture))
    for expected in (SCRIPT_LABEL, HEBREW, ARABIC, CJK, LONG_DESCRIPTION, UNBROKEN):
        assert squash(expected) in text, expected[:40]
    assert squash("bell nul esc vt done") in text
    assert squash('<b onclick="steal()">Owner 1</b>') in text
    assert squash("javascript:alert(2)") in text


def test_diagram_pdf_draws_rtl_in_reading_order_and_cjk_with_a_cjk_font(
    workspace: Any, editor: Any
) -> None:
    diagram = _version_of(hostile_content(), workspace, editor)
    data = _render(diagram, "pdf")
    text = squash(pdftotext(data))
    # Right-to-left words come out in logical order: they were drawn in visual order.
    assert squash(HEBREW) in text
    assert squash(ARABIC) in text
    assert squash(CJK) in text
    assert squash("<script>") in text
    fonts = pdftotext(data, "-f", "1", "-l", "1")  # the page renders
    assert fonts


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP server on loopback that records every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                peer, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            peer.settimeout(1)
            try:
                connections.append(peer.recv(1024) or b"(connected)")
            except OSError:
                connections.append(b"(connected)")
            peer.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    yield f"http://127.0.0.1:{port}/", connections
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_rendering_never_fetches_a_url_the_document_mentions(
    workspace: Any, editor: Any, listener: tuple[str, list[bytes]]
) -> None:
    url, connections = listener
    diagram = _version_of(hostile_content(url), workspace, editor)
    for export_format in ("svg", "png", "pdf", "audit-pack", "json", "mermaid"):
        data = _render(diagram, export_format)
        assert data
    svg = _render(diagram, "svg").decode()
    assert url in svg  # the URL is there, as text
    assert not re.search(r"<[^>]*\shref=", svg)  # no tag links anywhere
    # The listener works: a real fetch is recorded (so silence above means none was made).
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/")))) as probe:
        probe.sendall(b"GET /probe HTTP/1.0\r\n\r\n")
    deadline = threading.Event()
    for _ in range(20):
        if connections:
            break
        deadline.wait(0.1)
    assert connections == [b"GET /probe HTTP/1.0\r\n\r\n"]
