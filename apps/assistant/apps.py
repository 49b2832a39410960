from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "apps.assistant"
    label = "assistant"

    def ready(self) -> None:
        from apps.assistant.services import version_lint_queue
        from apps.diagrams.services import VERSION_CREATED_HOOKS

        # Every saved version is linted by a job once it commits.
        if version_lint_queue not in VERSION_CREATED_HOOKS:
            VERSION_CREATED_HOOKS.append(version_lint_queue)
