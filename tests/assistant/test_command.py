"""`manage.py sop_lint` as a CI pipeline runs it: exit codes and the three output formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apps.diagrams.templates import TEMPLATES_DIR
from tests.assistant.documents import good

ROOT = Path(__file__).resolve().parents[2]


def sop_lint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOPSTUDIO_TESTING": "1", "LOG_LEVEL": "ERROR"}
    return subprocess.run(
        [sys.executable, "manage.py", "sop_lint", *args, "--today", "2026-12-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(good()))
    warned = good()
    warned["meta"]["reviewBy"] = ""
    warning = tmp_path / "warning.json"
    warning.write_text(json.dumps(warned))
    broken = good()
    broken["nodes"][2]["fields"].pop("modelVersion")
    error = tmp_path / "error.json"
    error.write_text(json.dumps(broken, indent=2))
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({**good(), "nodes": [{"id": "a", "kind": "blob"}]}))
    return {
        "clean": clean,
        "warning": warning,
        "error": error,
        "garbage": garbage,
        "invalid": invalid,
        "missing": tmp_path / "missing.json",
    }


def test_clean_files_exit_0(files: dict[str, Path]) -> None:
    result = sop_lint(str(files["clean"]), str(TEMPLATES_DIR / "fraud-detection-api.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("2 file(s): 0 error, 0 warning, 0 info")


def test_findings_at_or_above_the_threshold_exit_1(files: dict[str, Path]) -> None:
    assert sop_lint(str(files["error"])).returncode == 1
    assert sop_lint(str(files["warning"])).returncode == 0  # --fail-on error by default
    result = sop_lint(str(files["warning"]), "--fail-on", "warning")
    assert result.returncode == 1
    assert "warning SOP017 The SOP has no review-by date" in result.stdout
    assert sop_lint(str(files["error"]), "--rule", "SOP008=off").returncode == 0


@pytest.mark.parametrize("name", ["garbage", "invalid", "missing"])
def test_unreadable_or_schema_invalid_input_exits_2(files: dict[str, Path], name: str) -> None:
    result = sop_lint(str(files["clean"]), str(files[name]))
    assert result.returncode == 2
    assert f"{files[name]}: cannot lint:" in result.stdout


def test_json_format(files: dict[str, Path]) -> None:
    result = sop_lint(str(files["error"]), str(files["garbage"]), "--format", "json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    first, second = report["files"]
    assert first["file"] == str(files["error"]) and first["counts"]["error"] == 1
    assert first["findings"][0]["rule"] == "SOP008" and first["findings"][0]["refs"] == ["m"]
    assert second["file"] == str(files["garbage"]) and "not valid JSON" in second["error"]


def test_sarif_format(files: dict[str, Path]) -> None:
    result = sop_lint(str(files["error"]), "--format", "sarif")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules[0]["id"] == "SOP001" and rules[0]["defaultConfiguration"]["level"] == "error"
    (finding,) = run["results"]
    assert finding["ruleId"] == "SOP008" and finding["level"] == "error"
    assert rules[finding["ruleIndex"]]["id"] == "SOP008"
    assert "“Choose model”" in finding["message"]["text"]
    location = finding["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == files["error"].as_posix()
    # The line of the element's id in the file, and the element as a logical location.
    line = location["physicalLocation"]["region"]["startLine"]
    assert '"id": "m"' in files["error"].read_text().splitlines()[line - 1]
    assert location["logicalLocations"][0]["name"] == "m"
