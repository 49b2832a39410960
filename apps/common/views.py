"""Process health, readiness and the single-page app shell."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers, and Redis too when one is configured."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        logger.warning("readiness: database unreachable: %s", exc)
        checks["database"] = "unreachable"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            logger.warning("readiness: redis unreachable: %s", exc)
            checks["redis"] = "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )


@never_cache
@ensure_csrf_cookie
@login_required
def app_shell(request: HttpRequest, **_: object) -> HttpResponse:
    """Serve the editor's single page for every client-side route."""
    manifest = settings.DJANGO_VITE["default"]["manifest_path"]
    built = bool(settings.DJANGO_VITE["default"]["dev_mode"]) or Path(str(manifest)).exists()
    return render(request, "app.html", {"frontend_built": built})
