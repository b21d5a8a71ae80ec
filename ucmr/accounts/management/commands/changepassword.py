"""`manage.py changepassword`, recorded in the audit trail as done by the system: that the password changed, never
the password or its hash."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from ucmr.audit import record_password_change


class Command(changepassword.Command):
    def handle(self, *args, **options):
        database = options["database"]
        username = options["username"] or getpass.getuser()  # whom Django's command changes
        with transaction.atomic():
            message = super().handle(*args, **options)
            model = get_user_model()
            account = model._default_manager.db_manager(database).get(**{model.USERNAME_FIELD: username})
            record_password_change(user=None, account=account)
        return message
