"""The SVG renderer draws what the editor draws, from the shared theme, as safe plain SVG."""

from __future__ import annotations

import re
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
    rects = list(root.iter(f"{SVG}rect"))
    headers = {rect.get("data-stage"): rect for rect in rects if rect.get("data-stage")}
    assert list(headers) == [stage["id"] for stage in theme()["stages"]]
    for index, stage in enumerate(theme()["stages"]):
        assert stage["name"] in texts and f"STAGE {index + 1}" in texts
        header = headers[stage["id"]]
        assert float(header.get("x", -1)) == index * layout["laneWidth"]
        assert float(header.get("width", 0)) == layout["laneWidth"]
        assert float(header.get("height", 0)) == layout["laneHeaderHeight"]
        # The band of the stage colour across the top of its lane, as in the editor.
        band = [r for r in rects if r.get("fill") == stage["color"] and r.get("height") == "4"]
        assert [float(r.get("x", -1)) for r in band] == [index * layout["laneWidth"]]
        # The stage's icon on a chip of its pale colour.
        assert any(r.get("fill") == stage["fill"] for r in rects)
        icon = theme()["icons"][stage["icon"]]
        assert any(
            p.get("d") == icon and p.get("stroke") == stage["color"]
            for p in root.iter(f"{SVG}path")
        )


def test_each_node_is_drawn_in_its_kind_shape_and_stage_colour_with_its_icon() -> None:
    content = fraud_content()
    content["nodes"].append({**content["nodes"][0], "id": "a-note", "kind": "note"})
    root = _tree(render_svg(content))
    outlines = {el.get("data-node-id"): el for el in root.iter() if el.get("data-kind")}
    icons = {el.get("data-node-id"): el for el in root.iter() if el.get("data-icon")}
    stages = {stage["id"]: stage for stage in theme()["stages"]}
    kinds = {kind["id"]: kind for kind in theme()["nodeKinds"]}
    expected_element = {
        "pill": "rect",
        "rect": "rect",
        "diamond": "path",
        "cylinder": "path",
        "parallelogram": "path",
        "octagon": "path",
        "note": "path",
        "circle": "circle",
    }
    for node in content["nodes"]:
        outline, icon = outlines[node["id"]], icons[node["id"]]
        kind = kinds[node["kind"]]
        colour = stages[node["stage"]]["color"]
        assert outline.tag == f"{SVG}{expected_element[kind['shape']]}", node["id"]
        assert outline.get("data-kind") == node["kind"]
        if kind["shape"] == "rect":
            assert outline.get("fill") == colour  # the border, thick on the left
        else:
            assert outline.get("stroke") == colour
            assert outline.get("fill") == ("#fffdf3" if node["kind"] == "note" else "#ffffff")
        assert (outline.get("stroke-dasharray") == "4 3") == (node["kind"] == "note")
        assert icon.get("d") == theme()["icons"][kind["icon"]]
        assert icon.get("stroke") == colour


def _end_point(path_data: str) -> tuple[float, float]:
    x, y = re.findall(r"-?[0-9.]+", path_data)[-2:]
    return float(x), float(y)


def test_edges_use_the_theme_colour_dash_and_end_of_their_kind() -> None:
    content = fraud_content()
    root = _tree(render_svg(content))
    kinds = {kind["id"]: kind for kind in theme()["edgeKinds"]}
    paths = {path.get("data-edge-id"): path for path in root.iter(f"{SVG}path")}
    ends = {el.get("data-ends"): el for el in root.iter(f"{SVG}path") if el.get("data-ends")}
    nodes = {node["id"]: node for node in content["nodes"]}
    for edge in content["edges"]:
        path = paths[edge["id"]]
        kind = kinds[edge["kind"]]
        assert path.get("stroke") == kind["color"]
        assert (path.get("stroke-dasharray") or "") == kind["dash"]
        # It stops on the side of its target, and its kind's end is drawn there in its colour.
        x, y = _end_point(path.get("d", ""))
        target = nodes[edge["target"]]
        on_side = (
            x in (target["x"], target["x"] + target["w"])
            and target["y"] <= y <= target["y"] + target["h"]
        ) or (
            y in (target["y"], target["y"] + target["h"])
            and target["x"] <= x <= target["x"] + target["w"]
        )
        assert on_side, (edge["id"], x, y)
        end = ends[edge["kind"]]
        assert kind["color"] in (end.get("fill"), end.get("stroke"))
        corners = [
            (float(cx), float(cy))
            for cx, cy in re.findall(r"(-?[0-9.]+),(-?[0-9.]+)", end.get("d", ""))
        ]
        assert min(abs(cx - x) + abs(cy - y) for cx, cy in corners) <= 20, edge["id"]
    # Closed arrows are filled, open ones stroked, dots are round.
    assert ends["flow"].get("fill") == kinds["flow"]["color"]
    assert ends["error"].get("fill") == "none"
    assert " a" in ends["data"].get("d", "")


def test_labels_wrap_and_edge_labels_and_legend_are_text() -> None:
    content = fraud_content()
    block = next(n for n in content["nodes"] if n["id"] == "block-card")
    root = _tree(render_svg(content, SvgOptions(title="Fraud", subtitle="version 2")))
    texts = _texts(root)
    # "Block card and flag account" does not fit one line beside the icon: two lines, under
    # them the stage and how many facts the step records.
    assert "Block card and" in texts and "flag account" in texts, texts
    assert block["label"] not in texts
    assert f"Post-processing · {len(block['fields'])} facts" in texts
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
