"""Property: whatever 3 to 5 peers edit, in whatever order their messages are sent and read,
across disconnects and reconnects, every peer ends with the document Postgres holds."""

from __future__ import annotations

import random
from typing import Any

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Map

from apps.collab import protocol
from apps.diagrams.models import Diagram
from apps.diagrams.services import diagram_create
from tests.collab.conftest import stored_content, token_for
from tests.collab.node_peers import normalise
from tests.collab.ypeer import YPeer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_channel_layer", "update_connection_closed"),
]

NODE_IDS = ["n0", "n1", "n2", "n3"]

edit_ops = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(NODE_IDS), st.integers(0, 999)),
    st.tuples(st.just("move"), st.sampled_from(NODE_IDS), st.integers(0, 999)),
    st.tuples(st.just("rename"), st.sampled_from(NODE_IDS), st.integers(0, 999)),
    st.tuples(st.just("delete"), st.sampled_from(NODE_IDS), st.just(0)),
    st.tuples(st.just("title"), st.just(""), st.integers(0, 999)),
)


@st.composite
def scenarios(draw: Any) -> tuple[int, list[tuple[Any, ...]]]:
    peers = draw(st.integers(3, 5))
    peer = st.integers(0, peers - 1)
    step = st.one_of(
        st.tuples(st.just("edit"), peer, edit_ops),
        st.tuples(st.just("edit"), peer, edit_ops),
        # Send what is pending, in an order chosen by the seed (Yjs must cope with gaps).
        st.tuples(st.just("send"), peer, st.integers(0, 2**16)),
        st.tuples(st.just("read"), peer),
        st.tuples(st.just("disconnect"), peer),
        st.tuples(st.just("reconnect"), peer),
    )
    return peers, draw(st.lists(step, min_size=5, max_size=30))


def _apply_edit(peer: YPeer, op: tuple[str, str, int]) -> None:
    kind, node_id, value = op
    nodes = peer.nodes
    with peer.doc.transaction():
        if kind == "add" and node_id not in nodes:
            nodes[node_id] = Map(
                {"kind": "process", "label": node_id, "x": value, "y": 0, "stage": "model"}
            )
        elif kind == "move" and node_id in nodes:
            nodes[node_id]["x"] = value
            nodes[node_id]["y"] = value // 2
        elif kind == "rename" and node_id in nodes:
            nodes[node_id]["label"] = f"{node_id}-{value}"
        elif kind == "delete" and node_id in nodes:
            del nodes[node_id]
        elif kind == "title":
            peer.doc.get("meta", type=Map)["title"] = f"Title {value}"


def _content(peer: YPeer) -> dict[str, Any]:
    doc = peer.doc
    return normalise(
        {
            "meta": doc.get("meta", type=Map).to_py() or {},
            "nodes": doc.get("nodes", type=Map).to_py() or {},
            "edges": doc.get("edges", type=Map).to_py() or {},
        }
    )


async def _send_shuffled(peer: YPeer, seed: int) -> None:
    if peer.comm is None:
        return
    pending, peer._unsent = peer._unsent, []
    random.Random(seed).shuffle(pending)
    for update in pending:
        await peer.send(protocol.update_frame(update))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
async def test_random_edits_deliveries_and_reconnects_converge(
    scenario: tuple[int, list[tuple[Any, ...]]], workspace: Any, editor: Any
) -> None:
    peer_count, steps = scenario
    diagram: Diagram = await database_sync_to_async(diagram_create)(
        workspace=workspace, user=editor
    )
    token = await database_sync_to_async(token_for)(editor)
    peers = [YPeer(diagram.pk, token=token) for _ in range(peer_count)]
    for peer in peers:
        await peer.connect()
    try:
        for step in steps:
            peer = peers[step[1]]
            if step[0] == "edit":
                _apply_edit(peer, step[2])
            elif step[0] == "send":
                await _send_shuffled(peer, step[2])
            elif step[0] == "read":
                await peer.pump(0.01)
            elif step[0] == "disconnect" and peer.comm is not None:
                await peer.disconnect()
            elif step[0] == "reconnect" and peer.comm is None:
                await peer.connect()

        # Everyone comes back online and says what they have; then nothing is left in flight.
        for peer in peers:
            if peer.comm is None:
                await peer.connect()
            await _send_shuffled(peer, 0)
        for peer in peers:
            await peer.send(protocol.sync_step1_frame(bytes(peer.doc.get_state())))
        quiet_rounds = 0
        while quiet_rounds < 2:
            received = 0
            for peer in peers:
                received += await peer.pump(0.1)
            quiet_rounds = quiet_rounds + 1 if received == 0 else 0

        contents = [_content(peer) for peer in peers]
        assert all(content == contents[0] for content in contents), contents
        assert all(peer.close_code is None for peer in peers)
    finally:
        for peer in peers:
            await peer.disconnect()
    # The room unloaded after storing everything it accepted: Postgres holds the same.
    assert await database_sync_to_async(stored_content)(diagram.pk) == contents[0]
