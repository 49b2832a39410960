"""Shared set-up for benchmarks: a throwaway Postgres database and synthetic SOP diagrams."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apps.diagrams.schema import SopDiagram

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE", "sopstudio_bench")


def django_setup() -> None:
    """Point Django at a fresh benchmark database, migrate it, and set Django up."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SOPSTUDIO_TESTING", "1")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sopstudio.settings"
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def synthetic_content(node_count: int, *, title: str = "Benchmark SOP") -> SopDiagram:
    """A valid diagram of `node_count` nodes spread over the seven lanes, chained by edges."""
    from apps.diagrams.schema import content_parse
    from apps.diagrams.theme import stage_ids, theme

    stages = stage_ids()
    lane = theme()["layout"]["laneWidth"]
    nodes = []
    for index in range(node_count):
        stage_index = index * len(stages) // max(node_count, 1)
        row = index - stage_index * node_count // len(stages)
        nodes.append(
            {
                "id": f"n{index}",
                "kind": "decision" if index % 9 == 4 else "process",
                "stage": stages[stage_index],
                "label": f"Step {index}",
                "description": f"Synthetic step {index} of the benchmark procedure.",
                "x": stage_index * lane + 40,
                "y": 104 + row * 130,
                "w": 200,
                "h": 72,
                "fields": {"owner": "Bench team", "latencyBudgetMs": 50 + index % 7},
            }
        )
    edges = [
        {
            "id": f"e{index}",
            "source": f"n{index}",
            "target": f"n{index + 1}",
            "kind": "error" if index % 11 == 3 else "flow",
            "label": "",
        }
        for index in range(node_count - 1)
    ]
    return content_parse(
        {"schema": "sop-diagram/1", "meta": {"title": title}, "nodes": nodes, "edges": edges}
    )


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def describe(samples: list[float]) -> str:
    return (
        f"p50 {percentile(samples, 50):.2f} ms, p99 {percentile(samples, 99):.2f} ms, "
        f"mean {statistics.fmean(samples):.2f} ms, n={len(samples)}"
    )
