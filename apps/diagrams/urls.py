from django.urls import path

from apps.diagrams import apis

urlpatterns = [
    path("templates/", apis.TemplateListApi.as_view(), name="template-list"),
    path("templates/<slug:template_id>/", apis.TemplateDetailApi.as_view(), name="template-detail"),
    path("schema/sop-diagram/", apis.DocumentSchemaApi.as_view(), name="sop-diagram-schema"),
    path("diagrams/", apis.DiagramListApi.as_view(), name="diagram-list"),
    path("diagrams/<int:diagram_id>/", apis.DiagramDetailApi.as_view(), name="diagram-detail"),
    path(
        "diagrams/<int:diagram_id>/duplicate",
        apis.DiagramDuplicateApi.as_view(),
        name="diagram-duplicate",
    ),
    path(
        "diagrams/<int:diagram_id>/content",
        apis.DiagramContentApi.as_view(),
        name="diagram-content",
    ),
    path("diagrams/<int:diagram_id>/versions/", apis.VersionListApi.as_view(), name="version-list"),
    path(
        "diagrams/<int:diagram_id>/versions/<int:number>/",
        apis.VersionDetailApi.as_view(),
        name="version-detail",
    ),
    path(
        "diagrams/<int:diagram_id>/versions/<int:number>/restore",
        apis.VersionRestoreApi.as_view(),
        name="version-restore",
    ),
    path("diagrams/<int:diagram_id>/diff", apis.DiagramDiffApi.as_view(), name="diagram-diff"),
]
