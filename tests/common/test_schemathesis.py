"""Schemathesis over the whole published schema, against a real uvicorn on the test database.

Every operation gets a bounded number of generated requests (schema examples, coverage of the
boundaries, random fuzzing), valid and invalid, with every check schemathesis has. The run must
find no server error and no answer that contradicts the schema.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from apps.accounts.models import Role
from apps.diagrams.models import Diagram
from apps.diagrams.services import diagram_version_create
from apps.exports.models import ExportJob
from tests.factories import member
from tests.servers import ROOT, running_servers

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 12
# A whole run takes about a minute on two cores; this only stops a run that hangs.
RUN_TIMEOUT_SECONDS = 240

# Checks whose failures mean the server or its published schema is wrong: they must not fail.
# The two left out run too and are printed: positive_data_acceptance flags schema-valid
# requests refused on purpose (an edge to a node that does not exist, an integer past 64 bits,
# NUL in a key), negative_data_rejection flags DRF accepting a number for a text field.
MUST_HOLD = {
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
}


def _config(*, token: str, diagram: Diagram, membership_id: int, job_id: int, version: int) -> str:
    """schemathesis.toml: the seeded objects as path parameters, the token as the real auth."""
    return f"""
seed = 1
workers = 2
continue-on-failure = true

[generation]
max-examples = {EXAMPLES_PER_OPERATION}
database = "none"

[phases.stateful]
enabled = false

# Named as the security scheme, so the ignored-auth check knows which credential to withhold.
[auth.openapi.tokenAuth]
api_key = "Token {token}"

[parameters]
"path.diagram_id" = {diagram.pk}
"path.workspace_id" = {diagram.workspace_id}
"path.membership_id" = {membership_id}
"path.number" = {version}
"path.job_id" = {job_id}
"path.template_id" = "fraud-detection-api"
"query.from" = {version}
"query.to" = "live"

# Deleting the seeded diagram or member would turn every later request into a 404 and leave
# the rest of the API untested; deletion has its own tests in each app.
[[operations]]
include-method = "DELETE"
enabled = false

# Schema-valid, and still refused on purpose: a wrong password, a user that does not exist,
# a stale If-Match.
[[operations]]
include-path = "/api/auth/token/"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 429]

[[operations]]
include-path = "/api/workspaces/{{workspace_id}}/members/"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409]

[[operations]]
include-path = "/api/diagrams/{{diagram_id}}/content"
include-method = "PUT"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 412]
"""


def _failures(report_path: Path) -> list[dict[str, Any]]:
    """Every distinct failure in the NDJSON event stream: check, operation, request, answer."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for line in report_path.read_text().splitlines():
        scenario = json.loads(line).get("ScenarioFinished")
        if not scenario:
            continue
        recorder = scenario.get("recorder", {})
        label = recorder.get("label", "?")
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status", "").lower() != "failure":
                    continue
                failure = (check.get("failure_info") or {}).get("failure", {})
                message = " ".join(str(failure.get("message", "")).split())
                key = (check["name"], label, message[:80])
                if key in seen:
                    continue
                seen.add(key)
                case = recorder.get("cases", {}).get(case_id, {}).get("value", {})
                response = (recorder.get("interactions", {}).get(case_id) or {}).get("response")
                request = {name: case.get(name) for name in ("query", "body") if case.get(name)}
                found.append(
                    {
                        "check": check["name"],
                        "operation": label,
                        "detail": f"{message[:300]} | request {json.dumps(request)[:300]}"
                        f" | answer {(response or {}).get('status_code')}",
                    }
                )
    return found


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    transactional_db: Any, tmp_path: Path, owner: Any, fraud_diagram: Diagram
) -> None:
    colleague = member(fraud_diagram.workspace, Role.EDITOR)
    membership = fraud_diagram.workspace.memberships.get(user=colleague)
    version = diagram_version_create(diagram=fraud_diagram, user=owner, message="Seeded")
    # A queued job, never run: its status answers, its download is a 409.
    job = ExportJob.objects.create(
        diagram=fraud_diagram, format="svg", dedupe_key="seeded", source_hash="seeded"
    )
    token = Token.objects.get_or_create(user=owner)[0].key
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        _config(
            token=token,
            diagram=fraud_diagram,
            membership_id=membership.pk,
            job_id=job.pk,
            version=version.number,
        )
    )
    report = tmp_path / "events.ndjson"

    # Its own Celery queue: the export jobs this run requests must not reach another test's worker.
    with running_servers(1, CELERY_QUEUE=f"schemathesis-{uuid.uuid4().hex[:8]}") as (server,):
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(config),
                "run",
                f"{server.url}/api/schema/",
                "--checks",
                "all",
                "--report",
                "ndjson",
                "--report-ndjson-path",
                str(report),
                "--no-color",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_SECONDS,
        )

    assert report.exists(), result.stdout[-5000:] + result.stderr[-3000:]
    failures = _failures(report)
    by_check = Counter(failure["check"] for failure in failures)
    summary = "\n".join(
        f"{failure['check']}: {failure['operation']}: {failure['detail']}" for failure in failures
    )
    print(f"schemathesis failures by check: {dict(by_check)}\n{summary}")
    assert "Test cases:" in result.stdout, result.stdout[-5000:] + result.stderr[-3000:]
    assert by_check["not_a_server_error"] == 0, summary
    assert by_check["response_schema_conformance"] == 0, summary
    broken = [failure for failure in failures if failure["check"] in MUST_HOLD]
    assert broken == [], summary
