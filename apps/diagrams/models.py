"""Diagrams, their append-only Yjs update log, and immutable versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.accounts.models import Workspace


class DiagramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


class Diagram(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="diagrams")
    # Denormalised from the live document's meta so lists can search and sort without Yjs.
    title = models.CharField(max_length=200, default="Untitled SOP")
    mode = models.CharField(max_length=16, default="realtime")
    status = models.CharField(max_length=16, choices=DiagramStatus.choices, default="draft")
    template = models.CharField(max_length=64, blank=True, default="")
    node_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The compacted Yjs state; pending updates live in DiagramUpdate until the next compaction.
    snapshot = models.BinaryField(default=b"")
    snapshot_updates = models.PositiveBigIntegerField(default=0)
    # The last version number handed out; read and bumped under the row lock, so gapless.
    version_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-updated_at"])]

    def __str__(self) -> str:
        return self.title


class DiagramUpdate(models.Model):
    """One accepted Yjs update, appended before it is broadcast; never edited."""

    id = models.BigAutoField(primary_key=True)
    diagram = models.ForeignKey(Diagram, on_delete=models.CASCADE, related_name="updates")
    data = models.BinaryField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    origin = models.CharField(max_length=32, default="api")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["diagram", "id"])]

    def __str__(self) -> str:
        return f"update {self.pk} of diagram {self.diagram_id}"


class DiagramVersion(models.Model):
    """An immutable, numbered copy of the content; approved ones are signed by hash."""

    diagram = models.ForeignKey(Diagram, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    message = models.CharField(max_length=500, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    ystate = models.BinaryField()
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["diagram", "number"], name="uniq_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.diagram_id} v{self.number}"
