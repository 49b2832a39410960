"""Diagrams API: diagrams, live content, versions, diff and templates. Views only translate."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.accounts.selectors import workspace_get_for_user
from apps.assistant.selectors import (
    NOT_CHECKED,
    VersionLintSummary,
    version_lint_summaries,
    version_lint_summary,
)
from apps.common.api import int_param, request_user
from apps.common.errors import ValidationFailed
from apps.common.openapi import ERROR_REF, SOP_DIAGRAM_REF
from apps.common.pagination import PagePagination
from apps.diagrams import services
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import (
    SopDiagram,
    SopDiagramJson,
    content_hash,
    content_read,
    sop_diagram_json_schema,
)
from apps.diagrams.selectors import (
    ORDERINGS,
    diagram_content_get,
    diagram_diff,
    diagram_get_for_user,
    diagram_list_for_user,
    version_get,
    version_list,
)
from apps.diagrams.templates import Template, template_get, template_list

ERRORS = {400: ERROR_REF, 403: ERROR_REF, 404: ERROR_REF}


@extend_schema_field(SOP_DIAGRAM_REF)
class SopDiagramField(serializers.JSONField):
    """A `sop-diagram/1` document: a `SopDiagram` model out, its JSON projection in the body."""

    def to_representation(self, value: Any) -> Any:
        return value.as_json() if isinstance(value, SopDiagram) else value


class DiagramOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.IntegerField(source="workspace_id")
    workspace_name = serializers.CharField(source="workspace.name")
    title = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    template = serializers.CharField()
    node_count = serializers.IntegerField()
    content_hash = serializers.CharField()
    latest_version = serializers.IntegerField(source="version_seq")
    role = serializers.ChoiceField(
        choices=Role.choices, help_text="your role in the diagram's workspace"
    )
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _diagram_response(request: Request, diagram: Diagram, status: int = 200) -> Response:
    """A diagram a service returned, read back with the caller's role."""
    shown, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram.pk)
    return Response(DiagramOutputSerializer(shown).data, status=status)


