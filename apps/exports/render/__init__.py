"""Renderers from `sop-diagram/1` to SVG, PNG, PDF, the audit pack, JSON and Mermaid.

This package does not import Django: it runs inside a resource-limited child process
(apps/exports/render/sandbox.py) that gets everything it needs as one JSON request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypedDict


class RenderRequest(TypedDict, total=False):
    format: str
    content: dict[str, Any]
    options: dict[str, Any]
    title: str
    subtitle: str
    author: str
    subject: str
    note: str
    pack: dict[str, Any]


def json_export(content: dict[str, Any]) -> bytes:
    """The document as readable JSON; sorted keys, so it is stable and diffs well."""
    return (json.dumps(content, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def render_export(request: RenderRequest, progress: Callable[[int], None] | None = None) -> bytes:
    """Render one export to bytes; `progress` hears percentages along the way."""
    report = progress or (lambda _: None)
    kind = request["format"]
    content = request["content"]
    options = request.get("options") or {}
    if kind == "json":
        return json_export(content)
    if kind == "mermaid":
        from apps.exports.render.mermaid import render_mermaid

        return render_mermaid(content, note=request.get("note", "")).encode()
    if kind == "audit-pack":
        from apps.exports.render.auditpack import PackInput, render_audit_pack

        pack: PackInput = request["pack"]  # type: ignore[assignment]
        return render_audit_pack(
            pack,
            paper=options["paper"],
            orientation=options["orientation"],
            fit=options["fit"],
            progress=report,
        )
    from apps.exports.render.svg import SvgOptions, build_svg

    document = build_svg(
        content,
        SvgOptions(
            title=request.get("title", ""),
            subtitle=request.get("subtitle", ""),
            tooltips=kind == "svg",
        ),
    )
    report(40)
    if kind == "svg":
        return document.text().encode("utf-8")
    if kind == "png":
        from apps.exports.render.pdf import diagram_png

        return diagram_png(document, scale=float(options.get("scale", 1)))
    if kind == "pdf":
        from apps.exports.render.pdf import PdfText, diagram_pdf

        data, _ = diagram_pdf(
            document,
            paper=options["paper"],
            orientation=options["orientation"],
            fit=options["fit"],
            text=PdfText(
                title=request.get("title", ""),
                subtitle=request.get("subtitle", ""),
                author=request.get("author", ""),
                subject=request.get("subject", ""),
            ),
        )
        return data
    raise ValueError(f"unknown export format {kind!r}")
