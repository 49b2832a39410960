"""The websocket Origin must match an allowed origin exactly: scheme, host and port."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from apps.diagrams.models import Diagram
from tests.collab.conftest import diagram_with_nodes, session_cookie, token_for
from tests.collab.ypeer import YPeer, nodes_json

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_channel_layer", "update_connection_closed"),
]


@pytest.fixture
def diagram(empty_diagram: Diagram, editor: Any, settings: Any) -> Diagram:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CSRF_TRUSTED_ORIGINS = ["http://localhost:8000", "https://*.sop.example"]
    return diagram_with_nodes(empty_diagram, editor, "alpha")


async def _opens(diagram: Diagram, **kwargs: Any) -> bool:
    peer = YPeer(diagram.pk, **kwargs)
    await peer.connect()
    await peer.pump(0.2)
    opened = peer.comm is not None and "alpha" in nodes_json(peer.doc)
    if peer.comm is None:
        assert peer.close_code == 4403
    await peer.disconnect()
    return opened


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        pytest.param("http://127.0.0.1:8000", "127.0.0.1:8000", True, id="own-origin"),
        pytest.param("http://localhost:8000", "127.0.0.1:8000", True, id="trusted-origin"),
        pytest.param("https://app.sop.example", "127.0.0.1:8000", True, id="trusted-subdomain"),
        pytest.param("http://localhost:31337", "127.0.0.1:8000", False, id="wrong-port"),
        pytest.param("http://127.0.0.1:31337", "127.0.0.1:8000", False, id="own-host-wrong-port"),
        pytest.param("https://127.0.0.1:8000", "127.0.0.1:8000", False, id="wrong-scheme"),
        pytest.param(
            "https://localhost:8000", "127.0.0.1:8000", False, id="trusted-host-wrong-scheme"
        ),
        pytest.param("http://evil.example:8000", "evil.example:8000", False, id="host-not-served"),
        pytest.param(
            "http://app.sop.example", "127.0.0.1:8000", False, id="subdomain-wrong-scheme"
        ),
        pytest.param("null", "127.0.0.1:8000", False, id="opaque-origin"),
    ],
)
async def test_origin_must_match_scheme_host_and_port(
    diagram: Diagram, editor: Any, origin: str, host: str, allowed: bool
) -> None:
    cookie = await database_sync_to_async(session_cookie)(editor)
    assert await _opens(diagram, cookie=cookie, origin=origin, host=host) is allowed


async def test_a_token_client_without_origin_is_still_allowed(
    diagram: Diagram, editor: Any
) -> None:
    token = await database_sync_to_async(token_for)(editor)
    assert await _opens(diagram, token=token, origin=None)