class DiagramListApi(APIView):
    pagination_class = PagePagination

    class DiagramCreateInput(serializers.Serializer):
        workspace = serializers.IntegerField()
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)
        template = serializers.CharField(max_length=64, required=False, allow_blank=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("workspace", int, description="only this workspace"),
            OpenApiParameter("search", str, description="title or template contains"),
            OpenApiParameter(
                "ordering",
                str,
                enum=list(ORDERINGS),
            ),
        ],
        responses={200: DiagramOutputSerializer(many=True), 400: ERROR_REF},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        workspace_id = (
            int_param(params["workspace"], name="workspace") if params.get("workspace") else None
        )
        ordering = params.get("ordering", "-updated")
        if ordering not in ORDERINGS:
            raise ValidationFailed(
                f"ordering must be one of {', '.join(ORDERINGS)}.", field="ordering"
            )
        queryset = diagram_list_for_user(
            user=request_user(request),
            workspace_id=workspace_id,
            search=params.get("search", "")[:200],
            ordering=ordering,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        return paginator.get_paginated_response(DiagramOutputSerializer(page, many=True).data)

    @extend_schema(request=DiagramCreateInput, responses={201: DiagramOutputSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        data = self.DiagramCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        workspace, _ = workspace_get_for_user(
            user=user, workspace_id=data.validated_data["workspace"]
        )
        diagram = services.diagram_create(
            workspace=workspace,
            user=user,
            title=data.validated_data.get("title", ""),
            template_id=data.validated_data.get("template", ""),
        )
        return _diagram_response(request, diagram, status=201)


class DiagramDetailApi(APIView):
    class DiagramRenameInput(serializers.Serializer):
        title = serializers.CharField(max_length=200)

    @extend_schema(responses={200: DiagramOutputSerializer, 404: ERROR_REF})
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        return Response(DiagramOutputSerializer(diagram).data)

    @extend_schema(request=DiagramRenameInput, responses={200: DiagramOutputSerializer, **ERRORS})
    def patch(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.DiagramRenameInput(data=request.data)
        data.is_valid(raise_exception=True)
        diagram = services.diagram_rename(
            diagram=diagram, user=user, title=data.validated_data["title"]
        )
        return _diagram_response(request, diagram)

    @extend_schema(responses={204: None, 403: ERROR_REF, 404: ERROR_REF})
    def delete(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        services.diagram_delete(diagram=diagram, user=user)
        return Response(status=204)


class DiagramDuplicateApi(APIView):
    @extend_schema(request=None, responses={201: DiagramOutputSerializer, **ERRORS})
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        copy = services.diagram_duplicate(diagram=diagram, user=user)
        return _diagram_response(request, copy, status=201)


def _etag(hash_hex: str) -> str:
    return f'"{hash_hex}"'


class DiagramContentApi(APIView):
    """The live content as `sop-diagram/1`. PUT makes the document equal to the body, which
    must carry `schema`, `meta`, `nodes` and `edges`; send `If-Match` with the ETag you read
    to refuse (412) when someone changed it meanwhile."""

    @extend_schema(responses={(200, "application/json"): SOP_DIAGRAM_REF, 404: ERROR_REF})
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        content = diagram_content_get(diagram=diagram)
        response = Response(content.as_json())
        response["ETag"] = _etag(content_hash(content))
        return response

    @extend_schema(
        request={"application/json": SOP_DIAGRAM_REF},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
        responses={
            (200, "application/json"): SOP_DIAGRAM_REF,
            **ERRORS,
            412: ERROR_REF,
            413: ERROR_REF,
        },
    )
    def put(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        if_match = request.headers.get("If-Match")
        expected = if_match.strip().strip('"').removeprefix("W/").strip('"') if if_match else None
        result = services.diagram_content_replace(
            diagram=diagram, user=user, content=request.data, expected_hash=expected
        )
        response = Response(result.content.as_json())
        response["ETag"] = _etag(result.content_hash)
        return response


class VersionLintOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["none", "queued", "running", "done", "failed"],
        help_text="none: saved before versions were linted",
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(), allow_null=True, help_text="error, warning, info"
    )


class VersionOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    message = serializers.CharField()
    author = serializers.CharField(source="author.username", allow_null=True)
    created_at = serializers.DateTimeField()
    content_hash = serializers.CharField()
    restored_from = serializers.IntegerField(allow_null=True)
    lint = serializers.SerializerMethodField()

    @extend_schema_field(VersionLintOutputSerializer)
    def get_lint(self, version: DiagramVersion) -> VersionLintSummary:
        # A list passes every row's summary in (one query); a single version looks its own up.
        known: dict[int, VersionLintSummary] | None = self.context.get("lint")
        if known is not None:
            return known.get(version.pk, NOT_CHECKED)
        return version_lint_summary(version_id=version.pk)


class VersionDetailOutputSerializer(VersionOutputSerializer):
    content = serializers.SerializerMethodField()

    @extend_schema_field(SOP_DIAGRAM_REF)
    def get_content(self, version: DiagramVersion) -> SopDiagramJson:
        # Read through the schema: PostgreSQL's JSONB gives a float past 2**53 back as the
        # integer it spells, and only the schema turns it back into the float that was saved.
        return content_read(version.content).as_json()


class VersionListApi(APIView):
    pagination_class = PagePagination

    class VersionCreateInput(serializers.Serializer):
        message = serializers.CharField(max_length=500, allow_blank=True, default="")

    @extend_schema(
        responses={200: VersionOutputSerializer(many=True), 400: ERROR_REF, 404: ERROR_REF}
    )
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(version_list(diagram=diagram), request, view=self) or []
        lint = version_lint_summaries(version_ids=[version.pk for version in page])
        return paginator.get_paginated_response(
            VersionOutputSerializer(page, many=True, context={"lint": lint}).data
        )

    @extend_schema(request=VersionCreateInput, responses={201: VersionOutputSerializer, **ERRORS})
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.VersionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.diagram_version_create(
            diagram=diagram, user=user, message=data.validated_data["message"]
        )
        return Response(VersionOutputSerializer(version).data, status=201)


class VersionDetailApi(APIView):
    @extend_schema(responses={200: VersionDetailOutputSerializer, 404: ERROR_REF})
    def get(self, request: Request, diagram_id: int, number: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        version = version_get(diagram=diagram, number=number)
        return Response(VersionDetailOutputSerializer(version).data)


class VersionRestoreApi(APIView):
    @extend_schema(request=None, responses={(200, "application/json"): SOP_DIAGRAM_REF, **ERRORS})
    def post(self, request: Request, diagram_id: int, number: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        result = services.diagram_version_restore(diagram=diagram, user=user, number=number)
        return Response(result.content.as_json())


class DiffOutputSerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is added under that name below.
    to = serializers.CharField(help_text="a version number, or 'live'")
    counts = serializers.DictField(child=serializers.IntegerField())
    changes = serializers.ListField(child=serializers.JSONField())

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": serializers.IntegerField(source="from_number"), **fields}


class DiagramDiffApi(APIView):
    """Changes from version `from` to version `to` (or to the live document when omitted)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", OpenApiTypes.STR, description="a version number or 'live'"),
        ],
        responses={200: DiffOutputSerializer, 400: ERROR_REF, 404: ERROR_REF},
    )
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        params = request.query_params
        if "from" not in params:
            raise ValidationFailed("Say which version to compare from: ?from=N.", field="from")
        to_param = params.get("to", "live")
        diff = diagram_diff(
            diagram=diagram,
            from_number=int_param(params["from"], name="from"),
            to_number=None if to_param in ("", "live") else int_param(to_param, name="to"),
        )
        return Response(DiffOutputSerializer(diff).data)


class TemplateOutputSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    summary = serializers.CharField()
    industry = serializers.CharField()
    mode = serializers.CharField(source="content.meta.mode")
    node_count = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_node_count(self, template: Template) -> int:
        return len(template.content.nodes)


class TemplateDetailOutputSerializer(TemplateOutputSerializer):
    content = SopDiagramField()


class TemplateListApi(APIView):
    @extend_schema(responses=TemplateOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(TemplateOutputSerializer(template_list(), many=True).data)


class TemplateDetailApi(APIView):
    @extend_schema(responses={200: TemplateDetailOutputSerializer, 400: ERROR_REF})
    def get(self, request: Request, template_id: str) -> Response:
        template = template_get(template_id=template_id)
        return Response(TemplateDetailOutputSerializer(template).data)


class DocumentSchemaApi(APIView):
    """The `sop-diagram/1` JSON Schema on its own, for tools that validate offline."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(sop_diagram_json_schema())
