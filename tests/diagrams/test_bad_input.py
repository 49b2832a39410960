"""Bad input as it was found: wiping PUTs, non-finite numbers, NUL in text, a poisoned live
document, and a rename racing a websocket edit. None of it may be stored or break a read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pycrdt import Doc, Map

from apps.common.errors import ValidationFailed
from apps.diagrams import live
from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram, DiagramUpdate
from apps.diagrams.schema import content_parse, content_read
from apps.exports.render import render_export
from apps.exports.services import export_render_request, export_source_get

pytestmark = pytest.mark.django_db


def _url(diagram: Diagram, tail: str = "content") -> str:
    return f"/api/diagrams/{diagram.pk}/{tail}"


def _updates(diagram: Diagram) -> int:
    return DiagramUpdate.objects.filter(diagram=diagram).count()


def _svg(diagram: Diagram, version: int | None) -> str:
    source = export_source_get(diagram=diagram, version=version)
    request = export_render_request(
        source=source, export_format="svg", options={}, generated_by="tester"
    )
    return render_export(request).decode("utf-8")


def _every_read_answers(api: Any, diagram: Diagram) -> None:
    """GET content, create/list/get a version, diff, and export: all succeed."""
    assert api.get(_url(diagram)).status_code == 200
    created = api.post(_url(diagram, "versions/"), {"message": "after"}, format="json")
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    assert api.get(_url(diagram, "versions/")).status_code == 200
    assert api.get(_url(diagram, f"versions/{number}/")).status_code == 200
    assert api.get(_url(diagram, f"diff?from={number}")).status_code == 200
    exported = api.post(_url(diagram, "exports/"), {"format": "json"}, format="json")
    assert exported.status_code == 202, exported.json()
    assert "<svg" in _svg(diagram, number)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{}", "schema"),
        ("", "schema"),
        ('{"schema": "sop-diagram/1"}', "meta"),
        ('{"schema": "sop-diagram/1", "meta": {}, "nodes": []}', "edges"),
        ('{"schema": "sop-diagram/1", "meta": {}, "edges": []}', "nodes"),
    ],
)
def test_a_put_missing_a_top_level_key_is_400_and_wipes_nothing(
    api: Any, fraud_diagram: Diagram, body: str, field: str
) -> None:
    before = api.get(_url(fraud_diagram)).json()
    updates = _updates(fraud_diagram)
    response = api.generic("PUT", _url(fraud_diagram), body, content_type="application/json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field
    assert _updates(fraud_diagram) == updates
    assert api.get(_url(fraud_diagram)).json() == before


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c["nodes"][0]["fields"].__setitem__("latencyBudgetMs", "__INF__"),
        lambda c: c["nodes"][0].__setitem__("x", "__INF__"),
        lambda c: c["nodes"][0].__setitem__("w", "__NAN__"),
        lambda c: c["nodes"][0]["fields"].__setitem__("timeoutMs", "__NINF__"),
    ],
)
def test_a_non_finite_number_is_refused_and_reads_keep_working(
    api: Any, fraud_diagram: Diagram, mutate: Any
) -> None:
    content = api.get(_url(fraud_diagram)).json()
    before = json.dumps(content, sort_keys=True)
    updates = _updates(fraud_diagram)
    mutate(content)
    # As the request was sent: `1e309` is JSON text Python reads as infinity.
    body = (
        json.dumps(content)
        .replace('"__INF__"', "1e309")
        .replace('"__NINF__"', "-1e309")
        .replace('"__NAN__"', "NaN")
    )
    response = api.generic("PUT", _url(fraud_diagram), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert _updates(fraud_diagram) == updates
    assert json.dumps(api.get(_url(fraud_diagram)).json(), sort_keys=True) == before
    _every_read_answers(api, fraud_diagram)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("nodes[0].x", float("inf")),
        ("nodes[0].y", float("nan")),
        ("nodes[0].h", float("-inf")),
        ("nodes[0].fields.latencyBudgetMs", float("inf")),
        ("nodes[0].fields.timeoutMs", float("nan")),
        ("nodes[0].fields.timeoutMs", 2**64),  # past what Yjs stores as an integer
    ],
)
def test_the_schema_alone_refuses_non_finite_numbers(where: str, value: Any) -> None:
    """Imports, restores, templates and the assistant reach the schema without the HTTP
    parser: the schema must hold on its own."""
    raw: dict[str, Any] = {
        "schema": "sop-diagram/1",
        "meta": {},
        "nodes": [{"id": "a", "kind": "process", "stage": "model", "fields": {}}],
        "edges": [],
    }
    node = raw["nodes"][0]
    if ".fields." in where:
        node["fields"][where.rsplit(".", 1)[1]] = value
    else:
        node[where.rsplit(".", 1)[1]] = value
    if isinstance(value, int):
        # A huge integer is kept as the nearest float, never handed to Yjs as an integer.
        parsed = content_parse(raw).nodes[0].fields["timeoutMs"]
        assert isinstance(parsed, float)
        return
    with pytest.raises(ValidationFailed) as refused:
        content_parse(raw)
    assert (refused.value.field or "").startswith(where.split(".fields")[0])


@pytest.mark.parametrize("key", ["x", "y", "w", "h"])
@pytest.mark.parametrize("value", [False, True, "12", None])
def test_a_coordinate_or_size_of_another_type_is_refused_not_coerced(key: str, value: Any) -> None:
    raw: dict[str, Any] = {
        "schema": "sop-diagram/1",
        "meta": {},
        "nodes": [{"id": "a", "kind": "process", "stage": "model", key: value}],
        "edges": [],
    }
    with pytest.raises(ValidationFailed) as refused:
        content_parse(raw)
    assert refused.value.field == f"nodes[0].{key}"


TEXT_PATHS = [
    ("meta", "title"),
    ("meta", "owner"),
    ("meta", "description"),
    ("glossary", "term"),
    ("glossary", "definition"),
    ("modelVersions", None),
    ("node", "label"),
    ("node", "description"),
    ("fields", "owner"),
    ("edge", "label"),
]


def _put_text(content: dict[str, Any], where: tuple[str, str | None], text: str) -> None:
    kind, key = where
    if kind == "meta":
        content["meta"][key] = text
    elif kind == "glossary":
        entry = {"term": "Drift", "definition": "Change in inputs"}
        entry[str(key)] = text
        content["meta"]["glossary"] = [entry]
    elif kind == "modelVersions":
        content["meta"]["modelVersions"] = ["fraud-gbm 4.2", text]
    elif kind == "node":
        content["nodes"][0][key] = text
    elif kind == "fields":
        content["nodes"][0]["fields"][key] = text
    else:
        content["edges"][0][key] = text


@pytest.mark.parametrize("where", TEXT_PATHS, ids=lambda w: ".".join(filter(None, w)))
@pytest.mark.parametrize("bad", ["a\x00b", "a\x01\x1fb", "a\ufffeb", "a\ud800b"])
def test_nul_and_what_xml_forbids_are_stripped_from_every_text_field(
    api: Any, fraud_diagram: Diagram, where: tuple[str, str | None], bad: str
) -> None:
    content = api.get(_url(fraud_diagram)).json()
    _put_text(content, where, bad)
    # Sent through the service: a lone surrogate cannot travel in a UTF-8 HTTP body.
    if "\ud800" in bad:
        # Not text at all: refused (400) naming the field rather than guessed at.
        updates = _updates(fraud_diagram)
        with pytest.raises(ValidationFailed) as refused:
            diagram_services.diagram_content_replace(
                diagram=fraud_diagram, user=fraud_diagram.created_by, content=content
            )
        assert refused.value.field
        assert _updates(fraud_diagram) == updates
        return
    diagram_services.diagram_content_replace(
        diagram=fraud_diagram, user=fraud_diagram.created_by, content=content
    )
    stored = json.dumps(api.get(_url(fraud_diagram)).json(), ensure_ascii=False)
    assert "ab" in stored
    for forbidden in ("\x00", "\x01", "\x1f", "\ufffe", "\ud800"):
        assert forbidden not in stored
    if "\x00" in bad:  # the case found: versions and exports answered 500 afterwards
        _every_read_answers(api, fraud_diagram)


def test_nul_in_glossary_and_model_versions_over_http_no_longer_breaks_versions(
    api: Any, fraud_diagram: Diagram
) -> None:
    """As found: the PUT passed, then versions and exports answered 500."""
    content = api.get(_url(fraud_diagram)).json()
    content["meta"]["glossary"] = [{"term": "PSI\u0000", "definition": "stab\u0000ility"}]
    content["meta"]["modelVersions"] = ["gbm\u00004.2"]
    response = api.put(_url(fraud_diagram), content, format="json")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert response.json()["meta"]["glossary"] == [{"term": "PSI", "definition": "stability"}]
        assert response.json()["meta"]["modelVersions"] == ["gbm4.2"]
    _every_read_answers(api, fraud_diagram)


def _poison(diagram: Diagram) -> None:
    """Store what an unchecked websocket update could: a NUL title, non-finite numbers, a
    label of the wrong type, an edge to nowhere and a node without a stage."""
    doc = Doc()
    doc.apply_update(live.document_load(diagram_id=diagram.pk).state())
    captured: list[bytes] = []
    doc.observe(lambda event: captured.append(bytes(event.update)))
    meta, nodes, edges = (doc.get(name, type=Map) for name in ("meta", "nodes", "edges"))
    first = sorted(nodes.keys())[0]
    with doc.transaction():
        meta["title"] = "a\x00b"
        meta["description"] = float("inf")
        nodes[first]["x"] = float("inf")
        nodes[first]["label"] = 0
        nodes[first]["fields"]["timeoutMs"] = float("nan")
        nodes["stageless"] = Map({"kind": "process", "label": "No stage"})
        edges["dangling"] = Map({"source": first, "target": "nowhere", "kind": "flow"})
    DiagramUpdate.objects.create(diagram=diagram, data=captured[0], origin="websocket")


def test_a_poisoned_live_document_still_reads_versions_diffs_exports_and_duplicates(
    api: Any, fraud_diagram: Diagram
) -> None:
    _poison(fraud_diagram)
    content = api.get(_url(fraud_diagram)).json()
    assert content["meta"]["title"] == "ab"
    assert content["meta"]["description"] == ""
    assert "stageless" not in {n["id"] for n in content["nodes"]}
    assert "dangling" not in {e["id"] for e in content["edges"]}
    # What it shows is what the schema accepts.
    assert content_parse(content).as_json() == content
    _every_read_answers(api, fraud_diagram)

    copied = api.post(_url(fraud_diagram, "duplicate"))
    assert copied.status_code == 201, copied.json()
    copy_content = api.get(f"/api/diagrams/{copied.json()['id']}/content").json()
    assert copy_content["nodes"] == content["nodes"]
    assert copy_content["meta"]["title"] == "Copy of ab"
    # The copy's own stored updates hold nothing the schema refuses.
    copy_diagram = Diagram.objects.get(pk=copied.json()["id"])
    raw = live.document_load(diagram_id=copy_diagram.pk).to_json()
    assert content_read(raw).as_json() == content_parse(raw).as_json()


def test_duplicate_of_a_valid_document_copies_it(api: Any, fraud_diagram: Diagram) -> None:
    copied = api.post(_url(fraud_diagram, "duplicate"))
    assert copied.status_code == 201
    original = api.get(_url(fraud_diagram)).json()
    duplicate = api.get(f"/api/diagrams/{copied.json()['id']}/content").json()
    assert duplicate["nodes"] == original["nodes"] and duplicate["edges"] == original["edges"]
    assert copied.json()["role"] == "editor"


def _move_update(diagram: Diagram, node_id: str, x: float) -> bytes:
    doc = Doc()
    doc.apply_update(live.document_load(diagram_id=diagram.pk).state())
    captured: list[bytes] = []
    doc.observe(lambda event: captured.append(bytes(event.update)))
    doc.get("nodes", type=Map)[node_id]["x"] = x
    return captured[0]


def test_a_websocket_move_landing_during_a_rename_survives(
    api: Any, fraud_diagram: Diagram, monkeypatch: Any
) -> None:
    """As found: rename read the document, a websocket edit landed, and rename then made the
    whole document equal to its stale read, reverting the edit."""
    node_id = api.get(_url(fraud_diagram)).json()["nodes"][0]["id"]
    move = _move_update(fraud_diagram, node_id, 4321)
    real_load = live.document_load
    landed: list[bool] = []

    def load_then_a_move_lands(*, diagram_id: int) -> live.LoadedDocument:
        loaded = real_load(diagram_id=diagram_id)
        if not landed:
            landed.append(True)
            # The room appends without the row lock, between the rename's read and write.
            DiagramUpdate.objects.create(diagram_id=diagram_id, data=move, origin="websocket")
        return loaded

    monkeypatch.setattr(live, "document_load", load_then_a_move_lands)
    response = api.patch(_url(fraud_diagram, ""), {"title": "Card fraud"}, format="json")
    monkeypatch.undo()
    assert response.status_code == 200, response.json()
    assert landed
    content = api.get(_url(fraud_diagram)).json()
    assert content["meta"]["title"] == "Card fraud"
    assert next(n for n in content["nodes"] if n["id"] == node_id)["x"] == 4321


def test_rename_stores_a_change_of_the_title_alone(api: Any, fraud_diagram: Diagram) -> None:
    before = api.get(_url(fraud_diagram)).json()
    api.patch(_url(fraud_diagram, ""), {"title": "Card fraud\x01"}, format="json")
    row = DiagramUpdate.objects.filter(diagram=fraud_diagram).order_by("-id").first()
    assert row is not None and len(bytes(row.data)) < 80
    after = api.get(_url(fraud_diagram)).json()
    assert after["meta"]["title"] == "Card fraud"
    assert {**after, "meta": before["meta"]} == before


def test_a_version_message_with_nul_is_stored_without_it(fraud_diagram: Diagram) -> None:
    version = diagram_services.diagram_version_create(
        diagram=fraud_diagram, user=fraud_diagram.created_by, message="Initial\x00 SOP\x01"
    )
    version.refresh_from_db()
    assert version.message == "Initial SOP"
