"""HTTP middleware: the content security policy, query strings we can hold, oversized bodies."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.common.errors import ERROR_INVALID, ERROR_TOO_LARGE, error_body


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header to every response that does not set its own (exports do)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


class QueryStringMiddleware:
    """Refuses NUL in an API query parameter with 400: PostgreSQL cannot compare text with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                parameters = list(request.GET.lists())
            except TooManyFieldsSent:
                return JsonResponse(
                    error_body(ERROR_INVALID, "The query string has too many parameters."),
                    status=400,
                )
            for name, values in parameters:
                if "\x00" in name or any("\x00" in value for value in values):
                    return JsonResponse(
                        error_body(
                            ERROR_INVALID,
                            "A query parameter contains a NUL character (%00).",
                            name.replace("\x00", "\\u0000"),
                        ),
                        status=400,
                    )
        return self.get_response(request)


class BodyTooLargeMiddleware:
    """Refuses a declared body over the limit with 413 before any view reads it.

    Bodies without a Content-Length are counted and limited one layer down, in
    `apps.common.asgi.BodyLimitMiddleware`, which gives them a Content-Length.
    """

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
