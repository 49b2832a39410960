"""Factories shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from apps.accounts.models import Membership, Role, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")


def member(workspace: Workspace, role: str = Role.EDITOR, **user_fields: Any) -> Any:
    """A new user with the given role in the workspace."""
    user = UserFactory(**user_fields)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user
