"""Deploy checks Django's own `check --deploy` lacks: CSP, websocket origins, channel layer."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """The CSP must exist and must not allow inline or evaluated scripts."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
    problems = []
    if not policy:
        problems.append(Warning("CONTENT_SECURITY_POLICY is empty.", id="sopstudio.W001"))
    elif "script-src 'self'" not in policy or "unsafe-inline' " in policy.split("style-src")[0]:
        problems.append(
            Warning(
                "The CSP must restrict scripts to 'self' without 'unsafe-inline'.",
                id="sopstudio.W002",
            )
        )
    elif "frame-ancestors 'none'" not in policy:
        problems.append(Warning("The CSP should forbid framing.", id="sopstudio.W003"))
    return problems


@register(Tags.security, deploy=True)
def check_websocket_origins(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Websocket origin checks rely on ALLOWED_HOSTS; a wildcard would accept any site."""
    if "*" in settings.ALLOWED_HOSTS:
        return [
            Warning(
                "ALLOWED_HOSTS contains '*': websockets would accept connections from any origin.",
                id="sopstudio.W004",
            )
        ]
    return []


@register(Tags.compatibility, deploy=True)
def check_channel_layer(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Several server processes only see each other's edits through Redis."""
    backend = str(settings.CHANNEL_LAYERS["default"]["BACKEND"])
    if backend.endswith("InMemoryChannelLayer"):
        return [
            Warning(
                "The in-memory channel layer only works with a single process; set REDIS_URL.",
                id="sopstudio.W005",
            )
        ]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [
            Warning(
                "Jobs run inside web requests; unset CELERY_TASK_ALWAYS_EAGER.", id="sopstudio.W006"
            )
        ]
    return []
