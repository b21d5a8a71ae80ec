"""The Celery application. Without CELERY_BROKER_URL the broker is a SQLite file beside the database (see
`ucmr.broker`), and `make run` starts a worker for it: jobs never run inside a web request. UCMR_JOBS_INLINE=true
runs them inline instead, for scripts."""

import os

from celery import Celery

from ucmr.broker import register as register_embedded_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucmr.settings")
register_embedded_broker()

app = Celery("ucmr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
