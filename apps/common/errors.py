"""Error codes and their HTTP statuses, defined once; every API error is {"code", "detail"}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

ERROR_BAD_JSON = "bad_json"
ERROR_INVALID = "invalid"
ERROR_NOT_FOUND = "not_found"
ERROR_PERMISSION_DENIED = "permission_denied"
ERROR_NOT_AUTHENTICATED = "not_authenticated"
ERROR_TOO_LARGE = "payload_too_large"
ERROR_PRECONDITION_FAILED = "precondition_failed"
ERROR_CONFLICT = "conflict"
ERROR_THROTTLED = "throttled"
ERROR_METHOD_NOT_ALLOWED = "method_not_allowed"
ERROR_UNSUPPORTED_MEDIA = "unsupported_media_type"
ERROR_SERVER = "server_error"


class ServiceError(Exception):
    """A domain error raised by a service; views turn it into a JSON response."""

    status_code = 400
    code = ERROR_INVALID

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(ServiceError):
    status_code = 400
    code = ERROR_INVALID


class NotFound(ServiceError):
    status_code = 404
    code = ERROR_NOT_FOUND


class PermissionDenied(ServiceError):
    status_code = 403
    code = ERROR_PERMISSION_DENIED


class BadJson(ServiceError):
    """A body that is not JSON we can hold: malformed, nested too deeply, NUL, inf, huge ints."""

    status_code = 400
    code = ERROR_BAD_JSON


class PreconditionFailed(ServiceError):
    status_code = 412
    code = ERROR_PRECONDITION_FAILED


class Conflict(ServiceError):
    status_code = 409
    code = ERROR_CONFLICT


class PayloadTooLarge(ServiceError):
    status_code = 413
    code = ERROR_TOO_LARGE


def error_body(code: str, detail: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if field:
        body["field"] = field
    return body


def _flatten_validation(detail: Any, path: str = "") -> tuple[str, str]:
    """First message of a DRF validation tree, with the dotted path of the field it names."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub = f"{path}.{key}" if path else str(key)
            if key == "non_field_errors":
                sub = path
            return _flatten_validation(value, sub)
    if isinstance(detail, list) and detail:
        first = detail[0]
        if isinstance(first, (dict, list)):
            return _flatten_validation(first, f"{path}[0]" if path else "[0]")
        return path, str(first)
    return path, str(detail)


_DRF_CODES: dict[type[Exception], str] = {
    drf_exceptions.ParseError: ERROR_BAD_JSON,
    drf_exceptions.NotAuthenticated: ERROR_NOT_AUTHENTICATED,
    drf_exceptions.AuthenticationFailed: ERROR_NOT_AUTHENTICATED,
    drf_exceptions.PermissionDenied: ERROR_PERMISSION_DENIED,
    drf_exceptions.NotFound: ERROR_NOT_FOUND,
    drf_exceptions.MethodNotAllowed: ERROR_METHOD_NOT_ALLOWED,
    drf_exceptions.UnsupportedMediaType: ERROR_UNSUPPORTED_MEDIA,
    drf_exceptions.Throttled: ERROR_THROTTLED,
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every error an API view can raise onto one JSON shape and a fitting status."""
    # Imported here: rest_framework.views loads the parser and paginator settings, which import
    # this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.detail, exc.field), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(ERROR_TOO_LARGE, "The request body is larger than the server accepts."),
            status=413,
        )
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, drf_exceptions.APIException):
        return response
    if isinstance(exc, drf_exceptions.ValidationError):
        field, message = _flatten_validation(exc.detail)
        response.data = error_body(ERROR_INVALID, message, field or None)
        return response
    code = _DRF_CODES.get(type(exc), str(getattr(exc, "default_code", "error")))
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    response.data = error_body(code, str(detail))
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        # Session-only clients get 403 from DRF; say 401 so scripts know to send a token.
        response.status_code = 401
    return response
