"""Exports and imports. Exports only read a diagram (any member may ask); imports write
through the diagrams services like every other change."""

from __future__ import annotations

from apps.exports.services.imports import (
    diagram_import_create,
    diagram_import_replace,
    import_content_read,
)
from apps.exports.services.jobs import export_job_execute, export_job_request
from apps.exports.services.options import (
    DEFAULT_OPTIONS,
    OPTION_CHOICES,
    RELEVANT_OPTIONS,
    export_options_normalise,
)
from apps.exports.services.rendering import (
    CONTENT_TYPES,
    ExportSource,
    RenderedExport,
    export_download_name,
    export_render,
    export_render_request,
    export_source_get,
    export_storage,
)

__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_OPTIONS",
    "OPTION_CHOICES",
    "RELEVANT_OPTIONS",
    "ExportSource",
    "RenderedExport",
    "diagram_import_create",
    "diagram_import_replace",
    "export_download_name",
    "export_job_execute",
    "export_job_request",
    "export_options_normalise",
    "export_render",
    "export_render_request",
    "export_source_get",
    "export_storage",
    "import_content_read",
]
