"""Each rule fires on a small bad SOP, names the element, and stays quiet on a good one; each
fix, applied through the change-set module, makes its finding go away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.assistant.changeset import changeset_apply
from apps.assistant.rules import RULES
from apps.diagrams.schema import SopDiagram, content_parse
from tests.assistant.documents import edge, good, lint, node, nodes_of, rule_findings

Mutation = Callable[[dict[str, Any]], None]


def _drop_stage(raw: dict[str, Any]) -> None:
    raw["nodes"] = [n for n in raw["nodes"] if n["id"] != "p"]
    raw["edges"] = [e for e in raw["edges"] if e["id"] not in ("e4", "e5")]
    raw["edges"].append(edge("e4", "r", "d"))


def _no_trigger(raw: dict[str, Any]) -> None:
    nodes_of(raw)["t"]["kind"] = "process"


def _orphan(raw: dict[str, Any]) -> None:
    raw["nodes"].append(
        node(
            "x",
            "process",
            "input",
            "Orphan step",
            row=2,
            owner="Web team",
            inputSchema="ids",
            validationRules="present",
        )
    )


def _no_error_path(raw: dict[str, Any]) -> None:
    raw["edges"] = [e for e in raw["edges"] if e["id"] != "e7"]


def _error_path_to_nobody(raw: dict[str, Any]) -> None:
    raw["nodes"].append(node("h", "end", "inference", "Stop", row=2))
    raw["edges"].append(edge("e11", "r", "h", "error", "crash"))


def _thin_monitoring(raw: dict[str, Any]) -> None:
    nodes_of(raw)["mon"]["fields"]["metrics"] = "p99 latency"
    nodes_of(raw)["a"]["fields"]["alertThresholds"] = "p99 latency over 300 ms"


def _alert_without_threshold(raw: dict[str, Any]) -> None:
    del nodes_of(raw)["a"]["fields"]["alertThresholds"]


def _no_model_version(raw: dict[str, Any]) -> None:
    del nodes_of(raw)["m"]["fields"]["modelVersion"]


def _no_validation(raw: dict[str, Any]) -> None:
    del nodes_of(raw)["i"]["fields"]["validationRules"]


def _empty_label(raw: dict[str, Any]) -> None:
    nodes_of(raw)["r"]["label"] = "  "


def _duplicate_label(raw: dict[str, Any]) -> None:
    nodes_of(raw)["p"]["label"] = "score  items"


def _long_label(raw: dict[str, Any]) -> None:
    nodes_of(raw)["d"]["label"] = "Send the response back to the web app with all the items"


def _two_spellings(raw: dict[str, Any]) -> None:
    nodes_of(raw)["i"]["label"] = "Pre-processing check"
    nodes_of(raw)["p"]["label"] = "Preprocessing threshold"


def _crowded_stage(raw: dict[str, Any]) -> None:
    previous = "p"
    for index in range(13):
        raw["nodes"].append(
            node(f"pp{index}", "process", "postprocess", f"Rule {index}", row=index + 1)
        )
        raw["edges"].append(edge(f"epp{index}", previous, f"pp{index}"))
        previous = f"pp{index}"


def _tangled(raw: dict[str, Any]) -> None:
    for index in range(7):
        raw["nodes"].append(
            node(f"l{index}", "process", "postprocess", f"Left {index}", row=index + 10)
        )
        raw["nodes"].append(
            node(f"q{index}", "process", "delivery", f"Right {index}", row=index + 10)
        )
    for index in range(7):
        raw["edges"].append(edge(f"x{index}", f"l{index}", f"q{6 - index}"))


def _unexplained_acronym(raw: dict[str, Any]) -> None:
    nodes_of(raw)["r"]["description"] = "Runs on one GPU per replica."


def _no_review_by(raw: dict[str, Any]) -> None:
    raw["meta"]["reviewBy"] = ""


def _review_overdue(raw: dict[str, Any]) -> None:
    raw["meta"]["reviewBy"] = "2026-11-30"


def _model_version_changed(raw: dict[str, Any]) -> None:
    nodes_of(raw)["m"]["fields"]["modelVersion"] = "2.0"


def _batch_without_schedule(raw: dict[str, Any]) -> None:
    raw["meta"]["mode"] = "batch"


def _realtime_without_budget(raw: dict[str, Any]) -> None:
    del nodes_of(raw)["t"]["fields"]["latencyBudgetMs"]


def _placeholder_left(raw: dict[str, Any]) -> None:
    nodes_of(raw)["d"]["fields"]["deliveryChannel"] = "TODO: delivery channel"


# rule, how the good SOP is spoilt, the ids the finding names, words its message contains
CASES: list[tuple[str, Mutation, set[str], str]] = [
    ("SOP001", _drop_stage, set(), "Post-processing stage has no step"),
    ("SOP002", _no_trigger, set(), "no trigger"),
    ("SOP003", _orphan, {"x"}, "“Orphan step” cannot be reached"),
    ("SOP004", _no_error_path, {"m"}, "“Choose model” has no error or fallback path"),
    ("SOP005", _error_path_to_nobody, {"e11", "h"}, "from “Score items” to “Stop”"),
    ("SOP006", _thin_monitoring, {"mon", "a"}, "errors, data drift, prediction quality"),
    ("SOP007", _alert_without_threshold, {"a"}, "“Service alert” has no threshold"),
    ("SOP008", _no_model_version, {"m"}, "“Choose model” does not name its model version"),
    ("SOP009", _no_validation, {"i"}, "“Check request” does not name its validation rules"),
    ("SOP010", _empty_label, {"r"}, "(r) has no label"),
    ("SOP011", _duplicate_label, {"r", "p"}, "2 steps are labelled “score  items”"),
    ("SOP012", _long_label, {"d"}, "characters long"),
    ("SOP013", _two_spellings, {"i", "p"}, "“pre-processing” (“Pre-processing check”)"),
    ("SOP014", _crowded_stage, {"p"} | {f"pp{i}" for i in range(13)}, "14 steps"),
    # 21 among the tangled edges, and the good SOP's two alerts' edges crossing "Done"'s.
    ("SOP015", _tangled, {f"x{i}" for i in range(7)} | {"e6", "e7", "e8"}, "23 edge crossings"),
    ("SOP016", _unexplained_acronym, {"r"}, "“GPU” (in “Score items”) is not explained"),
    ("SOP017", _no_review_by, set(), "no review-by date"),
    ("SOP017", _review_overdue, set(), "due for review on 2026-11-30"),
    (
        "SOP018",
        _model_version_changed,
        {"m"},
        "uses ranker@2.0, but the SOP is linked to ranker@1.0",
    ),
    ("SOP019", _batch_without_schedule, {"t"}, "batch SOP has no schedule"),
    ("SOP019", _realtime_without_budget, {"t"}, "real-time SOP has no latency budget"),
    ("SOP020", _placeholder_left, {"d"}, "“Send response” still has placeholders"),
]
IDS = [f"{rule}-{mutation.__name__.strip('_')}" for rule, mutation, _, _ in CASES]


def spoilt(mutation: Mutation) -> dict[str, Any]:
    raw = good()
    mutation(raw)
    return raw


def test_the_good_sop_has_no_findings() -> None:
    assert lint(good()).findings == []


def test_every_rule_has_a_case_and_a_unique_stable_id() -> None:
    ids = [rule.id for rule in RULES]
    assert ids == sorted(set(ids))
    assert ids == [f"SOP{n:03d}" for n in range(1, len(ids) + 1)]
    assert {rule for rule, *_ in CASES} == set(ids)


@pytest.mark.parametrize(("rule", "mutation", "refs", "words"), CASES, ids=IDS)
def test_rule_fires_on_a_bad_sop_naming_the_element(
    rule: str, mutation: Mutation, refs: set[str], words: str
) -> None:
    findings = rule_findings(spoilt(mutation), rule)
    assert findings, f"{rule} stayed quiet"
    finding = findings[0]
    assert words in finding.message
    assert set(finding.refs) == refs
    assert finding.severity == next(r.severity for r in RULES if r.id == rule)


@pytest.mark.parametrize(
    ("rule", "mutation"), [(rule, mutation) for rule, mutation, _, _ in CASES], ids=IDS
)
def test_the_fix_makes_the_finding_go_away(rule: str, mutation: Mutation) -> None:
    document = content_parse(spoilt(mutation))
    fixes = [finding.fix for finding in rule_findings(document, rule) if finding.fix]
    if not fixes:
        pytest.skip(f"{rule} offers no fix for this case")
    fixed: SopDiagram = document
    for fix in fixes:
        fixed = changeset_apply(fixed, fix)
    # Still a valid document, and the finding is gone.
    assert content_parse(fixed.as_json()) == fixed
    assert rule_findings(fixed, rule) == []


RULES_WITH_FIXES = {
    "SOP001",
    "SOP002",
    "SOP004",
    "SOP005",
    "SOP006",
    "SOP007",
    "SOP008",
    "SOP009",
    "SOP010",
    "SOP013",
    "SOP016",
    "SOP017",
    "SOP018",
    "SOP019",
}


def test_the_rules_promised_a_fix_offer_one() -> None:
    offered = {
        rule
        for rule, mutation, _, _ in CASES
        if any(finding.fix for finding in rule_findings(spoilt(mutation), rule))
    }
    assert offered == RULES_WITH_FIXES


def test_missing_stage_fix_places_a_connected_step_in_its_lane() -> None:
    document = content_parse(spoilt(_drop_stage))
    (finding,) = rule_findings(document, "SOP001")
    fixed = changeset_apply(document, finding.fix or ())
    added = next(n for n in fixed.nodes if n.id not in nodes_of(document.as_json()))
    assert added.stage == "postprocess"
    assert 4 * 280 <= added.x and added.x + added.w <= 5 * 280
    sources = {e.source for e in fixed.edges if e.target == added.id}
    targets = {e.target for e in fixed.edges if e.source == added.id}
    assert sources == {"r"} and targets == {"d"}
    assert rule_findings(fixed, "SOP003") == []


def test_failure_path_fix_reuses_an_alert_with_an_owner_or_adds_one() -> None:
    document = content_parse(spoilt(_no_error_path))
    (finding,) = rule_findings(document, "SOP004")
    assert [op.op for op in finding.fix or ()] == ["add_edge"]
    raw = spoilt(_no_error_path)
    raw["nodes"] = [n for n in raw["nodes"] if n["id"] != "a"]
    raw["edges"] = [e for e in raw["edges"] if "a" not in (e["source"], e["target"])]
    findings = rule_findings(raw, "SOP004")
    fix = findings[0].fix or ()
    assert [op.op for op in fix] == ["add_node", "add_edge"]
    alert = fix[0].node  # type: ignore[union-attr]
    assert alert.kind == "alert" and alert.stage == "monitoring" and alert.fields["owner"]
    fixed = changeset_apply(content_parse(raw), fix)
    assert fixed.edges[[e.target for e in fixed.edges].index(alert.id)].kind == "error"


def test_one_term_fix_rewrites_labels_to_one_spelling() -> None:
    document = content_parse(spoilt(_two_spellings))
    (finding,) = rule_findings(document, "SOP013")
    fixed = changeset_apply(document, finding.fix or ())
    labels = {n.id: n.label for n in fixed.nodes}
    assert labels["i"] == "Pre-processing check"
    assert labels["p"] == "Pre-processing threshold"


def test_an_acronym_expanded_where_it_is_used_or_in_the_glossary_is_fine() -> None:
    raw = good()
    nodes_of(raw)["r"]["description"] = "Runs on one graphics processing unit (GPU) per replica."
    assert rule_findings(raw, "SOP016") == []
    raw = spoilt(_unexplained_acronym)
    raw["meta"]["glossary"] = [{"term": "GPU", "definition": "Graphics processing unit."}]
    assert rule_findings(raw, "SOP016") == []


def test_a_fix_placeholder_is_not_an_unexplained_acronym() -> None:
    raw = spoilt(_no_model_version)
    (fix,) = [finding.fix for finding in rule_findings(raw, "SOP008") if finding.fix]
    fixed = changeset_apply(content_parse(raw), fix)
    assert rule_findings(fixed, "SOP016") == []
    assert [finding.rule for finding in lint(fixed).findings] == ["SOP020"]
    # A real acronym "TODO" in running text is still one.
    nodes_of(raw)["r"]["description"] = "Ask the TODO team."
    assert rule_findings(raw, "SOP016")


def test_configuration_switches_a_rule_off_or_changes_its_severity() -> None:
    raw = spoilt(_no_model_version)
    assert lint(raw, config={"SOP008": "off"}).counts["error"] == 0
    report = lint(raw, config={"SOP008": "info"})
    assert [(f.rule, f.severity.value) for f in report.findings] == [("SOP008", "info")]
    assert report.counts == {"error": 0, "warning": 0, "info": 1}
