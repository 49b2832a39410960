"""The collaboration socket in-process: who may connect, what is stored, what is relayed.

Each test drives the real ASGI application (origin and auth middleware, routing, consumer,
rooms) with Channels' WebsocketCommunicator, against Postgres and the Redis channel layer.
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from pycrdt import Map

from apps.accounts.models import Membership, Role
from apps.accounts.services import membership_remove, membership_role_update
from apps.collab import protocol
from apps.collab.registry import room_registry
from apps.diagrams.models import Diagram, DiagramUpdate
from tests.collab.conftest import session_cookie, sop_json, token_for
from tests.collab.node_peers import normalise
from tests.collab.ypeer import YPeer, awareness_frame, nodes_json, sop_node
from tests.conftest import client_for
from tests.factories import member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_channel_layer", "update_connection_closed"),
]


def _rows(diagram_id: int) -> int:
    return DiagramUpdate.objects.filter(diagram_id=diagram_id).count()


rows = database_sync_to_async(_rows)


@pytest.fixture
def editor_token(editor: Any) -> str:
    return token_for(editor)


async def _joined(diagram: Diagram, token: str, **kwargs: Any) -> YPeer:
    peer = YPeer(diagram.pk, token=token, **kwargs)
    await peer.connect()
    await peer.pump(0.2)
    return peer


# ---- who may connect ------------------------------------------------------------------------


async def test_an_editor_receives_the_document_on_connect(
    diagram: Diagram, editor_token: str
) -> None:
    peer = await _joined(diagram, editor_token)
    assert set(nodes_json(peer.doc)) == {"alpha", "beta"}
    await peer.disconnect()


async def test_a_user_without_access_is_closed_with_4403_and_nothing_is_stored(
    diagram: Diagram, outsider: Any
) -> None:
    before = await rows(diagram.pk)
    peer = YPeer(diagram.pk, token=await database_sync_to_async(token_for)(outsider))
    peer.edit(lambda nodes: nodes.__setitem__("intruder", Map({"label": "x"})))
    await peer.connect()
    assert await peer.wait_closed() == 4403
    assert not nodes_json(peer.doc).keys() - {"intruder"}  # it was sent nothing
    assert await rows(diagram.pk) == before


async def test_a_missing_diagram_and_an_anonymous_user_are_closed_with_4403(
    diagram: Diagram, editor_token: str
) -> None:
    missing = YPeer(diagram.pk + 10_000, token=editor_token)
    await missing.connect()
    assert await missing.wait_closed() == 4403
    bad_token = YPeer(diagram.pk, token="not-a-token")
    await bad_token.connect()
    assert await bad_token.wait_closed() == 4403
    anonymous = YPeer(diagram.pk)
    await anonymous.connect()
    assert await anonymous.wait_closed() == 4403


async def test_origin_must_be_an_allowed_host(diagram: Diagram, editor: Any) -> None:
    cookie = await database_sync_to_async(session_cookie)(editor)
    browser = YPeer(diagram.pk, cookie=cookie, origin="http://localhost:8000")
    await browser.connect()
    await browser.pump(0.2)
    assert set(nodes_json(browser.doc)) == {"alpha", "beta"}

    hijack = YPeer(diagram.pk, cookie=cookie, origin="https://evil.example")
    hijack.edit(lambda nodes: nodes.__setitem__("evil", Map({"label": "x"})))
    await hijack.connect()
    assert await hijack.wait_closed() == 4403
    # A cookie with no Origin at all is not one of our pages either.
    no_origin = YPeer(diagram.pk, cookie=cookie, origin=None)
    await no_origin.connect()
    assert await no_origin.wait_closed() == 4403
    await browser.pump(0.2)
    assert "evil" not in nodes_json(browser.doc)
    await browser.disconnect()


# ---- the document ---------------------------------------------------------------------------


async def test_an_update_is_stored_before_others_receive_it_and_never_echoed(
    diagram: Diagram, editor_token: str, owner: Any
) -> None:
    first = await _joined(diagram, editor_token)
    second = await _joined(diagram, await database_sync_to_async(token_for)(owner))
    before = await rows(diagram.pk)
    first.edit(lambda nodes: nodes["alpha"].__setitem__("x", 123))
    await first.flush()
    await second.next_frame()
    # By the time the other client has it, it is committed.
    assert await rows(diagram.pk) == before + 1
    assert nodes_json(second.doc)["alpha"]["x"] == 123
    assert await first.pump(0.3) == 0  # the sender is not sent its own update
    await first.disconnect()
    await second.disconnect()


async def test_a_burst_is_merged_before_it_is_stored(diagram: Diagram, editor_token: str) -> None:
    peer = await _joined(diagram, editor_token)
    before = await rows(diagram.pk)
    for index in range(200):
        peer.edit(lambda nodes, i=index: nodes["alpha"].__setitem__("x", i))
    await peer.flush()
    await peer.disconnect()  # leaving waits for the writer, then unloads the room
    stored = await rows(diagram.pk) - before
    assert 1 <= stored < 200
    from tests.collab.conftest import stored_content

    content = await database_sync_to_async(stored_content)(diagram.pk)
    assert content["nodes"]["alpha"]["x"] == 199.0


async def test_sync_step1_is_answered_at_any_time_from_the_room(
    diagram: Diagram, editor_token: str, owner: Any
) -> None:
    writer = await _joined(diagram, editor_token)
    reader = await _joined(diagram, await database_sync_to_async(token_for)(owner))
    # The reader misses a message (as if dropped), then its periodic resync heals the gap.
    reader_comm, reader.comm = reader.comm, None
    writer.edit(lambda nodes: nodes.__setitem__("gamma", sop_node("G")))
    await writer.flush()
    reader.comm = reader_comm
    assert reader.comm is not None
    await reader.comm.receive_output(timeout=5)  # the update frame, discarded unread
    assert "gamma" not in nodes_json(reader.doc)
    await reader.send(protocol.sync_step1_frame(bytes(reader.doc.get_state())))
    await reader.pump(0.3)
    assert nodes_json(reader.doc)["gamma"]["label"] == "G"
    await writer.disconnect()
    await reader.disconnect()


async def test_a_stored_update_whose_broadcast_was_lost_reaches_the_room(
    diagram: Diagram, editor_token: str, editor: Any, settings: Any
) -> None:
    settings.SOPSTUDIO_WS_HEAL_MS = 200
    peer = await _joined(diagram, editor_token)
    # Another writer's row is committed but its channel-layer message never arrives.
    elsewhere = YPeer(diagram.pk)
    await database_sync_to_async(_copy_state_into)(diagram.pk, elsewhere)
    elsewhere.edit(lambda nodes: nodes["beta"].__setitem__("label", "Healed"))
    update = elsewhere._unsent[-1]
    await database_sync_to_async(DiagramUpdate.objects.create)(
        diagram_id=diagram.pk, data=update, origin="api"
    )
    await peer.pump(1.0)
    assert nodes_json(peer.doc)["beta"]["label"] == "Healed"
    await peer.disconnect()


def _copy_state_into(diagram_id: int, peer: YPeer) -> None:
    from apps.diagrams import live

    peer._applying_remote = True
    peer.doc.apply_update(live.document_load(diagram_id=diagram_id).state())
    peer._applying_remote = False


async def test_a_rest_put_reaches_connected_clients_live(
    diagram: Diagram, editor_token: str, editor: Any
) -> None:
    peer = await _joined(diagram, editor_token)
    content = sop_json("alpha", "beta", "from_api")

    def put() -> int:
        response = client_for(editor).put(
            f"/api/diagrams/{diagram.pk}/content", content, format="json"
        )
        return response.status_code

    assert await database_sync_to_async(put)() == 200
    await peer.next_frame()
    await peer.pump(0.2)
    assert set(nodes_json(peer.doc)) == {"alpha", "beta", "from_api"}
    await peer.disconnect()


async def test_the_last_client_leaving_unloads_the_room_and_refreshes_the_title(
    diagram: Diagram, editor_token: str
) -> None:
    peer = await _joined(diagram, editor_token)
    assert room_registry().rooms.get(diagram.pk) is not None
    with peer.doc.transaction():
        peer.doc.get("meta", type=Map)["title"] = "Renamed live"
    await peer.flush()
    await peer.disconnect()
    assert diagram.pk not in room_registry().rooms
    refreshed = await database_sync_to_async(Diagram.objects.get)(pk=diagram.pk)
    assert refreshed.title == "Renamed live"


# ---- viewers and revocation -----------------------------------------------------------------


async def test_a_viewer_receives_everything_but_its_writes_are_dropped(
    diagram: Diagram, editor_token: str, viewer: Any
) -> None:
    editor_peer = await _joined(diagram, editor_token)
    viewer_peer = await _joined(diagram, await database_sync_to_async(token_for)(viewer))
    before = await rows(diagram.pk)
    viewer_peer.edit(lambda nodes: nodes["alpha"].__setitem__("label", "Viewer was here"))
    await viewer_peer.flush()
    await viewer_peer.send(protocol.sync_step2_frame(bytes(viewer_peer.doc.get_update())))
    await editor_peer.pump(0.3)
    assert nodes_json(editor_peer.doc)["alpha"]["label"] == "ALPHA"
    assert await rows(diagram.pk) == before
    # ...and it still receives the editor's changes.
    editor_peer.edit(lambda nodes: nodes["beta"].__setitem__("x", 9))
    await editor_peer.flush()
    await viewer_peer.next_frame()
    assert nodes_json(viewer_peer.doc)["beta"]["x"] == 9
    assert viewer_peer.comm is not None  # not closed
    await editor_peer.disconnect()
    await viewer_peer.disconnect()


async def test_a_removed_member_is_closed_and_a_lowered_one_becomes_read_only(
    diagram: Diagram, workspace: Any, owner: Any
) -> None:
    removed_user = await database_sync_to_async(member)(workspace, Role.EDITOR)
    lowered_user = await database_sync_to_async(member)(workspace, Role.EDITOR)
    removed = await _joined(diagram, await database_sync_to_async(token_for)(removed_user))
    lowered = await _joined(diagram, await database_sync_to_async(token_for)(lowered_user))

    def revoke() -> None:
        membership_remove(
            user=owner,
            workspace_id=workspace.pk,
            membership_id=Membership.objects.get(user=removed_user, workspace=workspace).pk,
        )
        membership_role_update(
            user=owner,
            workspace_id=workspace.pk,
            membership_id=Membership.objects.get(user=lowered_user, workspace=workspace).pk,
            role=Role.VIEWER,
        )

    await database_sync_to_async(revoke)()
    assert await removed.wait_closed(timeout=1.0) == 4403
    await lowered.pump(0.5)
    before = await rows(diagram.pk)
    lowered.edit(lambda nodes: nodes["alpha"].__setitem__("label", "after demotion"))
    await lowered.flush()
    await lowered.pump(0.3)
    assert await rows(diagram.pk) == before
    assert lowered.comm is not None
    await lowered.disconnect()


# ---- presence -------------------------------------------------------------------------------


async def test_awareness_is_relayed_and_cleared_when_a_connection_closes(
    diagram: Diagram, editor_token: str, viewer: Any
) -> None:
    present = await _joined(diagram, editor_token)
    watcher = await _joined(diagram, await database_sync_to_async(token_for)(viewer))
    state = '{"user":{"name":"Zoë 李","color":"#f00"},"cursor":{"x":1,"y":2}}'
    await present.send(awareness_frame(4242, 1, state))
    await watcher.pump(0.3)
    assert watcher.awareness[4242] == state  # byte-length prefixes survive non-ASCII names
    # A newcomer is told who is already there.
    newcomer = await _joined(diagram, editor_token)
    assert 4242 in newcomer.awareness
    await present.disconnect()
    await watcher.pump(0.3)
    await newcomer.pump(0.1)
    assert 4242 not in watcher.awareness
    assert 4242 not in newcomer.awareness
    await watcher.disconnect()
    await newcomer.disconnect()


# ---- bad input and limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("text", 1003),
        (b"\xff\xff\xff", 1007),
        (b"\x00\x07\x01\x00", 1007),  # unknown sync type
        (b"\x00\x02\x05\x01\x02", 1007),  # length runs past the end
        (b"\x00\x02\x04garb", 1007),  # a sync update that is not a Yjs update
        (b"\x01\x03\x01\x05\x01", 1007),  # awareness that is not awareness
        (b"\x09", 1007),  # unknown message type
    ],
)
async def test_garbage_frames_are_closed_and_nothing_is_stored(
    diagram: Diagram, editor_token: str, owner: Any, frame: Any, code: int
) -> None:
    bystander = await _joined(diagram, await database_sync_to_async(token_for)(owner))
    sender = await _joined(diagram, editor_token)
    before = await rows(diagram.pk)
    if isinstance(frame, str):
        await sender.send_text(frame)
    else:
        await sender.send(frame)
    assert await sender.wait_closed() == code
    assert await rows(diagram.pk) == before
    # Others are unaffected.
    bystander.edit(lambda nodes: nodes["alpha"].__setitem__("x", 1))
    await bystander.flush()
    await bystander.pump(0.2)
    assert await rows(diagram.pk) == before + 1
    await bystander.disconnect()


async def test_oversized_frames_updates_and_documents_are_closed_with_1009(
    diagram: Diagram, editor_token: str, settings: Any
) -> None:
    settings.SOPSTUDIO_WS_MAX_FRAME_BYTES = 4096
    settings.SOPSTUDIO_WS_MAX_UPDATE_BYTES = 2048
    settings.SOPSTUDIO_WS_MAX_DOCUMENT_BYTES = 6000
    before = await rows(diagram.pk)

    big_frame = await _joined(diagram, editor_token)
    await big_frame.send(b"\x00\x02" + protocol.var_bytes(b"\x00" * 5000))
    assert await big_frame.wait_closed() == 1009

    big_update = await _joined(diagram, editor_token)
    big_update.edit(lambda nodes: nodes.__setitem__("big", Map({"label": "x" * 3000})))
    await big_update.flush()
    assert await big_update.wait_closed() == 1009

    grower = await _joined(diagram, editor_token)
    for index in range(6):
        grower.edit(
            lambda nodes, i=index: nodes.__setitem__(f"n{i}", sop_node("y", description="y" * 1500))
        )
        await grower.flush()
    assert await grower.wait_closed() == 1009
    stored = await rows(diagram.pk) - before
    # What fitted was kept; nothing beyond the document limit was stored.
    from tests.collab.conftest import stored_content

    content = await database_sync_to_async(stored_content)(diagram.pk)
    assert "big" not in content["nodes"]
    assert stored < 6
    assert len(await database_sync_to_async(_state_size)(diagram.pk)) <= 6000


def _state_size(diagram_id: int) -> bytes:
    from apps.diagrams import live

    return live.document_load(diagram_id=diagram_id).state()


async def test_too_many_messages_are_closed_with_1008_and_others_carry_on(
    diagram: Diagram, editor_token: str, owner: Any, settings: Any
) -> None:
    settings.SOPSTUDIO_WS_MESSAGES_PER_SECOND = 5
    settings.SOPSTUDIO_WS_MESSAGE_BURST = 10
    calm = await _joined(diagram, await database_sync_to_async(token_for)(owner))
    flood = await _joined(diagram, editor_token)
    for _ in range(40):
        if flood.comm is None:
            break
        await flood.send(protocol.sync_step1_frame(b"\x00"))
    assert await flood.wait_closed() == 1008
    calm.edit(lambda nodes: nodes["beta"].__setitem__("label", "still here"))
    await calm.flush()
    await calm.pump(0.2)
    assert calm.comm is not None
    await calm.disconnect()


async def test_a_room_unloading_with_many_pending_updates_compacts_them(
    diagram: Diagram, editor_token: str, settings: Any
) -> None:
    from sopstudio.celery import app as celery_app

    settings.SOPSTUDIO_COMPACT_AFTER = 3
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        peer = await _joined(diagram, editor_token)
        for index in range(5):
            peer.edit(lambda nodes, i=index: nodes.__setitem__(f"c{i}", sop_node(f"C{i}")))
            await peer.flush()
            await peer.pump(0.1)  # one stored row each
        expected = nodes_json(peer.doc)
        await peer.disconnect()
    finally:
        celery_app.conf.task_always_eager = eager
    assert await rows(diagram.pk) == 0
    refreshed = await database_sync_to_async(Diagram.objects.get)(pk=diagram.pk)
    assert refreshed.snapshot_updates > 0
    from tests.collab.conftest import stored_content

    content = await database_sync_to_async(stored_content)(diagram.pk)
    assert set(content["nodes"]) == set(expected)


async def test_a_compaction_while_people_edit_loses_nothing(
    diagram: Diagram, editor_token: str, owner: Any, settings: Any
) -> None:
    import asyncio

    from apps.diagrams import live
    from tests.collab.conftest import stored_content

    settings.SOPSTUDIO_WS_HEAL_MS = 100
    first = await _joined(diagram, editor_token)
    second = await _joined(diagram, await database_sync_to_async(token_for)(owner))
    first.edit(lambda nodes: nodes["alpha"].__setitem__("x", 1))
    await first.flush()
    await second.pump(0.2)
    await database_sync_to_async(live.document_compact)(diagram_id=diagram.pk)
    await asyncio.sleep(0.4)  # the room notices the new snapshot
    second.edit(lambda nodes: nodes["beta"].__setitem__("label", "after compaction"))
    await second.flush()
    await first.pump(0.3)
    assert nodes_json(first.doc) == nodes_json(second.doc)
    assert nodes_json(first.doc)["beta"]["label"] == "after compaction"
    # The room forgot the ids of the rows folded into the snapshot.
    room = room_registry().rooms[diagram.pk]
    remaining = await database_sync_to_async(
        lambda: set(
            DiagramUpdate.objects.filter(diagram_id=diagram.pk).values_list("id", flat=True)
        )
    )()
    assert set(room.loaded.update_ids) == remaining
    content = await database_sync_to_async(stored_content)(diagram.pk)
    assert content["nodes"] == normalise(nodes_json(first.doc))
    await first.disconnect()
    await second.disconnect()


def _refuse_inserts(diagram_id: int, refuse: bool) -> None:
    """A real Postgres failure: a trigger that rejects this diagram's update rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        if refuse:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION collab_test_refuse() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'refused by test'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER collab_test_refuse BEFORE INSERT ON diagrams_diagramupdate "
                f"FOR EACH ROW WHEN (NEW.diagram_id = {int(diagram_id)}) "
                "EXECUTE FUNCTION collab_test_refuse()"
            )
        else:
            cursor.execute("DROP TRIGGER IF EXISTS collab_test_refuse ON diagrams_diagramupdate")
            cursor.execute("DROP FUNCTION IF EXISTS collab_test_refuse()")


async def test_an_edit_that_could_not_be_stored_is_never_shown_and_is_resent_on_reconnect(
    diagram: Diagram, editor_token: str, owner: Any
) -> None:
    writer = await _joined(diagram, editor_token)
    reader = await _joined(diagram, await database_sync_to_async(token_for)(owner))
    before = await rows(diagram.pk)
    await database_sync_to_async(_refuse_inserts)(diagram.pk, True)
    try:
        writer.edit(lambda nodes: nodes.__setitem__("gamma", sop_node("Kept")))
        await writer.flush()
        assert await writer.wait_closed() == 1011
        await reader.pump(0.3)
        assert "gamma" not in nodes_json(reader.doc)  # never shown before it is stored
        assert await rows(diagram.pk) == before
    finally:
        await database_sync_to_async(_refuse_inserts)(diagram.pk, False)
    # The client reconnects; the server's sync step 1 brings the edit back, and now it sticks.
    await writer.connect()
    await writer.pump(0.3)
    await reader.pump(0.3)
    assert nodes_json(reader.doc)["gamma"]["label"] == "Kept"
    assert await rows(diagram.pk) > before
    await writer.disconnect()
    await reader.disconnect()
