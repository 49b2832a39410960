"""Export options: what may be asked, and which options each format actually uses."""

from __future__ import annotations

from typing import Any

from apps.common.errors import ValidationFailed
from apps.exports.models import ExportFormat

OPTION_CHOICES: dict[str, tuple[Any, ...]] = {
    "paper": ("A4", "A3", "Letter"),
    "orientation": ("portrait", "landscape"),
    "fit": ("page", "tile"),
    "scale": (1, 2),
}
DEFAULT_OPTIONS: dict[str, Any] = {
    "paper": "A4",
    "orientation": "landscape",
    "fit": "page",
    "scale": 1,
}
# The options that change each format's output; the others are kept at their defaults, so
# asking for an SVG "on A3" is the same job as asking for an SVG.
RELEVANT_OPTIONS: dict[str, tuple[str, ...]] = {
    ExportFormat.SVG: (),
    ExportFormat.PNG: ("scale",),
    ExportFormat.PDF: ("paper", "orientation", "fit"),
    ExportFormat.AUDIT_PACK: ("paper", "orientation", "fit"),
    ExportFormat.JSON: (),
    ExportFormat.MERMAID: (),
}


def export_options_normalise(*, export_format: str, options: Any) -> dict[str, Any]:
    """Validate the options and reset those the format ignores to their defaults."""
    if export_format not in RELEVANT_OPTIONS:
        raise ValidationFailed(
            f"Unknown export format {export_format!r}; choose one of "
            f"{', '.join(RELEVANT_OPTIONS)}.",
            field="format",
        )
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ValidationFailed("options must be an object.", field="options")
    unknown = sorted(set(options) - set(OPTION_CHOICES))
    if unknown:
        raise ValidationFailed(f"Unknown option {unknown[0]!r}.", field=f"options.{unknown[0]}")
    normal = dict(DEFAULT_OPTIONS)
    for name, value in options.items():
        choices = OPTION_CHOICES[name]
        if isinstance(value, bool) or value not in choices:
            raise ValidationFailed(
                f"options.{name} must be one of {', '.join(str(c) for c in choices)}.",
                field=f"options.{name}",
            )
        if name in RELEVANT_OPTIONS[export_format]:
            normal[name] = int(value) if name == "scale" else value
    return normal
