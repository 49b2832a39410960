"""An open editor receives a stock y-websocket client's poisoned update and shows the repair."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from apps.diagrams.services import diagram_create
from tests.collab.conftest import token_for
from tests.collab.node_peers import NodePeers
from tests.e2e.conftest import outside_browser_loop, sign_in, wait_live
from tests.factories import member
from tests.servers import ServerProcess

pytestmark = pytest.mark.e2e


def test_the_editor_shows_the_repaired_values_of_a_poisoned_update_without_an_error(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor", username="author")
    scripted = member(workspace, "editor", username="script")
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=author, template_id="fraud-detection-api"
    )
    page = sign_in(new_context(), sop_server, author, f"/diagrams/{diagram.pk}")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    wait_live(page)
    audit_log = page.locator(".react-flow__node[data-id='audit-log']")
    expect(audit_log).to_be_visible()

    peers = NodePeers()
    try:
        peers.connect(
            "script", ws_base=sop_server.ws_url, diagram_id=diagram.pk, token=token_for(scripted)
        )
        synced = peers.wait_for(
            "script", lambda snap: snap["synced"] and "score-txn" in snap["content"]["nodes"]
        )
        # A wrong type or a non-finite number falls back to the value it replaced.
        x_before = synced["content"]["nodes"]["audit-log"]["x"]
        label_before = synced["content"]["nodes"]["select-model"]["label"]
        peers.edit(
            "script",
            {"op": "setMeta", "key": "title", "value": "Guarded\u0000 title"},
            {"op": "setNode", "id": "score-txn", "key": "label", "value": "Checked\u0001 label"},
            {"op": "move", "id": "audit-log", "x": {"$number": "Infinity"}, "y": 40},
            {"op": "setNode", "id": "select-model", "key": "label", "value": 7},
        )
        expect(page).to_have_title("Guarded title · SOP Studio")
        expect(page.locator(".sop-node[data-node-id='score-txn']")).to_contain_text("Checked label")
        expect(audit_log).to_be_visible()
        snap = peers.wait_for(
            "script",
            lambda snap: snap["content"]["nodes"]["select-model"]["label"] == label_before,
        )
        expect(page.locator(".sop-node[data-node-id='select-model']")).to_contain_text(label_before)
        assert snap["content"]["nodes"]["audit-log"]["x"] == x_before
        assert snap["closes"] == []
    finally:
        peers.close()
    assert errors == []
