"""`manage.py load_demo`: the demo repository that `make run` shows. Running it again changes nothing."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from usecases.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo repository (fixtures/demo). Objects whose mRID is already in the database are left alone."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Username recorded as the author of what is created (default: nobody).")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user '{options['user']}'.")
        try:
            counts = demo_load(user=user)
        except ValidationError as error:
            raise CommandError(f"The demo repository was not loaded: {' '.join(error.messages)}") from error
        created = sum(outcome["created"] for outcome in counts.values())
        skipped = sum(outcome["skipped"] for outcome in counts.values())
        use_cases, actors = (sum(counts.get(kind, {}).values()) for kind in ("usecase", "actor"))
        self.stdout.write(
            f"Demo repository ({use_cases} use cases, {actors} actors): "
            f"{created} objects created, {skipped} already present and left alone."
        )
