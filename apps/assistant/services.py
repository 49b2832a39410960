"""Assistant operations: validate a diagram, configure a workspace's lint rules, lint every
saved version."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ROLE_CAN_MANAGE
from apps.accounts.selectors import membership_role
from apps.assistant.lint import LEVELS, LintReport, finding_json, lint_document
from apps.assistant.models import LintComputedBy, LintConfig, LintStatus, VersionLintReport
from apps.assistant.rules import RULE_BY_ID, RULES
from apps.assistant.selectors import LintConfigView, lint_config_get, lint_overrides
from apps.common.errors import NotFound, PermissionDenied, ValidationFailed
from apps.diagrams.models import DiagramVersion
from apps.diagrams.schema import SopDiagram, content_parse, content_read
from apps.diagrams.selectors import diagram_content_get, diagram_get_for_user


def diagram_validate(
    *, user: User, diagram_id: int, content: Any | None = None, today: date | None = None
) -> LintReport:
    """Lint the live document, or `content` (checked against the schema first) instead of it,
    with the workspace's rule configuration; any member may, others get a 404."""
    diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
    document = (
        content_parse(content) if content is not None else diagram_content_get(diagram=diagram)
    )
    return lint_document(
        document, config=lint_overrides(workspace_id=diagram.workspace_id), today=today
    )


def _checked_levels(rules: Any) -> dict[str, str | None]:
    if not isinstance(rules, Mapping):
        raise ValidationFailed("rules must be an object of rule id to level.", field="rules")
    checked: dict[str, str | None] = {}
    for rule_id, level in rules.items():
        if rule_id not in RULE_BY_ID:
            raise ValidationFailed(
                f"Unknown rule {rule_id!r}; GET /api/assistant/rules lists them.",
                field=f"rules.{rule_id}",
            )
        if level is not None and level not in LEVELS:
            raise ValidationFailed(
                f"The level of {rule_id} must be one of {', '.join(LEVELS)}, or null for the "
                "rule's default.",
                field=f"rules.{rule_id}",
            )
        checked[str(rule_id)] = level
    return checked


@transaction.atomic
def lint_config_update(*, user: User, workspace_id: int, rules: Any) -> LintConfigView:
    """Change rule levels for a workspace (owners only); `null` restores a rule's default."""
    role = membership_role(user=user, workspace_id=workspace_id)
    if role is None:
        raise NotFound("Workspace not found.")
    if role not in ROLE_CAN_MANAGE:
        raise PermissionDenied("Only a workspace owner can change the lint configuration.")
    changes = _checked_levels(rules)
    config, _ = LintConfig.objects.select_for_update().get_or_create(workspace_id=workspace_id)
    merged = dict(config.rules)
    for rule_id, level in changes.items():
        if level is None or level == RULE_BY_ID[rule_id].severity.value:
            merged.pop(rule_id, None)
        else:
            merged[rule_id] = level
    config.rules = dict(sorted(merged.items()))
    config.updated_by = user
    config.save()
    return lint_config_get(user=user, workspace_id=workspace_id)


# Bumped when a rule's check changes what it finds; the fingerprint adds the rule set itself.
RULES_REVISION = 1
RULES_VERSION = (
    f"{RULES_REVISION}-"
    + hashlib.sha256(
        "|".join(f"{rule.id}:{rule.severity.value}:{rule.title}" for rule in RULES).encode()
    ).hexdigest()[:12]
)

logger = logging.getLogger(__name__)


def version_lint_queue(version: DiagramVersion) -> None:
    """Record the lint configuration and day a version is saved with, and lint it once the
    saving transaction commits (runs inside that transaction)."""
    workspace_id = version.diagram.workspace_id
    VersionLintReport.objects.create(
        version=version,
        config=lint_overrides(workspace_id=workspace_id),
        checked_on=timezone.localdate(),
    )

    def enqueue() -> None:
        from apps.assistant.tasks import version_lint_run

        version_lint_run.delay(version.pk)

    # robust: a broker that is down must not fail a version already committed; the audit pack
    # lints the version itself when it finds no result.
    transaction.on_commit(enqueue, robust=True)


def _report_json(document: SopDiagram, report: LintReport) -> list[dict[str, Any]]:
    """The findings as stored, each with the labels of the elements it refers to."""
    nodes = {node.id: node for node in document.nodes}
    edges = {edge.id: edge for edge in document.edges}

    def node_label(node_id: str) -> str:
        node = nodes.get(node_id)
        if node is None:
            return node_id
        return node.label.strip() or f"unnamed {node.kind} step {node.id}"

    def label(ref: str) -> str:
        if ref in edges:
            edge = edges[ref]
            return f"the edge from {node_label(edge.source)} to {node_label(edge.target)}"
        return node_label(ref)

    findings = []
    for finding in report.findings:
        data = finding_json(finding)
        data["labels"] = [label(ref) for ref in finding.refs]
        findings.append(data)
    return findings


