"""Exports and imports: request an export job, run it, render for scripts, import JSON or
Mermaid. Exports only read a diagram (any member may ask); imports write through the
diagrams services like every other change."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import Role, Workspace
from apps.accounts.selectors import membership_role
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.common.errors import NotFound, ValidationFailed
from apps.diagrams import live
from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import content_hash, content_parse
from apps.diagrams.selectors import version_get
from apps.exports.interchange import json_read, mermaid_read
from apps.exports.models import ExportFormat, ExportJob, ExportStatus
from apps.exports.render import RenderRequest
from apps.exports.runner import RenderFailed, export_limits, render_sandboxed

logger = logging.getLogger(__name__)

OPTION_CHOICES: dict[str, tuple[Any, ...]] = {
    "paper": ("A4", "A3", "Letter"),
    "orientation": ("portrait", "landscape"),
    "fit": ("page", "tile"),
    "scale": (1, 2),
}
DEFAULT_OPTIONS: dict[str, Any] = {
    "paper": "A4",
    "orientation": "landscape",
    "fit": "page",
    "scale": 1,
}
# The options that change each format's output; the others are kept at their defaults, so
# asking for an SVG "on A3" is the same job as asking for an SVG.
RELEVANT_OPTIONS: dict[str, tuple[str, ...]] = {
    ExportFormat.SVG: (),
    ExportFormat.PNG: ("scale",),
    ExportFormat.PDF: ("paper", "orientation", "fit"),
    ExportFormat.AUDIT_PACK: ("paper", "orientation", "fit"),
    ExportFormat.JSON: (),
    ExportFormat.MERMAID: (),
}
CONTENT_TYPES = {
    ExportFormat.SVG: "image/svg+xml",
    ExportFormat.PNG: "image/png",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.AUDIT_PACK: "application/pdf",
    ExportFormat.JSON: "application/json",
    ExportFormat.MERMAID: "text/plain; charset=utf-8",
}
IMPORT_FORMATS = ("json", "mermaid")


def export_storage() -> FileSystemStorage:
    """Finished exports live under MEDIA_ROOT/exports and are served only by the
    permission-checked download endpoint (MEDIA_URL is not routed)."""
    return FileSystemStorage(location=os.path.join(settings.MEDIA_ROOT, "exports"))


def export_options_normalise(*, export_format: str, options: Any) -> dict[str, Any]:
    """Validate the options and reset those the format ignores to their defaults."""
    if export_format not in RELEVANT_OPTIONS:
        raise ValidationFailed(
            f"Unknown export format {export_format!r}; choose one of "
            f"{', '.join(RELEVANT_OPTIONS)}.",
            field="format",
        )
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ValidationFailed("options must be an object.", field="options")
    unknown = sorted(set(options) - set(OPTION_CHOICES))
    if unknown:
        raise ValidationFailed(f"Unknown option {unknown[0]!r}.", field=f"options.{unknown[0]}")
    normal = dict(DEFAULT_OPTIONS)
    for name, value in options.items():
        choices = OPTION_CHOICES[name]
        if isinstance(value, bool) or value not in choices:
            raise ValidationFailed(
                f"options.{name} must be one of {', '.join(str(c) for c in choices)}.",
                field=f"options.{name}",
            )
        if name in RELEVANT_OPTIONS[export_format]:
            normal[name] = int(value) if name == "scale" else value
    return normal


@dataclass
class ExportSource:
    """What is being exported: a saved version, or the live content at one moment."""

    diagram: Diagram
    version: DiagramVersion | None
    content: dict[str, Any]
    content_hash: str

    @property
    def version_number(self) -> int | None:
        return self.version.number if self.version is not None else None


def export_source_get(
    *, diagram: Diagram, version: int | None, live_content: dict[str, Any] | None = None
) -> ExportSource:
    """Load a version (404 when it does not exist) or the live document."""
    if version is not None:
        saved = version_get(diagram=diagram, number=version)
        return ExportSource(diagram, saved, saved.content, saved.content_hash)
    content = live_content or live.document_load(diagram_id=diagram.pk).to_json()
    return ExportSource(diagram, None, content, content_hash(content))


def _dedupe_key(source: ExportSource, export_format: str, options: dict[str, Any]) -> str:
    version = "live" if source.version is None else str(source.version.number)
    canonical = json.dumps(options, sort_keys=True, separators=(",", ":"))
    raw = f"{source.diagram.pk}|{version}|{source.content_hash}|{export_format}|{canonical}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _stale_after() -> timedelta:
    return timedelta(seconds=export_limits().wall_seconds + 120)


def _enqueue(job: ExportJob) -> None:
    """Send the job to the queue once the transaction that made it visible commits."""
    from apps.exports.tasks import export_job_run

    task_id = job.task_id

    def send() -> None:
        try:
            export_job_run.apply_async(args=[job.pk], task_id=task_id)
        except Exception as exc:  # a broker outage must not turn into a 500 for the caller
            logger.exception("could not queue export job %s", job.pk)
            ExportJob.objects.filter(pk=job.pk, task_id=task_id, status=ExportStatus.QUEUED).update(
                status=ExportStatus.FAILED,
                error=f"The job queue is unavailable ({type(exc).__name__}); try again.",
                updated_at=timezone.now(),
            )

    transaction.on_commit(send)


def _requeue(job: ExportJob) -> ExportJob:
    task_id = uuid.uuid4().hex
    updated = ExportJob.objects.filter(pk=job.pk, updated_at=job.updated_at).update(
        status=ExportStatus.QUEUED,
        progress=0,
        error="",
        task_id=task_id,
        file_name="",
        size=0,
        sha256="",
        finished_at=None,
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    if updated == 1:
        _enqueue(job)
    return job


def _needs_requeue(job: ExportJob) -> bool:
    if job.status == ExportStatus.FAILED:
        return True
    if job.status == ExportStatus.DONE:
        return not (job.file_name and export_storage().exists(job.file_name))
    # Queued or running but silent for longer than any render may take: its message was lost.
    return job.updated_at < timezone.now() - _stale_after()


@transaction.atomic
def export_job_request(
    *,
    diagram: Diagram,
    user: User,
    role: Role,
    export_format: str,
    version: int | None,
    options: Any,
) -> ExportJob:
    """Ask for an export. The same (version, format, options) returns the existing job; a live
    export is keyed by the live content hash. A failed or lost job is queued again."""
    normal = export_options_normalise(export_format=export_format, options=options)
    source = export_source_get(diagram=diagram, version=version)
    key = _dedupe_key(source, export_format, normal)
    existing = ExportJob.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return _requeue(existing) if _needs_requeue(existing) else existing
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                diagram=diagram,
                version_number=source.version_number,
                format=export_format,
                options=normal,
                dedupe_key=key,
                source_hash=source.content_hash,
                live_content=source.content if source.version is None else None,
                requested_by=user,
                task_id=uuid.uuid4().hex,
            )
    except IntegrityError:
        # Someone asked for the same export at the same moment: theirs is ours.
        return ExportJob.objects.get(dedupe_key=key)
    audit_record(
        workspace_id=diagram.workspace_id,
        actor=user,
        action="export.requested",
        diagram_id=diagram.pk,
        data={
            "job": job.pk,
            "format": export_format,
            "version": source.version_number,
            "hash": source.content_hash,
        },
    )
    _enqueue(job)
    return job


# --- rendering ----------------------------------------------------------------------------


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


def _claim(job_id: int, task_id: str) -> bool:
    """Exactly-once start: only a queued job, or this very task's own job after its worker
    died mid-render (the broker redelivers the same task id), may be claimed."""
    claimed = ExportJob.objects.filter(
        Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, task_id=task_id),
        pk=job_id,
    ).update(
        status=ExportStatus.RUNNING,
        task_id=task_id,
        attempts=F("attempts") + 1,
        progress=5,
        error="",
        worker=f"{socket.gethostname()}:{os.getpid()}"[:160],
        started_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return claimed == 1


def _mine(job_id: int, task_id: str) -> Any:
    return ExportJob.objects.filter(pk=job_id, task_id=task_id, status=ExportStatus.RUNNING)


def export_job_execute(*, job_id: int, task_id: str) -> str:
    """Claim, render and store one export job; a duplicate delivery finds nothing to do."""
    if not _claim(job_id, task_id):
        return "skipped"
    job = ExportJob.objects.select_related("diagram", "diagram__workspace", "requested_by").get(
        pk=job_id
    )
    last_reported = [0.0]

    def report(percent: int) -> None:
        now = timezone.now().timestamp()
        if now - last_reported[0] < 0.5 and percent < 90:
            return
        last_reported[0] = now
        _mine(job_id, task_id).update(progress=max(5, min(95, percent)), updated_at=timezone.now())

    try:
        source = export_source_get(
            diagram=job.diagram, version=job.version_number, live_content=job.live_content
        )
        rendered = export_render(
            source=source,
            export_format=job.format,
            options=job.options,
            generated_by=job.requested_by.get_username() if job.requested_by else "unknown",
            progress=report,
        )
    except RenderFailed as exc:
        _mine(job_id, task_id).update(
            status=ExportStatus.FAILED,
            error=exc.reason[:500],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return "failed"
    except Exception as exc:
        logger.exception("export job %s failed", job_id)
        detail = getattr(exc, "detail", "") or "an internal error; it has been logged"
        _mine(job_id, task_id).update(
            status=ExportStatus.FAILED,
            error=f"The export failed: {detail}"[:500],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        return "failed"
    storage = export_storage()
    name = storage.save(
        f"{job.diagram_id}/{job.pk}-{uuid.uuid4().hex[:8]}-{rendered.download_name}",
        ContentFile(rendered.data),
    )
    finished = _mine(job_id, task_id).update(
        status=ExportStatus.DONE,
        progress=100,
        file_name=name,
        download_name=rendered.download_name,
        content_type=rendered.content_type,
        size=len(rendered.data),
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if finished != 1:
        storage.delete(name)  # another attempt took the job over meanwhile
        return "superseded"
    return "done"


# --- imports ------------------------------------------------------------------------------


def import_content_read(*, import_format: str, content: Any, title: str = "") -> dict[str, Any]:
    """Read JSON or Mermaid into validated `sop-diagram/1` content, or say why not (400)."""
    if import_format == "json":
        raw = json_read(content)
        if title:
            meta = raw.get("meta")
            raw = {**raw, "meta": {**(meta if isinstance(meta, dict) else {}), "title": title}}
    elif import_format == "mermaid":
        raw = mermaid_read(content, title=title)
    else:
        raise ValidationFailed(
            f"Unknown import format {import_format!r}; choose json or mermaid.", field="format"
        )
    return content_parse(raw)


@transaction.atomic
def diagram_import_create(
    *, workspace: Workspace, user: User, import_format: str, content: Any, title: str = ""
) -> Diagram:
    """A new diagram holding the imported content (editors and owners only)."""
    role = membership_role(user=user, workspace_id=workspace.pk)
    if role is None:
        raise NotFound("Workspace not found.")
    diagram_services.diagram_require_edit(role=role)
    parsed = import_content_read(import_format=import_format, content=content, title=title)
    diagram = diagram_services.diagram_create(workspace=workspace, user=user, content=parsed)
    audit_record(
        workspace_id=workspace.pk,
        actor=user,
        action="diagram.imported",
        diagram_id=diagram.pk,
        data={"format": import_format, "hash": diagram.content_hash, "into": "new diagram"},
    )
    return diagram


@transaction.atomic
def diagram_import_replace(
    *, diagram: Diagram, user: User, role: Role, import_format: str, content: Any
) -> Diagram:
    """Make an existing diagram's content equal to the import, as one document transaction."""
    diagram_services.diagram_require_edit(role=role)
    parsed = import_content_read(import_format=import_format, content=content)
    result = diagram_services.diagram_content_replace(
        diagram=diagram, user=user, role=role, content=parsed, origin="import"
    )
    audit_record(
        workspace_id=diagram.workspace_id,
        actor=user,
        action="diagram.imported",
        diagram_id=diagram.pk,
        data={
            "format": import_format,
            "hash": content_hash(result.content),
            "changed": result.changed,
            "into": "existing diagram",
        },
    )
    diagram.refresh_from_db()
    return diagram
