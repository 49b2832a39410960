"""Exports and imports API. Views authenticate and translate; services decide and do."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import workspace_get_for_user
from apps.common.api import request_user
from apps.common.errors import Conflict, NotFound
from apps.common.openapi import ERROR_REF
from apps.common.pagination import PagePagination
from apps.diagrams.apis import DiagramOutputSerializer
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
    diagram = serializers.IntegerField(source="diagram_id")
    status = serializers.ChoiceField(choices=ExportStatus.values)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    version = serializers.IntegerField(
        source="version_number",
        allow_null=True,
        help_text="null: the live document, which is not a version",
    )
    live = serializers.SerializerMethodField(
        help_text="true when the export is of the live document"
    )
    options = ExportOptionsSerializer()
    content_hash = serializers.CharField(
        source="source_hash", help_text="hash of the exported content"
    )
    error = serializers.CharField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    filename = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_live(self, job: ExportJob) -> bool:
        return job.version_number is None

    # What only a finished job has is null until then.
    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_filename(self, job: ExportJob) -> str | None:
        return job.download_name if job.status == ExportStatus.DONE else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_size(self, job: ExportJob) -> int | None:
        return job.size if job.status == ExportStatus.DONE else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportStatus.DONE:
            return None
        return reverse("export-download", args=[job.pk])


def _diagram_response(request: Request, diagram_id: int, status: int) -> Response:
    """A diagram an import wrote, read back with the caller's role."""
    diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
    return Response(DiagramOutputSerializer(diagram).data, status=status)


class DiagramExportListApi(APIView):
    """Export jobs of one diagram: list them (newest first) or ask for one."""

    pagination_class = PagePagination

    @extend_schema_serializer(component_name="Export")
    class InputSerializer(serializers.Serializer):
        format = serializers.ChoiceField(choices=ExportFormat.choices)
        version = serializers.IntegerField(
            allow_null=True, required=False, default=None, min_value=1
        )
        options = ExportOptionsSerializer(required=False, allow_null=True, default=None)

    @extend_schema(
        responses={200: ExportJobOutputSerializer(many=True), 400: ERROR_REF, 404: ERROR_REF}
    )
    def get(self, request: Request, diagram_id: int) -> Response:
        diagram, _ = diagram_get_for_user(user=request_user(request), diagram_id=diagram_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(export_job_list(diagram=diagram), request, view=self)
        return paginator.get_paginated_response(
            ExportJobOutputSerializer(page or [], many=True).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={202: ExportJobOutputSerializer, 400: ERROR_REF, 404: ERROR_REF},
        description="Idempotent: the same version, format and options return the same job "
        "(a live export is keyed by the live content hash). Viewers may export.",
    )
    def post(self, request: Request, diagram_id: int) -> Response:
        user = request_user(request)
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_job_request(
            diagram=diagram,
            user=user,
            export_format=data.validated_data["format"],
            version=data.validated_data["version"],
            options=data.validated_data["options"] or {},
        )
        job.refresh_from_db()  # an inline (eager) run may already have finished it
        return Response(ExportJobOutputSerializer(job).data, status=202)


class ExportJobDetailApi(APIView):
    @extend_schema(responses={200: ExportJobOutputSerializer, 404: ERROR_REF})
    def get(self, request: Request, job_id: int) -> Response:
        job = export_job_get_for_user(user=request_user(request), job_id=job_id)
        return Response(ExportJobOutputSerializer(job).data)


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
        job = export_job_get_for_user(user=request_user(request), job_id=job_id)
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
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workspace, _ = workspace_get_for_user(
            user=user, workspace_id=data.validated_data["workspace"]
        )
        diagram = services.diagram_import_create(
            workspace=workspace,
            user=user,
            import_format=data.validated_data["format"],
            content=data.validated_data["content"],
            title=data.validated_data.get("title", ""),
        )
        return _diagram_response(request, diagram.pk, status=201)


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
        diagram, _ = diagram_get_for_user(user=user, diagram_id=diagram_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        diagram = services.diagram_import_replace(
            diagram=diagram,
            user=user,
            import_format=data.validated_data["format"],
            content=data.validated_data["content"],
        )
        return _diagram_response(request, diagram.pk, status=200)
