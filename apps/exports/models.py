"""Export jobs: one row per (diagram, version or live content, format, options)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.diagrams.models import Diagram


class ExportFormat(models.TextChoices):
    SVG = "svg", "SVG"
    PNG = "png", "PNG"
    PDF = "pdf", "PDF"
    AUDIT_PACK = "audit-pack", "Audit pack (PDF)"
    JSON = "json", "JSON (sop-diagram/1)"
    MERMAID = "mermaid", "Mermaid flowchart"


class ImportFormat(models.TextChoices):
    JSON = "json", "JSON (sop-diagram/1)"
    MERMAID = "mermaid", "Mermaid flowchart"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    """A requested export and, once done, where its file is. Rows are claimed and finished
    with conditional UPDATEs, never by read-modify-write, so two deliveries cannot both run."""

    id = models.BigAutoField(primary_key=True)
    diagram = models.ForeignKey(Diagram, on_delete=models.CASCADE, related_name="export_jobs")
    # None: the live document at request time (its content is frozen in live_content).
    version_number = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=16, choices=ExportFormat.choices)
    options = models.JSONField(default=dict)
    # sha256 of (diagram, version or "live", content hash, format, options): one job each.
    dedupe_key = models.CharField(max_length=64, unique=True)
    source_hash = models.CharField(max_length=64)
    live_content = models.JSONField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id of the current attempt: a redelivery of that task may re-claim it.
    task_id = models.CharField(max_length=64, blank=True, default="")
    worker = models.CharField(max_length=160, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True, default="")
    download_name = models.CharField(max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["diagram", "-created_at"])]

    def __str__(self) -> str:
        return f"export {self.pk} {self.format} of diagram {self.diagram_id}"
