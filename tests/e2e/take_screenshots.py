"""Take the README's screenshots of the main screens in headless Chromium.

    .venv/bin/python tests/e2e/take_screenshots.py   # writes docs/screenshots/*.png

Uses a throwaway Postgres database (like the benchmarks) and a real server process.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("BENCH_DATABASE", "sopstudio_screenshots")

from bench.benchsetup import ROOT, django_setup

django_setup()

from django.contrib.auth.models import User  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from apps.accounts.models import Membership  # noqa: E402
from apps.accounts.services import workspace_create  # noqa: E402
from apps.diagrams.services import diagram_create, diagram_version_create  # noqa: E402
from apps.diagrams.templates import template_catalogue  # noqa: E402
from tests.servers import running_servers  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PASSWORD = "screenshot-password-123"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def user(username: str, first: str, last: str) -> User:
    return User.objects.create_user(
        username,
        password=PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@example.com",
    )


def sign_in(page: Page, base: str, username: str, path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{path}")


def live(page: Page) -> None:
    expect(page.locator(".connection[data-state=online]")).to_be_visible(timeout=15000)
    expect(page.locator(".sop-node").first).to_be_visible()
    page.wait_for_timeout(600)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    maya = user("maya", "Maya", "Chen")
    omar = user("omar", "Omar", "Haddad")
    vera = user("vera", "Vera", "Lindqvist")
    workspace = workspace_create(name="Payments ML", owner=maya)
    Membership.objects.create(workspace=workspace, user=omar, role="editor")
    Membership.objects.create(workspace=workspace, user=vera, role="viewer")
    other = workspace_create(name="Media personalisation", owner=maya)
    diagrams = {}
    for template_id in template_catalogue():
        if template_id != "blank":
            target = other if template_id.startswith("realtime") else workspace
            diagrams[template_id] = diagram_create(
                workspace=target, user=maya, template_id=template_id
            )
    fraud = diagrams["fraud-detection-api"]
    diagram_version_create(diagram=fraud, user=maya, message="First reviewed draft")

    with running_servers(1) as (server,), sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        maya_page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        sign_in(maya_page, server.url, "maya")
        expect(maya_page.locator(".diagram-row")).to_have_count(4)
        maya_page.screenshot(path=str(OUT / "home.png"))

        maya_page.get_by_role("button", name="New diagram").click()
        maya_page.locator("[data-template=fraud-detection-api]").click()
        maya_page.wait_for_timeout(300)
        maya_page.screenshot(path=str(OUT / "template-gallery.png"))
        maya_page.keyboard.press("Escape")

        path = f"/diagrams/{fraud.pk}"
        maya_page.goto(f"{server.url}{path}")
        live(maya_page)
        omar_page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        sign_in(omar_page, server.url, "omar", path)
        live(omar_page)
        omar_page.locator(".react-flow__node[data-id='rules-fallback']").click()
        box = omar_page.locator(".react-flow__node[data-id='risk-decision']").bounding_box()
        assert box
        omar_page.mouse.move(box["x"] + box["width"] + 30, box["y"] + 60, steps=4)
        maya_page.wait_for_timeout(800)
        maya_page.screenshot(path=str(OUT / "editor.png"))

        maya_page.locator(".react-flow__node[data-id='score-txn']").click()
        maya_page.locator(".zoom-readout").click()
        maya_page.wait_for_timeout(500)
        # Pan the empty space above the lanes out of view.
        maya_page.mouse.move(800, 200)
        maya_page.mouse.down()
        maya_page.mouse.move(800, 20, steps=6)
        maya_page.mouse.up()
        maya_page.wait_for_timeout(500)
        maya_page.screenshot(path=str(OUT / "inspector.png"))

        # A change to compare: a shadow-model step with a fallback edge.
        maya_page.keyboard.press("Escape")
        maya_page.locator(".palette-item[data-kind=process]").click()
        maya_page.locator("input[name=label]").fill("Shadow-score challenger model")
        maya_page.locator("input[name=owner]").fill("Fraud ML team")
        maya_page.get_by_label("Zoom to fit").click()
        maya_page.wait_for_timeout(400)
        maya_page.locator(".react-flow__node[data-id='select-model']").click()
        maya_page.locator("input[name=modelVersion]").fill("4.3.0")
        time.sleep(1.0)
        maya_page.locator("[data-tab=versions]").click()
        maya_page.locator(".version-item[data-version='1']").get_by_role(
            "button", name="Compare with now"
        ).click()
        expect(maya_page.locator(".diff-summary")).to_be_visible()
        maya_page.wait_for_timeout(800)
        maya_page.screenshot(path=str(OUT / "version-diff.png"))
        maya_page.get_by_role("button", name="Back to editing").click()

        maya_page.keyboard.press("Shift+?")
        expect(maya_page.locator(".shortcut-grid")).to_be_visible()
        maya_page.wait_for_timeout(400)
        maya_page.screenshot(path=str(OUT / "shortcuts.png"))
        maya_page.keyboard.press("Escape")

        vera_page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        sign_in(vera_page, server.url, "vera", path)
        live(vera_page)
        vera_page.locator(".react-flow__node[data-id='audit-log']").click()
        vera_page.wait_for_timeout(400)
        vera_page.screenshot(path=str(OUT / "viewer.png"))
        browser.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
