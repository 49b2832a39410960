from django.urls import path

from apps.assistant import apis

urlpatterns = [
    path("assistant/rules", apis.RuleListApi.as_view(), name="assistant-rules"),
    path(
        "diagrams/<int:diagram_id>/validate",
        apis.DiagramValidateApi.as_view(),
        name="diagram-validate",
    ),
    path(
        "workspaces/<int:workspace_id>/lint-config",
        apis.LintConfigApi.as_view(),
        name="workspace-lint-config",
    ),
]
