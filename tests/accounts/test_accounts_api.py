"""Accounts: login page, tokens, workspaces and member management by role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import Membership, Role
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_signs_in_and_logout_signs_out(editor: Any) -> None:
    browser = Client()
    page = browser.get("/accounts/login/")
    assert page.status_code == 200 and b"Sign in" in page.content
    response = browser.post("/accounts/login/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/api/me/").json()["username"] == editor.username
    browser.post("/accounts/logout/")
    assert browser.get("/api/me/").status_code in (401, 403)


def test_wrong_password_shows_an_error_on_the_login_page(editor: Any) -> None:
    response = Client().post("/accounts/login/", {"username": editor.username, "password": "no"})
    assert response.status_code == 200
    assert b"didn&#x27;t match" in response.content or b"didn't match" in response.content


def test_token_for_scripts(editor: Any) -> None:
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": editor.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["username"] == editor.username


def test_token_with_wrong_password_is_refused_with_json_error(editor: Any) -> None:
    response = APIClient().post(
        "/api/auth/token/", {"username": editor.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_credentials"


def test_anonymous_api_call_is_401_with_code() -> None:
    response = APIClient().get("/api/diagrams/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_workspace_create_makes_creator_owner(editor: Any) -> None:
    client = client_for(editor)
    response = client.post("/api/workspaces/", {"name": "Risk models"}, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "owner"
    names = [w["name"] for w in client.get("/api/workspaces/").json()]
    assert "Risk models" in names


def test_owner_invites_changes_role_and_removes(workspace: Any, owner: Any) -> None:
    newcomer = UserFactory(username="newcomer", email="new@example.com")
    client = client_for(owner)
    invited = client.post(
        f"/api/workspaces/{workspace.pk}/members/",
        {"user": "new@example.com", "role": "reviewer"},
        format="json",
    )
    assert invited.status_code == 201, invited.json()
    membership_id = invited.json()["id"]
    assert invited.json()["username"] == newcomer.username

    changed = client.patch(
        f"/api/workspaces/{workspace.pk}/members/{membership_id}/",
        {"role": "editor"},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["role"] == "editor"

    removed = client.delete(f"/api/workspaces/{workspace.pk}/members/{membership_id}/")
    assert removed.status_code == 204
    assert not Membership.objects.filter(pk=membership_id).exists()


def test_editor_cannot_manage_members(workspace: Any, editor: Any, viewer: Any) -> None:
    membership = Membership.objects.get(user=viewer, workspace=workspace)
    response = client_for(editor).patch(
        f"/api/workspaces/{workspace.pk}/members/{membership.pk}/", {"role": "owner"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_last_owner_cannot_be_removed_or_demoted(workspace: Any, owner: Any) -> None:
    membership = Membership.objects.get(user=owner, workspace=workspace)
    client = client_for(owner)
    demote = client.patch(
        f"/api/workspaces/{workspace.pk}/members/{membership.pk}/",
        {"role": "viewer"},
        format="json",
    )
    assert demote.status_code == 409
    remove = client.delete(f"/api/workspaces/{workspace.pk}/members/{membership.pk}/")
    assert remove.status_code == 409
    assert Membership.objects.filter(pk=membership.pk, role=Role.OWNER).exists()


def test_inviting_unknown_user_names_the_field(workspace: Any, owner: Any) -> None:
    response = client_for(owner).post(
        f"/api/workspaces/{workspace.pk}/members/", {"user": "ghost"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "user"


def test_other_workspace_is_404(workspace: Any, outsider: Any) -> None:
    client = client_for(outsider)
    assert client.get(f"/api/workspaces/{workspace.pk}/").status_code == 404
    assert client.get(f"/api/workspaces/{workspace.pk}/members/").status_code == 404
