"""Workspaces and memberships; a user's role in a workspace decides what they may do."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


# What each role may do; checked by services, never by views alone.
ROLE_CAN_EDIT = {Role.OWNER, Role.EDITOR}
ROLE_CAN_REVIEW = {Role.OWNER, Role.EDITOR, Role.REVIEWER}
ROLE_CAN_MANAGE = {Role.OWNER}


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    # Who added the member and whether they typed the member's email address: only that owner
    # already knew it, so only they (and the member) are shown it.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by_email = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="uniq_membership")
        ]
        ordering = ["workspace_id", "user_id"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.workspace_id}:{self.role}"
