from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ucmr.jobs import job_sweep_stale


class Command(BaseCommand):
    help = (
        "Mark background jobs that have been running for longer than --older-than minutes as failed "
        "(their worker was lost). Run it from cron or a scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=120,
            metavar="MINUTES",
            help="How long a job may run before it counts as lost (default: 120 minutes).",
        )

    def handle(self, *args, older_than: int, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 minute.")
        count = job_sweep_stale(older_than=timedelta(minutes=older_than))
        self.stdout.write(f"Marked {count} stale job(s) as failed.")
