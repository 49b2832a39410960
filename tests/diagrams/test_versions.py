"""Versions: create, list, get, restore as a forward transaction, diff, and concurrency."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.audit.services import audit_verify
from apps.diagrams import live
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import content_hash
from tests.conftest import client_for


def _content_url(diagram: Diagram) -> str:
    return f"/api/diagrams/{diagram.pk}/content"


def _versions_url(diagram: Diagram) -> str:
    return f"/api/diagrams/{diagram.pk}/versions/"


@pytest.mark.django_db
def test_create_list_and_get_a_version(api: Any, fraud_diagram: Diagram, editor: Any) -> None:
    created = api.post(
        _versions_url(fraud_diagram), {"message": "First review draft"}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["number"] == 1 and body["author"] == editor.username
    live_content = api.get(_content_url(fraud_diagram)).json()
    assert body["content_hash"] == content_hash(live_content)

    listed = api.get(_versions_url(fraud_diagram)).json()
    assert [v["number"] for v in listed["results"]] == [1]
    detail = api.get(f"{_versions_url(fraud_diagram)}1/").json()
    assert detail["content"] == live_content
    assert detail["message"] == "First review draft"

    # The stored Yjs state reproduces the same content.
    from pycrdt import Doc

    from apps.diagrams.ydoc import doc_content

    doc = Doc()
    doc.apply_update(bytes(DiagramVersion.objects.get(diagram=fraud_diagram, number=1).ystate))
    assert doc_content(doc).as_json() == live_content


@pytest.mark.django_db
def test_restore_is_a_forward_transaction_recorded_in_the_audit_trail(
    api: Any, fraud_diagram: Diagram
) -> None:
    api.post(_versions_url(fraud_diagram), {"message": "v1"}, format="json")
    v1 = api.get(_content_url(fraud_diagram)).json()
    changed = copy.deepcopy(v1)
    changed["nodes"] = changed["nodes"][1:]
    changed["edges"] = [
        e
        for e in changed["edges"]
        if e["source"] != v1["nodes"][0]["id"] and e["target"] != v1["nodes"][0]["id"]
    ]
    changed["meta"]["title"] = "Trimmed"
    assert api.put(_content_url(fraud_diagram), changed, format="json").status_code == 200
    pending_before = live.document_pending_count(diagram_id=fraud_diagram.pk)

    restored = api.post(f"{_versions_url(fraud_diagram)}1/restore")
    assert restored.status_code == 200
    assert restored.json() == v1
    assert api.get(_content_url(fraud_diagram)).json() == v1
    # Forward: a new update row was appended; history was not rewritten.
    assert live.document_pending_count(diagram_id=fraud_diagram.pk) == pending_before + 1
    # No duplicated content: exactly the version's nodes, once each.
    assert len(api.get(_content_url(fraud_diagram)).json()["nodes"]) == len(v1["nodes"])
    event = AuditEvent.objects.filter(diagram_id=fraud_diagram.pk, action="version.restored").get()
    assert event.data["number"] == 1
    assert audit_verify(workspace_id=fraud_diagram.workspace_id).ok


@pytest.mark.django_db
def test_restore_of_a_missing_version_is_404(api: Any, fraud_diagram: Diagram) -> None:
    before = api.get(_content_url(fraud_diagram)).json()
    response = api.post(f"{_versions_url(fraud_diagram)}42/restore")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get(f"{_versions_url(fraud_diagram)}42/").status_code == 404
    assert api.get(_content_url(fraud_diagram)).json() == before


@pytest.mark.django_db
def test_viewer_cannot_restore(fraud_diagram: Diagram, api: Any, viewer: Any) -> None:
    api.post(_versions_url(fraud_diagram), {"message": "v1"}, format="json")
    assert client_for(viewer).post(f"{_versions_url(fraud_diagram)}1/restore").status_code == 403


@pytest.mark.django_db
def test_diff_between_versions_and_against_live(api: Any, fraud_diagram: Diagram) -> None:
    api.post(_versions_url(fraud_diagram), {"message": "v1"}, format="json")
    content = api.get(_content_url(fraud_diagram)).json()
    nodes = {n["id"]: n for n in content["nodes"]}
    score = next(n for n in content["nodes"] if n["stage"] == "inference")
    rules = next(n for n in content["nodes"] if n["stage"] == "postprocess")
    content["nodes"].append(
        {
            "id": "rules-engine",
            "kind": "external",
            "stage": "model",
            "label": "Rules engine",
            "x": 600,
            "y": 900,
            "w": 200,
            "h": 72,
        }
    )
    content["edges"].append(
        {
            "id": "e-fallback-rules",
            "source": score["id"],
            "target": "rules-engine",
            "kind": "fallback",
            "label": "",
        }
    )
    threshold_node = next(n for n in content["nodes"] if n["fields"].get("thresholds"))
    old_threshold = threshold_node["fields"]["thresholds"]
    threshold_node["fields"]["thresholds"] = "block ≥ 0.9"
    rules["x"] += 10
    api.put(_content_url(fraud_diagram), content, format="json")
    api.post(_versions_url(fraud_diagram), {"message": "v2"}, format="json")

    diff = api.get(f"/api/diagrams/{fraud_diagram.pk}/diff?from=1&to=2").json()
    summaries = [c["summary"] for c in diff["changes"]]
    assert "Added external Rules engine in model" in summaries
    assert f"Added fallback edge {nodes[score['id']]['label']} → Rules engine" in summaries
    assert any(f"thresholds {old_threshold} → block ≥ 0.9" in s for s in summaries)
    assert f"Moved {rules['label']}" in summaries
    assert diff["counts"] == {"added": 2, "removed": 0, "changed": 1, "moved": 1}
    # Stable order: meta, then nodes by id, then edges by id.
    assert diff == api.get(f"/api/diagrams/{fraud_diagram.pk}/diff?from=1&to=2").json()

    against_live = api.get(f"/api/diagrams/{fraud_diagram.pk}/diff?from=2").json()
    assert against_live["to"] == "live" and against_live["changes"] == []


@pytest.mark.django_db
def test_diff_bad_parameters(api: Any, fraud_diagram: Diagram) -> None:
    assert api.get(f"/api/diagrams/{fraud_diagram.pk}/diff").status_code == 400
    assert api.get(f"/api/diagrams/{fraud_diagram.pk}/diff?from=abc").status_code == 400
    assert api.get(f"/api/diagrams/{fraud_diagram.pk}/diff?from=9").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_puts_and_versions_lose_nothing_and_number_gaplessly(
    workspace: Any, editor: Any
) -> None:
    """Threads read-modify-write with If-Match (retrying on 412) while others cut versions."""
    from apps.diagrams.services import diagram_create

    diagram = diagram_create(workspace=workspace, user=editor, template_id="blank")
    writers, adds_per_writer, version_makers, versions_each = 4, 5, 2, 5
    errors: list[str] = []

    def write(worker: int) -> None:
        client = client_for(editor)
        try:
            for index in range(adds_per_writer):
                while True:
                    read = client.get(_content_url(diagram))
                    content = read.json()
                    content["nodes"].append(
                        {
                            "id": f"w{worker}-n{index}",
                            "kind": "process",
                            "stage": "model",
                            "label": f"Worker {worker} step {index}",
                        }
                    )
                    response = client.put(
                        _content_url(diagram),
                        content,
                        format="json",
                        headers={"If-Match": read["ETag"]},
                    )
                    if response.status_code == 200:
                        break
                    if response.status_code != 412:
                        errors.append(f"PUT {response.status_code} {response.content[:200]!r}")
                        return
        finally:
            connection.close()

    def version(worker: int) -> None:
        client = client_for(editor)
        try:
            for index in range(versions_each):
                response = client.post(
                    _versions_url(diagram), {"message": f"{worker}.{index}"}, format="json"
                )
                if response.status_code != 201:
                    errors.append(f"version {response.status_code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    threads += [threading.Thread(target=version, args=(v,)) for v in range(version_makers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    final = live.document_load(diagram_id=diagram.pk).content().as_json()
    added = {n["id"] for n in final["nodes"] if n["id"].startswith("w")}
    assert added == {f"w{w}-n{i}" for w in range(writers) for i in range(adds_per_writer)}
    numbers = sorted(
        DiagramVersion.objects.filter(diagram=diagram).values_list("number", flat=True)
    )
    assert numbers == list(range(1, version_makers * versions_each + 1))
    # Each version's hash matches its stored content.
    for stored in DiagramVersion.objects.filter(diagram=diagram):
        assert stored.content_hash == content_hash(stored.content)
