"""The audit pack's validation summary: the lint result of the version, in sentences."""

from __future__ import annotations

import html

from apps.exports.render.auditpack.model import PackFinding, PackInput, PackValidation
from apps.exports.render.text import xml_clean

# Past this the list stops: a pack is read by a person, and the API has every finding.
FINDINGS_PRINTED = 300

_SEVERITY_NOUNS = {
    "error": ("error", "errors"),
    "warning": ("warning", "warnings"),
    "info": ("info finding", "info findings"),
}


def _h(value: object) -> str:
    return html.escape(xml_clean(value), quote=True)


def _count_phrase(counts: dict[str, int]) -> str:
    parts = []
    for severity, (one, many) in _SEVERITY_NOUNS.items():
        count = int(counts.get(severity, 0))
        parts.append(f"{count} {one if count == 1 else many}")
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _config_phrase(config: dict[str, str]) -> str:
    if not config:
        return "every rule at its default level"
    changed = ", ".join(f"{rule} {level}" for rule, level in sorted(config.items()))
    return f"these rules changed from their default level: {changed}"


def _provenance(pack: PackInput, validation: PackValidation) -> str:
    config = _config_phrase(validation["config"])
    rules = f"rule set {validation['rules_version']}"
    if validation["how"] == "live":
        return (
            "The live document is not a version, so nothing is stored for it: it was checked "
            f"while this pack was generated, on {validation['checked_on']}, with {rules} and the "
            f"workspace's current lint configuration ({config})."
        )
    number = pack["version"]
    if validation["how"] == "export":
        return (
            f"No stored check of version {number} existed when this pack was generated (the "
            "background check had not run), so the version was checked while generating the "
            f"pack, as of {validation['checked_on']}, with {rules} and the lint configuration "
            f"recorded for it ({config}); that result is now stored with the version."
        )
    return (
        f"Checked by the background job after version {number} was saved on "
        f"{validation['checked_on']}, with {rules} and the workspace's lint configuration at "
        f"saving time ({config}); the result is stored with the version."
    )


def _sentence(finding: PackFinding) -> str:
    message = finding["message"].strip()
    if message and message[-1] not in ".!?":
        message += "."
    title = f", {finding['title']}" if finding["title"] else ""
    # Most messages name their element already; the others get the labels spelled out.
    labels = [label for label in finding["labels"] if label and label not in message]
    concerns = f" It concerns {', '.join(f'“{label}”' for label in labels)}." if labels else ""
    return (
        f'<li class="finding {_h(finding["severity"])}"><strong>{_h(finding["rule"])}</strong> '
        f"({_h(finding['severity'])}{_h(title)}): {_h(message)}{_h(concerns)}</li>"
    )


def validation_summary(pack: PackInput) -> str:
    """The "Validation summary" part of the procedure section."""
    what = "version" if pack["version"] is not None else "document"
    validation = pack.get("validation")  # absent from packs requested before linting existed
    # The heading, counts and provenance stay on one page; the list may turn pages.
    parts = ['<div class="keep"><h3>Validation summary</h3>']
    if validation is None:
        return "".join([*parts, f"<p>No validation result is recorded for this {what}.</p></div>"])
    if validation["status"] != "done":
        reason = f": {validation['error']}" if validation["error"] else ""
        return "".join(
            [
                *parts,
                f'<p class="warn">The SOP lint check of this {what} could not be completed'
                f"{_h(reason)}. No validation result is recorded.</p></div>",
            ]
        )
    counts = validation["counts"]
    findings = validation["findings"]
    if findings:
        parts.append(f"<p><strong>Findings: {_h(_count_phrase(counts))}.</strong></p>")
    else:
        parts.append(
            f"<p><strong>No finding: this {what} passes every enabled SOP lint rule.</strong></p>"
        )
    parts.append(f'<p class="muted">{_h(_provenance(pack, validation))}</p></div>')
    if findings:
        parts.append(
            '<ol class="findings">'
            + "".join(_sentence(finding) for finding in findings[:FINDINGS_PRINTED])
            + "</ol>"
        )
        if len(findings) > FINDINGS_PRINTED:
            parts.append(
                f"<p>… and {len(findings) - FINDINGS_PRINTED} more finding(s), listed by the "
                "version's lint report in the API.</p>"
            )
    return "".join(parts)
