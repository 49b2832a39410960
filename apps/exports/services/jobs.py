"""Export jobs: ask for one (idempotently), and run one exactly once per delivery."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.accounts.selectors import membership_role
from apps.audit.services import audit_record
from apps.common.errors import NotFound
from apps.diagrams.models import Diagram
from apps.exports.models import ExportJob, ExportStatus
from apps.exports.runner import RenderFailed, export_limits
from apps.exports.services.options import export_options_normalise
from apps.exports.services.rendering import (
    ExportSource,
    export_render,
    export_source_get,
    export_storage,
)

logger = logging.getLogger(__name__)


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
    stale_file = job.file_name
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
        if stale_file:
            export_storage().delete(stale_file)
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
    export_format: str,
    version: int | None,
    options: Any,
) -> ExportJob:
    """Ask for an export. The same (version, format, options) returns the existing job; a live
    export is keyed by the live content hash. A failed or lost job is queued again.

    Every member may export (it only reads); anyone else is told the diagram does not exist."""
    if membership_role(user=user, workspace_id=diagram.workspace_id) is None:
        raise NotFound("Diagram not found.")
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
