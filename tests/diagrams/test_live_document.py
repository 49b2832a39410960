"""The live-document service: load, replace minimally, apply client updates, compact."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pycrdt import Doc, Map

from apps.diagrams import live
from apps.diagrams.models import Diagram, DiagramUpdate
from apps.diagrams.schema import content_hash, content_parse
from apps.diagrams.ydoc import doc_roots, doc_to_json

pytestmark = pytest.mark.django_db


def _node(node_id: str, stage: str = "model", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": "process", "stage": stage, "label": node_id.title(), **extra}


def _content(*nodes: dict[str, Any], edges: list[dict[str, Any]] | None = None) -> dict[str, Any]:
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
    assert live.document_load(diagram_id=empty_diagram.pk).to_json() == content
    empty_diagram.refresh_from_db()
    assert empty_diagram.content_hash == content_hash(content)
    assert empty_diagram.node_count == 2


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

    second = copy.deepcopy(first)
    second["nodes"][0]["label"] = "Renamed"
    result = live.document_replace(diagram=empty_diagram, content=second, user=editor)
    assert result.changed and result.update is not None
    # A one-field change is a small update, not a rewrite of the document.
    assert len(result.update) < 80

    live.document_apply_update(diagram=empty_diagram, update=client_updates[0], user=editor)
    nodes = {n["id"]: n for n in live.document_load(diagram_id=empty_diagram.pk).to_json()["nodes"]}
    # Had the API rewritten node b, the client's move would be lost or duplicated.
    assert nodes["a"]["label"] == "Renamed"
    assert nodes["b"]["x"] == 777
    assert len(nodes) == 2


def test_replacing_with_equal_content_stores_nothing(empty_diagram: Diagram, editor: Any) -> None:
    content = _content(_node("a"))
    live.document_replace(diagram=empty_diagram, content=content, user=editor)
    rows = DiagramUpdate.objects.filter(diagram=empty_diagram).count()
    result = live.document_replace(diagram=empty_diagram, content=content, user=editor)
    assert not result.changed
    assert DiagramUpdate.objects.filter(diagram=empty_diagram).count() == rows


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

    live.document_apply_update(diagram=empty_diagram, update=moved[0], user=editor)
    live.document_apply_update(diagram=empty_diagram, update=renamed[0], user=editor)
    node = live.document_load(diagram_id=empty_diagram.pk).to_json()["nodes"][0]
    assert node["x"] == 420
    assert node["label"] == "Score transaction"


def test_garbage_update_is_refused_and_not_stored(empty_diagram: Diagram, editor: Any) -> None:
    from apps.common.errors import ValidationFailed

    rows = DiagramUpdate.objects.count()
    with pytest.raises(ValidationFailed):
        live.document_apply_update(diagram=empty_diagram, update=b"\xff\xfe garbage", user=editor)
    assert DiagramUpdate.objects.count() == rows


def test_compaction_deletes_exactly_the_rows_it_merged(empty_diagram: Diagram, editor: Any) -> None:
    for index in range(5):
        live.document_replace(
            diagram=empty_diagram, content=_content(_node("a", x=index * 10)), user=editor
        )
    expected = live.document_load(diagram_id=empty_diagram.pk).to_json()
    merged_ids = set(live.document_load(diagram_id=empty_diagram.pk).update_ids)

    result = live.document_compact(diagram_id=empty_diagram.pk)
    assert result.merged_rows == len(merged_ids)
    assert not DiagramUpdate.objects.filter(pk__in=merged_ids).exists()
    assert live.document_load(diagram_id=empty_diagram.pk).to_json() == expected

    # A later update survives the next compaction's read and is folded in after.
    live.document_replace(diagram=empty_diagram, content=_content(_node("a", x=999)), user=editor)
    assert live.document_pending_count(diagram_id=empty_diagram.pk) == 1
    live.document_compact(diagram_id=empty_diagram.pk)
    assert live.document_pending_count(diagram_id=empty_diagram.pk) == 0
    assert live.document_load(diagram_id=empty_diagram.pk).to_json()["nodes"][0]["x"] == 999


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
    projected = doc_to_json(doc)
    assert projected["nodes"][0]["x"] == 10 and isinstance(projected["nodes"][0]["x"], int)
    assert projected["nodes"][0]["y"] == 2.5
    assert projected["nodes"][0]["fields"] == {"inputSchema": "txn.v3"}
