"""Sign-in throttling against a real uvicorn started as the Procfile starts it.

An address is locked after 10 failed sign-ins, a username after 30 from all addresses together;
the token endpoint and the HTML form count together. X-Forwarded-For is read only through the
configured number of trusted proxies (none by default).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import PASSWORD, UserFactory
from tests.servers import ServerProcess, running_servers

ADDRESS_LIMIT = 10
USERNAME_LIMIT = 30


@pytest.fixture(scope="module")
def direct_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ServerProcess]:
    """No proxy in front: the socket peer is the client, whatever X-Forwarded-For says."""
    with running_servers(1) as (server,):
        yield server


@pytest.fixture(scope="module")
def proxied_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ServerProcess]:
    """One trusted proxy in front: its X-Forwarded-For entry names the client."""
    with running_servers(1, SOPSTUDIO_TRUSTED_PROXIES="1") as (server,):
        yield server


@pytest.fixture
def user(transactional_db: Any) -> Any:
    return UserFactory(username="maya")


def token_attempt(
    client: httpx.Client, server: ServerProcess, username: str, password: str, **headers: str
) -> httpx.Response:
    return client.post(
        f"{server.url}/api/auth/token/",
        json={"username": username, "password": password},
        headers=headers,
    )


def form_attempt(
    client: httpx.Client, server: ServerProcess, username: str, password: str
) -> httpx.Response:
    if "csrftoken" not in client.cookies:
        client.get(f"{server.url}/accounts/login/")
    return client.post(
        f"{server.url}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
            "next": "/",
        },
    )


def from_address(address: str) -> httpx.Client:
    """A client whose connections come from another loopback address: another socket peer."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=10)


def assert_api_lockout(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "throttled"
    assert "Too many failed sign-ins" in body["detail"]


def test_forty_wrong_passwords_with_a_spoofed_forwarded_for_each_are_throttled(
    direct_server: ServerProcess, user: Any
) -> None:
    statuses = []
    with httpx.Client(timeout=10) as client:
        for attempt in range(40):
            response = token_attempt(
                client,
                direct_server,
                user.username,
                f"guess-{attempt}",
                **{"X-Forwarded-For": f"198.51.100.{attempt + 1}"},
            )
            statuses.append(response.status_code)
        assert statuses[: ADDRESS_LIMIT - 1] == [400] * (ADDRESS_LIMIT - 1)
        assert statuses[ADDRESS_LIMIT - 1 :] == [429] * (40 - ADDRESS_LIMIT + 1)
        assert_api_lockout(response)
        # The locked address stays locked even with the right password: the lock must not tell a
        # guesser which guess was right.
        assert_api_lockout(token_attempt(client, direct_server, user.username, PASSWORD))


def test_the_html_form_is_throttled_after_ten_wrong_tries_with_a_readable_page(
    direct_server: ServerProcess, user: Any
) -> None:
    with httpx.Client(timeout=10) as browser:
        for _ in range(ADDRESS_LIMIT - 1):
            refused = form_attempt(browser, direct_server, user.username, "wrong password")
            assert refused.status_code == 200
            assert "didn't match" in refused.text
        locked = form_attempt(browser, direct_server, user.username, "wrong password")
        assert locked.status_code == 429
        assert locked.headers["content-type"].startswith("text/html")
        assert "Too many failed sign-ins" in locked.text
        assert 'name="password"' in locked.text  # the form is still there for later
        assert int(locked.headers["Retry-After"]) > 0
        right = form_attempt(browser, direct_server, user.username, PASSWORD)
        assert right.status_code == 429
        assert browser.get(f"{direct_server.url}/api/me/").status_code in (401, 403)


def test_a_locked_address_does_not_lock_out_the_right_password_from_another_address(
    direct_server: ServerProcess, user: Any
) -> None:
    with httpx.Client(timeout=10) as attacker:
        for attempt in range(ADDRESS_LIMIT):
            token_attempt(attacker, direct_server, user.username, f"guess-{attempt}")
        assert_api_lockout(token_attempt(attacker, direct_server, user.username, PASSWORD))
    with from_address("127.0.0.2") as elsewhere:
        response = token_attempt(elsewhere, direct_server, user.username, PASSWORD)
        assert response.status_code == 200, response.text
        assert response.json()["token"]
        signed_in = form_attempt(elsewhere, direct_server, user.username, PASSWORD)
        assert signed_in.status_code == 302
        assert elsewhere.get(f"{direct_server.url}/api/me/").json()["username"] == user.username


def test_with_one_trusted_proxy_the_forwarded_address_is_the_client(
    proxied_server: ServerProcess, user: Any
) -> None:
    locked = {"X-Forwarded-For": "203.0.113.7"}
    with httpx.Client(timeout=10) as client:
        for attempt in range(ADDRESS_LIMIT):
            token_attempt(client, proxied_server, user.username, f"guess-{attempt}", **locked)
        assert_api_lockout(token_attempt(client, proxied_server, user.username, PASSWORD, **locked))
        # What the client put left of the proxy's entry is not believed.
        spoofed = {"X-Forwarded-For": "203.0.113.99, 203.0.113.7"}
        assert_api_lockout(
            token_attempt(client, proxied_server, user.username, PASSWORD, **spoofed)
        )
        elsewhere = {"X-Forwarded-For": "203.0.113.8"}
        response = token_attempt(client, proxied_server, user.username, PASSWORD, **elsewhere)
        assert response.status_code == 200, response.text


def test_a_spray_against_one_username_from_many_addresses_is_stopped(
    proxied_server: ServerProcess, user: Any
) -> None:
    bystander = UserFactory(username="bystander")
    statuses = []
    with httpx.Client(timeout=10) as client:
        for attempt in range(40):
            forwarded = {"X-Forwarded-For": f"192.0.2.{attempt + 1}"}
            response = token_attempt(
                client, proxied_server, user.username, f"guess-{attempt}", **forwarded
            )
            statuses.append(response.status_code)
        assert statuses[: USERNAME_LIMIT - 1] == [400] * (USERNAME_LIMIT - 1)
        assert statuses[USERNAME_LIMIT - 1 :] == [429] * (40 - USERNAME_LIMIT + 1)
        fresh = {"X-Forwarded-For": "192.0.2.200"}
        assert_api_lockout(token_attempt(client, proxied_server, user.username, PASSWORD, **fresh))
        # Only that username is locked, not the addresses the spray came from.
        other = token_attempt(
            client,
            proxied_server,
            bystander.username,
            PASSWORD,
            **{"X-Forwarded-For": "192.0.2.1"},
        )
        assert other.status_code == 200, other.text
