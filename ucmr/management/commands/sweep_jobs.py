from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ucmr.jobs import job_sweep_stale


class Command(BaseCommand):
    help = (
        "Recover background jobs whose worker was lost (their lease expired: run again, or failed after too many "
        "tries), and end those running for longer than --older-than minutes. Celery beat does the first every "
        "UCMR_JOB_MAINTAIN_SECONDS; this command is for a deployment without beat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="MINUTES",
            help="Also end jobs running for longer than this, whatever their lease says (default: no limit).",
        )

    def handle(self, *args, older_than: int | None, **options):
        if older_than is not None and older_than < 1:
            raise CommandError("--older-than must be at least 1 minute.")
        count = job_sweep_stale(older_than=timedelta(minutes=older_than) if older_than else None)
        self.stdout.write(f"{count} job(s) recovered or ended.")
