"""HTTP middleware: the content security policy and JSON answers for oversized bodies."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.common.errors import ERROR_TOO_LARGE, error_body


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header to every response that does not set its own (exports do)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


class BodyTooLargeMiddleware:
    """Refuses a body over the limit with 413 before any view reads it, even when chunked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if limit is not None and declared > limit:
            return self._too_large()
        try:
            return self.get_response(request)
        except RequestDataTooBig:
            return self._too_large()

    @staticmethod
    def _too_large() -> HttpResponse:
        return JsonResponse(
            error_body(ERROR_TOO_LARGE, "The request body is larger than the server accepts."),
            status=413,
        )
