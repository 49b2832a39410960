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
