"""Presence is untrusted input: malformed awareness states from another client never break an
open editor, nor one loaded while the sender stays.

The states travel two ways. A stock y-websocket client (a viewer, through the server) is the
attack as it was found; the server may drop such states before they reach the browser. The same
states are also written straight into the page's own websocket, past the server, so the
editor's own defence is exercised in Chromium whatever the server lets through."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect
from rest_framework.authtoken.models import Token

from apps.diagrams.services import diagram_create
from tests.collab.node_peers import NodePeers, node_available
from tests.e2e.conftest import outside_browser_loop, sign_in, wait_live
from tests.factories import member
from tests.servers import ServerProcess

pytestmark = pytest.mark.e2e

MESSAGE_AWARENESS = 1
FRAUD_TEMPLATE_NODES = 16

# The three states of the report, in the order they were sent.
MALFORMED_STATES: list[tuple[str, dict[str, Any]]] = [
    ("a number as the name", {"user": {"name": 0}}),
    ("an object as the name", {"user": {"name": {"first": "Eve"}, "color": "url(x)"}}),
    ("no user at all", {"cursor": {"x": 1, "y": 2}, "selection": "n1"}),
]


def var_uint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def var_string(text: str) -> bytes:
    data = text.encode()
    return var_uint(len(data)) + data


def awareness_frame(client_id: int, clock: int, state: Any) -> bytes:
    """A y-protocols awareness message carrying one client's state, as a peer would send it."""
    update = var_uint(1) + var_uint(client_id) + var_uint(clock) + var_string(json.dumps(state))
    return bytes((MESSAGE_AWARENESS,)) + var_uint(len(update)) + update


class PageSocket:
    """The page's live-document websocket, passed through to the server, with a way to send
    the page a frame the server never saw."""

    def __init__(self, page: Page) -> None:
        self.routes: list[WebSocketRoute] = []
        page.route_web_socket("**/ws/diagrams/**", self._route)

    def _route(self, route: WebSocketRoute) -> None:
        route.connect_to_server()  # without handlers of ours, frames flow through unchanged
        self.routes.append(route)

    def inject(self, frame: bytes) -> None:
        assert self.routes, "the page never opened its live-document socket"
        self.routes[-1].send(frame)


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def assert_editor_alive(page: Page, errors: list[str]) -> None:
    """The canvas shows every step, no panel fell back to its error box, nothing was thrown."""
    expect(page.locator(".react-flow__pane")).to_be_visible()
    expect(page.locator(".sop-node")).to_have_count(FRAUD_TEMPLATE_NODES)
    expect(page.locator("[data-boundary]")).to_have_count(0)
    assert errors == []


@pytest.fixture
def node_peers() -> Iterator[NodePeers]:
    if not node_available():
        pytest.fail("The Node test clients are not installed: run `make node-deps`.")
    peers = NodePeers()
    try:
        yield peers
    finally:
        peers.close()


def test_malformed_presence_never_breaks_an_open_or_fresh_editor(
    transactional_db: Any,
    sop_server: ServerProcess,
    workspace: Any,
    new_context: Any,
    node_peers: NodePeers,
) -> None:
    author = member(workspace, "editor", username="author")
    mallory = member(workspace, "viewer", username="mallory")
    token = Token.objects.get_or_create(user=mallory)[0].key
    diagram = outside_browser_loop(
        diagram_create, workspace=workspace, user=author, template_id="fraud-detection-api"
    )
    path = f"/diagrams/{diagram.pk}"

    page = sign_in(new_context(), sop_server, author)
    errors = watch_errors(page)
    socket = PageSocket(page)
    page.goto(f"{sop_server.url}{path}")
    wait_live(page)

    node_peers.connect("mallory", ws_base=sop_server.ws_url, diagram_id=diagram.pk, token=token)
    node_peers.wait_synced("mallory")
    injected_client = random.randint(10_000_000, 20_000_000)

    for clock, (_what, state) in enumerate(MALFORMED_STATES, start=1):
        node_peers.call("awareness", peer="mallory", state=state)
        socket.inject(awareness_frame(injected_client, clock, state))
        if "name" in state.get("user", {}):
            # The editor got the state itself and shows that person under a stand-in name.
            expect(page.locator(".presence .avatar[data-peer=Someone]").first).to_be_visible()
        else:
            # A state without a user is nobody to show.
            page.wait_for_timeout(300)
        assert_editor_alive(page, errors)

    # The editor still edits: a click selects a step and the inspector opens on it.
    page.locator(".react-flow__node[data-id='score-txn']").click()
    expect(page.locator("input[name=label]")).to_be_visible()

    # A well-formed state still comes through the server: the relay was live all along.
    node_peers.call(
        "awareness", peer="mallory", state={"user": {"name": "Mallory", "color": "#7c3aed"}}
    )
    expect(page.locator(".presence .avatar[data-peer=Mallory]")).to_be_visible()

    # The sender stays with the first malformed state; someone opens the diagram afresh.
    node_peers.call("awareness", peer="mallory", state=MALFORMED_STATES[0][1])
    fresh = sign_in(new_context(), sop_server, author)
    fresh_errors = watch_errors(fresh)
    fresh_socket = PageSocket(fresh)
    fresh.goto(f"{sop_server.url}{path}")
    wait_live(fresh)
    fresh_socket.inject(awareness_frame(injected_client + 1, 1, MALFORMED_STATES[1][1]))
    expect(fresh.locator(".presence .avatar[data-peer=Someone]").first).to_be_visible()
    assert_editor_alive(fresh, fresh_errors)
    assert_editor_alive(page, errors)

    snapshot = node_peers.snapshot("mallory")
    assert snapshot["connected"], f"the sender was disconnected: {snapshot['closes']}"
