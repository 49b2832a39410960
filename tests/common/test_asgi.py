"""Request bodies through a real uvicorn: chunked bodies are read and size-limited, not emptied."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from apps.diagrams.models import Diagram
from tests.servers import ServerProcess, running_servers

pytestmark = pytest.mark.slow


@pytest.fixture
def server(transactional_db: Any) -> Iterator[ServerProcess]:
    with running_servers(1) as (process,):
        yield process


def _auth(user: Any) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _chunks(body: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    """An iterator body: httpx sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _raw_chunked_request(
    server: ServerProcess, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    """Send `body` chunked over a plain socket, stopping when the server answers early."""
    head = [f"PUT {path} HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            for chunk in _chunks(body, 64 * 1024):
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered and closed before the whole body was sent, as it should
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or len(answer) < 12:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(answer.split(b" ", 2)[1])
    return status, answer.split(b"\r\n\r\n", 1)[1]


def test_a_chunked_content_put_is_applied_not_read_as_empty(
    server: ServerProcess, editor: Any, fraud_diagram: Diagram
) -> None:
    headers = _auth(editor)
    url = f"{server.url}/api/diagrams/{fraud_diagram.pk}/content"
    before = httpx.get(url, headers=headers).json()
    assert len(before["nodes"]) > 3
    changed = dict(before, meta=dict(before["meta"], title="Sent in chunks"))

    response = httpx.put(
        url,
        content=_chunks(json.dumps(changed).encode(), size=512),
        headers={**headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 200, response.text
    after = httpx.get(url, headers=headers).json()
    assert after["meta"]["title"] == "Sent in chunks"
    assert after["nodes"] == before["nodes"]
    assert after["edges"] == before["edges"]


def test_a_chunked_body_over_the_limit_gets_413_and_changes_nothing(
    server: ServerProcess, editor: Any, fraud_diagram: Diagram
) -> None:
    headers = _auth(editor)
    path = f"/api/diagrams/{fraud_diagram.pk}/content"
    before = httpx.get(f"{server.url}{path}", headers=headers).json()
    ten_megabytes = b'{"padding": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    assert len(ten_megabytes) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    status, body = _raw_chunked_request(
        server, path, {**headers, "Content-Type": "application/json"}, ten_megabytes
    )

    assert status == 413
    assert json.loads(body)["code"] == "payload_too_large"
    assert httpx.get(f"{server.url}{path}", headers=headers).json() == before


def test_a_declared_body_over_the_limit_gets_413_before_it_is_sent(
    server: ServerProcess, editor: Any, fraud_diagram: Diagram
) -> None:
    length = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        request = (
            f"PUT /api/diagrams/{fraud_diagram.pk}/content HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {_auth(editor)['Authorization']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
        sock.sendall(request.encode())
        # Not one byte of the body sent: the answer comes from the headers alone.
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_chunked_version_post_keeps_its_message(
    server: ServerProcess, editor: Any, fraud_diagram: Diagram
) -> None:
    headers = {**_auth(editor), "Content-Type": "application/json"}
    url = f"{server.url}/api/diagrams/{fraud_diagram.pk}/versions/"

    response = httpx.post(
        url,
        content=_chunks(b'{"message": "Reviewed with the fraud team"}', size=7),
        headers=headers,
    )

    assert response.status_code == 201, response.text
    assert response.json()["message"] == "Reviewed with the fraud team"
    assert fraud_diagram.versions.get(number=response.json()["number"]).message == (
        "Reviewed with the fraud team"
    )


def test_requests_without_a_body_pass_through_unchanged(
    server: ServerProcess, editor: Any, fraud_diagram: Diagram
) -> None:
    headers = _auth(editor)
    assert httpx.get(f"{server.url}/api/me/", headers=headers).json()["username"] == editor.username
    content = httpx.get(f"{server.url}/api/diagrams/{fraud_diagram.pk}/content", headers=headers)
    assert content.status_code == 200 and content.headers["ETag"]
