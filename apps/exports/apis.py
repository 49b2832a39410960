"""Exports and imports API. Views authenticate and translate; services decide and do."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import workspace_get_for_user
from apps.common.api import request_user
from apps.common.errors import Conflict, NotFound, ValidationFailed
from apps.common.openapi import ERROR_REF
from apps.diagrams.apis import DiagramOutputSerializer, diagram_out
from apps.diagrams.selectors import diagram_get_for_user
from apps.exports import services
from apps.exports.models import ExportFormat, ExportJob, ExportStatus, ImportFormat
from apps.exports.selectors import export_job_get_for_user, export_job_list

# Downloads are opened by browsers: never sniffed, never scripted, never framed.
DOWNLOAD_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class ExportOptionsSerializer(serializers.Serializer):
    paper = serializers.ChoiceField(choices=["A4", "A3", "Letter"], required=False)
    orientation = serializers.ChoiceField(choices=["portrait", "landscape"], required=False)
    fit = serializers.ChoiceField(choices=["page", "tile"], required=False)
    scale = serializers.ChoiceField(choices=[1, 2], required=False)


class ExportJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    diagram = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportStatus.values)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    version = serializers.IntegerField(
        allow_null=True, help_text="null: the live document, which is not a version"
    )
    live = serializers.BooleanField(help_text="true when the export is of the live document")
    options = ExportOptionsSerializer()
    content_hash = serializers.CharField(help_text="hash of the exported content")
    error = serializers.CharField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    filename = serializers.CharField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField(allow_null=True)


def job_out(job: ExportJob) -> dict[str, Any]:
    done = job.status == ExportStatus.DONE
    return {
        "id": job.pk,
        "diagram": job.diagram_id,
        "status": job.status,
        "progress": job.progress,
        "format": job.format,
        "version": job.version_number,
        "live": job.version_number is None,
        "options": job.options,
        "content_hash": job.source_hash,
        "error": job.error,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "finished_at": job.finished_at,
        "filename": job.download_name if done else None,
        "size": job.size if done else None,
        "download_url": reverse("export-download", args=[job.pk]) if done else None,
    }


class DiagramExportListApi(APIView):
    """Export jobs of one diagram: list them (newest first) or ask for one."""

    @extend_schema_serializer(component_name="Export")
    class InputSerializer(serializers.Serializer):
        format = serializers.ChoiceField(choices=ExportFormat.choices)
        version = serializers.IntegerField(
            allow_null=True, required=False, default=None, min_value=1
        )
        options = ExportOptionsSerializer(required=False, allow_null=True, default=None)

    @extend_schema(responses=ExportJobOutputSerializer(many=True))
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(export_job_list(diagram=diagram), request, view=self)
        return paginator.get_paginated_response([job_out(job) for job in page or []])

    @extend_schema(
        request=InputSerializer,
        responses={202: ExportJobOutputSerializer, 400: ERROR_REF, 404: ERROR_REF},
        description="Idempotent: the same version, format and options return the same job "
        "(a live export is keyed by the live content hash). Viewers may export.",
    )
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_job_request(
            diagram=diagram,
            user=user,
            role=role,
            export_format=data.validated_data["format"],
            version=data.validated_data["version"],
            options=data.validated_data["options"] or {},
        )
        job.refresh_from_db()  # an inline (eager) run may already have finished it
        return Response(job_out(job), status=202)


class ExportJobDetailApi(APIView):
    @extend_schema(responses={200: ExportJobOutputSerializer, 404: ERROR_REF})
    def get(self, request: Request, job_id: int) -> Response:
        job, _ = export_job_get_for_user(user=request_user(request), job_id=job_id)
        return Response(job_out(job))


class ExportJobDownloadApi(APIView):
    """The finished file, as an attachment that browsers will not sniff or run."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            404: ERROR_REF,
            409: ERROR_REF,
        }
    )
    def get(self, request: Request, job_id: int) -> FileResponse:
        job, _ = export_job_get_for_user(user=request_user(request), job_id=job_id)
        if job.status != ExportStatus.DONE:
            raise Conflict(f"The export is not ready (status: {job.status}).")
        try:
            handle = services.export_storage().open(job.file_name, "rb")
        except (FileNotFoundError, ValueError):
            raise NotFound("The export file is gone; ask for the export again.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=job.download_name, content_type=job.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = DOWNLOAD_CSP
        response["Cache-Control"] = "private, no-store"
        return response


def _request_data(request: Request) -> Any:
    try:
        return request.data
    except RecursionError:
        raise ValidationFailed("The request body is nested too deeply.") from None


class DiagramImportApi(APIView):
    """A new diagram from sop-diagram/1 JSON or a Mermaid flowchart."""

    @extend_schema_serializer(component_name="ImportNew")
    class InputSerializer(serializers.Serializer):
        workspace = serializers.IntegerField()
        format = serializers.ChoiceField(choices=ImportFormat.choices)
        content = serializers.JSONField(
            help_text="JSON: the document as an object or as text; Mermaid: the text"
        )
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(
        operation_id="diagrams_import_new",
        request=InputSerializer,
        responses={201: DiagramOutputSerializer, 400: ERROR_REF, 403: ERROR_REF, 404: ERROR_REF},
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        data = self.InputSerializer(data=_request_data(request))
        data.is_valid(raise_exception=True)
        workspace, role = workspace_get_for_user(
            user=user, workspace_id=data.validated_data["workspace"]
        )
        diagram = services.diagram_import_create(
            workspace=workspace,
            user=user,
            import_format=data.validated_data["format"],
            content=data.validated_data["content"],
            title=data.validated_data.get("title", ""),
        )
        return Response(diagram_out(diagram, role), status=201)


class DiagramContentImportApi(APIView):
    """Replace an existing diagram's content with an import (one document transaction)."""

    @extend_schema_serializer(component_name="ImportInto")
    class InputSerializer(serializers.Serializer):
        format = serializers.ChoiceField(choices=ImportFormat.choices)
        content = serializers.JSONField()

    @extend_schema(
        operation_id="diagrams_import_replace",
        request=InputSerializer,
        responses={200: DiagramOutputSerializer, 400: ERROR_REF, 403: ERROR_REF, 404: ERROR_REF},
    )
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, role = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.InputSerializer(data=_request_data(request))
        data.is_valid(raise_exception=True)
        diagram = services.diagram_import_replace(
            diagram=diagram,
            user=user,
            role=role,
            import_format=data.validated_data["format"],
            content=data.validated_data["content"],
        )
        return Response(diagram_out(diagram, role))
