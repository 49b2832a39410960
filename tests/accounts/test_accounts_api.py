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


# ---- members' email addresses ----------------------------------------------------------------


def _members(client: APIClient, workspace: Any) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/workspaces/{workspace.pk}/members/")
    assert response.status_code == 200
    return {row["username"]: row for row in response.json()}


def test_adding_someone_by_username_does_not_reveal_their_email(outsider: Any) -> None:
    """As found: any user could learn anyone's address by adding them to their own workspace."""
    UserFactory(username="victim", email="victim@private.example", first_name="Vic")
    own_workspace = Membership.objects.get(user=outsider).workspace
    client = client_for(outsider)
    added = client.post(
        f"/api/workspaces/{own_workspace.pk}/members/", {"user": "victim"}, format="json"
    )
    assert added.status_code == 201
    assert added.json()["email"] is None
    assert added.json()["username"] == "victim"
    assert added.json()["display_name"] == "Vic"
    assert "victim@private.example" not in added.content.decode()
    listed = _members(client, own_workspace)["victim"]
    assert listed["email"] is None
    changed = client.patch(
        f"/api/workspaces/{own_workspace.pk}/members/{added.json()['id']}/",
        {"role": "editor"},
        format="json",
    )
    assert changed.json()["email"] is None


def test_the_owner_who_added_by_email_sees_it_and_nobody_else_does(
    workspace: Any, owner: Any, editor: Any
) -> None:
    UserFactory(username="invitee", email="Invitee@Example.com")
    inviter = client_for(owner)
    added = inviter.post(
        f"/api/workspaces/{workspace.pk}/members/",
        {"user": "invitee@example.com", "role": "viewer"},
        format="json",
    )
    assert added.status_code == 201
    assert added.json()["email"] == "Invitee@Example.com"
    assert _members(inviter, workspace)["invitee"]["email"] == "Invitee@Example.com"
    # The owner typed the address; other members (a co-owner included) never learn it.
    co_owner = UserFactory(username="coowner")
    Membership.objects.create(workspace=workspace, user=co_owner, role=Role.OWNER)
    assert _members(client_for(co_owner), workspace)["invitee"]["email"] is None
    assert _members(client_for(editor), workspace)["invitee"]["email"] is None
    # Once no longer an owner, the inviter sees it no more either.
    Membership.objects.filter(workspace=workspace, user=owner).update(role=Role.EDITOR)
    assert _members(inviter, workspace)["invitee"]["email"] is None


def test_a_member_sees_their_own_email_and_not_the_others(
    workspace: Any, owner: Any, viewer: Any
) -> None:
    members = _members(client_for(viewer), workspace)
    assert members[viewer.username]["email"] == viewer.email
    assert members[owner.username]["email"] is None
    assert set(members[owner.username]) == {
        "id",
        "user_id",
        "username",
        "display_name",
        "email",
        "role",
    }
    assert client_for(viewer).get("/api/me/").json()["email"] == viewer.email


def test_an_owner_adding_by_username_does_not_see_the_email(workspace: Any, owner: Any) -> None:
    UserFactory(username="byname", email="byname@example.com")
    added = client_for(owner).post(
        f"/api/workspaces/{workspace.pk}/members/", {"user": "byname"}, format="json"
    )
    assert added.status_code == 201 and added.json()["email"] is None
    assert _members(client_for(owner), workspace)["byname"]["email"] is None


def test_an_address_shared_by_two_users_asks_for_a_username(workspace: Any, owner: Any) -> None:
    UserFactory(username="twin1", email="twins@example.com")
    UserFactory(username="twin2", email="twins@example.com")
    response = client_for(owner).post(
        f"/api/workspaces/{workspace.pk}/members/", {"user": "twins@example.com"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "user"
    assert not Membership.objects.filter(user__username__startswith="twin").exists()


def test_workspace_list_and_detail_carry_the_callers_role(
    workspace: Any, viewer: Any, outsider: Any
) -> None:
    client = client_for(viewer)
    listed = client.get("/api/workspaces/").json()
    assert [(w["id"], w["role"]) for w in listed] == [(workspace.pk, "viewer")]
    detail = client.get(f"/api/workspaces/{workspace.pk}/").json()
    assert detail["role"] == "viewer" and detail["slug"] == workspace.slug


def test_a_member_id_of_another_workspace_is_404(workspace: Any, owner: Any, outsider: Any) -> None:
    foreign = Membership.objects.get(user=outsider)
    response = client_for(owner).patch(
        f"/api/workspaces/{workspace.pk}/members/{foreign.pk}/", {"role": "viewer"}, format="json"
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.OWNER
