"""Diagrams API: diagrams, live content, versions, diff and templates. Views only translate."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import workspace_get_for_user
from apps.common.api import int_param, request_user
from apps.common.errors import ValidationFailed
from apps.common.openapi import SOP_DIAGRAM_REF
from apps.diagrams import live, services
from apps.diagrams.diff import diff_as_json, diff_counts, diff_documents
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.schema import content_hash
from apps.diagrams.selectors import (
    diagram_get_for_user,
    diagram_list_for_user,
    version_get,
    version_list,
)
from apps.diagrams.templates import template_get, template_list


class DiagramOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.IntegerField()
    workspace_name = serializers.CharField()
    title = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    template = serializers.CharField()
    node_count = serializers.IntegerField()
    content_hash = serializers.CharField()
    latest_version = serializers.IntegerField()
    role = serializers.CharField(required=False)
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def diagram_out(diagram: Diagram, role: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": diagram.pk,
        "workspace": diagram.workspace_id,
        "workspace_name": diagram.workspace.name,
        "title": diagram.title,
        "mode": diagram.mode,
        "status": diagram.status,
        "template": diagram.template,
        "node_count": diagram.node_count,
        "content_hash": diagram.content_hash,
        "latest_version": diagram.version_seq,
        "created_by": diagram.created_by.get_username() if diagram.created_by else None,
        "created_at": diagram.created_at,
        "updated_at": diagram.updated_at,
    }
    if role is not None:
        data["role"] = role
    return data


class DiagramListApi(APIView):
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
                enum=["-updated", "updated", "-created", "created", "title", "-title"],
            ),
        ],
        responses=DiagramOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        workspace_id = (
            int_param(params["workspace"], name="workspace") if params.get("workspace") else None
        )
        queryset = diagram_list_for_user(
            user=request_user(request),
            workspace_id=workspace_id,
            search=params.get("search", "")[:200],
            ordering=params.get("ordering", "-updated"),
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        return paginator.get_paginated_response([diagram_out(d) for d in page])

    @extend_schema(request=DiagramCreateInput, responses={201: DiagramOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.DiagramCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        workspace, role = workspace_get_for_user(
            user=user, workspace_id=data.validated_data["workspace"]
        )
        diagram = services.diagram_create(
            workspace=workspace,
            user=user,
            title=data.validated_data.get("title", ""),
            template_id=data.validated_data.get("template", ""),
        )
        return Response(diagram_out(diagram, role), status=201)


class DiagramDetailApi(APIView):
    class DiagramRenameInput(serializers.Serializer):
        title = serializers.CharField(max_length=200)

    @extend_schema(responses=DiagramOutputSerializer)
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, role = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        return Response(diagram_out(diagram, role))

    @extend_schema(request=DiagramRenameInput, responses=DiagramOutputSerializer)
    def patch(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.DiagramRenameInput(data=request.data)
        data.is_valid(raise_exception=True)
        diagram = services.diagram_rename(
            diagram=diagram, user=user, role=role, title=data.validated_data["title"]
        )
        return Response(diagram_out(diagram, role))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        services.diagram_delete(diagram=diagram, user=user, role=role)
        return Response(status=204)


class DiagramDuplicateApi(APIView):
    @extend_schema(request=None, responses={201: DiagramOutputSerializer})
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        copy = services.diagram_duplicate(diagram=diagram, user=user, role=role)
        return Response(diagram_out(copy, role), status=201)


def _etag(hash_hex: str) -> str:
    return f'"{hash_hex}"'


class DiagramContentApi(APIView):
    """The live content as `sop-diagram/1`. PUT makes the document equal to the body; send
    `If-Match` with the ETag you read to refuse (412) when someone changed it meanwhile."""

    @extend_schema(responses={(200, "application/json"): SOP_DIAGRAM_REF})
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        content = live.document_load(diagram_id=diagram.pk).to_json()
        response = Response(content)
        response["ETag"] = _etag(content_hash(content))
        return response

    @extend_schema(
        request={"application/json": SOP_DIAGRAM_REF},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
        responses={(200, "application/json"): SOP_DIAGRAM_REF},
    )
    def put(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        services.diagram_require_edit(role=role)
        if_match = request.headers.get("If-Match")
        expected = if_match.strip().strip('"').removeprefix("W/").strip('"') if if_match else None
        result = services.diagram_content_replace(
            diagram=diagram, user=user, role=role, content=request.data, expected_hash=expected
        )
        response = Response(result.content)
        response["ETag"] = _etag(content_hash(result.content))
        return response


class VersionOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    message = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    content_hash = serializers.CharField()
    restored_from = serializers.IntegerField(allow_null=True)


def version_out(version: DiagramVersion, *, with_content: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": version.number,
        "message": version.message,
        "author": version.author.get_username() if version.author else None,
        "created_at": version.created_at,
        "content_hash": version.content_hash,
        "restored_from": version.restored_from,
    }
    if with_content:
        data["content"] = version.content
    return data


class VersionListApi(APIView):
    class VersionCreateInput(serializers.Serializer):
        message = serializers.CharField(max_length=500, allow_blank=True, default="")

    @extend_schema(responses=VersionOutputSerializer(many=True))
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(version_list(diagram=diagram), request, view=self) or []
        return paginator.get_paginated_response([version_out(v) for v in page])

    @extend_schema(request=VersionCreateInput, responses={201: VersionOutputSerializer})
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        services.diagram_require_edit(role=role)
        data = self.VersionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.diagram_version_create(
            diagram=diagram, user=user, role=role, message=data.validated_data["message"]
        )
        return Response(version_out(version), status=201)


class VersionDetailApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "VersionDetail",
            {"number": serializers.IntegerField(), "content": serializers.JSONField()},
        )
    )
    def get(self, request: Request, diagram_id: int, number: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        return Response(version_out(version_get(diagram=diagram, number=number), with_content=True))


class VersionRestoreApi(APIView):
    @extend_schema(request=None, responses={(200, "application/json"): SOP_DIAGRAM_REF})
    def post(self, request: Request, diagram_id: int, number: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        result = services.diagram_version_restore(
            diagram=diagram, user=user, role=role, number=number
        )
        return Response(result.content)


class DiagramDiffApi(APIView):
    """Changes from version `from` to version `to` (or to the live document when omitted)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", OpenApiTypes.STR, description="a version number or 'live'"),
        ],
        responses=inline_serializer(
            "Diff",
            {
                "from": serializers.IntegerField(),
                "to": serializers.CharField(),
                "counts": serializers.DictField(child=serializers.IntegerField()),
                "changes": serializers.ListField(child=serializers.JSONField()),
            },
        ),
    )
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        params = request.query_params
        if "from" not in params:
            raise ValidationFailed("Say which version to compare from: ?from=N.", field="from")
        from_number = int_param(params["from"], name="from")
        old = version_get(diagram=diagram, number=from_number).content
        to_param = params.get("to", "live")
        if to_param in ("", "live"):
            new = live.document_load(diagram_id=diagram.pk).to_json()
            to_value: int | str = "live"
        else:
            to_value = int_param(to_param, name="to")
            new = version_get(diagram=diagram, number=to_value).content
        changes = diff_documents(old, new)
        return Response(
            {
                "from": from_number,
                "to": to_value,
                "counts": diff_counts(changes),
                "changes": diff_as_json(changes),
            }
        )


class TemplateListApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "TemplateSummary",
            {
                "id": serializers.CharField(),
                "name": serializers.CharField(),
                "summary": serializers.CharField(),
                "industry": serializers.CharField(),
                "mode": serializers.CharField(),
                "node_count": serializers.IntegerField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "id": t["id"],
                    "name": t["name"],
                    "summary": t["summary"],
                    "industry": t.get("industry", ""),
                    "mode": t["content"]["meta"]["mode"],
                    "node_count": len(t["content"]["nodes"]),
                }
                for t in template_list()
            ]
        )


class TemplateDetailApi(APIView):
    @extend_schema(responses=inline_serializer("Template", {"content": serializers.JSONField()}))
    def get(self, request: Request, template_id: str) -> Response:
        return Response(template_get(template_id=template_id))


class DocumentSchemaApi(APIView):
    """The `sop-diagram/1` JSON Schema on its own, for tools that validate offline."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        from apps.diagrams.schema import sop_diagram_json_schema

        return Response(sop_diagram_json_schema())
