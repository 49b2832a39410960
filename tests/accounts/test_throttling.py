"""The sign-in throttle's pieces in process: the client address and the per-username cap."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.throttling import client_address
from tests.factories import PASSWORD, UserFactory


def request_from(peer: str, forwarded: str | None = None) -> Any:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=peer, **headers)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(
    settings: Any,
) -> None:
    settings.SOPSTUDIO_TRUSTED_PROXIES = 0
    assert client_address(request_from("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote the left part
        (2, "198.51.100.4, 203.0.113.9", "198.51.100.4"),
        (2, "203.0.113.9", "203.0.113.9"),  # a hop skipped: the leftmost is all we know
        (1, "not-an-address", "10.0.0.1"),  # garbage is never stored as an address
        (1, "", "10.0.0.1"),
    ],
)
def test_trusted_proxies_name_the_client_from_the_right(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.SOPSTUDIO_TRUSTED_PROXIES = proxies
    assert client_address(request_from("10.0.0.1", forwarded)) == expected


@pytest.mark.django_db
def test_one_address_never_locks_a_username_even_past_its_own_limit() -> None:
    """Parallel requests can slip past the check; one address still counts for at most 10."""
    user = UserFactory()
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="10.9.9.9",
        user_agent="racer",
        failures_since_start=200,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/api/auth/token/",
    )
    response = APIClient(REMOTE_ADDR="10.1.1.1").post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()


@pytest.mark.django_db
def test_three_locked_addresses_lock_the_username_everywhere() -> None:
    user = UserFactory()
    for index in range(3):
        AccessAttempt.objects.create(
            username=user.username,
            ip_address=f"10.9.9.{index}",
            user_agent="sprayer",
            failures_since_start=10,
            get_data="",
            post_data="",
            http_accept="*/*",
            path_info="/api/auth/token/",
        )
    api = APIClient(REMOTE_ADDR="10.1.1.1").post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    form = Client(REMOTE_ADDR="10.1.1.2").post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )
    assert form.status_code == 429
    assert b"Too many failed sign-ins" in form.content


@pytest.mark.django_db
def test_failures_older_than_the_cool_off_are_forgotten() -> None:
    user = UserFactory()
    old = AccessAttempt.objects.create(
        username=user.username,
        ip_address="127.0.0.1",
        user_agent="old",
        failures_since_start=50,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    # The attempt time is set on create; move it back past the 15-minute cool-off.
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - timezone.timedelta(minutes=16)
    )
    response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
