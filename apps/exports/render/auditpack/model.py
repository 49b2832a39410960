"""The data an audit pack prints, gathered by the export job from the database."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class PackVersion(TypedDict):
    number: int
    created_at: str
    author: str
    message: str
    content_hash: str


class PackEvent(TypedDict):
    seq: int
    time: str
    actor: str
    action: str
    data: dict[str, Any]
    hash: str


class PackPrevious(TypedDict):
    number: int
    content: dict[str, Any]


class PackFinding(TypedDict):
    rule: str
    title: str
    severity: str
    message: str
    labels: list[str]


class PackValidation(TypedDict):
    """The lint result the pack prints (made by `apps.assistant.services.lint_record_for_pack`)."""

    status: str
    # job: stored by the job after saving; export: the job had not run, so the export linted
    # the version (and stored that); live: the live document, linted while packing.
    how: str
    counts: dict[str, int]
    findings: list[PackFinding]
    rules_version: str
    config: dict[str, str]
    checked_on: str
    error: str


class PackInput(TypedDict):
    """Everything the pack prints, gathered by the job from the database."""

    document_id: str
    workspace: str
    title: str
    version: int | None
    status: str
    watermark: str
    effective_date: str
    saved_at: str
    saved_by: str
    message: str
    owner: str
    content_hash: str
    generated_at: str
    generated_iso: str
    generated_by: str
    content: dict[str, Any]
    previous: PackPrevious | None
    versions: list[PackVersion]
    events: list[PackEvent]
    attachment_name: str
    validation: NotRequired[PackValidation]
