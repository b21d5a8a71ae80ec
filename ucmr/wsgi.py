"""WSGI entry point (gunicorn ucmr.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucmr.settings")
application = get_wsgi_application()
