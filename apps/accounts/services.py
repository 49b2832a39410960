"""Write-side operations on accounts; each looks up the acting user's role itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from apps.accounts import events
from apps.accounts.exceptions import SignInThrottled
from apps.accounts.models import ROLE_CAN_MANAGE, Membership, Role, Workspace
from apps.accounts.selectors import membership_get, membership_role
from apps.accounts.throttling import lockout_detail
from apps.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request


# Not atomic: the throttle's record of a failed try must survive the error that answers it.
def auth_token_obtain(*, request: HttpRequest | Request, username: str, password: str) -> Token:
    """The API token of the user these credentials name, through the sign-in throttle."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise SignInThrottled(lockout_detail(request))
        raise ValidationFailed("Wrong username or password.", code="bad_credentials")
    token, _ = Token.objects.get_or_create(user=user)
    return token


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(*, name: str, owner: User) -> Workspace:
    """Create a workspace with its creator as owner."""
    name = name.strip()
    if not name:
        raise ValidationFailed("A workspace needs a name.", field="name")
    workspace = Workspace.objects.create(name=name[:120], slug=_unique_slug(name))
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def _require_manager(*, user: User, workspace_id: int) -> None:
    role = membership_role(user=user, workspace_id=workspace_id)
    if role is None:
        raise NotFound("Workspace not found.")
    if role not in ROLE_CAN_MANAGE:
        raise PermissionDenied("Only a workspace owner can manage members.")


def _locked_membership(*, workspace_id: int, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(pk=membership_id, workspace_id=workspace_id)
        .first()
    )
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def _user_by_identifier(identifier: str) -> tuple[User, bool]:
    """The user a username or an email address names, and whether it was the address."""
    user_model = get_user_model()
    by_username = user_model.objects.filter(username=identifier).first()
    if by_username is not None:
        return by_username, False
    by_email = list(user_model.objects.filter(email__iexact=identifier).order_by("pk")[:2])
    if len(by_email) > 1:
        raise ValidationFailed(
            "Several users have that email address; add them by username.", field="user"
        )
    if not by_email:
        raise ValidationFailed(f"No user is called {identifier!r}.", field="user")
    return by_email[0], True


def _ensure_an_owner_remains(*, membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.OWNER and not others.exists():
        raise Conflict("A workspace must keep at least one owner.")


@transaction.atomic
def membership_invite(*, user: User, workspace_id: int, identifier: str, role: str) -> Membership:
    """Add an existing user, found by username or email, to the workspace with a role."""
    _require_manager(user=user, workspace_id=workspace_id)
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", field="role")
    identifier = identifier.strip()
    if not identifier:
        raise ValidationFailed("Name the user to add by username or email.", field="user")
    invitee, by_email = _user_by_identifier(identifier)
    if Membership.objects.filter(workspace_id=workspace_id, user=invitee).exists():
        raise Conflict("That user is already a member.")
    membership = Membership.objects.create(
        workspace_id=workspace_id,
        user=invitee,
        role=role,
        invited_by=user,
        invited_by_email=by_email,
    )
    return membership_get(user=user, workspace_id=workspace_id, membership_id=membership.pk)


@transaction.atomic
def membership_role_update(
    *, user: User, workspace_id: int, membership_id: int, role: str
) -> Membership:
    """Change a member's role; open sockets of that member learn of it at once."""
    _require_manager(user=user, workspace_id=workspace_id)
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.", field="role")
    membership = _locked_membership(workspace_id=workspace_id, membership_id=membership_id)
    if role != Role.OWNER:
        _ensure_an_owner_remains(membership=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    events.membership_changed(workspace_id=membership.workspace_id, user_id=membership.user_id)
    return membership_get(user=user, workspace_id=workspace_id, membership_id=membership.pk)


@transaction.atomic
def membership_remove(*, user: User, workspace_id: int, membership_id: int) -> None:
    """Remove a member; their open sockets on the workspace's diagrams are closed."""
    _require_manager(user=user, workspace_id=workspace_id)
    membership = _locked_membership(workspace_id=workspace_id, membership_id=membership_id)
    _ensure_an_owner_remains(membership=membership)
    member_id = membership.user_id
    membership.delete()
    events.membership_changed(workspace_id=workspace_id, user_id=member_id)
