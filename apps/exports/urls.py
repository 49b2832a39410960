from django.urls import URLPattern, path

from apps.exports import apis

urlpatterns: list[URLPattern] = [
    path("diagrams/import", apis.DiagramImportApi.as_view(), name="diagram-import"),
    path(
        "diagrams/<int:diagram_id>/import",
        apis.DiagramContentImportApi.as_view(),
        name="diagram-content-import",
    ),
    path(
        "diagrams/<int:diagram_id>/exports/",
        apis.DiagramExportListApi.as_view(),
        name="diagram-export-list",
    ),
    path("exports/<int:job_id>", apis.ExportJobDetailApi.as_view(), name="export-detail"),
    path(
        "exports/<int:job_id>/download",
        apis.ExportJobDownloadApi.as_view(),
        name="export-download",
    ),
]
