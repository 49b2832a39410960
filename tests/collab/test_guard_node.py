"""Stock y-websocket clients send poisoned updates to a real server process: the server repairs
them, Postgres never holds them, and every client, the sender included, converges."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from apps.diagrams.models import Diagram, DiagramUpdate
from tests.collab.conftest import diagram_with_nodes, stored_content, token_for
from tests.collab.node_peers import NodePeers
from tests.collab.test_guard import _reads_succeed
from tests.servers import running_servers

pytestmark = pytest.mark.slow


def test_a_nul_title_an_infinite_coordinate_a_wrong_type_and_a_long_label_are_repaired(
    transactional_db: Any,
    owner: Any,
    editor: Any,
    empty_diagram: Diagram,
    node_peers: NodePeers,
    tmp_path: Any,
) -> None:
    from sopstudio.celery import app as celery_app

    diagram = diagram_with_nodes(empty_diagram, editor, "alpha", "beta")
    with running_servers(count=1) as (server,):
        node_peers.connect(
            "sender", ws_base=server.ws_url, diagram_id=diagram.pk, token=token_for(editor)
        )
        node_peers.connect(
            "other", ws_base=server.ws_url, diagram_id=diagram.pk, token=token_for(owner)
        )
        for peer in ("sender", "other"):
            node_peers.wait_for(
                peer, lambda snap: "alpha" in snap["content"]["nodes"] and snap["synced"]
            )
        node_peers.edit(
            "sender",
            {"op": "setMeta", "key": "title", "value": "a\u0000b"},
            {"op": "move", "id": "alpha", "x": {"$number": "Infinity"}, "y": 40},
            {"op": "setNode", "id": "beta", "key": "label", "value": 7},
            {"op": "addNode", "id": "gamma", "label": "G" * 300},
        )

        def repaired(snap: dict[str, Any]) -> bool:
            content = snap["content"]
            nodes = content["nodes"]
            return (
                content["meta"].get("title") == "ab"
                and nodes["alpha"]["x"] == 0
                and nodes["alpha"]["y"] == 40
                and nodes["beta"]["label"] == "BETA"
                and nodes.get("gamma", {}).get("label") == "G" * 80
            )

        sender = node_peers.wait_for("sender", repaired)
        other = node_peers.wait_for("other", repaired)
        assert sender["content"] == other["content"]
        # Nobody was disconnected.
        assert sender["closes"] == [] and other["closes"] == []
        assert sender["connected"] and other["connected"]
        stored = stored_content(diagram.pk)
        assert stored["meta"]["title"] == "ab"
        assert stored["nodes"]["alpha"]["x"] == 0.0
        assert stored["nodes"]["beta"]["label"] == "BETA"
        assert stored["nodes"]["gamma"]["label"] == "G" * 80
        rows = [
            bytes(data)
            for data in DiagramUpdate.objects.filter(diagram_id=diagram.pk).values_list(
                "data", flat=True
            )
        ]
        assert all(b"a\x00b" not in row and b"G" * 300 not in row for row in rows)

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(MEDIA_ROOT=tmp_path / "media"):
            content = _reads_succeed(diagram.pk, editor)
    finally:
        celery_app.conf.task_always_eager = saved
    assert content["meta"]["title"] == "ab"
