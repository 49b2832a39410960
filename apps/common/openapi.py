"""OpenAPI generation: the `sop-diagram/1` components and the error answers of every operation."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

SOP_DIAGRAM_REF = {"$ref": "#/components/schemas/SopDiagram"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}

_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_BODY_METHODS = {"POST", "PUT", "PATCH"}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a field, a query parameter or the JSON body (`field` names it).",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but your role does not allow this (or the CSRF token is missing).",
    "404": "No such object, or it is in a workspace you are not a member of.",
    "412": "`If-Match` names a version that is no longer the current one.",
    "413": "The request body is larger than the server accepts.",
    "415": "The body is not `application/json`.",
    "429": "Too many tries; wait and try again.",
}


class ErrorDocumentingAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding the `Error` answers each operation can give.

    Which answers apply is read from the view (authentication, permissions, throttles) and the
    operation (path and header parameters, request body), so views declare only what is
    particular to them, such as a 409.
    """

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        view = self.view
        authentication = list(getattr(view, "authentication_classes", []))
        permissions = list(getattr(view, "permission_classes", []))
        parameters = operation.get("parameters", [])
        codes = ["400"]  # every /api/ query string is checked (NUL), and every body
        if authentication:
            codes.append("401")  # a bad token is refused even where anyone may call
        needs_permission = any(permission is not AllowAny for permission in permissions)
        csrf_applies = self.method in _UNSAFE_METHODS and any(
            issubclass(auth, SessionAuthentication) for auth in authentication
        )
        if needs_permission or csrf_applies:
            codes.append("403")
        # Objects named in the path, or in the body (the workspace of a new diagram), may not exist.
        if ("requestBody" in operation and authentication) or any(
            parameter.get("in") == "path" for parameter in parameters
        ):
            codes.append("404")
        if any(
            parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match"
            for parameter in parameters
        ):
            codes.append("412")
        if self.method in _BODY_METHODS:
            codes.append("413")
            if "requestBody" in operation:
                codes.append("415")
        if getattr(view, "throttle_classes", None):
            codes.append("429")
        return codes

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: Any,
    ) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_REF}},
                },
            )
        # Answers in status order, as a reader expects them.
        operation["responses"] = dict(sorted(responses.items()))
        return operation


def add_sop_diagram_components(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add SopDiagram (with its parts) and Error."""
    from apps.diagrams.schema import sop_diagram_json_schema

    schema = sop_diagram_json_schema()
    definitions = schema.pop("$defs", {})
    text = json.dumps({"SopDiagram": schema, **definitions}).replace(
        '"#/$defs/', '"#/components/schemas/'
    )
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(json.loads(text))
    components["Error"] = {
        "type": "object",
        "required": ["code", "detail"],
        "properties": {
            "code": {"type": "string", "example": "invalid"},
            "detail": {"type": "string"},
            "field": {
                "type": "string",
                "description": "path of the offending field or query parameter",
                "example": "nodes[3].stage",
            },
        },
    }
    return result
