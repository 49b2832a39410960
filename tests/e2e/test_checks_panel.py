"""The editor's Checks tab in Chromium: findings of the live document, a click selects the step,
a fix lands as one undoable change on the live document; a viewer sees findings but no fixes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apps.diagrams.services import diagram_create
from tests.e2e.conftest import (
    create_from_template,
    outside_browser_loop,
    sign_in,
    wait_for_content,
    wait_live,
)
from tests.factories import member
from tests.servers import ServerProcess

pytestmark = pytest.mark.e2e


def node_of(content: Any, node_id: str) -> Any:
    return next((node for node in content["nodes"] if node["id"] == node_id), None)


def open_checks(page: Page) -> None:
    page.locator("[data-tab=findings]").click()
    expect(page.locator(".checks-panel[data-status=ready]")).to_be_visible()


def test_checks_list_findings_select_the_step_and_fix_in_one_undo_step(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor")
    page = sign_in(new_context(), sop_server, author)
    diagram_id = create_from_template(page, "blank")
    expect(page.locator(".sop-node")).to_have_count(8)

    open_checks(page)
    panel = page.locator(".checks-panel")
    # The blank template lacks error paths (SOP004), a model version (SOP008) and more.
    expect(panel.locator(".checks-count[data-severity=error] strong")).to_have_text("3")
    expect(panel.locator(".finding[data-rule=SOP004]")).to_have_count(2)
    sop008 = panel.locator(".finding[data-rule=SOP008]")
    expect(sop008).to_contain_text("does not name its model version")

    # The model step carries a badge: two errors (SOP004, SOP008), messages on hover.
    badge = page.locator(".sop-node[data-node-id=model] .sop-node-badge")
    expect(badge).to_have_text("2")
    expect(badge).to_have_class(re.compile(r"is-error"))
    expect(badge).to_have_attribute("title", re.compile(r"model version"))

    # A click on the finding selects the step it names.
    sop008.locator(".finding-main").click()
    expect(page.locator(".react-flow__node[data-id=model]")).to_have_class(re.compile(r"selected"))
    expect(page.locator(".react-flow__node.selected")).to_have_count(1)

    # Fix: the field lands on the live document (and on the server), the finding goes away.
    sop008.get_by_role("button", name=re.compile(r"^Fix SOP008")).click()
    expect(sop008).to_have_count(0)
    expect(badge).not_to_have_attribute("title", re.compile(r"model version"))
    wait_for_content(
        page,
        diagram_id,
        lambda c: node_of(c, "model")["fields"].get("modelVersion") == "TODO: model version",
    )

    # Ctrl+Z takes the fix back, and the finding returns.
    page.locator(".react-flow__pane").click()
    page.keyboard.press("Control+z")
    expect(sop008).to_have_count(1)
    expect(badge).to_have_attribute("title", re.compile(r"model version"))
    wait_for_content(
        page, diagram_id, lambda c: "modelVersion" not in node_of(c, "model")["fields"]
    )

    # A fix of several operations (an alert step and the error edge to it) is one undo step.
    inference_fix = panel.locator(".finding[data-rule=SOP004]", has_text="inference run")
    inference_fix.get_by_role("button", name=re.compile(r"^Fix SOP004")).click()
    expect(page.locator(".sop-node")).to_have_count(9)
    expect(page.locator(".react-flow__edge[data-id=e-inference-error]")).to_have_count(1)
    expect(panel.locator(".finding[data-rule=SOP004]")).to_have_count(1)
    page.locator(".react-flow__pane").click()
    page.keyboard.press("Control+z")
    expect(page.locator(".sop-node")).to_have_count(8)
    expect(page.locator(".react-flow__edge[data-id=e-inference-error]")).to_have_count(0)
    expect(panel.locator(".finding[data-rule=SOP004]")).to_have_count(2)


def test_a_viewer_sees_findings_but_no_fix_buttons(
    transactional_db: Any, sop_server: ServerProcess, workspace: Any, new_context: Any
) -> None:
    author = member(workspace, "editor")
    viewer = member(workspace, "viewer")
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=author, title="Blank", template_id="blank"
    )
    page = sign_in(new_context(), sop_server, viewer, f"/diagrams/{diagram.pk}")
    wait_live(page)
    open_checks(page)
    panel = page.locator(".checks-panel")
    expect(panel.locator(".finding[data-rule=SOP008]")).to_have_count(1)
    expect(page.locator(".sop-node[data-node-id=model] .sop-node-badge")).to_have_text("2")
    expect(panel.get_by_role("button", name=re.compile(r"^Fix"))).to_have_count(0)
    expect(panel.locator(".checks-note")).to_contain_text("Only owners and editors")
    # Selecting still works read-only.
    panel.locator(".finding[data-rule=SOP008] .finding-main").click()
    expect(page.locator(".react-flow__node[data-id=model]")).to_have_class(re.compile(r"selected"))
