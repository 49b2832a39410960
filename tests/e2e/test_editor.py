"""The editor in Chromium against a live server: author, collaborate, view read-only, diff."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apps.diagrams.services import diagram_create, diagram_version_create
from tests.e2e.conftest import (
    create_from_template,
    fetch_json,
    node_centre,
    outside_browser_loop,
    sign_in,
    wait_for_content,
    wait_live,
)
from tests.factories import member
from tests.servers import ServerProcess

pytestmark = pytest.mark.e2e

NEW_STEP = "New process step"


def new_node_id(page: Page) -> str:
    node = page.locator(".sop-node", has_text=NEW_STEP)
    expect(node).to_have_count(1)
    node_id = node.get_attribute("data-node-id")
    assert node_id
    return node_id


def drag_step_into_lane(page: Page, kind: str, lane_index: int, depth: float) -> None:
    """HTML5 drag from the palette onto a stage lane, `depth` of the way down the canvas."""
    lane = page.locator(".sop-lane").nth(lane_index).bounding_box()
    canvas = page.locator(".canvas-wrap").bounding_box()
    assert lane and canvas
    page.drag_and_drop(
        f".palette-item[data-kind={kind}]",
        ".react-flow__pane",
        target_position={
            "x": lane["x"] + lane["width"] / 2 - canvas["x"],
            "y": canvas["height"] * depth,
        },
    )


def connect(page: Page, source_id: str, target_id: str) -> None:
    """Drag from the source's right handle to the target's left handle."""
    page.hover(f".react-flow__node[data-id='{source_id}']")
    start = page.locator(f".react-flow__node[data-id='{source_id}'] .react-flow__handle-right")
    box = start.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # Handles on other steps appear once a connection is being drawn.
    tx, ty = node_centre(page, target_id)
    page.mouse.move(tx, ty, steps=12)
    end = page.locator(f".react-flow__node[data-id='{target_id}'] .react-flow__handle-left")
    end_box = end.bounding_box()
    assert end_box
    page.mouse.move(
        end_box["x"] + end_box["width"] / 2, end_box["y"] + end_box["height"] / 2, steps=4
    )
    page.mouse.up()


def test_author_a_diagram_from_the_fraud_template(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor")
    page = sign_in(new_context(), sop_server, author)

    diagram_id = create_from_template(page, "fraud-detection-api")
    expect(page.locator(".sop-node")).to_have_count(16)
    expect(page.get_by_label("Diagram title")).to_have_value("Fraud detection API")

    # A new step dragged from the palette into the Model lane lands there, selected.
    drag_step_into_lane(page, "process", lane_index=2, depth=0.82)
    step_id = new_node_id(page)
    expect(page.locator(f".sop-node[data-node-id='{step_id}']")).to_have_attribute(
        "data-stage", "model"
    )
    expect(page.locator(".inspector-kicker")).to_contain_text("Model")

    # Connected to the rules-engine fallback with a fallback edge.
    page.locator(".palette [data-edge-kind=fallback]").click()
    connect(page, step_id, "rules-fallback")
    expect(page.locator(".inspector-kicker")).to_contain_text("Fallback path")

    # Structured fields of the Model stage in the inspector.
    page.locator(f".react-flow__node[data-id='{step_id}']").click()
    page.locator("input[name=owner]").fill("Fraud Ops")
    page.wait_for_timeout(700)  # a pause, so the next edit is its own undo step
    page.locator("input[name=modelName]").fill("fraud-gbm-shadow")
    page.wait_for_timeout(700)

    # Undo takes back only the last edit; redo brings it back.
    page.locator(f".react-flow__node[data-id='{step_id}']").click()
    page.keyboard.press("Control+z")
    expect(page.locator("input[name=modelName]")).to_have_value("")
    expect(page.locator("input[name=owner]")).to_have_value("Fraud Ops")
    page.keyboard.press("Control+Shift+z")
    expect(page.locator("input[name=modelName]")).to_have_value("fraud-gbm-shadow")

    # Save a version with a message.
    page.get_by_role("button", name="Save version").first.click()
    page.locator("input[name=version-message]").fill("Shadow model step")
    page.locator(".versions-panel button[type=submit]").click()
    expect(page.locator(".version-item[data-version='1']")).to_contain_text("Shadow model step")

    # After a reload everything is still there, read back from the server.
    page.reload()
    wait_live(page)
    expect(page.locator(".sop-node")).to_have_count(17)
    expect(page.locator(f".sop-node[data-node-id='{step_id}']")).to_contain_text(NEW_STEP)
    page.locator(f".react-flow__node[data-id='{step_id}']").click()
    expect(page.locator("input[name=owner]")).to_have_value("Fraud Ops")
    expect(page.locator("input[name=modelName]")).to_have_value("fraud-gbm-shadow")
    content = fetch_json(page, f"/api/diagrams/{diagram_id}/content")["body"]
    step = next(node for node in content["nodes"] if node["id"] == step_id)
    assert step["stage"] == "model"
    assert step["fields"] == {"owner": "Fraud Ops", "modelName": "fraud-gbm-shadow"}
    fallbacks = [
        edge
        for edge in content["edges"]
        if edge["source"] == step_id and edge["target"] == "rules-fallback"
    ]
    assert [edge["kind"] for edge in fallbacks] == ["fallback"]
    versions = fetch_json(page, f"/api/diagrams/{diagram_id}/versions/")["body"]
    assert [v["message"] for v in versions["results"]] == ["Shadow model step"]


def test_two_people_see_each_others_edits_and_cursors(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    alice = member(workspace, "editor", username="alice")
    bob = member(workspace, "editor", username="bob")
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=alice, template_id="fraud-detection-api"
    )
    path = f"/diagrams/{diagram.pk}"
    alice_page = sign_in(new_context(), sop_server, alice, path)
    bob_page = sign_in(new_context(), sop_server, bob, path)
    wait_live(alice_page)
    wait_live(bob_page)

    # Each sees the other in the list of people here.
    expect(alice_page.locator(".presence [data-peer=bob]")).to_be_visible()
    expect(bob_page.locator(".presence [data-peer=alice]")).to_be_visible()

    # Alice renames a step; Bob sees the new label.
    alice_page.locator(".react-flow__node[data-id='score-txn']").click()
    alice_page.locator("input[name=label]").fill("Score payment")
    expect(bob_page.locator(".sop-node[data-node-id='score-txn']")).to_contain_text("Score payment")
    # Bob sees what Alice has selected.
    expect(
        bob_page.locator(".sop-node[data-node-id='score-txn'] .sop-node-remote")
    ).to_contain_text("alice")

    # Bob moves a step; Alice sees it move.
    before = alice_page.locator(".react-flow__node[data-id='audit-log']").bounding_box()
    x, y = node_centre(bob_page, "audit-log")
    bob_page.mouse.move(x, y)
    bob_page.mouse.down()
    bob_page.mouse.move(x, y + 60, steps=8)
    bob_page.mouse.up()
    deadline = time.monotonic() + 10
    after = before
    while time.monotonic() < deadline:
        after = alice_page.locator(".react-flow__node[data-id='audit-log']").bounding_box()
        if before and after and after["y"] > before["y"] + 5:
            break
        time.sleep(0.1)
    assert before and after and after["y"] > before["y"] + 5

    # Each sees the other's cursor, named.
    ax, ay = node_centre(alice_page, "risk-decision")
    alice_page.mouse.move(ax, ay + 80, steps=5)
    expect(bob_page.locator(".remote-cursor[data-peer=alice]")).to_be_visible()
    bx, by = node_centre(bob_page, "select-model")
    bob_page.mouse.move(bx, by + 80, steps=5)
    expect(alice_page.locator(".remote-cursor[data-peer=bob]")).to_be_visible()
    expect(alice_page.locator(".remote-cursor[data-peer=bob]")).to_contain_text("bob")


def test_a_viewer_cannot_change_anything(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor")
    viewer = member(workspace, "viewer")
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=author, template_id="fraud-detection-api"
    )
    page = sign_in(new_context(), sop_server, viewer, f"/diagrams/{diagram.pk}")
    wait_live(page)
    before = fetch_json(page, f"/api/diagrams/{diagram.pk}/content")["body"]

    expect(page.locator(".readonly-banner")).to_be_visible()
    expect(page.get_by_role("button", name="Save version")).to_have_count(0)
    expect(page.locator(".palette-item")).to_have_count(0)
    expect(page.get_by_label("Diagram title")).to_have_attribute("readonly", "")

    # Dragging does not move a step; Delete does not delete it; double-click does not edit.
    def offset() -> tuple[float, float]:
        (x1, y1), (x2, y2) = node_centre(page, "score-txn"), node_centre(page, "validate-txn")
        return round(x1 - x2, 1), round(y1 - y2, 1)

    node = page.locator(".react-flow__node[data-id='score-txn']")
    start = offset()
    x, y = node_centre(page, "score-txn")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 90, steps=8)
    page.mouse.up()
    assert offset() == start
    node.click()
    page.keyboard.press("Delete")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Control+z")
    node.dblclick()
    expect(page.locator(".node-label-input")).to_have_count(0)
    expect(page.locator(".sop-node")).to_have_count(16)

    # The inspector shows the facts but every field is disabled.
    expect(page.locator("input[name=label]")).to_be_disabled()
    expect(page.locator("input[name=owner]")).to_be_disabled()
    page.locator("[data-tab=document]").click()
    expect(page.locator("input[name=title]")).to_be_disabled()

    page.wait_for_timeout(500)
    assert fetch_json(page, f"/api/diagrams/{diagram.pk}/content")["body"] == before


def test_the_version_diff_shows_an_added_step_as_added(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor")
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=author, template_id="fraud-detection-api"
    )
    outside_browser_loop(diagram_version_create, diagram=diagram, user=author, message="Baseline")
    page = sign_in(new_context(), sop_server, author, f"/diagrams/{diagram.pk}")
    wait_live(page)

    page.locator(".palette-item[data-kind=process]").click()
    step_id = new_node_id(page)
    wait_for_content(page, diagram.pk, lambda c: any(n["id"] == step_id for n in c["nodes"]))

    page.locator("[data-tab=versions]").click()
    page.locator(".version-item[data-version='1']").get_by_role(
        "button", name="Compare with now"
    ).click()
    viewer = page.locator(".version-viewer")
    expect(viewer).to_contain_text("Changes from v1 to now")
    added = viewer.locator(f".sop-node[data-node-id='{step_id}']")
    expect(added).to_have_class(re.compile(r"\bdiff-added\b"))
    expect(added.locator(".diff-tag")).to_have_text("Added")
    expect(viewer.locator(".sop-node.diff-unchanged").first).to_be_visible()
    summary = viewer.locator(f".diff-item[data-element-id='{step_id}']")
    expect(summary).to_have_attribute("data-change", "added")
    expect(summary).to_contain_text(NEW_STEP)


def test_keyboard_only_selection_movement_and_editing(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor")
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=author, template_id="fraud-detection-api"
    )
    page = sign_in(new_context(), sop_server, author, f"/diagrams/{diagram.pk}")
    wait_live(page)
    selected = page.locator(".react-flow__node.selected")
    page.locator(".canvas-wrap").first.focus()

    page.keyboard.press("Alt+ArrowRight")  # nothing selected yet: the first step
    expect(selected).to_have_attribute("data-id", "trigger-txn")
    page.keyboard.press("Alt+ArrowRight")
    expect(selected).to_have_attribute("data-id", "validate-txn")
    page.keyboard.press("Alt+ArrowDown")
    expect(selected).to_have_attribute("data-id", "build-features")
    page.keyboard.press("Tab")
    expect(selected).to_have_attribute("data-id", "feature-store")

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    content = wait_for_content(
        page,
        diagram.pk,
        lambda c: next(n for n in c["nodes"] if n["id"] == "feature-store")["y"] == 364 + 50,
    )
    store = next(n for n in content["nodes"] if n["id"] == "feature-store")
    assert (store["x"], store["stage"]) == (330 + 20, "input")

    page.keyboard.press("Enter")
    page.keyboard.type("Online features (Redis)")
    page.keyboard.press("Enter")
    expect(page.locator(".sop-node[data-node-id='feature-store']")).to_contain_text(
        "Online features (Redis)"
    )
    page.keyboard.press("Delete")
    expect(page.locator(".sop-node[data-node-id='feature-store']")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.locator(".sop-node[data-node-id='feature-store']")).to_contain_text(
        "Online features (Redis)"
    )
