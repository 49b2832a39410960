"""Read-side queries for the assistant: a workspace's lint configuration, versions' lint
status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.contrib.auth.models import AnonymousUser, User

from apps.accounts.selectors import membership_role
from apps.assistant.models import LintConfig, LintStatus, VersionLintReport
from apps.assistant.rules import RULES
from apps.common.errors import NotFound


@dataclass(frozen=True)
class LintConfigView:
    workspace_id: int
    rules: dict[str, str]
    updated_at: datetime | None

    @property
    def effective(self) -> dict[str, str]:
        """Every rule's level in this workspace: its override, else its default severity."""
        return {rule.id: self.rules.get(rule.id, rule.severity.value) for rule in RULES}


def lint_overrides(*, workspace_id: int) -> dict[str, str]:
    """The workspace's per-rule levels (only the ones changed from the defaults)."""
    config = LintConfig.objects.filter(workspace_id=workspace_id).values_list("rules", flat=True)
    stored = config.first()
    return dict(stored) if isinstance(stored, dict) else {}


def lint_config_get(*, user: User | AnonymousUser, workspace_id: int) -> LintConfigView:
    """The workspace's lint configuration; any member may read it, others get a 404."""
    if membership_role(user=user, workspace_id=workspace_id) is None:
        raise NotFound("Workspace not found.")
    config = LintConfig.objects.filter(workspace_id=workspace_id).first()
    if config is None:
        return LintConfigView(workspace_id=workspace_id, rules={}, updated_at=None)
    return LintConfigView(
        workspace_id=workspace_id, rules=dict(config.rules), updated_at=config.updated_at
    )


class VersionLintSummary(TypedDict):
    status: str
    counts: dict[str, int] | None


# A version saved before versions were linted has no report.
NOT_CHECKED: VersionLintSummary = {"status": "none", "counts": None}


def version_lint_summaries(*, version_ids: Iterable[int]) -> dict[int, VersionLintSummary]:
    """Each version's lint status and, once done, its counts, in one query."""
    rows = VersionLintReport.objects.filter(version_id__in=list(version_ids)).values_list(
        "version_id", "status", "counts"
    )
    return {
        version_id: {
            "status": status,
            "counts": dict(counts) if status == LintStatus.DONE else None,
        }
        for version_id, status, counts in rows
    }


def version_lint_summary(*, version_id: int) -> VersionLintSummary:
    """One version's lint status and, once done, its counts."""
    return version_lint_summaries(version_ids=[version_id]).get(version_id, NOT_CHECKED)
