"""Poisoned websocket updates: what the schema refuses is repaired by the server, never stored.

Each case is an editor's update as found: a NUL in the title, a non-finite coordinate, a wrong
type, an over-long label, an unknown stage. Afterwards Postgres holds only what the schema
accepts (reads, versions, diffs and an SVG export all succeed), every peer, the sender
included, converges on the repaired value, and nobody is disconnected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from pycrdt import Map

from apps.diagrams.models import Diagram, DiagramUpdate
from tests.collab.conftest import stored_content, token_for
from tests.collab.ypeer import YPeer, nodes_json, sop_node
from tests.conftest import client_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_channel_layer", "update_connection_closed"),
]


def _reads_succeed(diagram_id: int, user: Any) -> dict[str, Any]:
    """Everything that reads stored content answers, as a user would try it; the content."""
    client = client_for(user)
    content = client.get(f"/api/diagrams/{diagram_id}/content")
    assert content.status_code == 200, content.content
    version = client.post(f"/api/diagrams/{diagram_id}/versions/", {"message": "after"}, "json")
    assert version.status_code == 201, version.content
    number = version.json()["number"]
    assert client.get(f"/api/diagrams/{diagram_id}/versions/").status_code == 200
    assert client.get(f"/api/diagrams/{diagram_id}/versions/{number}/").status_code == 200
    diff = client.get(f"/api/diagrams/{diagram_id}/diff?from={number}&to=live")
    assert diff.status_code == 200, diff.content
    job = client.post(
        f"/api/diagrams/{diagram_id}/exports/", {"format": "svg", "version": number}, "json"
    )
    assert job.status_code == 202, job.content
    status = client.get(f"/api/exports/{job.json()['id']}").json()
    assert status["status"] == "done", status
    assert client.get(status["download_url"]).status_code == 200
    body: dict[str, Any] = content.json()
    return body


def _stored_rows(diagram_id: int) -> list[bytes]:
    return [
        bytes(data)
        for data in DiagramUpdate.objects.filter(diagram_id=diagram_id).values_list(
            "data", flat=True
        )
    ]


async def _joined(diagram: Diagram, user: Any) -> YPeer:
    peer = YPeer(diagram.pk, token=await database_sync_to_async(token_for)(user))
    await peer.connect()
    await peer.pump(0.2)
    return peer


def _meta(peer: YPeer) -> dict[str, Any]:
    return peer.doc.get("meta", type=Map).to_py() or {}


def _set_title(title: str) -> Callable[[YPeer], None]:
    def change(peer: YPeer) -> None:
        with peer.doc.transaction():
            peer.doc.get("meta", type=Map)["title"] = title

    return change


def _set_node(key: str, value: Any) -> Callable[[YPeer], None]:
    def change(peer: YPeer) -> None:
        peer.edit(lambda nodes: nodes["alpha"].__setitem__(key, value))

    return change


CASES = [
    # (change, where to read it, what everyone must end with, bytes never stored)
    pytest.param(_set_title("a\x00b"), ("meta", "title"), "ab", b"a\x00b", id="nul-title"),
    pytest.param(_set_node("x", math.inf), ("alpha", "x"), 0, None, id="infinite-x"),
    pytest.param(_set_node("y", math.nan), ("alpha", "y"), 0, None, id="nan-y"),
    pytest.param(_set_node("label", 5), ("alpha", "label"), "ALPHA", None, id="number-label"),
    pytest.param(_set_node("x", "12"), ("alpha", "x"), 0, None, id="string-x"),
    pytest.param(
        _set_node("label", "L" * 500), ("alpha", "label"), "L" * 80, b"L" * 500, id="long-label"
    ),
    pytest.param(
        _set_node("stage", "moon"), ("alpha", "stage"), "model", b"moon", id="unknown-stage"
    ),
    pytest.param(
        _set_node("description", "ok\x01\x02text"),
        ("alpha", "description"),
        "oktext",
        b"ok\x01\x02",
        id="control-chars",
    ),
]


@pytest.mark.parametrize(("change", "where", "expected", "poison"), CASES)
@pytest.mark.usefixtures("inline_jobs")
async def test_a_poisoned_update_is_repaired_for_everyone_and_never_stored(
    diagram: Diagram,
    editor: Any,
    owner: Any,
    change: Callable[[YPeer], None],
    where: tuple[str, str],
    expected: Any,
    poison: bytes | None,
) -> None:
    sender = await _joined(diagram, editor)
    other = await _joined(diagram, owner)
    change(sender)
    await sender.flush()
    await sender.pump(0.4)
    await other.pump(0.2)

    def read(peer: YPeer) -> Any:
        scope, key = where
        return _meta(peer).get(key) if scope == "meta" else nodes_json(peer.doc)[scope].get(key)

    # The sender is sent the repair too, and nobody was disconnected.
    assert read(sender) == expected
    assert read(other) == expected
    assert sender.comm is not None and other.comm is not None
    stored = await database_sync_to_async(stored_content)(diagram.pk)
    scope, key = where
    stored_value = stored["meta"].get(key) if scope == "meta" else stored["nodes"][scope].get(key)
    assert stored_value == (float(expected) if isinstance(expected, int) else expected)
    if poison is not None:
        rows = await database_sync_to_async(_stored_rows)(diagram.pk)
        assert all(poison not in row for row in rows)
    content = await database_sync_to_async(_reads_succeed)(diagram.pk, editor)
    if scope == "meta":
        assert content["meta"][key] == expected
    else:
        node = next(node for node in content["nodes"] if node["id"] == scope)
        assert node[key] == expected
    # The sender has nothing left to resend: a fresh sync from it adds nothing.
    before = await database_sync_to_async(
        lambda: DiagramUpdate.objects.filter(diagram_id=diagram.pk).count()
    )()
    await sender.disconnect()
    await sender.connect()
    await sender.pump(0.4)
    after = await database_sync_to_async(
        lambda: DiagramUpdate.objects.filter(diagram_id=diagram.pk).count()
    )()
    assert after == before
    assert read(sender) == expected
    await sender.disconnect()
    await other.disconnect()


async def test_a_node_that_cannot_be_repaired_is_deleted_and_good_ones_stay(
    diagram: Diagram, editor: Any, owner: Any
) -> None:
    sender = await _joined(diagram, editor)
    other = await _joined(diagram, owner)
    sender.edit(lambda nodes: nodes.__setitem__("bogus", Map({"kind": "teapot", "label": "?"})))
    sender.edit(lambda nodes: nodes.__setitem__("fine", sop_node("Fine", x=math.inf)))
    await sender.flush()
    await sender.pump(0.4)
    await other.pump(0.2)
    for peer in (sender, other):
        nodes = nodes_json(peer.doc)
        assert "bogus" not in nodes
        assert nodes["fine"]["label"] == "Fine"
        assert nodes["fine"]["x"] == 0
    stored = await database_sync_to_async(stored_content)(diagram.pk)
    assert "bogus" not in stored["nodes"] and stored["nodes"]["fine"]["x"] == 0.0
    await sender.disconnect()
    await other.disconnect()


async def test_a_valid_update_is_stored_as_sent_and_not_echoed(
    diagram: Diagram, editor: Any, owner: Any
) -> None:
    sender = await _joined(diagram, editor)
    other = await _joined(diagram, owner)
    sender.edit(lambda nodes: nodes["alpha"].__setitem__("x", 42.5))
    sent = sender._unsent[-1]
    await sender.flush()
    await other.next_frame()
    assert await sender.pump(0.3) == 0
    rows = await database_sync_to_async(_stored_rows)(diagram.pk)
    assert rows[-1] == sent
    assert nodes_json(other.doc)["alpha"]["x"] == 42.5
    await sender.disconnect()
    await other.disconnect()
