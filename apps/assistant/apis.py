"""Assistant API: validate a diagram, list the lint rules, a workspace's lint configuration."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.assistant import services
from apps.assistant.changeset import changeset_json
from apps.assistant.lint import LEVELS
from apps.assistant.rules import RULES, Severity
from apps.assistant.selectors import lint_config_get
from apps.common.api import request_user
from apps.common.openapi import SOP_DIAGRAM_REF

_SEVERITIES = [severity.value for severity in Severity]


@extend_schema_field(
    {
        "type": "array",
        "nullable": True,
        "description": "a change set: operations (`op`: add_node, update_node, remove_node, "
        "add_edge, update_edge, remove_edge, set_field, set_meta) on the document's ids",
        "items": {"type": "object", "required": ["op"], "additionalProperties": True},
    }
)
class ChangeSetField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        return changeset_json(value)


class FindingOutputSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.ChoiceField(choices=_SEVERITIES)
    message = serializers.CharField()
    refs = serializers.ListField(child=serializers.CharField(), help_text="element ids")
    fix = ChangeSetField(required=False, help_text="present where a fix exists")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        # Left out, not null, where a rule has no fix: `fix?` in the contract.
        if instance.fix is None:
            data.pop("fix", None)
        return data


class CountsOutputSerializer(serializers.Serializer):
    error = serializers.IntegerField()
    warning = serializers.IntegerField()
    info = serializers.IntegerField()


class ValidateOutputSerializer(serializers.Serializer):
    findings = FindingOutputSerializer(many=True)
    counts = CountsOutputSerializer()


class DiagramValidateApi(APIView):
    """Lint the live document, or the `sop-diagram/1` document in the body instead of it."""

    @extend_schema(
        request={"application/json": SOP_DIAGRAM_REF},
        responses={200: ValidateOutputSerializer},
    )
    def post(self, request: Request, diagram_id: int) -> Response:
        # An empty body means "the live document"; a body, even `{}`, is content to check.
        has_body = int(request.META.get("CONTENT_LENGTH") or 0) > 0
        report = services.diagram_validate(
            user=request_user(request),
            diagram_id=diagram_id,
            content=request.data if has_body else None,
        )
        return Response(ValidateOutputSerializer(report).data)


class RuleOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.ChoiceField(choices=_SEVERITIES, help_text="default severity")
    description = serializers.CharField()


class RuleListApi(APIView):
    pagination_class = None

    @extend_schema(responses={200: RuleOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(RuleOutputSerializer(RULES, many=True).data)


class LintConfigOutputSerializer(serializers.Serializer):
    workspace = serializers.IntegerField(source="workspace_id")
    rules = serializers.DictField(
        child=serializers.ChoiceField(choices=LEVELS), help_text="levels changed from the defaults"
    )
    effective = serializers.DictField(
        child=serializers.ChoiceField(choices=LEVELS), help_text="every rule's level here"
    )
    updated_at = serializers.DateTimeField(allow_null=True)


class LintConfigApi(APIView):
    class LintConfigInput(serializers.Serializer):
        rules = serializers.DictField(
            child=serializers.CharField(allow_null=True),
            help_text="rule id → off | info | warning | error, or null for the default",
        )

    @extend_schema(responses={200: LintConfigOutputSerializer})
    def get(self, request: Request, workspace_id: int) -> Response:
        config = lint_config_get(user=request_user(request), workspace_id=workspace_id)
        return Response(LintConfigOutputSerializer(config).data)

    @extend_schema(request=LintConfigInput, responses={200: LintConfigOutputSerializer})
    def patch(self, request: Request, workspace_id: int) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        config = services.lint_config_update(
            user=request_user(request), workspace_id=workspace_id, rules=body.get("rules")
        )
        return Response(LintConfigOutputSerializer(config).data)
