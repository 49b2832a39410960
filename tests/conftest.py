"""Fixtures shared by every app's tests: users with roles, API clients, diagrams, inline jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.diagrams.models import Diagram
from apps.diagrams.services import diagram_create
from sopstudio.celery import app as celery_app
from tests.factories import WorkspaceFactory, member


@pytest.fixture
def workspace(db: Any) -> Any:
    return WorkspaceFactory()


@pytest.fixture
def owner(workspace: Any) -> Any:
    return member(workspace, Role.OWNER)


@pytest.fixture
def editor(workspace: Any) -> Any:
    return member(workspace, Role.EDITOR)


@pytest.fixture
def reviewer(workspace: Any) -> Any:
    return member(workspace, Role.REVIEWER)


@pytest.fixture
def viewer(workspace: Any) -> Any:
    return member(workspace, Role.VIEWER)


@pytest.fixture
def outsider(db: Any) -> Any:
    """A user with a workspace of their own, and none of ours."""
    return member(WorkspaceFactory(), Role.OWNER)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def api(editor: Any) -> APIClient:
    return client_for(editor)


@pytest.fixture
def fraud_diagram(workspace: Any, editor: Any) -> Diagram:
    return diagram_create(workspace=workspace, user=editor, template_id="fraud-detection-api")


@pytest.fixture
def empty_diagram(workspace: Any, editor: Any) -> Diagram:
    return diagram_create(workspace=workspace, user=editor)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def inline_jobs(media_root: Path) -> Iterator[None]:
    """Run jobs (exports, lint) inline, as `make run` without Redis does."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved
