"""`manage.py createsuperuser`, recorded in the audit trail as done by the system: the new account with its roles
(superuser, staff) and, when it got one, that it has a password (never the password or its hash)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.db import transaction

from ucmr.audit import record_account_change, record_password_change


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        accounts = get_user_model()._default_manager.db_manager(options["database"]).order_by("pk")
        with transaction.atomic():
            last = accounts.values_list("pk", flat=True).last()
            super().handle(*args, **options)
            for account in accounts.filter(pk__gt=last) if last is not None else accounts.all():
                record_account_change(user=None, account=account, before=None)
                if account.has_usable_password():
                    record_password_change(user=None, account=account)
