"""Mermaid: our export parses with the official mermaid package (in Chromium) into the same
stages, shapes, links and styles; the common flowchart subset imports; the rest is a clear 400."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from apps.diagrams.schema import content_parse
from apps.diagrams.theme import theme
from apps.exports.interchange import ImportRejected, mermaid_read
from apps.exports.render.mermaid import render_mermaid
from tests.exports.documents import CJK, HEBREW, SCRIPT_LABEL, fraud_content

MERMAID = Path(__file__).parent / "node" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PARSE = """async (text) => {
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  return {
    type: diagram.type,
    vertices: Array.from(db.getVertices().values()).map(
      v => ({id: v.id, type: v.type, classes: v.classes})),
    edges: db.getEdges().map(
      e => ({start: e.start, end: e.end, type: e.type, stroke: e.stroke, style: e.style})),
    subgraphs: db.getSubGraphs().map(s => ({id: s.id, title: s.title, nodes: s.nodes})),
  };
}"""
RENDER = """async (text) => {
  const {svg} = await mermaid.render('exported', text);
  const holder = document.createElement('div');
  holder.innerHTML = svg;
  return {
    scripts: holder.querySelectorAll('script').length,
    handlers: Array.from(holder.querySelectorAll('*')).flatMap(
      el => Array.from(el.attributes).filter(a => a.name.startsWith('on')).map(a => a.name)),
    text: holder.textContent,
  };
}"""


def _entities(text: str) -> str:
    """Mermaid keeps `#38;` codes as placeholders until it draws; decode them here."""
    return re.sub("\ufb02\u00b0\u00b0(\\d+)\u00b6\u00df", lambda m: chr(int(m[1])), text)


@pytest.fixture(scope="module")
def mermaid_page() -> Iterator[Page]:
    if not MERMAID.exists():
        pytest.fail("mermaid is not installed: run `make node-deps` (npm ci in tests/exports/node)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content("<!DOCTYPE html><html><body></body></html>")
        page.add_script_tag(path=str(MERMAID))
        page.evaluate("mermaid.initialize({startOnLoad: false, securityLevel: 'strict'})")
        yield page
        browser.close()


def test_the_official_parser_reads_our_export_with_stages_shapes_and_edge_styles(
    mermaid_page: Page,
) -> None:
    content = fraud_content()
    parsed: dict[str, Any] = mermaid_page.evaluate(PARSE, render_mermaid(content))
    assert parsed["type"] == "flowchart-v2"
    mermaid_shape = {
        "start": "stadium",
        "process": "square",
        "decision": "diamond",
        "datastore": "cylinder",
        "external": "lean_right",
        "alert": "hexagon",
        "note": "odd",
        "end": "circle",
    }
    vertices = {v["id"]: v for v in parsed["vertices"]}
    assert len(vertices) == len(content["nodes"])
    ids = {node["id"]: "n_" + node["id"].replace("-", "_") for node in content["nodes"]}
    for node in content["nodes"]:
        vertex = vertices[ids[node["id"]]]
        assert vertex["type"] == mermaid_shape[node["kind"]], node["id"]
        assert vertex["classes"] == [f"stage_{node['stage']}"]
    stages = {stage["id"]: stage for stage in theme()["stages"]}
    subgraphs = {s["id"]: s for s in parsed["subgraphs"]}
    assert set(subgraphs) == {f"stage_{stage}" for stage in {n["stage"] for n in content["nodes"]}}
    for stage_id, stage in stages.items():
        members = {ids[n["id"]] for n in content["nodes"] if n["stage"] == stage_id}
        if members:
            assert _entities(subgraphs[f"stage_{stage_id}"]["title"]) == stage["name"]
            assert set(subgraphs[f"stage_{stage_id}"]["nodes"]) == members
    kinds = {kind["id"]: kind for kind in theme()["edgeKinds"]}
    stroke = {"flow": "normal", "error": "dotted", "fallback": "thick", "data": "normal"}
    assert len(parsed["edges"]) == len(content["edges"])
    for edge, parsed_edge in zip(content["edges"], parsed["edges"], strict=True):
        assert (parsed_edge["start"], parsed_edge["end"]) == (
            ids[edge["source"]],
            ids[edge["target"]],
        )
        assert parsed_edge["stroke"] == stroke[edge["kind"]]
        assert parsed_edge["type"] == ("arrow_circle" if edge["kind"] == "data" else "arrow_point")
        kind = kinds[edge["kind"]]
        assert f"stroke:{kind['color']}" in parsed_edge["style"]
        if kind["dash"]:
            assert f"stroke-dasharray:{kind['dash']}" in parsed_edge["style"]


def test_hostile_labels_stay_text_in_mermaid(mermaid_page: Page) -> None:
    content = fraud_content()
    content["nodes"][0]["label"] = SCRIPT_LABEL
    content["nodes"][1]["label"] = 'end"] --> x["pwned'
    content["nodes"][2]["label"] = f"{HEBREW} {CJK[:4]} #35; `tick` | pipe ; semi"
    content["edges"][0]["label"] = '|"><img src=x onerror=alert(1)>'
    rendered = mermaid_page.evaluate(RENDER, render_mermaid(content))
    assert rendered["scripts"] == 0 and rendered["handlers"] == []
    for label in (SCRIPT_LABEL, 'end"] --> x["pwned', HEBREW, "#35; `tick` | pipe ; semi"):
        assert label in rendered["text"], label
    parsed = mermaid_page.evaluate(PARSE, render_mermaid(content))
    assert len(parsed["vertices"]) == len(content["nodes"])  # no node smuggled in


def test_export_then_import_keeps_steps_stages_kinds_and_paths() -> None:
    content = fraud_content()
    back = content_parse(mermaid_read(render_mermaid(content))).as_json()
    assert back["meta"]["title"] == content["meta"]["title"]
    ours = {n["id"].replace("-", "_"): n for n in content["nodes"]}
    assert {n["id"] for n in back["nodes"]} == set(ours)
    for node in back["nodes"]:
        original = ours[node["id"]]
        assert (node["label"], node["kind"], node["stage"]) == (
            original["label"],
            original["kind"],
            original["stage"],
        )
    edges = sorted((e["source"], e["target"], e["kind"], e["label"]) for e in back["edges"])
    expected = sorted(
        (e["source"].replace("-", "_"), e["target"].replace("-", "_"), e["kind"], e["label"])
        for e in content["edges"]
    )
    assert edges == expected


def test_the_common_flowchart_subset_imports() -> None:
    text = """---
