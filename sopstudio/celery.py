"""The Celery app; tasks live in apps/<name>/tasks.py and take ids, never objects."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopstudio.settings")

app = Celery("sopstudio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
