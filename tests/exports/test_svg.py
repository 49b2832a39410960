"""The SVG renderer draws what the editor draws, from the shared theme, as safe plain SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from apps.diagrams.theme import theme
from apps.exports.render.svg import SvgOptions, render_svg
from tests.exports.documents import (
    CJK,
    HEBREW,
    JS_LINK,
    SCRIPT_LABEL,
    fraud_content,
    hostile_content,
)

SVG = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def _texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_lanes_follow_the_theme_layout_with_stage_names_and_colours() -> None:
    root = _tree(render_svg(fraud_content()))
    layout = theme()["layout"]
    texts = _texts(root)
    headers = {
        rect.get("data-stage"): rect for rect in root.iter(f"{SVG}rect") if rect.get("data-stage")
    }
    assert list(headers) == [stage["id"] for stage in theme()["stages"]]
    for index, stage in enumerate(theme()["stages"]):
        assert stage["name"] in texts
        header = headers[stage["id"]]
        assert header.get("fill") == stage["color"]
        assert float(header.get("x", -1)) == index * layout["laneWidth"]
        assert float(header.get("width", 0)) == layout["laneWidth"]
        assert float(header.get("height", 0)) == layout["laneHeaderHeight"]
        assert any(rect.get("fill") == stage["fill"] for rect in root.iter(f"{SVG}rect"))


def test_each_node_is_drawn_in_its_kind_shape_and_stage_colour_with_its_icon() -> None:
    content = fraud_content()
    root = _tree(render_svg(content))
    parts: dict[str, list[ET.Element]] = {}
    for element in root.iter():
        if element.get("data-node-id"):
            parts.setdefault(element.get("data-node-id", ""), []).append(element)
    stages = {stage["id"]: stage for stage in theme()["stages"]}
    icons = theme()["icons"]
    kinds = {kind["id"]: kind for kind in theme()["nodeKinds"]}
    expected_element = {
        "pill": "rect",
        "rect": "rect",
        "diamond": "polygon",
        "cylinder": "path",
        "parallelogram": "polygon",
        "octagon": "polygon",
        "note": "path",
        "circle": "circle",
    }
    for node in content["nodes"]:
        outline, icon = parts[node["id"]]
        kind = kinds[node["kind"]]
        assert outline.tag == f"{SVG}{expected_element[kind['shape']]}", node["id"]
        assert outline.get("data-kind") == node["kind"]
        assert outline.get("stroke") == stages[node["stage"]]["color"]
        assert outline.get("fill") == stages[node["stage"]]["fill"]
        assert icon.get("d") == icons[kind["icon"]] and icon.get("stroke") == outline.get("stroke")


def test_edges_use_the_theme_colour_dash_and_marker_of_their_kind() -> None:
    content = fraud_content()
    root = _tree(render_svg(content))
    kinds = {kind["id"]: kind for kind in theme()["edgeKinds"]}
    paths = {path.get("data-edge-id"): path for path in root.iter(f"{SVG}path")}
    markers = {marker.get("id"): marker for marker in root.iter(f"{SVG}marker")}
    for edge in content["edges"]:
        path = paths[edge["id"]]
        kind = kinds[edge["kind"]]
        assert path.get("stroke") == kind["color"]
        assert (path.get("stroke-dasharray") or "") == kind["dash"]
        marker_id = path.get("marker-end", "")[len("url(#") : -1]
        marker = markers[marker_id]
        painted = [
            el
            for el in marker
            if el.get("fill") == kind["color"] or el.get("stroke") == kind["color"]
        ]
        assert painted, edge["id"]
        if kind["marker"] == "dot":
            assert marker[0].tag == f"{SVG}circle"


def test_labels_wrap_and_edge_labels_and_legend_are_text() -> None:
    content = fraud_content()
    block = next(n for n in content["nodes"] if n["id"] == "block-card")
    root = _tree(render_svg(content, SvgOptions(title="Fraud", subtitle="version 2")))
    texts = _texts(root)
    # "Block card and flag account" does not fit one line of a 200 px node: two lines.
    assert "Block card and flag" in texts and "account" in texts, texts
    assert block["label"] not in texts
    for edge in content["edges"]:
        if edge["label"]:
            assert edge["label"] in texts
    assert "Legend" in texts
    for kind in theme()["nodeKinds"] + theme()["edgeKinds"]:
        assert kind["name"] in texts
    assert "Fraud" in texts and "version 2" in texts


def test_hostile_text_stays_text_and_the_file_is_plain_xml() -> None:
    svg = render_svg(hostile_content())
    root = _tree(svg)  # parses: no character XML forbids survived
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "foreignObject", "a", "image", "use", "style", "iframe"}
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (name, value)
            assert "href" not in name.lower()
            assert "javascript:" not in value.lower()
            assert "http" not in value.lower() or name == "xmlns"
    texts = " ".join(_texts(root))
    joined = "".join(_texts(root)).replace(" ", "")
    titles = ["".join(title.itertext()) for title in root.iter(f"{SVG}title")]
    # Shown as the user typed it (escaped in the file); a label cut short is whole in a tooltip.
    assert SCRIPT_LABEL.replace(" ", "") in joined
    assert JS_LINK in titles and "<a href" in texts
    assert "bellnulescvtdone" in joined
    for char in CJK.replace(" ", ""):
        assert char in texts
    # Right-to-left words are stored in display order, marked so viewers do not reorder them.
    assert HEBREW[::-1] in texts
    reordered = [el for el in root.iter(f"{SVG}text") if el.get("unicode-bidi")]
    assert reordered and all(el.get("unicode-bidi") == "bidi-override" for el in reordered)
