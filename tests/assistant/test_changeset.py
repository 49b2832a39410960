"""Change sets are checked whole against the document and applied as a pure function."""

from __future__ import annotations

import pytest

from apps.assistant.changeset import changeset_apply, changeset_json, changeset_parse
from apps.common.errors import ValidationFailed
from apps.diagrams.schema import content_parse
from tests.assistant.documents import good


def test_operations_apply_in_order_and_leave_the_input_unchanged() -> None:
    document = content_parse(good())
    before = document.as_json()
    changes = changeset_parse(
        [
            {
                "op": "add_node",
                "node": {
                    "id": "fb",
                    "kind": "process",
                    "stage": "model",
                    "label": "Rules fallback",
                    "x": 600,
                    "y": 300,
                },
            },
            {
                "op": "add_edge",
                "edge": {
                    "id": "efb",
                    "source": "r",
                    "target": "fb",
                    "kind": "fallback",
                    "label": "timeout",
                },
            },
            {"op": "update_node", "id": "r", "set": {"label": "Score all items"}},
            {"op": "set_field", "id": "fb", "key": "modelVersion", "value": "2026.1"},
            {"op": "set_field", "id": "r", "key": "runtime", "value": None},
            {"op": "update_edge", "id": "e10", "set": {"label": "threshold breached"}},
            {"op": "set_meta", "key": "owner", "value": "Search team"},
            {"op": "remove_edge", "id": "e9"},
        ]
    )
    result = changeset_apply(document, changes)
    assert document.as_json() == before
    nodes = {n.id: n for n in result.nodes}
    edges = {e.id: e for e in result.edges}
    assert nodes["fb"].fields == {"modelVersion": "2026.1"}
    assert nodes["r"].label == "Score all items" and "runtime" not in nodes["r"].fields
    assert edges["efb"].kind == "fallback" and edges["e10"].label == "threshold breached"
    assert "e9" not in edges and result.meta.owner == "Search team"
    assert changeset_parse(changeset_json(changes)) == changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            [
                {"op": "update_node", "id": "r", "set": {"label": "ok"}},
                {"op": "update_node", "id": "ghost", "set": {"label": "x"}},
            ],
            "changes[1].id",
        ),
        ([{"op": "remove_edge", "id": "ghost"}], "changes[0].id"),
        ([{"op": "set_field", "id": "ghost", "key": "owner", "value": "x"}], "changes[0].id"),
        (
            [{"op": "add_edge", "edge": {"id": "n", "source": "r", "target": "ghost"}}],
            "changes[0].edge.target",
        ),
        ([{"op": "update_edge", "id": "e1", "set": {"target": "ghost"}}], "changes[0].set.target"),
        (
            [{"op": "add_node", "node": {"id": "r", "kind": "process", "stage": "model"}}],
            "changes[0].node.id",
        ),
        ([{"op": "remove_node", "id": "p"}], "changes[0].id"),
        ([{"op": "update_node", "id": "r", "set": {"stage": "nowhere"}}], "changes[0].set.stage"),
        ([{"op": "set_meta", "key": "reviewBy", "value": "next week"}], "changes[0].value"),
    ],
    ids=[
        "unknown-node",
        "unknown-edge",
        "unknown-field-node",
        "edge-to-unknown",
        "edge-retargeted-to-unknown",
        "taken-id",
        "node-removed-with-its-edges",
        "bad-stage",
        "bad-date",
    ],
)
def test_a_change_set_naming_unknown_ids_or_bad_values_is_refused_whole(
    changes: list[dict[str, object]], field: str
) -> None:
    document = content_parse(good())
    before = document.as_json()
    with pytest.raises(ValidationFailed) as refused:
        changeset_apply(document, changeset_parse(changes))
    assert refused.value.field == field
    assert document.as_json() == before


def test_removing_a_node_with_its_edges_is_accepted() -> None:
    document = content_parse(good())
    result = changeset_apply(
        document,
        changeset_parse(
            [
                {"op": "remove_edge", "id": "e7"},
                {"op": "remove_node", "id": "m"},
                {"op": "remove_edge", "id": "e2"},
                {"op": "remove_edge", "id": "e3"},
            ]
        ),
    )
    assert "m" not in {n.id for n in result.nodes}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"op": "add_node"}, "changes"),
        ([{"op": "explode", "id": "r"}], "changes[0]"),
        ([{"op": "update_node", "id": "r", "set": {"colour": "red"}}], "changes[0].set.colour"),
        ([{"op": "update_node", "id": "r", "set": {}}], "changes[0].set"),
        ([{"op": "set_field", "id": "r", "key": "mood", "value": "x"}], "changes[0].key"),
    ],
)
def test_malformed_change_sets_name_the_operation(raw: object, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        changeset_parse(raw)
    assert refused.value.field == field
