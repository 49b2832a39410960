"""What an export renders: its source (a version or the live content), the one JSON request the
render child gets, file names, and rendering for scripts and jobs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.text import slugify

from apps.assistant.services import lint_record_for_pack
from apps.audit.models import AuditEvent
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import SopDiagramJson, content_hash, content_read
from apps.diagrams.selectors import diagram_content_get, version_get
from apps.exports.models import ExportFormat
from apps.exports.render import RenderRequest
from apps.exports.runner import render_sandboxed
from apps.exports.services.options import export_options_normalise

CONTENT_TYPES = {
    ExportFormat.SVG: "image/svg+xml",
    ExportFormat.PNG: "image/png",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.AUDIT_PACK: "application/pdf",
    ExportFormat.JSON: "application/json",
    ExportFormat.MERMAID: "text/plain; charset=utf-8",
}


def export_storage() -> FileSystemStorage:
    """Finished exports live under MEDIA_ROOT/exports and are served only by the
    permission-checked download endpoint (MEDIA_URL is not routed)."""
    return FileSystemStorage(location=os.path.join(settings.MEDIA_ROOT, "exports"))


@dataclass
class ExportSource:
    """What is being exported: a saved version, or the live content at one moment."""

    diagram: Diagram
    version: DiagramVersion | None
    # The renderers read the JSON projection of the validated document.
    content: SopDiagramJson
    content_hash: str

    @property
    def version_number(self) -> int | None:
        return self.version.number if self.version is not None else None


def export_source_get(
    *, diagram: Diagram, version: int | None, live_content: dict[str, Any] | None = None
) -> ExportSource:
    """Load a version (404 when it does not exist) or the live document (or the live content
    a job froze when it was asked for), read through the schema."""
    if version is not None:
        saved = version_get(diagram=diagram, number=version)
        # The hash stays the version's own: it is what was saved and signed.
        return ExportSource(
            diagram, saved, content_read(saved.content).as_json(), saved.content_hash
        )
    content = content_read(live_content) if live_content else diagram_content_get(diagram=diagram)
    return ExportSource(diagram, None, content.as_json(), content_hash(content))


def _document_id(diagram: Diagram) -> str:
    return f"SOP-{diagram.pk}"


def _version_phrase(source: ExportSource) -> str:
    if source.version is None:
        return "live document (not a version)"
    return f"version {source.version.number}"


def export_download_name(source: ExportSource, export_format: str, options: dict[str, Any]) -> str:
    title = str((source.content.get("meta") or {}).get("title") or source.diagram.title)
    slug = slugify(title)[:60] or "sop"
    which = (
        f"v{source.version.number}"
        if source.version is not None
        else f"live-{source.content_hash[:8]}"
    )
    stem = f"{slug}-{_document_id(source.diagram).lower()}-{which}"
    if export_format == ExportFormat.PNG:
        return f"{stem}{'@2x' if options.get('scale') == 2 else ''}.png"
    extension = {
        ExportFormat.SVG: "svg",
        ExportFormat.PDF: "pdf",
        ExportFormat.AUDIT_PACK: "pdf",
        ExportFormat.JSON: "json",
        ExportFormat.MERMAID: "mmd",
    }[ExportFormat(export_format)]
    if export_format == ExportFormat.AUDIT_PACK:
        stem += "-audit-pack"
    return f"{stem}.{extension}"


def _utc(moment: Any) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _pack_input(source: ExportSource, *, generated_by: str) -> dict[str, Any]:
    """Everything the audit pack prints, read from the database now."""
    diagram = source.diagram
    versions = list(
        DiagramVersion.objects.filter(diagram=diagram)
        .select_related("author")
        .defer("ystate")
        .order_by("number")
    )
    number = source.version_number
    if number is None:
        status, watermark = "Live document — not a version", "NOT A VERSION"
        history = versions
        previous = versions[-1] if versions else None
    else:
        later = any(v.number > number for v in versions)
        status, watermark = ("Superseded", "SUPERSEDED") if later else ("Draft", "DRAFT")
        history = [v for v in versions if v.number <= number]
        previous = next((v for v in reversed(history) if v.number < number), None)
    meta = source.content.get("meta") or {}
    creator = diagram.created_by.get_username() if diagram.created_by else ""
    events = list(
        AuditEvent.objects.filter(
            workspace_id=diagram.workspace_id, diagram_id=diagram.pk
        ).order_by("-seq")[:200]
    )
    now = timezone.now()
    saved = source.version
    return {
        "document_id": _document_id(diagram),
        "workspace": diagram.workspace.name,
        "title": str(meta.get("title") or diagram.title),
        "version": number,
        "status": status,
        "watermark": watermark,
        "effective_date": "",
        "saved_at": _utc(saved.created_at) if saved else "",
        "saved_by": (saved.author.get_username() if saved and saved.author else "")
        or ("" if saved is None else "unknown"),
        "message": saved.message if saved else "",
        "owner": str(meta.get("owner") or creator),
        "content_hash": source.content_hash,
        "generated_at": _utc(now),
        "generated_iso": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generated_by": generated_by,
        "content": source.content,
        "previous": {"number": previous.number, "content": previous.content} if previous else None,
        "versions": [
            {
                "number": v.number,
                "created_at": _utc(v.created_at),
                "author": v.author.get_username() if v.author else "unknown",
                "message": v.message,
                "content_hash": v.content_hash,
            }
            for v in history
        ],
        "events": [
            {
                "seq": e.seq,
                "time": _utc(e.created_at),
                "actor": e.actor_name,
                "action": e.action,
                "data": e.data if isinstance(e.data, dict) else {"value": e.data},
                "hash": e.hash,
            }
            for e in reversed(events)
        ],
        "attachment_name": export_download_name(source, ExportFormat.JSON, {}),
        # The version's stored lint report; linted here when its job has not run yet.
        "validation": lint_record_for_pack(
            workspace_id=diagram.workspace_id,
            version_id=saved.pk if saved else None,
            content=source.content,
        ),
    }


def export_render_request(
    *, source: ExportSource, export_format: str, options: dict[str, Any], generated_by: str
) -> RenderRequest:
    """The one JSON request the render child needs; it never touches the database."""
    meta = source.content.get("meta") or {}
    title = str(meta.get("title") or source.diagram.title)
    subtitle = (
        f"{_document_id(source.diagram)} · {_version_phrase(source)} · "
        f"content hash {source.content_hash[:12]}"
    )
    if source.version is not None:
        subtitle += f" · saved {_utc(source.version.created_at)}"
    else:
        subtitle += f" · exported {_utc(timezone.now())}"
    request: RenderRequest = {
        "format": export_format,
        "content": source.content,
        "options": options,
        "title": title,
        "subtitle": subtitle,
        "author": str(meta.get("owner") or ""),
        "subject": f"{_document_id(source.diagram)} {_version_phrase(source)}",
        "note": f"{_document_id(source.diagram)} {_version_phrase(source)}",
    }
    if export_format == ExportFormat.AUDIT_PACK:
        request["pack"] = _pack_input(source, generated_by=generated_by)
    return request


@dataclass
class RenderedExport:
    data: bytes
    download_name: str
    content_type: str


def export_render(
    *,
    source: ExportSource,
    export_format: str,
    options: Any,
    generated_by: str,
    progress: Any = None,
) -> RenderedExport:
    """Render an export now (for scripts and for jobs), in the resource-limited child."""
    normal = export_options_normalise(export_format=export_format, options=options)
    request = export_render_request(
        source=source, export_format=export_format, options=normal, generated_by=generated_by
    )
    data = render_sandboxed(request, progress=progress)
    return RenderedExport(
        data=data,
        download_name=export_download_name(source, export_format, normal),
        content_type=CONTENT_TYPES[ExportFormat(export_format)],
    )
