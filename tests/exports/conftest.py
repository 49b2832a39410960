"""Fixtures for export tests: inline jobs, a private MEDIA_ROOT, a real worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sopstudio.celery import app as celery_app
from tests.workers import celery_worker_process  # noqa: F401  (a fixture)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def inline_jobs(media_root: Path) -> Iterator[None]:
    """Run export jobs inline, as `make run` without Redis does."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved
