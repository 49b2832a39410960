"""Stock y-websocket clients on two server processes behind Redis edit one diagram."""

from __future__ import annotations

from typing import Any

import pytest

from apps.diagrams.models import Diagram
from tests.collab.conftest import diagram_with_nodes, stored_content, token_for
from tests.collab.node_peers import NodePeers
from tests.factories import member
from tests.servers import running_servers

pytestmark = pytest.mark.slow


def test_concurrent_edits_on_two_processes_converge_to_what_postgres_holds(
    transactional_db: Any,
    workspace: Any,
    editor: Any,
    empty_diagram: Diagram,
    node_peers: NodePeers,
) -> None:
    other_editor = member(workspace, "editor")
    diagram = diagram_with_nodes(empty_diagram, editor, "shared", "gone_a", "gone_b")
    with running_servers(count=2) as (first, second):
        node_peers.connect(
            "a", ws_base=first.ws_url, diagram_id=diagram.pk, token=token_for(editor)
        )
        node_peers.connect(
            "b", ws_base=second.ws_url, diagram_id=diagram.pk, token=token_for(other_editor)
        )
        for peer in ("a", "b"):
            node_peers.wait_for(peer, lambda snap: "shared" in snap["content"]["nodes"])
        # Issued back to back, before either side has seen the other's changes.
        node_peers.edit(
            "a",
            {"op": "move", "id": "shared", "x": 480, "y": 320},
            {"op": "addNode", "id": "from_a_1"},
            {"op": "addNode", "id": "from_a_2"},
            {"op": "deleteNode", "id": "gone_a"},
            {"op": "addEdge", "id": "edge_a", "source": "shared", "target": "from_a_1"},
        )
        node_peers.edit(
            "b",
            {"op": "rename", "id": "shared", "label": "Renamed on B"},
            {"op": "addNode", "id": "from_b_1"},
            {"op": "deleteNode", "id": "gone_b"},
            {"op": "addNode", "id": "from_b_2"},
            {"op": "deleteNode", "id": "from_b_2"},
        )

        def settled(snap: dict[str, Any]) -> bool:
            nodes = snap["content"]["nodes"]
            return (
                set(nodes) == {"shared", "from_a_1", "from_a_2", "from_b_1"}
                and nodes["shared"].get("label") == "Renamed on B"
                and nodes["shared"].get("x") == 480
            )

        node_peers.wait_for("a", settled)
        node_peers.wait_for("b", settled)
        content_a = node_peers.content("a")
        assert content_a == node_peers.content("b")
        # Both the drag and the rename of the same node survived.
        assert content_a["nodes"]["shared"]["x"] == 480.0
        assert content_a["nodes"]["shared"]["label"] == "Renamed on B"
        assert set(content_a["edges"]) == {"edge_a"}
        assert stored_content(diagram.pk) == content_a


def _burst_ids(snap: dict[str, Any]) -> set[str]:
    return {node_id for node_id in snap["content"]["nodes"] if node_id.startswith("burst")}


def test_a_killed_server_loses_no_update_anyone_saw_and_clients_converge_after_restart(
    transactional_db: Any,
    workspace: Any,
    editor: Any,
    empty_diagram: Diagram,
    node_peers: NodePeers,
) -> None:
    diagram = diagram_with_nodes(empty_diagram, editor, "start")
    token = token_for(editor)
    with running_servers(count=2) as (doomed, survivor):
        node_peers.connect("writer", ws_base=doomed.ws_url, diagram_id=diagram.pk, token=token)
        node_peers.connect("watcher", ws_base=survivor.ws_url, diagram_id=diagram.pk, token=token)
        node_peers.wait_synced("writer")
        node_peers.wait_synced("watcher")
        node_peers.call("burst", peer="writer", prefix="burst", count=300, intervalMs=4)
        node_peers.wait_for("watcher", lambda snap: len(_burst_ids(snap)) >= 40)
        doomed.kill()  # SIGKILL, mid-burst
        echoed = _burst_ids(node_peers.snapshot("watcher"))
        stored = set(stored_content(diagram.pk)["nodes"])
        # Every update another client was sent had been committed first.
        assert echoed <= stored
        assert len(echoed) < 300

        doomed.start()  # same port: the writer's client reconnects by itself
        expected = {"start"} | {f"burst{index}" for index in range(300)}
        for peer in ("writer", "watcher"):
            node_peers.wait_for(
                peer, lambda snap: set(snap["content"]["nodes"]) == expected, timeout=30
            )
        assert node_peers.content("writer") == node_peers.content("watcher")
        assert stored_content(diagram.pk) == node_peers.content("watcher")


