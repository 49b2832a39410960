"""The live-document service: load, replace minimally, append client updates, compact."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from pycrdt import Doc, Map

from apps.diagrams import live
from apps.diagrams.models import Diagram, DiagramUpdate
from apps.diagrams.schema import SopDiagram, content_hash, content_parse
from apps.diagrams.ydoc import doc_content, doc_roots

pytestmark = pytest.mark.django_db


def append_client_update(diagram: Diagram, update: bytes, user: Any) -> None:
    """What a collaboration room does with a client's update: apply it to the room's Doc, then
    append it through the async appender (its own autocommit connection) and broadcast it.

    Tests that call it need `django_db(transaction=True)`: the appender's connection only sees
    committed rows.
    """
    loaded = live.document_load(diagram_id=diagram.pk)
    loaded.doc.apply_update(update)

    async def append() -> None:
        appender = live.UpdateAppender()
        try:
            await live.document_append_accepted(
                appender=appender,
                loaded=loaded,
                updates=[live.AcceptedUpdate(update=update, user_id=user.pk, sender="")],
                on_commit=lambda: None,
            )
        finally:
            await appender.close()

    async_to_sync(append)()


def _node(node_id: str, stage: str = "model", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": "process", "stage": stage, "label": node_id.title(), **extra}


def _content(*nodes: dict[str, Any], edges: list[dict[str, Any]] | None = None) -> SopDiagram:
    return content_parse(
        {
            "schema": "sop-diagram/1",
            "meta": {"title": "T"},
            "nodes": list(nodes),
            "edges": edges or [],
        }
    )


def test_replace_then_load_round_trips_the_content(empty_diagram: Diagram, editor: Any) -> None:
    content = _content(
        _node("a", fields={"modelVersion": "1.2"}),
        _node("b", "monitoring"),
        edges=[{"id": "e", "source": "a", "target": "b", "kind": "error"}],
    )
    live.document_replace(diagram=empty_diagram, content=content, user=editor)
    assert live.document_load(diagram_id=empty_diagram.pk).content() == content
    empty_diagram.refresh_from_db()
    assert empty_diagram.content_hash == content_hash(content)
    assert empty_diagram.node_count == 2


@pytest.mark.django_db(transaction=True)
def test_replace_is_minimal_so_concurrent_client_edits_survive(
    empty_diagram: Diagram, editor: Any
) -> None:
    first = _content(_node("a"), _node("b"))
    live.document_replace(diagram=empty_diagram, content=first, user=editor)
    # A client holds the current state and drags node b while the API renames node a.
    client = Doc()
    client.apply_update(live.document_load(diagram_id=empty_diagram.pk).state())
    client_updates: list[bytes] = []
    client.observe(lambda e: client_updates.append(bytes(e.update)))
    client.get("nodes", type=Map)["b"]["x"] = 777

    second_json = first.as_json()
    second_json["nodes"][0]["label"] = "Renamed"
    second = content_parse(second_json)
    result = live.document_replace(diagram=empty_diagram, content=second, user=editor)
    assert result.changed and result.update is not None
    # A one-field change is a small update, not a rewrite of the document.
    assert len(result.update) < 80

    append_client_update(empty_diagram, client_updates[0], editor)
    nodes = {n.id: n for n in live.document_load(diagram_id=empty_diagram.pk).content().nodes}
    # Had the API rewritten node b, the client's move would be lost or duplicated.
    assert nodes["a"].label == "Renamed"
    assert nodes["b"].x == 777
    assert len(nodes) == 2


def test_replacing_with_equal_content_stores_nothing(empty_diagram: Diagram, editor: Any) -> None:
    content = _content(_node("a"))
    live.document_replace(diagram=empty_diagram, content=content, user=editor)
    rows = DiagramUpdate.objects.filter(diagram=empty_diagram).count()
    result = live.document_replace(diagram=empty_diagram, content=content, user=editor)
    assert not result.changed
    assert DiagramUpdate.objects.filter(diagram=empty_diagram).count() == rows


@pytest.mark.django_db(transaction=True)
def test_client_update_and_concurrent_rename_and_move_both_survive(
    empty_diagram: Diagram, editor: Any
) -> None:
    live.document_replace(diagram=empty_diagram, content=_content(_node("a")), user=editor)
    state = live.document_load(diagram_id=empty_diagram.pk).state()

    # Two clients start from the same state; one drags, the other renames.
    mover, renamer = Doc(), Doc()
    mover.apply_update(state)
    renamer.apply_update(state)
    moved: list[bytes] = []
    renamed: list[bytes] = []
    mover.observe(lambda e: moved.append(bytes(e.update)))
    renamer.observe(lambda e: renamed.append(bytes(e.update)))
    mover.get("nodes", type=Map)["a"]["x"] = 420
    renamer.get("nodes", type=Map)["a"]["label"] = "Score transaction"

    append_client_update(empty_diagram, moved[0], editor)
    append_client_update(empty_diagram, renamed[0], editor)
    node = live.document_load(diagram_id=empty_diagram.pk).content().nodes[0]
    assert node.x == 420
    assert node.label == "Score transaction"


def test_compaction_deletes_exactly_the_rows_it_merged(empty_diagram: Diagram, editor: Any) -> None:
    for index in range(5):
        live.document_replace(
            diagram=empty_diagram, content=_content(_node("a", x=index * 10)), user=editor
        )
    expected = live.document_load(diagram_id=empty_diagram.pk).content()
    merged_ids = set(live.document_load(diagram_id=empty_diagram.pk).update_ids)

    result = live.document_compact(diagram_id=empty_diagram.pk)
    assert result.merged_rows == len(merged_ids)
    assert not DiagramUpdate.objects.filter(pk__in=merged_ids).exists()
    assert live.document_load(diagram_id=empty_diagram.pk).content() == expected

    # A later update survives the next compaction's read and is folded in after.
    live.document_replace(diagram=empty_diagram, content=_content(_node("a", x=999)), user=editor)
    assert live.document_pending_count(diagram_id=empty_diagram.pk) == 1
    live.document_compact(diagram_id=empty_diagram.pk)
    assert live.document_pending_count(diagram_id=empty_diagram.pk) == 0
    assert live.document_load(diagram_id=empty_diagram.pk).content().nodes[0].x == 999


def test_projection_of_a_browser_written_doc_is_normalised() -> None:
    doc = Doc()
    _, nodes, _ = doc_roots(doc)
    nodes["n1"] = Map(
        {
            "kind": "process",
            "stage": "input",
            "label": "Validate",
            "x": 10.0,
            "y": 2.5,
            "w": 200,
            "h": 72,
            "fields": Map({"inputSchema": "txn.v3"}),
        }
    )
    projected = doc_content(doc).as_json()
    assert projected["nodes"][0]["x"] == 10 and isinstance(projected["nodes"][0]["x"], int)
    assert projected["nodes"][0]["y"] == 2.5
    assert projected["nodes"][0]["fields"] == {"inputSchema": "txn.v3"}
