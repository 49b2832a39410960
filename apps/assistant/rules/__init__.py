"""The SOP lint rules: DOMAIN.md's good practice, each with a stable id that never changes
meaning (a retired rule's id is not reused), a default severity and a check."""

from __future__ import annotations

from apps.assistant.rules import facts, failure, language, structure
from apps.assistant.rules.base import (
    SEVERITY_RANK,
    Draft,
    Finding,
    LintContext,
    Rule,
    Severity,
)

__all__ = ["RULES", "RULE_BY_ID", "SEVERITY_RANK", "Draft", "Finding", "LintContext", "Rule"]
__all__ += ["Severity"]

RULES: tuple[Rule, ...] = (
    Rule(
        "SOP001",
        "stages-present",
        "All seven stages are present",
        Severity.ERROR,
        "Every SOP records each stage: trigger, input, model, inference, post-processing, "
        "delivery and monitoring. Fix: a placeholder step in the missing stage's lane, "
        "connected to its neighbours.",
        structure.stages_present,
    ),
    Rule(
        "SOP002",
        "trigger-starts-flow",
        "A trigger starts the flow",
        Severity.ERROR,
        "The flow begins at a start step in the Trigger stage. Fix: a placeholder start step "
        "connected to the first step.",
        structure.trigger_starts_flow,
    ),
    Rule(
        "SOP003",
        "steps-reachable",
        "Every step is reachable from a trigger",
        Severity.ERROR,
        "A step no path from a start step reaches is never run, or the diagram is missing an edge.",
        structure.steps_reachable,
    ),
    Rule(
        "SOP004",
        "model-failure-path",
        "Model and inference steps have an error or fallback path",
        Severity.ERROR,
        "Every model and inference step shows what happens when it fails or times out. Fix: an "
        "error edge to an alert with an owner (added when there is none).",
        failure.model_steps_have_failure_paths,
    ),
    Rule(
        "SOP005",
        "error-path-owner",
        "Error paths end in an owner or an alert",
        Severity.WARNING,
        "Following an error edge reaches an alert or a step with an owner or escalation "
        "contact. Fix: an owner placeholder on the error path's target.",
        failure.error_paths_end_in_owner,
    ),
    Rule(
        "SOP006",
        "monitoring-coverage",
        "Monitoring covers latency, errors, drift and quality",
        Severity.WARNING,
        "The Monitoring stage watches latency, errors, data drift and prediction quality. Fix: "
        "placeholders for the missing metrics.",
        facts.monitoring_coverage,
    ),
    Rule(
        "SOP007",
        "alert-thresholds",
        "Alerts have thresholds",
        Severity.WARNING,
        "Every alert says when it fires. Fix: an alert-threshold placeholder.",
        facts.alerts_have_thresholds,
    ),
    Rule(
        "SOP008",
        "model-version",
        "Model steps name their version",
        Severity.ERROR,
        "A model step (and an inference step naming a model) records the model version. Fix: "
        "a model-version placeholder.",
        facts.model_steps_name_version,
    ),
    Rule(
        "SOP009",
        "input-schema",
        "Input steps name their schema and validation",
        Severity.WARNING,
        "Every input step records its input schema and validation rules. Fix: placeholders "
        "for both.",
        facts.input_steps_name_schema,
    ),
    Rule(
        "SOP010",
        "label-present",
        "Steps have labels",
        Severity.ERROR,
        "Every step has a non-empty label. Fix: a label placeholder.",
        language.labels_not_empty,
    ),
    Rule(
        "SOP011",
        "label-unique",
        "Step labels are unique",
        Severity.WARNING,
        "Two steps with one label cannot be told apart in a review or an incident (end steps "
        "and notes may repeat).",
        language.labels_unique,
    ),
    Rule(
        "SOP012",
        "label-short",
        "Labels are short",
        Severity.WARNING,
        f"A label has at most {language.MAX_LABEL_CHARS} characters; details belong in the "
        "description.",
        language.labels_short,
    ),
    Rule(
        "SOP013",
        "one-term",
        "One term for one thing",
        Severity.WARNING,
        "A term is spelt one way in every label (not “Pre-processing” here and “Preprocessing” "
        "there). Fix: the labels rewritten to the most used spelling.",
        language.one_term,
    ),
    Rule(
        "SOP014",
        "stage-size",
        "Stages are not overcrowded",
        Severity.INFO,
        f"More than {structure.MAX_STEPS_PER_STAGE} steps in one stage is a suggestion to "
        "group related steps.",
        structure.stage_size,
    ),
    Rule(
        "SOP015",
        "edge-crossings",
        "Few edge crossings",
        Severity.INFO,
        f"More than {structure.MAX_CROSSINGS} crossing edges is a suggestion to reorder or "
        "group steps.",
        structure.crossings,
    ),
    Rule(
        "SOP016",
        "acronyms-explained",
        "Acronyms are explained",
        Severity.WARNING,
        "Every acronym is in the glossary or expanded where it is used (“population stability "
        "index (PSI)”). Fix: a glossary entry to complete.",
        language.acronyms_explained,
    ),
    Rule(
        "SOP017",
        "review-by",
        "The SOP has a current review-by date",
        Severity.WARNING,
        "The SOP has a review-by date, and it has not passed. Fix: a date six months ahead, "
        "to confirm.",
        facts.review_by_current,
    ),
    Rule(
        "SOP018",
        "model-versions-linked",
        "Model versions in use are linked to the SOP",
        Severity.WARNING,
        "Every model version a step names is among the SOP's linked model versions, so a "
        "version change flags the SOP for review. Fix: link the version.",
        facts.model_versions_linked,
    ),
    Rule(
        "SOP019",
        "mode-facts",
        "Batch SOPs have a schedule and a completion window; real-time ones a latency budget",
        Severity.WARNING,
        "A batch SOP records its schedule and completion window; a real-time or streaming SOP "
        "its latency budget. Fix (batch): placeholders on the trigger.",
        facts.mode_facts,
    ),
    Rule(
        "SOP020",
        "placeholders-left",
        "No placeholders are left",
        Severity.INFO,
        "Text a fix left to fill in (starting “TODO:”) is listed until it is replaced.",
        language.placeholders_left,
    ),
)
RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
