"""The Celery application. Without CELERY_BROKER_URL tasks run eagerly (inline), so a laptop needs no Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucmr.settings")

app = Celery("ucmr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
