"""/api/docs/ in Chromium: Swagger UI from our own static files, working under our CSP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Request, sync_playwright

from tests.servers import ServerProcess, running_servers

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def docs_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ServerProcess]:
    with running_servers(1) as (server,):
        yield server


def test_swagger_ui_renders_the_operations_without_csp_errors_or_outside_requests(
    docs_server: ServerProcess,
) -> None:
    console_errors: list[str] = []
    outside: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            console_errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith((docs_server.url, "data:", "blob:")):
            outside.append(request.url)

    # Playwright's sync API runs an event loop in this thread; Django's async-safety check
    # would otherwise refuse the test database teardown.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("console", on_console)
            page.on("request", on_request)
            # Registered before any of the page's scripts run, so load-time refusals count too.
            page.add_init_script(
                "window.cspViolations = []; document.addEventListener('securitypolicyviolation',"
                " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            page.goto(f"{docs_server.url}/api/docs/")
            page.locator(".opblock").first.wait_for(state="visible", timeout=20_000)
            operations = page.locator(".opblock-summary-path").all_inner_texts()
            title = page.locator(".information-container .title").inner_text()
            violations = page.evaluate("() => window.cspViolations")
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

    assert "SOP Studio API" in title
    assert len(operations) >= 20, operations
    assert any("/api/diagrams/{diagram_id}/content" in path for path in operations)
    assert console_errors == []
    assert violations == []
    assert outside == []