title: "Ticket routing; v2"
---
%%{init: {"theme": "dark"}}%%
%% a comment; with a semicolon
graph TD
  subgraph Trigger
    A([New ticket]):::hot
  end
  subgraph input ["Input & features"]
    B[Clean text] --> C[(Feature store)]
  end
  subgraph Monitoring
    H{{Page on-call}}
  end
  B -- low confidence --> D{Route?}
  A --> B
  D -->|billing| E[/Billing queue/]
  D -. timeout .-> H
  D ==> F((Done)) & G>Manual review]
  G --o C; G ~~~ F
  click A "javascript:alert(1)"
  style A fill:#f00
  classDef hot fill:#f96
  linkStyle 0 stroke:#f00
"""
    content = content_parse(mermaid_read(text)).as_json()
    assert content["meta"]["title"] == "Ticket routing; v2"
    nodes = {n["id"]: n for n in content["nodes"]}
    assert {k: (n["kind"], n["stage"], n["label"]) for k, n in nodes.items()} == {
        "A": ("start", "trigger", "New ticket"),
        "B": ("process", "input", "Clean text"),
        "C": ("datastore", "input", "Feature store"),
        "D": ("decision", "input", "Route?"),
        "E": ("external", "input", "Billing queue"),
        "F": ("end", "input", "Done"),
        "G": ("note", "input", "Manual review"),
        "H": ("alert", "monitoring", "Page on-call"),
    }
    edges = {(e["source"], e["target"]): (e["kind"], e["label"]) for e in content["edges"]}
    assert edges == {
        ("B", "C"): ("flow", ""),
        ("B", "D"): ("flow", "low confidence"),
        ("A", "B"): ("flow", ""),
        ("D", "E"): ("flow", "billing"),
        ("D", "H"): ("error", "timeout"),
        ("D", "F"): ("fallback", ""),
        ("D", "G"): ("fallback", ""),
        ("G", "C"): ("data", ""),
    }
    # Laid out in the stage lanes, below the lane header, without two steps on one spot.
    lane = theme()["layout"]["laneWidth"]
    spots = {(n["x"], n["y"]) for n in content["nodes"]}
    assert len(spots) == len(content["nodes"])
    for node in content["nodes"]:
        index = [s["id"] for s in theme()["stages"]].index(node["stage"])
        assert index * lane <= node["x"] and node["x"] + node["w"] <= (index + 1) * lane
        assert node["y"] >= theme()["layout"]["laneHeaderHeight"]


def test_a_flowchart_without_stages_reads_left_to_right_over_the_lanes() -> None:
    content = content_parse(mermaid_read("flowchart LR\n  a --> b --> c\n  c --> a")).as_json()
    stages = {n["id"]: n["stage"] for n in content["nodes"]}
    assert stages == {"a": "trigger", "b": "input", "c": "model"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ('pie title Pets\n  "Dogs" : 3', "only flowcharts"),
        ("graph LR\n  A -> B", "line 2, column 5: expected a link"),
        ("graph LR\n  A[open --> B", "line 2, column 5: a node shape is not closed with ']'"),
        ("graph LR\n  subgraph one\n  A --> B", "not closed with 'end'"),
        ("graph LR\n  A --> B\n  end", "line 3: 'end' closes no subgraph"),
        ("graph LR\n  A@{ shape: cyl }", "@{ … } node syntax is not supported"),
        ('graph LR\n  A["unterminated] --> B', "quoted label is not closed"),
        ("---\ntitle: x\ngraph LR\nA-->B", "front matter"),
    ],
)
def test_what_cannot_be_read_is_named(text: str, reason: str) -> None:
    with pytest.raises(ImportRejected) as raised:
        mermaid_read(text)
    assert reason in raised.value.detail
