"""Property: whatever the schema admits can be written, then read, versioned, diffed and
exported without an error. Reads never fail on stored content."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram
from apps.diagrams.schema import MAX_SAFE_INTEGER, MODES
from apps.diagrams.theme import edge_kind_ids, field_keys, limits, node_kind_ids, stage_ids
from apps.exports.render import render_export
from apps.exports.runner import render_sandboxed
from apps.exports.services import export_render_request, export_source_get

pytestmark = pytest.mark.django_db

LIMITS = limits()
COORDINATE = LIMITS["coordinateMax"]
# Every script and plane, plus what the schema strips: NUL, C0 controls, U+FFFE/U+FFFF.
AWKWARD = [
    "\x00",
    "\x01",
    "\x1f",
    "\ufffe",
    "\uffff",
    "\u202e",
    "\u05d0",
    "\U0001f600",
    "\U0001d518",
    "\u0301",
]
characters = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(AWKWARD))


def text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """Any text up to `max_size` code points, the exact boundary lengths included."""
    return st.one_of(
        st.text(characters, min_size=min_size, max_size=min(max_size, 40)),
        st.sampled_from(["\u0627" * max_size, "\U0001f600" * max_size, "x" * max_size]),
    )


numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
    st.sampled_from([0, -0.0, 5e-324, 1.7976931348623157e308, MAX_SAFE_INTEGER]),
)
field_value = st.one_of(text(LIMITS["fieldTextMax"]), numbers, st.booleans())
coordinate = st.one_of(
    st.floats(-COORDINATE, COORDINATE, allow_nan=False),
    st.sampled_from([-COORDINATE, COORDINATE, 0.5, -0.0]),
)
size = st.one_of(st.floats(1, 5000, allow_nan=False), st.sampled_from([1, 5000]))
ids = st.one_of(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,8}", fullmatch=True),
    st.just("n" * LIMITS["idMax"]),
)
glossary_entry = st.fixed_dictionaries(
    {
        "term": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80),
        "definition": text(1000),
    }
)


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    node_ids = draw(st.lists(ids, max_size=7, unique=True))
    # Every stage, node kind and edge kind appears across the examples.
    nodes = [
        {
            "id": node_id,
            "kind": draw(st.sampled_from(node_kind_ids())),
            "stage": draw(st.sampled_from(stage_ids())),
            "label": draw(text(LIMITS["labelMax"])),
            "description": draw(text(LIMITS["descriptionMax"])),
            "x": draw(coordinate),
            "y": draw(coordinate),
            "w": draw(size),
            "h": draw(size),
            "fields": draw(st.dictionaries(st.sampled_from(field_keys()), field_value)),
        }
        for node_id in node_ids
    ]
    edges = []
    if node_ids:
        edge_ids = draw(st.lists(ids.map(lambda v: f"e-{v}"[:64]), max_size=6, unique=True))
        for edge_id in edge_ids:
            if edge_id in node_ids:
                continue
            edges.append(
                {
                    "id": edge_id,
                    "source": draw(st.sampled_from(node_ids)),
                    "target": draw(st.sampled_from(node_ids)),
                    "kind": draw(st.sampled_from(edge_kind_ids())),
                    "label": draw(text(LIMITS["edgeLabelMax"])),
                }
            )
    glossary = draw(
        st.one_of(
            st.just([]),
            st.lists(glossary_entry, max_size=3),
            st.just([{"term": f"t{i}", "definition": "d"} for i in range(LIMITS["glossaryMax"])]),
        )
    )
    meta = {
        "title": draw(text(LIMITS["titleMax"])),
        "mode": draw(st.sampled_from(MODES)),
        "owner": draw(text(120)),
        "reviewBy": draw(st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat()))),
        "description": draw(text(LIMITS["descriptionMax"])),
        "glossary": glossary,
        "modelVersions": draw(st.lists(text(200), max_size=100)),
    }
    return {"schema": "sop-diagram/1", "meta": meta, "nodes": nodes, "edges": edges}


def _export(diagram: Diagram, version: int | None, export_format: str = "svg") -> Any:
    source = export_source_get(diagram=diagram, version=version)
    options = {"paper": "A4", "orientation": "landscape", "fit": "page", "scale": 1}
    return export_render_request(
        source=source, export_format=export_format, options=options, generated_by="property"
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(first=documents(), second=documents())
def test_every_admitted_document_reads_versions_diffs_and_exports(
    api: Any, empty_diagram: Diagram, editor: Any, first: dict[str, Any], second: dict[str, Any]
) -> None:
    url = f"/api/diagrams/{empty_diagram.pk}"
    numbers = []
    for content in (first, second):
        result = diagram_services.diagram_content_replace(
            diagram=empty_diagram, user=editor, content=content
        )
        read = api.get(f"{url}/content")
        assert read.status_code == 200
        assert read.json() == json.loads(json.dumps(result.content.as_json()))
        assert read["ETag"] == f'"{result.content_hash}"'
        created = api.post(f"{url}/versions/", {"message": "property"}, format="json")
        assert created.status_code == 201, created.json()
        numbers.append(created.json()["number"])
        detail = api.get(f"{url}/versions/{numbers[-1]}/")
        assert detail.status_code == 200 and detail.json()["content"] == read.json()
    assert api.get(f"{url}/versions/").status_code == 200
    assert api.get(f"{url}/diff?from={numbers[0]}&to={numbers[1]}").status_code == 200
    assert api.get(f"{url}/diff?from={numbers[0]}").status_code == 200
    for number in numbers:
        svg = render_export(_export(empty_diagram, number))
        ElementTree.fromstring(svg)  # well-formed XML: nothing forbidden reached it


def test_a_pdf_of_the_most_awkward_document_renders(
    api: Any, empty_diagram: Diagram, editor: Any
) -> None:
    """One PDF through the real, resource-limited render child."""
    nodes = [
        {
            "id": f"n{index}",
            "kind": kind,
            "stage": stage_ids()[index % len(stage_ids())],
            "label": "\U0001f600\u0627\U0001d518\x00" * 20,
            "description": "\u202e" + "x" * (LIMITS["descriptionMax"] - 1),
            "x": COORDINATE if index % 2 else -COORDINATE,
            "y": index * 100,
            "fields": {
                key: value
                for key, value in zip(
                    field_keys(), ["\x01t", 1.5, MAX_SAFE_INTEGER, True], strict=False
                )
            },
        }
        for index, kind in enumerate(node_kind_ids())
    ]
    edges = [
        {"id": f"e{index}", "source": "n0", "target": f"n{index}", "kind": kind, "label": "€"}
        for index, kind in enumerate(edge_kind_ids())
    ]
    content = {
        "schema": "sop-diagram/1",
        "meta": {"title": "\u0627" * LIMITS["titleMax"], "glossary": [], "modelVersions": []},
        "nodes": nodes,
        "edges": edges,
    }
    diagram_services.diagram_content_replace(diagram=empty_diagram, user=editor, content=content)
    diagram_services.diagram_version_create(diagram=empty_diagram, user=editor, message="pdf")
    pdf = render_sandboxed(_export(empty_diagram, 1, "pdf"))
    assert pdf.startswith(b"%PDF")
