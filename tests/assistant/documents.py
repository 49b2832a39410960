"""A small SOP that every rule accepts, and the linting helpers the assistant tests share."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from apps.assistant.lint import LintReport, lint_document
from apps.diagrams.schema import SopDiagram, content_parse
from apps.diagrams.theme import stage_ids, theme

# Review-by dates are facts of a document; the tests pin the day they are compared with.
TODAY = date(2026, 12, 1)
LANE = theme()["layout"]["laneWidth"]


def _node(
    node_id: str, kind: str, stage: str, label: str, row: int = 0, **fields: Any
) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": kind,
        "stage": stage,
        "label": label,
        "description": "",
        "x": stage_ids().index(stage) * LANE + 40,
        "y": 104 + row * 130,
        "w": 180 if kind in ("start", "alert", "decision", "datastore") else 200,
        "h": 72,
        "fields": fields,
    }


def edge(
    edge_id: str, source: str, target: str, kind: str = "flow", label: str = ""
) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "target": target, "kind": kind, "label": label}


def node(
    node_id: str, kind: str, stage: str, label: str, row: int = 0, **fields: Any
) -> dict[str, Any]:
    return _node(node_id, kind, stage, label, row, **fields)


GOOD: dict[str, Any] = {
    "schema": "sop-diagram/1",
    "meta": {
        "title": "Ranking service",
        "mode": "realtime",
        "owner": "Ranking team",
        "reviewBy": "2027-06-30",
        "description": "Ranks items for each request.",
        "glossary": [],
        "modelVersions": ["ranker@1.0"],
    },
    "nodes": [
        node(
            "t",
            "start",
            "trigger",
            "Request received",
            owner="Web team",
            triggerType="request from the web app",
            latencyBudgetMs=100,
        ),
        node(
            "i",
            "process",
            "input",
            "Check request",
            owner="Web team",
            inputSchema="user id, page",
            validationRules="user id present",
        ),
        node(
            "m",
            "process",
            "model",
            "Choose model",
            owner="Ranking team",
            modelName="ranker",
            modelVersion="1.0",
        ),
        node(
            "r",
            "process",
            "inference",
            "Score items",
            owner="Ranking team",
            runtime="python service",
        ),
        node(
            "p",
            "process",
            "postprocess",
            "Apply threshold",
            owner="Ranking team",
            thresholds="score over 0.5",
        ),
        node(
            "d",
            "process",
            "delivery",
            "Send response",
            owner="Web team",
            deliveryChannel="response to the web app",
        ),
        node("end", "end", "delivery", "Done", row=1, owner="Web team"),
        node(
            "mon",
            "process",
            "monitoring",
            "Watch service",
            owner="Ranking team",
            metrics="p99 latency, error rate, input drift, accuracy on labelled clicks",
            alertThresholds="p99 latency over 300 ms",
        ),
        node(
            "a",
            "alert",
            "monitoring",
            "Service alert",
            row=1,
            owner="Ranking on-call",
            alertThresholds="error rate over 1% for 5 minutes",
        ),
    ],
    "edges": [
        edge("e1", "t", "i"),
        edge("e2", "i", "m"),
        edge("e3", "m", "r"),
        edge("e4", "r", "p"),
        edge("e5", "p", "d"),
        edge("e6", "d", "end"),
        edge("e7", "m", "a", "error", "no model loads"),
        edge("e8", "r", "a", "error", "timeout"),
        edge("e9", "d", "mon", "data"),
        edge("e10", "mon", "a"),
    ],
}


def good() -> dict[str, Any]:
    return copy.deepcopy(GOOD)


def nodes_of(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in raw["nodes"]}


def lint(raw: dict[str, Any] | SopDiagram, **kwargs: Any) -> LintReport:
    document = raw if isinstance(raw, SopDiagram) else content_parse(raw)
    return lint_document(document, today=TODAY, **kwargs)


def rule_findings(raw: dict[str, Any] | SopDiagram, rule: str) -> list[Any]:
    return [finding for finding in lint(raw).findings if finding.rule == rule]
