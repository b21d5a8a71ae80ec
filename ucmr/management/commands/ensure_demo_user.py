"""Create (or reset) the demo login that `make run` prints. For a laptop demo only, never for production."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the demo user (UCMR_DEMO_USER / UCMR_DEMO_PASSWORD, default demo / demo-ucmr) and print the login."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo user is for development (DJANGO_DEBUG=true) only.")
        username = os.environ.get("UCMR_DEMO_USER", "demo")
        password = os.environ.get("UCMR_DEMO_PASSWORD", "demo-ucmr")
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(f"  Sign in as: {username} / {password}")
