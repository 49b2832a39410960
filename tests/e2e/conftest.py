"""End-to-end fixtures: one live server per module, Debian's Chromium, sign-in through the real page."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connection, connections
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.factories import PASSWORD
from tests.servers import ServerProcess, running_servers

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

expect.set_options(timeout=15_000)
T = TypeVar("T")


@pytest.fixture(scope="module")
def sop_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ServerProcess]:
    if not (ROOT / "static" / "app" / "manifest.json").exists():
        pytest.fail("The editor is not built: run `make frontend` (npm ci && npm run build).")
    with running_servers(1) as (server,):
        yield server


@pytest.fixture(scope="module")
def browser(sop_server: ServerProcess) -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread, which Django's
    # async-safety check mistakes for async code when the test database is flushed. Set only
    # after the server started, so the server process never inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            instance = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    wait_for_server_quiet()


def wait_for_server_quiet(timeout: float = 5.0) -> None:
    """After the browsers close, the server unloads their rooms and writes the list columns;
    let that finish before pytest-django truncates the tables, or the two deadlock."""
    deadline = time.monotonic() + timeout
    quiet_checks = 0
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and quiet_checks < 3:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
            quiet_checks = quiet_checks + 1 if busy == 0 else 0
            time.sleep(0.15)


def sign_in(context: BrowserContext, server: ServerProcess, user: Any, path: str = "/") -> Page:
    """Sign in through the login form, as a person would, and land on `path`."""
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/?next={path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}{path}")
    return page


def wait_live(page: Page) -> None:
    """The live document has arrived over the websocket."""
    expect(page.locator(".connection[data-state=online]")).to_be_visible()
    expect(page.locator(".sop-node").first).to_be_visible()


def create_from_template(page: Page, template: str) -> int:
    """Create a diagram from the home page's template gallery, as a user does; its id."""
    page.get_by_role("button", name="New diagram").click()
    page.locator(f"[data-template={template}]").click()
    page.get_by_role("button", name="Create diagram").click()
    page.wait_for_url(re.compile(r"/diagrams/\d+$"))
    wait_live(page)
    return int(page.url.rsplit("/", 1)[1])


def wait_for_content(page: Page, diagram_id: int, check: Any, timeout: float = 10.0) -> Any:
    """Poll the REST content until `check` holds: the server has stored the live edits."""
    deadline = time.monotonic() + timeout
    content: Any = None
    while time.monotonic() < deadline:
        content = fetch_json(page, f"/api/diagrams/{diagram_id}/content")["body"]
        if check(content):
            return content
        time.sleep(0.2)
    raise AssertionError(f"content never matched: {content}")


def fetch_json(page: Page, path: str) -> Any:
    """Read the API with the page's session, the way the app does."""
    text = page.evaluate(
        "async (path) => { const r = await fetch(path, {credentials: 'same-origin'}); "
        "return JSON.stringify({status: r.status, body: await r.json()}); }",
        path,
    )
    return json.loads(text)


def outside_browser_loop(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run server-side setup (services that broadcast through Channels) in a worker thread:
    the browser driver's event loop in this thread would make async_to_sync refuse."""

    def call() -> T:
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def node_centre(page: Page, node_id: str) -> tuple[float, float]:
    box = page.locator(f".react-flow__node[data-id='{node_id}']").bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
