"""Presence is untrusted input: malformed awareness states are cut down before anyone sees them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from apps.diagrams.models import Diagram
from tests.collab.conftest import token_for
from tests.collab.ypeer import YPeer, awareness_frame

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_channel_layer", "update_connection_closed"),
]


async def _joined(diagram: Diagram, user: Any) -> YPeer:
    peer = YPeer(diagram.pk, token=await database_sync_to_async(token_for)(user))
    await peer.connect()
    await peer.pump(0.2)
    return peer


GOOD_USER = {"name": "Ada", "color": "#2563eb"}


@pytest.mark.parametrize(
    ("sent", "relayed"),
    [
        pytest.param({"user": {"name": 0}}, {}, id="name-a-number"),
        pytest.param(
            {"user": {"name": {"first": "A"}}, "cursor": None},
            {"cursor": None},
            id="name-an-object",
        ),
        pytest.param({"cursor": {"x": 1, "y": 2}}, {"cursor": {"x": 1, "y": 2}}, id="no-user"),
        pytest.param({"user": {"name": "N" * 65, "color": "#fff"}}, {}, id="name-too-long"),
        pytest.param(
            {"user": {"name": "Ada", "color": "red; background: url(x)"}},
            {"user": {"name": "Ada"}},
            id="colour-not-hex",
        ),
        pytest.param(
            {"user": GOOD_USER, "cursor": {"x": 1e999, "y": 0}},
            {"user": GOOD_USER, "cursor": None},
            id="cursor-infinite",
        ),
        pytest.param(
            {"user": GOOD_USER, "cursor": {"x": "1", "y": 0}},
            {"user": GOOD_USER, "cursor": None},
            id="cursor-string",
        ),
        pytest.param(
            {
                "user": GOOD_USER,
                "selection": ["alpha", 7, {"id": "x"}, "bad id", "", "b" * 65, "beta"],
            },
            {"user": GOOD_USER, "selection": ["alpha", "beta"]},
            id="junk-selection",
        ),
        pytest.param(
            {"user": GOOD_USER, "selection": "alpha"},
            {"user": GOOD_USER, "selection": []},
            id="selection-not-a-list",
        ),
        pytest.param(
            {"user": GOOD_USER, "extra": {"deep": [1, 2]}}, {"user": GOOD_USER}, id="unknown-keys"
        ),
    ],
)
async def test_a_malformed_state_reaches_others_cut_down_to_the_schema(
    diagram: Diagram, editor: Any, viewer: Any, sent: dict[str, Any], relayed: dict[str, Any]
) -> None:
    # A viewer may send presence too; its state is relayed like anyone's.
    sender = await _joined(diagram, viewer)
    watcher = await _joined(diagram, editor)
    text = json.dumps(sent).replace("Infinity", "1e999")
    await sender.send(awareness_frame(5150, 1, text))
    await watcher.pump(0.3)
    assert json.loads(watcher.awareness[5150]) == relayed
    newcomer = await _joined(diagram, editor)
    assert json.loads(newcomer.awareness[5150]) == relayed
    assert sender.comm is not None  # cut down, not disconnected
    for peer in (sender, watcher, newcomer):
        await peer.disconnect()


async def test_a_nan_literal_and_a_deeply_nested_state_never_reach_others(
    diagram: Diagram, editor: Any, owner: Any
) -> None:
    watcher = await _joined(diagram, owner)
    nan_sender = await _joined(diagram, editor)
    await nan_sender.send(
        awareness_frame(61, 1, '{"user":{"name":"Ada"},"cursor":{"x":NaN,"y":1}}')
    )
    await watcher.pump(0.3)
    assert json.loads(watcher.awareness[61]) == {"user": {"name": "Ada"}, "cursor": None}
    # Nesting deep enough to exhaust the JSON parser's recursion is not JSON we accept.
    deep_sender = await _joined(diagram, editor)
    await deep_sender.send(awareness_frame(62, 1, '{"user":' + "[" * 20_000 + "]" * 20_000 + "}"))
    assert await deep_sender.wait_closed() == 1007
    await watcher.pump(0.2)
    assert 62 not in watcher.awareness
    await watcher.disconnect()
    await nan_sender.disconnect()


async def test_a_later_valid_state_from_the_same_client_replaces_the_cut_down_one(
    diagram: Diagram, editor: Any, owner: Any
) -> None:
    sender = await _joined(diagram, editor)
    watcher = await _joined(diagram, owner)
    await sender.send(awareness_frame(77, 1, '{"user":{"name":0}}'))
    await watcher.pump(0.2)
    assert json.loads(watcher.awareness[77]) == {}
    # An echo of the bad state at the same clock changes nothing (y-protocols clock rules).
    await sender.send(awareness_frame(77, 1, '{"user":{"name":"Echo"}}'))
    await watcher.pump(0.2)
    assert json.loads(watcher.awareness[77]) == {}
    await sender.send(awareness_frame(77, 2, json.dumps({"user": GOOD_USER})))
    await watcher.pump(0.2)
    assert json.loads(watcher.awareness[77]) == {"user": GOOD_USER}
    await sender.disconnect()
    await watcher.pump(0.3)
    assert 77 not in watcher.awareness
    await watcher.disconnect()
