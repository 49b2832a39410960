"""The append-only, hash-chained audit trail: each event commits to the one before it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.accounts.models import Workspace


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64)
    diagram_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["workspace_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["workspace", "seq"], name="uniq_audit_seq")]

    def __str__(self) -> str:
        return f"{self.workspace_id}#{self.seq} {self.action}"
