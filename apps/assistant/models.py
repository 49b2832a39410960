"""A workspace's lint configuration: which rules run and at what severity."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.accounts.models import Workspace


class LintConfig(models.Model):
    """Per-rule levels (`off`, `info`, `warning`, `error`) overriding the rules' defaults.

    Only overrides are stored, so a rule added later runs at its default until someone
    chooses otherwise.
    """

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="lint_config"
    )
    rules = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"lint config of workspace {self.workspace_id}"


class LintStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class LintComputedBy(models.TextChoices):
    JOB = "job", "the background job after the version was saved"
    EXPORT = "export", "an audit-pack export, before the background job had run"


class VersionLintReport(models.Model):
    """The lint result of one saved version, computed once for its content.

    A row of its own, never a field of the version: approved versions are immutable. The
    workspace's rule levels and the day are recorded when the version is saved, so whenever the
    job runs (or reruns after a lost worker) it checks what the workspace asked for then.
    """

    version = models.OneToOneField(
        "diagrams.DiagramVersion", on_delete=models.CASCADE, related_name="lint_report"
    )
    status = models.CharField(max_length=16, choices=LintStatus.choices, default=LintStatus.QUEUED)
    # The per-rule overrides in force when the version was saved (see LintConfig.rules).
    config = models.JSONField(default=dict)
    # The day review-by dates are compared with: the day the version was saved.
    checked_on = models.DateField()
    content_hash = models.CharField(max_length=64, blank=True, default="")
    rules_version = models.CharField(max_length=40, blank=True, default="")
    findings = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    computed_by = models.CharField(max_length=16, choices=LintComputedBy.choices, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"lint report of version {self.version_id} ({self.status})"

    def is_current_for(self, content_hash: str) -> bool:
        """Done, and for exactly this content: running again would give the same findings."""
        return self.status == LintStatus.DONE and self.content_hash == content_hash
