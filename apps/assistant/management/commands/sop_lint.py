"""`manage.py sop_lint FILE… [--format text|json|sarif] [--fail-on error|warning]`: the SOP
lint for teams that keep SOPs as `sop-diagram/1` JSON in git.

Exit codes: 0 clean, 1 a finding at or above `--fail-on`, 2 a file that cannot be read or is not
a valid `sop-diagram/1` document (the other files are still linted and reported).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.assistant.lint import LEVELS, LintReport, finding_json, lint_document
from apps.assistant.rules import RULE_BY_ID, RULES, Severity
from apps.common.errors import ServiceError
from apps.common.parsers import strict_json_loads
from apps.diagrams.schema import content_parse

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
# Larger than any document the server accepts (2,000 nodes of full text is a few MiB).
MAX_FILE_BYTES = 32 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    text: str = ""
    report: LintReport | None = None
    error: str = ""


def _read(path: str, *, today: date | None, config: dict[str, str]) -> FileResult:
    result = FileResult(path=path)
    try:
        file = Path(path)
        if file.stat().st_size > MAX_FILE_BYTES:
            result.error = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
            return result
        raw = file.read_bytes()
        result.text = raw.decode("utf-8", errors="replace")
        data = strict_json_loads(raw)
        # A template file carries the document under "content"; an export is the document.
        if (
            isinstance(data, dict)
            and "schema" not in data
            and isinstance(data.get("content"), dict)
        ):
            data = data["content"]
        document = content_parse(data)
    except OSError as exc:
        result.error = exc.strerror or str(exc)
        return result
    except ServiceError as exc:
        # The JSON reader speaks of a request body; here it is a file.
        result.error = exc.detail.replace("The body", "The file")
        return result
    result.report = lint_document(document, config=config, today=today)
    return result


def _line_of(text: str, element_id: str) -> int | None:
    match = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(element_id)), text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _sarif(results: list[FileResult]) -> dict[str, Any]:
    rule_index = {rule.id: index for index, rule in enumerate(RULES)}
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for result in results:
        artifact = {"uri": Path(result.path).as_posix()}
        if result.report is None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{result.path}: {result.error}"},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
                }
            )
            continue
        for finding in result.report.findings:
            physical: dict[str, Any] = {"artifactLocation": artifact}
            line = _line_of(result.text, finding.refs[0]) if finding.refs else None
            if line is not None:
                physical["region"] = {"startLine": line}
            location: dict[str, Any] = {"physicalLocation": physical}
            if finding.refs:
                location["logicalLocations"] = [
                    {"name": ref, "fullyQualifiedName": ref, "kind": "element"}
                    for ref in finding.refs
                ]
            sarif_results.append(
                {
                    "ruleId": finding.rule,
                    "ruleIndex": rule_index[finding.rule],
                    "level": SARIF_LEVEL[finding.severity],
                    "message": {"text": finding.message},
                    "locations": [location],
                }
            )
    return {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sop-lint",
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.name,
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": rule.description},
                                "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
                            }
                            for rule in RULES
                        ],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": sarif_results,
            }
        ],
    }


def _text(results: list[FileResult]) -> str:
    lines: list[str] = []
    totals = {severity.value: 0 for severity in Severity}
    for result in results:
        if result.report is None:
            lines.append(f"{result.path}: cannot lint: {result.error}")
            continue
        for finding in result.report.findings:
            refs = f" [{', '.join(finding.refs[:5])}]" if finding.refs else ""
            lines.append(
                f"{result.path}: {finding.severity.value} {finding.rule} {finding.message}{refs}"
            )
        for key, count in result.report.counts.items():
            totals[key] += count
    unreadable = sum(1 for result in results if result.report is None)
    summary = ", ".join(f"{count} {key}" for key, count in totals.items())
    lines.append(
        f"{len(results)} file(s): {summary}" + (f", {unreadable} unreadable" if unreadable else "")
    )
    return "\n".join(lines) + "\n"


def _json(results: list[FileResult]) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for result in results:
        if result.report is None:
            files.append({"file": result.path, "error": result.error})
        else:
            files.append(
                {
                    "file": result.path,
                    "findings": [finding_json(f) for f in result.report.findings],
                    "counts": result.report.counts,
                }
            )
    return {"files": files}


def _rule_level(value: str) -> tuple[str, str]:
    rule_id, _, level = value.partition("=")
    if rule_id not in RULE_BY_ID or level not in LEVELS:
        raise CommandError(
            f"--rule takes RULE=LEVEL with a known rule and one of {', '.join(LEVELS)}: {value!r}",
            returncode=EXIT_UNREADABLE,
        )
    return rule_id, level


class Command(BaseCommand):
    help = (
        "Lint SOP documents (sop-diagram/1 JSON files) with the SOP rules. Exit 0 when clean, "
        "1 when a finding is at or above --fail-on, 2 when a file cannot be read or is invalid."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", choices=["text", "json", "sarif"], default="text")
        parser.add_argument("--fail-on", choices=["error", "warning"], default="error")
        parser.add_argument(
            "--rule",
            action="append",
            default=[],
            metavar="RULE=LEVEL",
            help="change a rule's level, like a workspace configuration (e.g. SOP015=off)",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date review-by dates are compared with (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = dict(_rule_level(value) for value in options["rule"])
        results = [_read(path, today=options["today"], config=config) for path in options["files"]]
        output_format = options["format"]
        if output_format == "json":
            sys.stdout.write(json.dumps(_json(results), indent=2, ensure_ascii=False) + "\n")
        elif output_format == "sarif":
            sys.stdout.write(json.dumps(_sarif(results), indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(_text(results))
        sys.stdout.flush()
        threshold = Severity(options["fail_on"])
        if any(result.report is None for result in results):
            raise SystemExit(EXIT_UNREADABLE)
        if any(result.report and result.report.at_or_above(threshold) for result in results):
            raise SystemExit(EXIT_FINDINGS)
