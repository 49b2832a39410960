"""The exports API as the editor calls it: jobs, idempotency, downloads and who may do what."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.diagrams import live
from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram
from apps.diagrams.schema import canonical_json
from apps.exports.models import ExportJob
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_jobs")]

PDF_OPTIONS = {"paper": "A3", "orientation": "portrait", "fit": "tile", "scale": 1}


@pytest.fixture
def export(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST an export and let the inline job run when the request's transaction commits."""

    def post(client: APIClient, diagram_id: int, **body: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/diagrams/{diagram_id}/exports/", body, format="json")
        return response

    return post


@pytest.fixture
def versioned(fraud_diagram: Diagram, editor: Any) -> Diagram:
    diagram_services.diagram_version_create(diagram=fraud_diagram, user=editor, message="First")
    return fraud_diagram


def _download(client: APIClient, job: dict[str, Any]) -> Any:
    response = client.get(f"/api/exports/{job['id']}")
    assert response.status_code == 200
    assert response.json()["status"] == "done", response.json()
    url = response.json()["download_url"]
    assert url == f"/api/exports/{job['id']}/download"
    return client.get(url)


def test_an_export_is_a_job_that_finishes_and_downloads_safely(
    api: APIClient, versioned: Diagram, export: Callable[..., Any]
) -> None:
    response = export(api, versioned.pk, format="pdf", version=1, options=PDF_OPTIONS)
    assert response.status_code == 202
    job = response.json()
    assert set(job) >= {
        "id",
        "status",
        "progress",
        "format",
        "version",
        "options",
        "error",
        "created_at",
        "download_url",
    }
    assert (job["format"], job["version"], job["options"]) == ("pdf", 1, PDF_OPTIONS)
    job = api.get(f"/api/exports/{job['id']}").json()
    assert job["status"] == "done" and job["progress"] == 100
    download = _download(api, job)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="fraud-detection-api-sop-{versioned.pk}-v1.pdf"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    data = b"".join(download.streaming_content)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1  # A3 portrait tiles
    assert (
        AuditEvent.objects.filter(diagram_id=versioned.pk, action="export.requested").count() == 1
    )


def test_asking_again_returns_the_same_job_and_other_options_a_new_one(
    api: APIClient, versioned: Diagram, export: Callable[..., Any]
) -> None:
    first = export(api, versioned.pk, format="pdf", version=1, options=PDF_OPTIONS).json()
    again = export(api, versioned.pk, format="pdf", version=1, options=PDF_OPTIONS).json()
    assert again["id"] == first["id"]
    other = export(
        api, versioned.pk, format="pdf", version=1, options={**PDF_OPTIONS, "fit": "page"}
    )
    assert other.json()["id"] != first["id"]
    # Options an SVG ignores do not make a different SVG.
    svg = export(api, versioned.pk, format="svg", version=1, options={"paper": "A3"}).json()
    svg_again = export(api, versioned.pk, format="svg", version=1).json()
    assert svg["id"] == svg_again["id"]
    assert svg["options"]["paper"] == "A4"
    listed = api.get(f"/api/diagrams/{versioned.pk}/exports/").json()
    assert [job["id"] for job in listed["results"]] == [svg["id"], other.json()["id"], first["id"]]


def test_a_live_export_is_not_a_version_and_is_keyed_by_the_live_content(
    api: APIClient, fraud_diagram: Diagram, editor: Any, export: Callable[..., Any]
) -> None:
    first = export(api, fraud_diagram.pk, format="svg", version=None).json()
    assert first["version"] is None and first["live"] is True
    assert export(api, fraud_diagram.pk, format="svg", version=None).json()["id"] == first["id"]
    svg = b"".join(_download(api, first).streaming_content).decode()
    assert "live document (not a version)" in svg
    assert "live-" in _download(api, first)["Content-Disposition"]
    content = live.document_load(diagram_id=fraud_diagram.pk).content().as_json()
    content["meta"]["title"] = "Fraud detection API, revised"
    diagram_services.diagram_content_replace(diagram=fraud_diagram, user=editor, content=content)
    changed = export(api, fraud_diagram.pk, format="svg", version=None).json()
    assert changed["id"] != first["id"]
    assert changed["content_hash"] != first["content_hash"]


def test_a_failed_job_is_queued_again_when_asked_again(
    api: APIClient, versioned: Diagram, export: Callable[..., Any]
) -> None:
    job = export(api, versioned.pk, format="json", version=1).json()
    ExportJob.objects.filter(pk=job["id"]).update(status="failed", error="worker lost")
    again = export(api, versioned.pk, format="json", version=1).json()
    assert again["id"] == job["id"] and again["status"] == "queued"
    done = api.get(f"/api/exports/{job['id']}").json()
    assert done["status"] == "done" and done["error"] == "" and done["attempts"] == 2


def test_json_export_and_import_round_trip_exactly(
    api: APIClient, versioned: Diagram, workspace: Any, export: Callable[..., Any]
) -> None:
    job = export(api, versioned.pk, format="json", version=1).json()
    exported = b"".join(_download(api, job).streaming_content).decode()
    for content in (exported, json.loads(exported)):  # as text and as an object
        response = api.post(
            "/api/diagrams/import",
            {"workspace": workspace.pk, "format": "json", "content": content},
            format="json",
        )
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["workspace"] == workspace.pk and created["role"] == "editor"
        back = api.get(f"/api/diagrams/{created['id']}/content").json()
        assert canonical_json(back) == canonical_json(json.loads(exported))
    assert AuditEvent.objects.filter(action="diagram.imported").count() == 2


def test_mermaid_export_imports_back_into_an_existing_diagram(
    api: APIClient, versioned: Diagram, empty_diagram: Diagram, export: Callable[..., Any]
) -> None:
    job = export(api, versioned.pk, format="mermaid", version=1).json()
    download = _download(api, job)
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    text = b"".join(download.streaming_content).decode()
    response = api.post(
        f"/api/diagrams/{empty_diagram.pk}/import",
        {"format": "mermaid", "content": text},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["node_count"] == 16
    content = api.get(f"/api/diagrams/{empty_diagram.pk}/content").json()
    kinds = sorted((n["label"], n["kind"], n["stage"]) for n in content["nodes"])
    original = live.document_load(diagram_id=versioned.pk).content().as_json()
    assert kinds == sorted((n["label"], n["kind"], n["stage"]) for n in original["nodes"])
    assert sorted(e["kind"] for e in content["edges"]) == sorted(
        e["kind"] for e in original["edges"]
    )


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"format": "json", "content": '{"schema": '}, 400, "line 1, column 12"),
        ({"format": "json", "content": [1, 2]}, 400, "one sop-diagram/1 object"),
        (
            {
                "format": "json",
                "content": {"nodes": [{"id": "a", "kind": "rocket", "stage": "model"}]},
            },
            400,
            "unknown node kind 'rocket'",
        ),
        ({"format": "mermaid", "content": "sequenceDiagram\nA->>B: hi"}, 400, "only flowcharts"),
        ({"format": "mermaid", "content": "graph LR\nA --> B[unclosed"}, 400, "line 2"),
        ({"format": "mermaid", "content": {"not": "text"}}, 400, "must be text"),
        ({"format": "yaml", "content": "a: 1"}, 400, "not a valid choice"),
        (
            {"format": "json", "content": '{"meta": {"title": "\\ud800"}}'},
            400,
            "unpaired UTF-16 surrogate",
        ),
        ({"format": "json", "content": "[" * 100_000 + "]" * 100_000}, 400, "nested too deeply"),
    ],
)
def test_a_malformed_import_is_a_400_that_says_why(
    api: APIClient, workspace: Any, body: dict[str, Any], status: int, reason: str
) -> None:
    response = api.post("/api/diagrams/import", {"workspace": workspace.pk, **body}, format="json")
    assert response.status_code == status
    assert reason in response.json()["detail"], response.json()
    assert not Diagram.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested"),
        ('{"meta": {"title": "\\ud800"}}', "surrogate"),  # an unpaired surrogate escape
    ],
)
def test_a_body_python_cannot_take_as_text_is_a_400(
    api: APIClient, workspace: Any, content: str, reason: str
) -> None:
    body = f'{{"workspace": {workspace.pk}, "format": "json", "content": {content}}}'
    response = api.generic("POST", "/api/diagrams/import", body, content_type="application/json")
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_an_oversized_import_is_refused(api: APIClient, workspace: Any, settings: Any) -> None:
    nodes = [
        {"id": f"n{i}", "kind": "process", "stage": "model", "label": f"Step {i}"}
        for i in range(settings.SOPSTUDIO_MAX_NODES + 1)
    ]
    response = api.post(
        "/api/diagrams/import",
        {"workspace": workspace.pk, "format": "json", "content": {"nodes": nodes}},
        format="json",
    )
    assert response.status_code == 400
    assert f"at most {settings.SOPSTUDIO_MAX_NODES} nodes" in response.json()["detail"]
    huge = "graph LR\n" + "A --> B\n" * 80_000
    response = api.post(
        "/api/diagrams/import",
        {"workspace": workspace.pk, "format": "mermaid", "content": huge},
        format="json",
    )
    assert response.status_code == 400
    assert "characters long" in response.json()["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"workspace": workspace.pk, "format": "mermaid", "content": "x" * 2_000_000})
    response = api.generic("POST", "/api/diagrams/import", body, content_type="application/json")
    assert response.status_code == 413


def test_viewers_export_but_do_not_import(
    viewer: Any, versioned: Diagram, workspace: Any, export: Callable[..., Any]
) -> None:
    client = client_for(viewer)
    job = export(client, versioned.pk, format="png", version=1, options={"scale": 2})
    assert job.status_code == 202
    assert _download(client, job.json()).status_code == 200
    created = client.post(
        "/api/diagrams/import",
        {"workspace": workspace.pk, "format": "mermaid", "content": "graph LR\nA-->B"},
        format="json",
    )
    assert created.status_code == 403
    replaced = client.post(
        f"/api/diagrams/{versioned.pk}/import",
        {"format": "mermaid", "content": "graph LR\nA-->B"},
        format="json",
    )
    assert replaced.status_code == 403
    assert live.document_load(diagram_id=versioned.pk).content().as_json()["nodes"]


def test_another_workspace_sees_nothing(
    outsider: Any, api: APIClient, versioned: Diagram, export: Callable[..., Any]
) -> None:
    job = export(api, versioned.pk, format="svg", version=1).json()
    client = client_for(outsider)
    assert export(client, versioned.pk, format="svg", version=1).status_code == 404
    assert client.get(f"/api/diagrams/{versioned.pk}/exports/").status_code == 404
    assert client.get(f"/api/exports/{job['id']}").status_code == 404
    assert client.get(f"/api/exports/{job['id']}/download").status_code == 404
    assert (
        client.post(
            f"/api/diagrams/{versioned.pk}/import", {"format": "json", "content": {}}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/diagrams/import",
            {"workspace": versioned.workspace_id, "format": "json", "content": {}},
            format="json",
        ).status_code
        == 404
    )
    anonymous = APIClient()
    assert anonymous.get(f"/api/exports/{job['id']}/download").status_code == 401


def test_bad_requests_say_what_is_wrong(
    api: APIClient, versioned: Diagram, export: Callable[..., Any]
) -> None:
    missing = export(api, versioned.pk, format="pdf", version=9)
    assert missing.status_code == 404 and "Version 9" in missing.json()["detail"]
    wrong = export(api, versioned.pk, format="pdf", version=1, options={"paper": "B5"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "options.paper"
    unknown = export(api, versioned.pk, format="docx", version=1)
    assert unknown.status_code == 400 and unknown.json()["field"] == "format"
    job = ExportJob.objects.create(
        diagram=versioned, format="svg", dedupe_key="x" * 64, source_hash="y" * 64
    )
    early = api.get(f"/api/exports/{job.pk}/download")
    assert early.status_code == 409 and "not ready" in early.json()["detail"]
