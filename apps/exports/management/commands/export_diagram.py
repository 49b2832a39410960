"""`manage.py export_diagram <id> --format pdf --version N --out file`: exports for scripts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.common.errors import ServiceError
from apps.diagrams.models import Diagram
from apps.exports.models import ExportFormat
from apps.exports.runner import RenderFailed
from apps.exports.services import DEFAULT_OPTIONS, OPTION_CHOICES, export_render, export_source_get


class Command(BaseCommand):
    help = (
        "Export a diagram (a saved version, or the live document when --version is left out) "
        "as SVG, PNG, PDF, an audit pack, JSON or Mermaid, rendered under the export limits."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version N` is the version to export, not Django's "print the Django version".
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("diagram_id", type=int)
        parser.add_argument("--format", required=True, choices=ExportFormat.values)
        parser.add_argument(
            "--version", type=int, default=None, help="version number; default: live"
        )
        parser.add_argument("--out", required=True, help="file to write, or - for stdout")
        for name, choices in OPTION_CHOICES.items():
            parser.add_argument(
                f"--{name}",
                type=type(DEFAULT_OPTIONS[name]),
                choices=choices,
                default=DEFAULT_OPTIONS[name],
            )

    def handle(self, *args: Any, **options: Any) -> None:
        diagram = (
            Diagram.objects.select_related("workspace").filter(pk=options["diagram_id"]).first()
        )
        if diagram is None:
            raise CommandError(f"Diagram {options['diagram_id']} does not exist.")
        try:
            source = export_source_get(diagram=diagram, version=options["version"])
            rendered = export_render(
                source=source,
                export_format=options["format"],
                options={name: options[name] for name in OPTION_CHOICES},
                generated_by="manage.py export_diagram",
            )
        except RenderFailed as exc:
            raise CommandError(exc.reason) from None
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        if options["out"] == "-":
            sys.stdout.buffer.write(rendered.data)
            sys.stdout.buffer.flush()
            return
        target = Path(options["out"])
        target.write_bytes(rendered.data)
        self.stderr.write(f"Wrote {target} ({len(rendered.data):,} bytes, {rendered.content_type})")
