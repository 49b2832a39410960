"""Property: whatever the document held, make-equal leaves it equal to the target, and a
second make-equal to the same target changes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Doc

from apps.diagrams.schema import SopDiagram, content_parse
from apps.diagrams.theme import edge_kind_ids, node_kind_ids, stage_ids
from apps.diagrams.ydoc import doc_content, doc_make_equal

ids = st.sampled_from([f"n{i}" for i in range(8)])
node = st.fixed_dictionaries(
    {
        "id": ids,
        "kind": st.sampled_from(node_kind_ids()),
        "stage": st.sampled_from(stage_ids()),
        "label": st.text(max_size=20),
        "x": st.integers(-500, 5000),
        "y": st.floats(-500, 5000, allow_nan=False).map(lambda v: round(v, 2)),
        "fields": st.dictionaries(
            st.sampled_from(["owner", "modelVersion", "thresholds", "timeoutMs"]),
            st.one_of(st.text(max_size=10), st.integers(0, 10_000)),
            max_size=3,
        ),
    }
)


@st.composite
def documents(draw: Any) -> SopDiagram:
    nodes = {n["id"]: n for n in draw(st.lists(node, max_size=8))}
    node_ids = sorted(nodes)
    edges = []
    if node_ids:
        for index in range(draw(st.integers(0, 6))):
            edges.append(
                {
                    "id": f"e{index}",
                    "source": draw(st.sampled_from(node_ids)),
                    "target": draw(st.sampled_from(node_ids)),
                    "kind": draw(st.sampled_from(edge_kind_ids())),
                    "label": draw(st.text(max_size=10)),
                }
            )
    meta = {
        "title": draw(st.text(max_size=30)),
        "mode": draw(st.sampled_from(["batch", "realtime"])),
    }
    return content_parse(
        {"schema": "sop-diagram/1", "meta": meta, "nodes": list(nodes.values()), "edges": edges}
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=documents(), second=documents())
def test_make_equal_reaches_the_target_from_any_state(
    first: SopDiagram, second: SopDiagram
) -> None:
    doc = Doc()
    doc_make_equal(doc, first)
    assert doc_content(doc) == first
    doc_make_equal(doc, second)
    assert doc_content(doc) == second

    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(bytes(event.update)))
    doc_make_equal(doc, second)
    doc.unobserve(subscription)
    assert updates == []

    # A peer that replays the state ends equal too (no duplicated content).
    peer = Doc()
    peer.apply_update(doc.get_update())
    assert doc_content(peer) == second
