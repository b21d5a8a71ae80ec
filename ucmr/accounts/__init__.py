"""Django's account commands (`changepassword`, `createsuperuser`) as UCMR runs them: recorded in the audit trail.
Listed before `django.contrib.auth` in INSTALLED_APPS, so that its commands are the ones `manage.py` runs."""
