"""The facts an SOP must record: monitoring and alerts, model and input facts, currency, mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from apps.assistant.changeset import SetField, SetMeta
from apps.assistant.rules.base import (
    FIELD_LABELS,
    PLACEHOLDER,
    Draft,
    LintContext,
    field_allowed,
    has_fact,
    is_placeholder,
    quoted,
)
from apps.diagrams.schema import MODEL_VERSION_MAX, MODEL_VERSIONS_MAX, DiagramNode

# What each monitoring concern is called in practice; one match anywhere in the Monitoring
# stage's steps (label, description, metrics, thresholds, logging) covers it.
MONITORING_ASPECTS: dict[str, re.Pattern[str]] = {
    "latency": re.compile(
        r"latenc|p\d\d\b|response time|duration|run ?time|completion|late\b|slow", re.I
    ),
    "errors": re.compile(r"error|fail|exception|timeout|time-out|5xx|crash|retr(y|ies)", re.I),
    "data drift": re.compile(
        r"drift|\bpsi\b|population stability|distribution|shift|skew|divergence", re.I
    ),
    "prediction quality": re.compile(
        r"quality|accura|precision|recall|\bauc\b|\bf1\b|click-through|\bctr\b|mape|wape|rmse"
        r"|\bmae\b|calibrat|confidence|agreement|conversion|override",
        re.I,
    ),
}
_MONITORING_TEXT_KEYS = ("metrics", "alertThresholds", "thresholds", "logging", "escalation")
# A proposed review-by date when there is none: half a year ahead, for the owner to confirm.
REVIEW_PERIOD = timedelta(days=182)
_FACT_KINDS = frozenset({"process", "decision", "datastore", "external"})


def _monitoring_text(node: DiagramNode) -> str:
    parts = [node.label, node.description]
    parts += [str(node.fields[key]) for key in _MONITORING_TEXT_KEYS if key in node.fields]
    return " ".join(parts)


def monitoring_coverage(context: LintContext) -> Iterator[Draft]:
    steps = context.steps_by_stage["monitoring"]
    if not steps:
        return  # the stages rule reports a missing Monitoring stage
    text = " ".join(_monitoring_text(node) for node in steps)
    missing = [aspect for aspect, pattern in MONITORING_ASPECTS.items() if not pattern.search(text)]
    if not missing:
        return
    target = next((node for node in steps if "metrics" in node.fields), None) or min(
        (node for node in steps if node.kind != "end"),
        key=lambda node: (node.kind != "process", node.y, node.id),
        default=steps[0],
    )
    current = str(target.fields.get("metrics", "")).strip()
    addition = "; ".join(f"{PLACEHOLDER}: {aspect} metric" for aspect in missing)
    value = f"{current}; {addition}" if current else addition
    yield Draft(
        message=f"Monitoring does not cover {', '.join(missing)}: an SOP monitors latency, "
        "errors, data drift and prediction quality.",
        refs=tuple(node.id for node in steps),
        fix=(SetField(id=target.id, key="metrics", value=value[:4000]),),
    )


def alerts_have_thresholds(context: LintContext) -> Iterator[Draft]:
    for node in context.steps:
        if node.kind != "alert":
            continue
        if has_fact(node, "alertThresholds") or has_fact(node, "thresholds"):
            continue
        key = next(
            (k for k in ("alertThresholds", "thresholds") if field_allowed(k, node.stage)), None
        )
        yield Draft(
            message=f"The alert {quoted(context.label(node.id))} has no threshold: say when it "
            "fires.",
            refs=(node.id,),
            fix=(
                (SetField(id=node.id, key=key, value=f"{PLACEHOLDER}: when this alert fires"),)
                if key
                else None
            ),
        )


def model_steps_name_version(context: LintContext) -> Iterator[Draft]:
    for node in context.steps:
        names_model = node.stage == "model" and node.kind in _FACT_KINDS - {"decision"}
        names_model |= node.stage == "inference" and has_fact(node, "modelName")
        if not names_model or has_fact(node, "modelVersion"):
            continue
        yield Draft(
            message=f"The model step {quoted(context.label(node.id))} does not name its model "
            "version.",
            refs=(node.id,),
            fix=(SetField(id=node.id, key="modelVersion", value=f"{PLACEHOLDER}: model version"),),
        )


def input_steps_name_schema(context: LintContext) -> Iterator[Draft]:
    for node in context.steps_by_stage["input"]:
        if node.kind not in _FACT_KINDS:
            continue
        missing = [key for key in ("inputSchema", "validationRules") if not has_fact(node, key)]
        if not missing:
            continue
        names = " and ".join(FIELD_LABELS[key].lower() for key in missing)
        yield Draft(
            message=f"The input step {quoted(context.label(node.id))} does not name its {names}.",
            refs=(node.id,),
            fix=tuple(
                SetField(id=node.id, key=key, value=f"{PLACEHOLDER}: {FIELD_LABELS[key].lower()}")
                for key in missing
            ),
        )


def review_by_current(context: LintContext) -> Iterator[Draft]:
    review_by = context.document.meta.reviewBy
    proposed = (context.today + REVIEW_PERIOD).isoformat()
    fix = (SetMeta(key="reviewBy", value=proposed),)
    if not review_by:
        yield Draft(
            message="The SOP has no review-by date: set when it must next be reviewed "
            f"(proposed: {proposed}).",
            fix=fix,
        )
    elif date.fromisoformat(review_by) < context.today:
        yield Draft(
            message=f"The SOP was due for review on {review_by}: review it and set the next "
            "review-by date.",
            fix=fix,
        )


def model_versions_linked(context: LintContext) -> Iterator[Draft]:
    linked = list(context.document.meta.modelVersions)
    reported: set[str] = set()
    for node in context.steps:
        version = node.fields.get("modelVersion")
        if not isinstance(version, str) or not version.strip() or is_placeholder(version):
            continue
        name = node.fields.get("modelName")
        reference = (
            f"{name.strip()}@{version.strip()}"
            if isinstance(name, str) and name.strip()
            else version.strip()
        )
        if reference in reported or reference in linked:
            continue
        reported.add(reference)
        same_model = [item for item in linked if item.split("@", 1)[0] == reference.split("@")[0]]
        if same_model:
            message = (
                f"{quoted(context.label(node.id))} uses {reference}, but the SOP is linked to "
                f"{', '.join(same_model)}: the model version changed; review the SOP and link "
                "the new version."
            )
        else:
            message = (
                f"{quoted(context.label(node.id))} uses {reference}, which is not among the "
                "SOP's linked model versions: link it so a version change flags the SOP."
            )
        yield Draft(
            message=message,
            refs=(node.id,),
            fix=(
                (SetMeta(key="modelVersions", value=[*linked, reference]),)
                if len(linked) < MODEL_VERSIONS_MAX and len(reference) <= MODEL_VERSION_MAX
                else None
            ),
        )


def _trigger_step(context: LintContext) -> DiagramNode | None:
    triggers = context.steps_by_stage["trigger"]
    starts = [node for node in triggers if node.kind == "start"]
    return min(starts or triggers, key=lambda node: (node.y, node.id), default=None)


def mode_facts(context: LintContext) -> Iterator[Draft]:
    mode = context.document.meta.mode
    trigger = _trigger_step(context)
    if mode == "batch":
        required = {
            "schedule": ("schedule", context.steps_by_stage["trigger"]),
            "completionWindow": ("completion window", context.steps),
        }
        for key, (what, where) in required.items():
            if any(has_fact(node, key) for node in where):
                continue
            yield Draft(
                message=f"This batch SOP has no {what}: a batch SOP records when it runs "
                "(a schedule on the trigger) and by when its results are due (a completion "
                "window).",
                refs=(trigger.id,) if trigger else (),
                fix=(
                    (
                        SetField(
                            id=trigger.id,
                            key=key,
                            value=f"{PLACEHOLDER}: {FIELD_LABELS[key].lower()}",
                        ),
                    )
                    if trigger
                    else None
                ),
            )
    elif not any(has_fact(node, "latencyBudgetMs") for node in context.steps):
        # No fix: the budget is a number, and a made-up number would read as a decision.
        yield Draft(
            message=f"This {'real-time' if mode == 'realtime' else mode} SOP has no latency "
            "budget: record it (latency budget, ms) on the trigger or the steps it bounds.",
            refs=(trigger.id,) if trigger else (),
        )