def test_a_lost_channel_layer_message_is_healed_on_every_process(
    transactional_db: Any,
    workspace: Any,
    editor: Any,
    empty_diagram: Diagram,
    node_peers: NodePeers,
) -> None:
    from pycrdt import Doc, Map

    from apps.diagrams import live
    from apps.diagrams.models import DiagramUpdate

    diagram = diagram_with_nodes(empty_diagram, editor, "lonely")
    token = token_for(editor)
    with running_servers(count=2, SOPSTUDIO_WS_HEAL_MS="300") as servers:
        for index, server in enumerate(servers):
            node_peers.connect(
                f"p{index}",
                ws_base=server.ws_url,
                diagram_id=diagram.pk,
                token=token,
                resync_ms=500,
            )
            node_peers.wait_synced(f"p{index}")
        # An update stored by some writer whose broadcast never reached either process.
        elsewhere = Doc()
        elsewhere.apply_update(live.document_load(diagram_id=diagram.pk).state())
        changes: list[bytes] = []
        elsewhere.observe(lambda event: changes.append(bytes(event.update)))
        elsewhere.get("nodes", type=Map)["lonely"]["label"] = "Found again"
        DiagramUpdate.objects.create(diagram_id=diagram.pk, data=changes[0], origin="api")
        for index in range(2):
            node_peers.wait_for(
                f"p{index}",
                lambda snap: snap["content"]["nodes"]["lonely"]["label"] == "Found again",
            )


def test_presence_crosses_processes_and_is_cleared_when_its_client_leaves(
    transactional_db: Any,
    workspace: Any,
    editor: Any,
    empty_diagram: Diagram,
    node_peers: NodePeers,
) -> None:
    diagram = diagram_with_nodes(empty_diagram, editor, "start")
    token = token_for(editor)
    with running_servers(count=2) as (first, second):
        node_peers.connect("ada", ws_base=first.ws_url, diagram_id=diagram.pk, token=token)
        node_peers.connect("bob", ws_base=second.ws_url, diagram_id=diagram.pk, token=token)
        node_peers.wait_synced("ada")
        node_peers.wait_synced("bob")
        node_peers.call(
            "awareness",
            peer="ada",
            state={"user": {"name": "Ada", "color": "#d33"}, "cursor": {"x": 10, "y": 20}},
        )
        ada_id = str(node_peers.snapshot("ada")["clientId"])
        node_peers.wait_for(
            "bob",
            lambda snap: (snap["awareness"].get(ada_id) or {}).get("user", {}).get("name") == "Ada",
        )
        # A newcomer on the other process is told who is there.
        node_peers.connect("cy", ws_base=second.ws_url, diagram_id=diagram.pk, token=token)
        node_peers.wait_for("cy", lambda snap: ada_id in snap["awareness"])
        # Ada's tab closes without saying goodbye; the server clears her presence everywhere
        # (well before the clients' own 30 s timeout would).
        node_peers.call("destroy", peer="ada")
        node_peers.wait_for("bob", lambda snap: ada_id not in snap["awareness"], timeout=10)
        node_peers.wait_for("cy", lambda snap: ada_id not in snap["awareness"], timeout=10)
