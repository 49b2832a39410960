"""Fixtures for the collaboration tests: API tokens, Node y-websocket peers, stored content."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from apps.diagrams import live
from apps.diagrams.models import Diagram
from apps.diagrams.schema import content_parse
from apps.diagrams.ydoc import doc_roots
from tests.collab.node_peers import NodePeers, normalise


def token_for(user: Any) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def stored_content(diagram_id: int) -> dict[str, Any]:
    """What Postgres holds, in the shape the Node peers report (maps keyed by id)."""
    meta, nodes, edges = doc_roots(live.document_load(diagram_id=diagram_id).doc)
    return normalise({"meta": meta.to_py(), "nodes": nodes.to_py(), "edges": edges.to_py()})


def sop_json(*node_ids: str) -> dict[str, Any]:
    """A `sop-diagram/1` document with one process node per id, as a client sends it."""
    nodes = [
        {
            "id": node_id,
            "kind": "process",
            "stage": "model",
            "label": node_id.upper(),
            "x": 0,
            "y": 0,
        }
        for node_id in node_ids
    ]
    return {"schema": "sop-diagram/1", "meta": {"title": "Live"}, "nodes": nodes, "edges": []}


def sop_content(*node_ids: str) -> Any:
    return content_parse(sop_json(*node_ids))


def diagram_with_nodes(diagram: Diagram, user: Any, *node_ids: str) -> Diagram:
    live.document_replace(diagram=diagram, content=sop_content(*node_ids), user=user)
    return diagram


@pytest.fixture
def diagram(empty_diagram: Diagram, editor: Any) -> Diagram:
    """The empty diagram with two steps, alpha and beta (a test may define its own)."""
    return diagram_with_nodes(empty_diagram, editor, "alpha", "beta")


@pytest.fixture
def node_peers() -> Iterator[NodePeers]:
    peers = NodePeers()
    try:
        yield peers
    finally:
        peers.close()


@pytest.fixture
def private_channel_layer(settings: Any) -> None:
    """The real Redis layer under a prefix of this test's own, so parallel runs never cross."""
    import uuid

    layers = dict(settings.CHANNEL_LAYERS)
    default = dict(layers["default"])
    config = dict(default.get("CONFIG", {}))
    if "prefix" in config or default["BACKEND"].startswith("channels_redis"):
        config["prefix"] = f"collab-test-{uuid.uuid4().hex[:10]}"
    default["CONFIG"] = config
    settings.CHANNEL_LAYERS = {**layers, "default": default}


@pytest.fixture
async def update_connection_closed() -> AsyncIterator[None]:
    """Close the test loop's update-row connection afterwards, so the test database can go.

    In a server the last room to unload closes it; a test may end with sockets still open.
    """
    yield
    from apps.collab.registry import room_registry

    await room_registry().appender.close()


def session_cookie(user: Any) -> str:
    """A `Cookie` header value holding a logged-in session for the user."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"
