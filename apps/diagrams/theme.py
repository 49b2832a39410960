"""The shared theme (stages, kinds, fields, colours, icons), read once from sop_theme.json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

THEME_PATH = Path(__file__).with_name("sop_theme.json")


@cache
def theme() -> dict[str, Any]:
    with THEME_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def stage_ids() -> tuple[str, ...]:
    return tuple(stage["id"] for stage in theme()["stages"])


def node_kind_ids() -> tuple[str, ...]:
    return tuple(kind["id"] for kind in theme()["nodeKinds"])


def edge_kind_ids() -> tuple[str, ...]:
    return tuple(kind["id"] for kind in theme()["edgeKinds"])


def field_keys() -> tuple[str, ...]:
    return tuple(field["key"] for field in theme()["fields"])


def fields_for_stage(stage: str) -> list[dict[str, Any]]:
    return [f for f in theme()["fields"] if f["stages"] == "*" or stage in f["stages"]]


def stage_by_id() -> dict[str, dict[str, Any]]:
    return {stage["id"]: stage for stage in theme()["stages"]}


def node_kind_by_id() -> dict[str, dict[str, Any]]:
    return {kind["id"]: kind for kind in theme()["nodeKinds"]}


def edge_kind_by_id() -> dict[str, dict[str, Any]]:
    return {kind["id"]: kind for kind in theme()["edgeKinds"]}


def limits() -> dict[str, int]:
    return dict(theme()["limits"])
