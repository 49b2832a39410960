"""Fixtures for export tests: a real worker (inline jobs and MEDIA_ROOT are in tests/conftest)."""

from __future__ import annotations

from tests.workers import celery_worker_process  # noqa: F401  (a fixture)
