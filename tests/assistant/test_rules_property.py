"""Every document the schema admits lints without an exception, and every fix it offers applies.

The validate endpoint runs the rules on whatever content a caller sends, so a rule that
assumes a shape (a lane with room below it, a label, a node in a known place) would be a 500.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from apps.assistant.changeset import changeset_apply
from apps.assistant.lint import lint_document
from apps.diagrams.schema import content_parse
from tests.diagrams.test_reads_property import documents


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=documents())
def test_every_admitted_document_lints_and_every_fix_applies(raw: dict[str, Any]) -> None:
    document = content_parse(raw)
    report = lint_document(document)
    for finding in report.findings:
        if finding.fix:
            fixed = changeset_apply(document, finding.fix)
            assert content_parse(fixed.as_json()) == fixed


def test_a_lane_filled_to_the_edge_of_the_canvas_still_gets_its_missing_step() -> None:
    document = content_parse(
        {
            "schema": "sop-diagram/1",
            "meta": {},
            "nodes": [
                {"id": "0", "kind": "start", "stage": "input", "y": 1_000_000, "w": 1, "h": 1}
            ],
            "edges": [],
        }
    )
    fixes = [finding.fix for finding in lint_document(document).findings if finding.fix]
    assert fixes
    for fix in fixes:
        changeset_apply(document, fix)
