"""Process health, readiness, the single-page app shell, and JSON error pages for the API."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from apps.common.errors import (
    ERROR_INVALID,
    ERROR_NOT_FOUND,
    ERROR_PERMISSION_DENIED,
    ERROR_SERVER,
    error_body,
)

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


# Django answers these itself, outside any API view (an unmatched URL such as
# /api/diagrams/-1/, a suspicious request, an unhandled exception): under /api/ they keep the
# API's JSON error shape, so clients and the published schema see one kind of error body.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 for a request Django refused before any view (too many fields, bad host...)."""
    if _is_api(request):
        return JsonResponse(error_body(ERROR_INVALID, "The request is malformed."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 raised outside an API view."""
    if _is_api(request):
        return JsonResponse(
            error_body(ERROR_PERMISSION_DENIED, "You do not have permission to do this."),
            status=403,
        )
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL that matches no route."""
    if _is_api(request):
        return JsonResponse(error_body(ERROR_NOT_FOUND, "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the details are in the log, never in the answer."""
    if _is_api(request):
        return JsonResponse(
            error_body(ERROR_SERVER, "Something went wrong on our side."), status=500
        )
    return defaults.server_error(request)
