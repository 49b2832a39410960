"""Production settings, health endpoints, security headers and the published API schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x9!Qm2#pL7vR4tZ8wK1nB6cJ3hF5gD0sA-production-like-secret-key",
    "DJANGO_ALLOWED_HOSTS": "sop.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sopstudio",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SOPSTUDIO_", "REDIS_URL", "DATABASE_URL", "CELERY_"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = dict(PRODUCTION_ENV)
    env.pop("DJANGO_SECRET_KEY")
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_by_default() -> None:
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION_ENV
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


@pytest.mark.django_db
def test_healthz_and_readyz() -> None:
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_redis(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    ready = Client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"] == "unreachable"


@pytest.mark.django_db
def test_security_headers_on_pages_and_api(editor: Any) -> None:
    client = Client()
    client.force_login(editor)
    for url in ("/accounts/login/", "/api/me/", "/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_app_shell_needs_login() -> None:
    response = Client().get("/diagrams/1")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_openapi_publishes_the_document_schema(editor: Any) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert {"SopDiagram", "DiagramNode", "DiagramEdge", "DiagramMeta", "Error"} <= set(components)
    stage = components["DiagramNode"]["properties"]["stage"]
    assert "monitoring" in stage["enum"]
    put = schema["paths"]["/api/diagrams/{diagram_id}/content"]["put"]
    ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/SopDiagram"
    assert Client().get("/api/docs/").status_code in (200, 302, 401, 403)


def test_openapi_schema_validates_without_warnings() -> None:
    result = _manage(
        "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", SOPSTUDIO_TESTING="1"
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_own_deploy_checks_catch_a_wildcard_host_and_in_memory_layer() -> None:
    env = dict(PRODUCTION_ENV)
    env["DJANGO_ALLOWED_HOSTS"] = "*"
    env.pop("REDIS_URL")
    result = _manage("check", "--deploy", **env)
    assert "sopstudio.W004" in result.stderr + result.stdout
    assert "sopstudio.W005" in result.stderr + result.stdout
