"""Every saved version is linted by a job: the report is stored beside the version, computed
with the workspace's lint configuration of the moment it was saved, once per content."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from apps.assistant.models import LintComputedBy, LintStatus, VersionLintReport
from apps.assistant.services import lint_config_update, version_lint_execute
from apps.diagrams import services as diagram_services
from apps.diagrams.models import Diagram, DiagramVersion
from apps.diagrams.selectors import diagram_content_get
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def without_model_version(diagram: Diagram, editor: Any) -> None:
    """Make the live document break SOP008: the model step no longer names its version."""
    content = copy.deepcopy(diagram_content_get(diagram=diagram).as_json())
    node = next(n for n in content["nodes"] if n["id"] == "select-model")
    del node["fields"]["modelVersion"]
    diagram_services.diagram_content_replace(diagram=diagram, user=editor, content=content)


def test_saving_a_version_queues_one_lint_job_after_commit(
    fraud_diagram: Diagram, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    assert len(callbacks) == 1  # the job is sent only once the version is committed
    report = VersionLintReport.objects.get(version=version)
    assert report.status == LintStatus.QUEUED
    assert report.checked_on == date.today()


def test_the_job_uses_the_lint_config_of_the_moment_the_version_was_saved(
    fraud_diagram: Diagram, editor: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    without_model_version(fraud_diagram, editor)
    workspace_id = fraud_diagram.workspace_id
    lint_config_update(user=owner, workspace_id=workspace_id, rules={"SOP008": "warning"})
    with django_capture_on_commit_callbacks(execute=False):
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    # The owner switches the rule off before the worker gets to the job.
    lint_config_update(user=owner, workspace_id=workspace_id, rules={"SOP008": "off"})
    report = version_lint_execute(version_id=version.pk)
    assert report is not None and report.status == LintStatus.DONE
    assert report.config == {"SOP008": "warning"}
    (finding,) = [f for f in report.findings if f["rule"] == "SOP008"]
    assert finding["severity"] == "warning"
    assert finding["labels"] == ["Select fraud model"]
    assert report.counts["warning"] >= 1 and report.counts["error"] == 0
    assert report.content_hash == version.content_hash
    assert report.computed_by == LintComputedBy.JOB and report.rules_version


def test_running_the_job_twice_keeps_one_report_and_skips_the_second_time(
    fraud_diagram: Diagram, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    without_model_version(fraud_diagram, editor)
    with django_capture_on_commit_callbacks(execute=False):
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    first = version_lint_execute(version_id=version.pk)
    second = version_lint_execute(version_id=version.pk)
    assert first is not None and second is not None
    assert VersionLintReport.objects.filter(version=version).count() == 1
    assert second.attempts == 1 and second.finished_at == first.finished_at
    assert second.findings == first.findings
    assert [f["rule"] for f in second.findings].count("SOP008") == 1


def test_a_report_for_other_content_is_computed_again(
    fraud_diagram: Diagram, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    VersionLintReport.objects.filter(version=version).update(
        status=LintStatus.DONE, content_hash="0" * 64, findings=[], counts={}
    )
    report = version_lint_execute(version_id=version.pk)
    assert report is not None and report.content_hash == version.content_hash
    assert report.counts == {"error": 0, "warning": 0, "info": 0}


def test_the_job_of_a_deleted_diagram_does_nothing(
    fraud_diagram: Diagram, owner: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    diagram_services.diagram_delete(diagram=fraud_diagram, user=owner)
    assert version_lint_execute(version_id=version.pk) is None


def test_a_failing_rule_marks_the_report_failed_and_leaves_the_version_alone(
    fraud_diagram: Diagram,
    editor: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        version = diagram_services.diagram_version_create(
            diagram=fraud_diagram, user=editor, message="v1"
        )
    saved = DiagramVersion.objects.values().get(pk=version.pk)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("rule crashed")

    monkeypatch.setattr("apps.assistant.services.lint_document", broken)
    report = version_lint_execute(version_id=version.pk)
    assert report is not None and report.status == LintStatus.FAILED
    assert "rule crashed" in report.error
    assert DiagramVersion.objects.values().get(pk=version.pk) == saved


def test_the_version_api_shows_lint_status_and_counts(
    fraud_diagram: Diagram,
    editor: Any,
    inline_jobs: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    without_model_version(fraud_diagram, editor)
    api = client_for(editor)
    url = f"/api/diagrams/{fraud_diagram.pk}/versions/"
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(url, {"message": "v1"}, format="json")
    assert created.status_code == 201, created.json()
    # Answered before the job ran (the test runs commit callbacks when the block ends).
    assert created.json()["lint"] == {"status": "queued", "counts": None}
    detail = api.get(f"{url}1/").json()
    assert detail["lint"]["status"] == "done"
    assert detail["lint"]["counts"]["error"] == 1
    listed = api.get(url).json()["results"]
    assert listed[0]["lint"] == detail["lint"]


def test_a_version_not_yet_linted_and_one_saved_before_linting_existed(
    fraud_diagram: Diagram, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    api = client_for(editor)
    url = f"/api/diagrams/{fraud_diagram.pk}/versions/"
    with django_capture_on_commit_callbacks(execute=False):
        api.post(url, {"message": "v1"}, format="json")
        api.post(url, {"message": "v2"}, format="json")
    VersionLintReport.objects.filter(version__number=1).delete()
    listed = {v["number"]: v["lint"] for v in api.get(url).json()["results"]}
    assert listed == {
        2: {"status": "queued", "counts": None},
        1: {"status": "none", "counts": None},
    }
