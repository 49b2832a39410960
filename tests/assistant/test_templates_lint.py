"""The shipped templates lint as their purpose says: the real-world ones clean, the blank one not."""

from __future__ import annotations

import pytest

from apps.diagrams.templates import TEMPLATE_ORDER, template_catalogue
from tests.assistant.documents import lint

REAL_WORLD = [t for t in TEMPLATE_ORDER if t != "blank"]


@pytest.mark.parametrize("template_id", REAL_WORLD)
def test_real_world_templates_have_no_error_or_warning_findings(template_id: str) -> None:
    report = lint(template_catalogue()[template_id].content)
    serious = [(f.rule, f.message) for f in report.findings if f.severity.value != "info"]
    assert serious == []


def test_the_blank_template_has_the_findings_of_a_blank_sop() -> None:
    report = lint(template_catalogue()["blank"].content)
    found = {(f.rule, f.refs) for f in report.findings}
    assert ("SOP004", ("model",)) in found  # no error or fallback path from the model step
    assert ("SOP004", ("inference",)) in found
    assert ("SOP008", ("model",)) in found  # no model version
    assert ("SOP009", ("input",)) in found  # no input schema or validation
    assert ("SOP017", ()) in found  # no review-by date
    assert ("SOP019", ("trigger",)) in found  # real-time without a latency budget
    # Its structure is sound: seven stages, a trigger, everything reachable.
    assert not {rule for rule, _ in found} & {"SOP001", "SOP002", "SOP003"}
    assert report.counts["error"] == 3
