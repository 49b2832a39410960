"""GET/PUT of live content: validation, permissions, limits, and nothing partly applied."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import override_settings

from apps.diagrams.models import Diagram, DiagramUpdate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _url(diagram: Diagram) -> str:
    return f"/api/diagrams/{diagram.pk}/content"


def _put(client: Any, diagram: Diagram, body: Any, **headers: str) -> Any:
    return client.put(_url(diagram), body, format="json", headers=headers)


def _updates(diagram: Diagram) -> int:
    return DiagramUpdate.objects.filter(diagram=diagram).count()


def test_put_then_get_returns_the_same_content(api: Any, fraud_diagram: Diagram) -> None:
    content = api.get(_url(fraud_diagram)).json()
    content["nodes"][0]["label"] = "Renamed step"
    content["nodes"][0]["fields"]["owner"] = "Payments risk"
    response = _put(api, fraud_diagram, content)
    assert response.status_code == 200, response.json()
    assert api.get(_url(fraud_diagram)).json() == response.json()
    assert response.json()["nodes"][0]["label"] == "Renamed step"


def test_malformed_json_is_400_and_changes_nothing(api: Any, fraud_diagram: Diagram) -> None:
    before = _updates(fraud_diagram)
    response = api.generic(
        "PUT", _url(fraud_diagram), '{"nodes": [', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"
    assert _updates(fraud_diagram) == before


@pytest.mark.parametrize(
    ("mutate", "field_fragment"),
    [
        (lambda c: c["nodes"][0].__setitem__("stage", "training"), "nodes[0].stage"),
        (lambda c: c["nodes"][0].__setitem__("kind", "hexagon"), "nodes[0].kind"),
        (lambda c: c["edges"][0].__setitem__("target", "missing-node"), "edges[0].target"),
        (lambda c: c["nodes"][1].__setitem__("id", c["nodes"][0]["id"]), "nodes[1].id"),
        (lambda c: c["nodes"][0].__setitem__("label", "x" * 81), "nodes[0].label"),
        (
            lambda c: c["nodes"][0]["fields"].__setitem__("favouriteColour", "red"),
            "nodes[0].fields",
        ),
        (lambda c: c["meta"].__setitem__("mode", "sometimes"), "meta.mode"),
        (lambda c: c["meta"].__setitem__("reviewBy", "next year"), "meta.reviewBy"),
        (lambda c: c.__setitem__("schema", "sop-diagram/9"), "schema"),
        (lambda c: c["edges"][0].__setitem__("kind", "teleport"), "edges[0].kind"),
        (lambda c: c["nodes"][0].__setitem__("x", "left"), "nodes[0].x"),
    ],
)
def test_schema_failures_are_400_naming_the_field(
    api: Any, fraud_diagram: Diagram, mutate: Any, field_fragment: str
) -> None:
    content = api.get(_url(fraud_diagram)).json()
    before = copy.deepcopy(content)
    updates_before = _updates(fraud_diagram)
    mutate(content)
    response = _put(api, fraud_diagram, content)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"].startswith(field_fragment), body
    assert field_fragment in body["detail"]
    assert _updates(fraud_diagram) == updates_before
    assert api.get(_url(fraud_diagram)).json() == before


def test_more_nodes_than_the_document_limit_is_400(api: Any, empty_diagram: Diagram) -> None:
    content = api.get(_url(empty_diagram)).json()
    with override_settings(SOPSTUDIO_MAX_NODES=10):
        content["nodes"] = [
            {"id": f"n{i}", "kind": "process", "stage": "model", "label": f"Step {i}"}
            for i in range(11)
        ]
        response = _put(api, empty_diagram, content)
    assert response.status_code == 400
    assert response.json()["field"] == "nodes"
    assert api.get(_url(empty_diagram)).json()["nodes"] == []


def test_non_object_body_is_400(api: Any, empty_diagram: Diagram) -> None:
    response = _put(api, empty_diagram, [1, 2, 3])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_oversized_body_is_413_and_changes_nothing(api: Any, fraud_diagram: Diagram) -> None:
    before = _updates(fraud_diagram)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        body = json.dumps({"meta": {"description": "x" * 5000}})
        response = api.generic("PUT", _url(fraud_diagram), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert _updates(fraud_diagram) == before


def test_other_workspace_diagram_is_404_for_every_method(
    fraud_diagram: Diagram, outsider: Any
) -> None:
    client = client_for(outsider)
    assert client.get(f"/api/diagrams/{fraud_diagram.pk}/").status_code == 404
    assert client.get(_url(fraud_diagram)).status_code == 404
    assert _put(client, fraud_diagram, {}).status_code == 404
    assert client.get(f"/api/diagrams/{fraud_diagram.pk}/versions/").status_code == 404
    assert client.delete(f"/api/diagrams/{fraud_diagram.pk}/").status_code == 404
    assert client.get("/api/diagrams/").json()["count"] == 0


def test_viewer_reads_but_cannot_write(fraud_diagram: Diagram, viewer: Any) -> None:
    client = client_for(viewer)
    content = client.get(_url(fraud_diagram)).json()
    before = _updates(fraud_diagram)
    content["nodes"][0]["label"] = "Viewer was here"
    response = _put(client, fraud_diagram, content)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    versions = client.post(f"/api/diagrams/{fraud_diagram.pk}/versions/", {}, format="json")
    assert versions.status_code == 403
    rename = client.patch(f"/api/diagrams/{fraud_diagram.pk}/", {"title": "x"}, format="json")
    assert rename.status_code == 403
    assert client.delete(f"/api/diagrams/{fraud_diagram.pk}/").status_code == 403
    assert _updates(fraud_diagram) == before


def test_reviewer_cannot_edit_content(fraud_diagram: Diagram, reviewer: Any) -> None:
    client = client_for(reviewer)
    content = client.get(_url(fraud_diagram)).json()
    assert _put(client, fraud_diagram, content).status_code == 403


def test_if_match_refuses_a_stale_write(api: Any, fraud_diagram: Diagram, owner: Any) -> None:
    read = api.get(_url(fraud_diagram))
    etag = read["ETag"]
    content = read.json()
    other = client_for(owner)
    theirs = copy.deepcopy(content)
    theirs["meta"]["title"] = "Their title"
    assert _put(other, fraud_diagram, theirs, **{"If-Match": etag}).status_code == 200

    mine = copy.deepcopy(content)
    mine["meta"]["title"] = "My title"
    stale = _put(api, fraud_diagram, mine, **{"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert api.get(_url(fraud_diagram)).json()["meta"]["title"] == "Their title"


def test_diagram_list_search_ordering_and_pagination(api: Any, workspace: Any) -> None:
    for title in ("Fraud scoring", "Churn batch", "Fraud review"):
        api.post("/api/diagrams/", {"workspace": workspace.pk, "title": title}, format="json")
    found = api.get("/api/diagrams/?search=fraud&ordering=title").json()
    assert [d["title"] for d in found["results"]] == ["Fraud review", "Fraud scoring"]
    page = api.get("/api/diagrams/?limit=2&ordering=-updated").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert page["results"][0]["title"] == "Fraud review"


def test_rename_duplicate_and_delete(api: Any, fraud_diagram: Diagram) -> None:
    renamed = api.patch(
        f"/api/diagrams/{fraud_diagram.pk}/", {"title": "Card fraud"}, format="json"
    )
    assert renamed.status_code == 200 and renamed.json()["title"] == "Card fraud"
    assert api.get(_url(fraud_diagram)).json()["meta"]["title"] == "Card fraud"

    copy_response = api.post(f"/api/diagrams/{fraud_diagram.pk}/duplicate")
    assert copy_response.status_code == 201
    copy_id = copy_response.json()["id"]
    original = api.get(_url(fraud_diagram)).json()
    duplicate = api.get(f"/api/diagrams/{copy_id}/content").json()
    assert duplicate["nodes"] == original["nodes"]
    assert duplicate["meta"]["title"] == "Copy of Card fraud"

    assert api.delete(f"/api/diagrams/{copy_id}/").status_code == 204
    assert api.get(f"/api/diagrams/{copy_id}/").status_code == 404
