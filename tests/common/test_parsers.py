"""JSON bodies the server cannot hold are a 400 `bad_json` naming the path, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.common.parsers import MAX_JSON_DEPTH, json_nesting_depth, strict_json_loads
from apps.diagrams.models import Diagram

DEEP = "[" * 1000 + "]" * 1000


def _send(client: APIClient, method: str, url: str, text: str) -> Any:
    return getattr(client, method)(url, data=text, content_type="application/json")


@pytest.mark.django_db
def test_deep_nesting_is_400_on_the_unauthenticated_token_endpoint() -> None:
    response = _send(APIClient(), "post", "/api/auth/token/", DEEP)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"
    assert "nested deeper than 64" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/diagrams/{id}/content"),
        ("post", "/api/diagrams/{id}/versions/"),
        ("post", "/api/diagrams/"),
        ("post", "/api/diagrams/import"),
    ],
)
def test_deep_nesting_is_400_on_every_json_endpoint(
    api: APIClient, fraud_diagram: Diagram, method: str, path: str
) -> None:
    before = api.get(f"/api/diagrams/{fraud_diagram.pk}/content").json()
    response = _send(api, method, path.format(id=fraud_diagram.pk), DEEP)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_json"
    assert api.get(f"/api/diagrams/{fraud_diagram.pk}/content").json() == before
    assert fraud_diagram.versions.count() == 0


def _content_with(fraud_diagram: Diagram, api: APIClient, raw_value: str) -> tuple[str, str]:
    """The diagram's content as JSON text with node 3's field `x` set to `raw_value` verbatim."""
    content = api.get(f"/api/diagrams/{fraud_diagram.pk}/content").json()
    content["nodes"][3].setdefault("fields", {})["x"] = "__PLACEHOLDER__"
    text = json.dumps(content).replace('"__PLACEHOLDER__"', raw_value)
    return text, "nodes[3].fields.x"


@pytest.mark.parametrize(
    ("raw_value", "detail"),
    [
        ("1e309", "not finite"),
        ("-1e309", "not finite"),
        ("NaN", "not finite"),
        ("Infinity", "not finite"),
        ("9223372036854775808", "64-bit"),
        ("-9223372036854775809", "64-bit"),
        ('"a\\u0000b"', "NUL"),
        ('"\\ud800"', "surrogate"),
    ],
)
def test_unstorable_values_in_a_content_put_are_400_naming_the_path_and_nothing_is_committed(
    api: APIClient, fraud_diagram: Diagram, raw_value: str, detail: str
) -> None:
    before = api.get(f"/api/diagrams/{fraud_diagram.pk}/content").json()
    text, path = _content_with(fraud_diagram, api, raw_value)

    response = _send(api, "put", f"/api/diagrams/{fraud_diagram.pk}/content", text)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_json"
    assert response.json()["field"] == path
    assert detail in response.json()["detail"]
    # As found, 1e309 was committed and every later read answered 500.
    assert api.get(f"/api/diagrams/{fraud_diagram.pk}/content").json() == before
    assert api.post(
        f"/api/diagrams/{fraud_diagram.pk}/versions/", {}, format="json"
    ).status_code == (201)


@pytest.mark.parametrize("where", ["glossary", "modelVersions"])
def test_nul_in_meta_lists_is_400(api: APIClient, fraud_diagram: Diagram, where: str) -> None:
    content = api.get(f"/api/diagrams/{fraud_diagram.pk}/content").json()
    entry: Any = {"term": "a\x00b", "definition": "x"} if where == "glossary" else "a\x00b"
    content["meta"][where] = [entry]
    response = api.put(f"/api/diagrams/{fraud_diagram.pk}/content", content, format="json")
    assert response.status_code == 400
    path = f"meta.{where}[0].term" if where == "glossary" else f"meta.{where}[0]"
    assert response.json()["field"] == path


def test_nul_in_a_key_and_in_a_version_message_are_400(
    api: APIClient, fraud_diagram: Diagram
) -> None:
    response = _send(
        api, "post", f"/api/diagrams/{fraud_diagram.pk}/versions/", '{"message": "v\\u0000"}'
    )
    assert (response.status_code, response.json()["field"]) == (400, "message")
    response = _send(APIClient(), "post", "/api/auth/token/", '{"user\\u0000": "x"}')
    assert (response.status_code, response.json()["field"]) == (400, '["user\\u0000"]')


def test_a_huge_integer_and_malformed_text_are_400_not_500(api: APIClient) -> None:
    for text in ("1" * 5000, '{"a": ', "\ufeff{}", "{'a': 1}"):
        response = _send(api, "post", "/api/diagrams/", text)
        assert response.status_code == 400, text
        assert response.json()["code"] == "bad_json", text


def test_a_body_that_is_not_utf8_is_400(api: APIClient) -> None:
    response = api.generic("POST", "/api/diagrams/", b'{"title": "\xff"}', "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_json"


def test_ordinary_json_passes_through_unchanged() -> None:
    text = '{"a": [1, 2.5, -3, true, null, "x\\ty", {"b": "\\u00e9\\ud83d\\ude00"}]}'
    assert strict_json_loads(text) == json.loads(text)
    assert strict_json_loads(text.encode()) == json.loads(text)


def test_nesting_is_counted_outside_strings_only() -> None:
    assert json_nesting_depth('{"a": "[[[[[[[[{{{{\\"]]"}') == 1
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert strict_json_loads(at_limit) is not None
    assert json_nesting_depth("[" * (MAX_JSON_DEPTH + 1)) == MAX_JSON_DEPTH + 1
