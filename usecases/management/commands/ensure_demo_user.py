"""Create (or reset) the demo login that `make run` prints, with the administrator role, and demo people with the
other roles to try the review workflow. For a laptop demo only, never for production."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ucmr.permissions import repository_role_add
from usecases.demo import demo_people_ensure


class Command(BaseCommand):
    help = (
        "Create the demo user (UCMR_DEMO_USER / UCMR_DEMO_PASSWORD, default demo / demo-ucmr) as an administrator, "
        "and demo people with the other roles (analyst, reviewer, manager, viewer, curator), and print the logins."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo users are for development (DJANGO_DEBUG=true) only.")
        username = os.environ.get("UCMR_DEMO_USER", "demo")
        password = os.environ.get("UCMR_DEMO_PASSWORD", "demo-ucmr")
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True  # the admin site, within the administrator role's permissions
        user.is_superuser = False
        user.is_active = True
        user.set_password(password)
        user.save()
        repository_role_add(member=user, role="administrator")
        administrator = get_user_model().objects.get(pk=user.pk)  # without a permission cache from before the role
        people = demo_people_ensure(administrator=administrator)
        self.stdout.write(f"  Sign in as: {username} / {password}")
        self.stdout.write("  (an administrator). To try the review workflow, also:")
        for name, person_password, what in people:
            self.stdout.write(f"    {name} / {person_password}  ({what})")
