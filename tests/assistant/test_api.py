"""POST /api/diagrams/{id}/validate, GET /api/assistant/rules, the workspace lint config."""

from __future__ import annotations

from typing import Any

import pytest

from apps.assistant.rules import RULES
from apps.diagrams.models import Diagram
from tests.assistant.documents import good
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _validate(user: Any, diagram: Diagram, body: Any = None) -> Any:
    client = client_for(user)
    url = f"/api/diagrams/{diagram.pk}/validate"
    if body is None:
        return client.post(url)
    return client.post(url, body, format="json")


def test_a_member_validates_the_live_document(fraud_diagram: Diagram, editor: Any) -> None:
    response = _validate(editor, fraud_diagram)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"findings", "counts"}
    assert set(body["counts"]) == {"error", "warning", "info"}
    assert body["counts"]["error"] == 0


def test_a_viewer_may_validate(fraud_diagram: Diagram, viewer: Any) -> None:
    assert _validate(viewer, fraud_diagram).status_code == 200


def test_an_outsider_gets_404(fraud_diagram: Diagram, outsider: Any) -> None:
    response = _validate(outsider, fraud_diagram)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_body_is_checked_instead_of_the_live_document(
    fraud_diagram: Diagram, reviewer: Any
) -> None:
    raw = good()
    del raw["nodes"][[n["id"] for n in raw["nodes"]].index("m")]["fields"]["modelVersion"]
    body = _validate(reviewer, fraud_diagram, raw).json()
    finding = next(f for f in body["findings"] if f["rule"] == "SOP008")
    assert finding == {
        "rule": "SOP008",
        "severity": "error",
        "message": "The model step “Choose model” does not name its model version.",
        "refs": ["m"],
        "fix": [
            {"op": "set_field", "id": "m", "key": "modelVersion", "value": "TODO: model version"}
        ],
    }
    # Rules without a fix leave the key out.
    raw["nodes"][0]["label"] = "A label much longer than forty characters, for sure"
    findings = _validate(reviewer, fraud_diagram, raw).json()["findings"]
    assert "fix" not in next(f for f in findings if f["rule"] == "SOP012")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "invalid", "schema"),
        ({"schema": "sop-diagram/1", "meta": {}, "nodes": "many", "edges": []}, "invalid", "nodes"),
        ([1, 2], "invalid", ""),
    ],
    ids=["empty-object", "nodes-not-a-list", "a-list"],
)
def test_malformed_content_is_a_400(
    fraud_diagram: Diagram, editor: Any, body: Any, code: str, field: str
) -> None:
    response = _validate(editor, fraud_diagram, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json().get("field", "") == field


def test_a_body_that_is_not_json_is_a_400(fraud_diagram: Diagram, editor: Any) -> None:
    response = client_for(editor).post(
        f"/api/diagrams/{fraud_diagram.pk}/validate", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"


def test_rules_are_listed(editor: Any) -> None:
    response = client_for(editor).get("/api/assistant/rules")
    assert response.status_code == 200
    listed = response.json()
    assert [rule["id"] for rule in listed] == [rule.id for rule in RULES]
    assert set(listed[0]) == {"id", "name", "title", "severity", "description"}


def test_owner_patches_the_lint_config_and_validate_applies_it(
    workspace: Any, owner: Any, editor: Any, fraud_diagram: Diagram
) -> None:
    url = f"/api/workspaces/{workspace.pk}/lint-config"
    before = client_for(editor).get(url).json()
    assert before["rules"] == {} and before["effective"]["SOP008"] == "error"
    raw = good()
    raw["nodes"][[n["id"] for n in raw["nodes"]].index("m")]["fields"].pop("modelVersion")
    assert _validate(editor, fraud_diagram, raw).json()["counts"]["error"] == 1

    response = client_for(owner).patch(
        url, {"rules": {"SOP008": "warning", "SOP015": "off"}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["rules"] == {"SOP008": "warning", "SOP015": "off"}
    assert client_for(editor).get(url).json()["effective"]["SOP008"] == "warning"
    counts = _validate(editor, fraud_diagram, raw).json()["counts"]
    assert counts["error"] == 0 and counts["warning"] == 1

    # null restores the default
    reset = client_for(owner).patch(url, {"rules": {"SOP008": None}}, format="json").json()
    assert reset["rules"] == {"SOP015": "off"}


def test_an_editor_may_read_but_not_patch_the_lint_config(workspace: Any, editor: Any) -> None:
    url = f"/api/workspaces/{workspace.pk}/lint-config"
    assert client_for(editor).get(url).status_code == 200
    response = client_for(editor).patch(url, {"rules": {"SOP008": "off"}}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_outsider_gets_404_for_the_lint_config(workspace: Any, outsider: Any) -> None:
    url = f"/api/workspaces/{workspace.pk}/lint-config"
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).patch(url, {"rules": {}}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"SOP999": "off"}, "rules.SOP999"),
        ({"SOP001": "fatal"}, "rules.SOP001"),
        ("off", "rules"),
    ],
    ids=["unknown-rule", "unknown-level", "not-an-object"],
)
def test_bad_lint_config_is_a_400_naming_the_field(
    workspace: Any, owner: Any, rules: Any, field: str
) -> None:
    response = client_for(owner).patch(
        f"/api/workspaces/{workspace.pk}/lint-config", {"rules": rules}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert (
        client_for(owner).get(f"/api/workspaces/{workspace.pk}/lint-config").json()["rules"] == {}
    )
