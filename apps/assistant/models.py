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
