"""Updates that arrive before the ones they depend on are kept, stored and sent on.

The server must not mistake such an update for one it already has: until its dependency
arrives it changes nothing visible, yet it is new. (The convergence property test found this:
three title changes sent in reverse order lost the last one.)
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from pycrdt import Map

from apps.collab import protocol
from apps.diagrams.services import diagram_create
from tests.collab.conftest import stored_content, token_for
from tests.collab.ypeer import YPeer, sop_node

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_channel_layer", "update_connection_closed"),
]


async def _peers(workspace: Any, editor: Any) -> tuple[int, YPeer, YPeer]:
    diagram = await database_sync_to_async(diagram_create)(workspace=workspace, user=editor)
    token = await database_sync_to_async(token_for)(editor)
    writer, reader = YPeer(diagram.pk, token=token), YPeer(diagram.pk, token=token)
    for peer in (writer, reader):
        await peer.connect()
        await peer.pump(0.1)
    return diagram.pk, writer, reader


async def _send_reversed(peer: YPeer) -> None:
    pending, peer._unsent = peer._unsent, []
    for update in reversed(pending):
        await peer.send(protocol.update_frame(update))
        await peer.pump(0.05)  # one at a time, so the server cannot merge them into one


async def test_changes_sent_in_reverse_order_are_all_kept(workspace: Any, editor: Any) -> None:
    diagram_id, writer, reader = await _peers(workspace, editor)
    try:
        meta = writer.doc.get("meta", type=Map)
        for title in ("First", "Second", "Third"):
            with writer.doc.transaction():
                meta["title"] = title
        await _send_reversed(writer)
        await reader.pump(0.3)
        assert reader.doc.get("meta", type=Map)["title"] == "Third"
    finally:
        await writer.disconnect()
        await reader.disconnect()
    assert (await database_sync_to_async(stored_content)(diagram_id))["meta"]["title"] == "Third"


async def test_a_delete_sent_before_the_add_it_undoes_is_kept(workspace: Any, editor: Any) -> None:
    diagram_id, writer, reader = await _peers(workspace, editor)
    try:
        writer.edit(lambda nodes: nodes.__setitem__("n1", sop_node("Temporary", x=1)))
        writer.edit(lambda nodes: nodes.__delitem__("n1"))
        await _send_reversed(writer)
        await reader.pump(0.3)
        assert "n1" not in reader.nodes
    finally:
        await writer.disconnect()
        await reader.disconnect()
    assert "n1" not in (await database_sync_to_async(stored_content)(diagram_id))["nodes"]
