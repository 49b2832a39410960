"""Running the rules over a document, with a workspace's configuration applied."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.utils import timezone

from apps.assistant.changeset import changeset_json
from apps.assistant.rules import RULES, SEVERITY_RANK, Finding, LintContext, Severity
from apps.diagrams.schema import SopDiagram

Level = Literal["off", "info", "warning", "error"]
LEVELS: tuple[str, ...] = ("off", "info", "warning", "error")


@dataclass(frozen=True)
class LintReport:
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if SEVERITY_RANK[f.severity] <= SEVERITY_RANK[severity]]


def lint_document(
    document: SopDiagram,
    *,
    config: Mapping[str, str] | None = None,
    today: date | None = None,
) -> LintReport:
    """Every enabled rule's findings on the document, most severe first.

    `config` maps rule ids to a level (`off` skips the rule, the others replace its default
    severity); `today` decides whether a review-by date has passed.
    """
    context = LintContext(document, today=today or timezone.localdate())
    overrides = config or {}
    findings: list[Finding] = []
    for rule in RULES:
        level = overrides.get(rule.id, rule.severity.value)
        if level == "off":
            continue
        severity = Severity(level)
        findings.extend(
            Finding(
                rule=rule.id,
                severity=severity,
                message=draft.message,
                refs=draft.refs,
                fix=draft.fix,
            )
            for draft in rule.check(context)
        )
    findings.sort(key=lambda finding: (SEVERITY_RANK[finding.severity], finding.rule))
    return LintReport(findings=findings)


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as the API and the command line print it; `fix` only where one exists."""
    data: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "refs": list(finding.refs),
    }
    if finding.fix is not None:
        data["fix"] = changeset_json(finding.fix)
    return data
