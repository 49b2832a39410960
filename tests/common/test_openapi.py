"""The published schema: paginated lists as envelopes, and the error answers of every operation."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

ERROR = {"$ref": "#/components/schemas/Error"}
PAGINATED_LISTS = [
    "/api/diagrams/",
    "/api/diagrams/{diagram_id}/versions/",
    "/api/diagrams/{diagram_id}/exports/",
]


@pytest.fixture
def schema(db: Any) -> dict[str, Any]:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _error_schema(operation: dict[str, Any], code: str) -> Any:
    return operation["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_documents_its_error_answers_with_the_error_component(
    schema: dict[str, Any],
) -> None:
    operations = _operations(schema)
    assert len(operations) >= 25
    for method, path, operation in operations:
        codes = set(operation["responses"])
        assert "400" in codes, (method, path)
        if path != "/api/auth/token/":
            assert {"401", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method in {"POST", "PUT", "PATCH"}:
            assert "413" in codes, (method, path)
        for code in codes:
            if code.startswith("4"):
                assert _error_schema(operation, code) == ERROR, (method, path, code)


def test_the_content_put_documents_the_stale_if_match_answer(schema: dict[str, Any]) -> None:
    put = schema["paths"]["/api/diagrams/{diagram_id}/content"]["put"]
    assert _error_schema(put, "412") == ERROR
    assert _error_schema(put, "415") == ERROR


def test_the_error_component_has_code_detail_and_field(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    assert set(error["properties"]) == {"code", "detail", "field"}


@pytest.mark.parametrize("path", PAGINATED_LISTS)
def test_paginated_lists_are_documented_as_envelopes_with_a_capped_limit(
    schema: dict[str, Any], path: str
) -> None:
    get = schema["paths"][path]["get"]
    ok = get["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"count", "next", "previous", "results"}
    assert component["properties"]["results"]["type"] == "array"
    parameters = {parameter["name"]: parameter for parameter in get["parameters"]}
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert "capped at 200" in parameters["limit"]["description"]
    assert parameters["offset"]["schema"]["minimum"] == 0
