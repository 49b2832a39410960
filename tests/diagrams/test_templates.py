"""The shipped templates are complete SOPs, and diagrams can be created from each."""

from __future__ import annotations

from typing import Any

import pytest

from apps.diagrams.templates import TEMPLATE_ORDER, template_catalogue
from apps.diagrams.theme import edge_kind_ids, stage_ids

REAL_WORLD = [t for t in TEMPLATE_ORDER if t != "blank"]


@pytest.mark.parametrize("template_id", TEMPLATE_ORDER)
def test_every_stage_present_and_every_node_reachable_from_a_trigger(template_id: str) -> None:
    content = template_catalogue()[template_id].content.as_json()
    assert {node["stage"] for node in content["nodes"]} == set(stage_ids())
    starts = [n["id"] for n in content["nodes"] if n["kind"] == "start"]
    assert starts
    successors: dict[str, list[str]] = {}
    for edge in content["edges"]:
        successors.setdefault(edge["source"], []).append(edge["target"])
    seen, frontier = set(starts), list(starts)
    while frontier:
        for nxt in successors.get(frontier.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == {node["id"] for node in content["nodes"]}


@pytest.mark.parametrize("template_id", REAL_WORLD)
def test_real_world_templates_have_error_and_fallback_paths_and_facts(template_id: str) -> None:
    content = template_catalogue()[template_id].content.as_json()
    nodes = {node["id"]: node for node in content["nodes"]}
    kinds_used = {edge["kind"] for edge in content["edges"]}
    assert {"error", "fallback"} <= kinds_used <= set(edge_kind_ids())
    for node in nodes.values():
        if node["stage"] in ("model", "inference") and node["kind"] != "note":
            outgoing = {e["kind"] for e in content["edges"] if e["source"] == node["id"]}
            assert outgoing & {"error", "fallback"}, f"{node['id']} has no error/fallback path"
        assert node["fields"].get("owner"), f"{node['id']} has no owner"
    model_steps = [n for n in nodes.values() if n["stage"] == "model" and n["kind"] == "process"]
    assert any(n["fields"].get("modelVersion") for n in model_steps)
    input_steps = [n for n in nodes.values() if n["stage"] == "input"]
    assert any(n["fields"].get("inputSchema") for n in input_steps)


@pytest.mark.parametrize("template_id", TEMPLATE_ORDER)
def test_nodes_sit_in_their_stage_lane_without_overlap(template_id: str) -> None:
    from apps.diagrams.theme import theme

    lane_width = theme()["layout"]["laneWidth"]
    content = template_catalogue()[template_id].content.as_json()
    order = {stage: index for index, stage in enumerate(stage_ids())}
    for node in content["nodes"]:
        lane = order[node["stage"]]
        assert lane * lane_width <= node["x"] and node["x"] + node["w"] <= (lane + 1) * lane_width
    boxes = [(n["x"], n["y"], n["x"] + n["w"], n["y"] + n["h"]) for n in content["nodes"]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


@pytest.mark.django_db
def test_templates_api_lists_all_and_creates_from_each(api: Any, workspace: Any) -> None:
    listed = api.get("/api/templates/").json()
    assert [t["id"] for t in listed] == list(TEMPLATE_ORDER)
    for template in listed:
        created = api.post(
            "/api/diagrams/", {"workspace": workspace.pk, "template": template["id"]}, format="json"
        )
        assert created.status_code == 201, created.json()
        content = api.get(f"/api/diagrams/{created.json()['id']}/content").json()
        assert content == template_catalogue()[template["id"]].content.as_json()


@pytest.mark.django_db
def test_unknown_template_is_400(api: Any, workspace: Any) -> None:
    response = api.post(
        "/api/diagrams/", {"workspace": workspace.pk, "template": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "template"