def version_lint_execute(
    *, version_id: int, worker: str = "", computed_by: str = LintComputedBy.JOB
) -> VersionLintReport | None:
    """Lint one saved version with the configuration recorded when it was saved; a report
    already done for its content is kept as it is (so a second run changes nothing)."""
    version = DiagramVersion.objects.select_related("diagram").filter(pk=version_id).first()
    if version is None:  # the diagram was deleted before the job ran
        return None
    with transaction.atomic():
        report, _ = VersionLintReport.objects.select_for_update().get_or_create(
            version=version,
            defaults={
                "config": lint_overrides(workspace_id=version.diagram.workspace_id),
                "checked_on": timezone.localdate(),
            },
        )
        if report.is_current_for(version.content_hash):
            return report
        report.status = LintStatus.RUNNING
        report.attempts += 1
        report.worker = worker[:200]
        report.save(update_fields=["status", "attempts", "worker"])
    # The lint runs outside the row lock: a 2,000-step SOP takes a second and readers of the
    # version's status should not wait for it.
    try:
        document = content_read(version.content)
        result = lint_document(document, config=report.config, today=report.checked_on)
        findings = _report_json(document, result)
    except Exception as error:  # a rule's bug is recorded on the report, not retried forever
        logger.exception("linting version %s failed", version_id)
        VersionLintReport.objects.filter(pk=report.pk).exclude(status=LintStatus.DONE).update(
            status=LintStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        report.refresh_from_db()
        return report
    with transaction.atomic():
        locked = VersionLintReport.objects.select_for_update().get(pk=report.pk)
        if locked.is_current_for(version.content_hash):  # another run finished first
            return locked
        locked.status = LintStatus.DONE
        locked.content_hash = version.content_hash
        locked.rules_version = RULES_VERSION
        locked.findings = findings
        locked.counts = result.counts
        locked.computed_by = computed_by
        locked.error = ""
        locked.finished_at = timezone.now()
        locked.save()
    return locked


class LintFindingRecord(TypedDict):
    rule: str
    title: str
    severity: str
    message: str
    labels: list[str]


class LintRecord(TypedDict):
    """A lint result as the audit pack prints it."""

    status: str
    how: str
    counts: dict[str, int]
    findings: list[LintFindingRecord]
    rules_version: str
    config: dict[str, str]
    checked_on: str
    error: str


def _record(
    *,
    status: str,
    how: str,
    counts: Mapping[str, int],
    findings: list[dict[str, Any]],
    config: Mapping[str, str],
    checked_on: date,
    rules_version: str = RULES_VERSION,
    error: str = "",
) -> LintRecord:
    return {
        "status": status,
        "how": how,
        "counts": dict(counts),
        "findings": [
            {
                "rule": str(finding["rule"]),
                "title": RULE_BY_ID[finding["rule"]].title if finding["rule"] in RULE_BY_ID else "",
                "severity": str(finding["severity"]),
                "message": str(finding["message"]),
                "labels": [str(label) for label in finding.get("labels", [])],
            }
            for finding in findings
        ],
        "rules_version": rules_version,
        "config": dict(config),
        "checked_on": checked_on.isoformat(),
        "error": error,
    }


def lint_record_for_pack(
    *, workspace_id: int, version_id: int | None, content: Any, worker: str = ""
) -> LintRecord:
    """The validation summary an audit pack prints: a version's stored report (linting it now,
    and storing that, when the job has not run yet), or the live document linted now."""
    if version_id is None:
        document = content_read(content)
        config = lint_overrides(workspace_id=workspace_id)
        today = timezone.localdate()
        result = lint_document(document, config=config, today=today)
        return _record(
            status=LintStatus.DONE,
            how="live",
            counts=result.counts,
            findings=_report_json(document, result),
            config=config,
            checked_on=today,
        )
    stored = VersionLintReport.objects.filter(version_id=version_id).first()
    content_hash = DiagramVersion.objects.values_list("content_hash", flat=True).get(pk=version_id)
    if stored is None or not stored.is_current_for(content_hash):
        stored = version_lint_execute(
            version_id=version_id, worker=worker, computed_by=LintComputedBy.EXPORT
        )
    if stored is None:
        raise NotFound("Version not found.")
    return _record(
        status=stored.status,
        how=stored.computed_by or LintComputedBy.EXPORT,
        counts=stored.counts if stored.status == LintStatus.DONE else {},
        findings=stored.findings if stored.status == LintStatus.DONE else [],
        config=stored.config,
        checked_on=stored.checked_on,
        rules_version=stored.rules_version or RULES_VERSION,
        error=stored.error,
    )
