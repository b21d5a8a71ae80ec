"""`manage.py import_usecases FILE...`: import IEC 62559-3 XML files (variant B, C or D), BRIDGE Excel workbooks
(.xlsx, .xlsm) and IEC 62559-2 Word documents (.docx, .docm; told apart by their content), each in one transaction."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from usecases.exchange.files import repository_import_file
from usecases.exchange.report import OUTCOMES, ImportReport
from usecases.models import Workspace
from usecases.services import workspace_create

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import IEC 62559-3 XML files (variant C, the 2015 draft, OFFIS UCMR exports), workbooks of the BRIDGE "
        "IEC 62559-2 Excel template (.xlsx, .xlsm) and Word documents in the IEC 62559-2 template (.docx, .docm; NIST "
        "2014 or TC8 2012 layout). Macros never run. Each file is imported in one transaction: whole "
        "or not at all. Importing a file again changes only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--workspace",
            metavar="SLUG",
            help="Put new use cases in this workspace (created when missing). Default: the workspace each use case "
            "names in the file (ucmr:workspace), else 'Imported use cases'.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--skip-existing", action="store_true", help="Leave use cases that are already there as they are."
        )
        parser.add_argument("--json", action="store_true", help="Print the reports as JSON.")
        parser.add_argument("--user", help="Username to act as and record in the change log (default: the system).")

    def handle(self, *args, files, workspace, dry_run, skip_existing, json: bool, user, **options):
        acting = self.acting_user(user)
        target = self.workspace(workspace, acting, dry_run=dry_run) if workspace else None
        results, failed = [], False
        for name in files:
            try:
                with Path(name).open("rb") as data:  # a large file is read a batch at a time
                    report = repository_import_file(
                        user=acting,
                        data=data,
                        name=Path(name).name,
                        workspace=target,
                        policy="skip" if skip_existing else "update",
                        dry_run=dry_run,
                        progress=self.progress_bar(name) if not json else None,
                        max_bytes=Path(name).stat().st_size,
                    )
            except (OSError, ValidationError, PermissionDenied) as error:
                failed = True
                message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                results.append({"file": name, "error": message})
                self.clear_progress()
                if not json:
                    self.stderr.write(self.style.ERROR(f"{name}: not imported. {message}"))
                continue
            self.clear_progress()
            results.append({"file": name, "report": report.as_dict()})
            if not json:
                self.print_report(name, report)
        if json:
            self.stdout.write(_json(results))
        if failed:
            raise CommandError(f"{sum('error' in result for result in results)} of {len(files)} file(s) failed.")

    def acting_user(self, username: str | None):
        if not username:
            return None
        found = get_user_model().objects.filter(username=username, is_active=True).first()
        if found is None:
            raise CommandError(f"There is no active user '{username}'.")
        return found

    def workspace(self, slug: str, user, *, dry_run: bool) -> Workspace | None:
        found = Workspace.objects.filter(slug=slug).first()
        if found is not None:
            return found
        if dry_run:
            raise CommandError(f"There is no workspace '{slug}'; a dry run does not create it. Leave out --dry-run.")
        self.stderr.write(f"Created the workspace '{slug}'.")
        return workspace_create(user=user, name=slug, slug=slug)

    def progress_bar(self, name: str):
        """A bar on a terminal, redrawn in place; nothing when the output goes to a file or a pipe."""
        if not self.stderr.isatty():
            return None

        def show(percent: int, message: str) -> None:
            done = round(BAR_WIDTH * percent / 100)
            line = f"\r{Path(name).name[:30]} [{'#' * done}{' ' * (BAR_WIDTH - done)}] {percent:3d}% {message[:40]}"
            self.stderr.write(line.ljust(120), ending="")
            self.stderr.flush()

        return show

    def clear_progress(self) -> None:
        if self.stderr.isatty():
            self.stderr.write("\r" + " " * 120 + "\r", ending="")

    def print_report(self, name: str, report: ImportReport) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"{name}: {report.summary()}"))
        header = ("", *OUTCOMES)
        rows = [(row["label"], *(str(row[outcome] or "") for outcome in OUTCOMES)) for row in report.rows()]
        widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
        for row in [header, *rows]:
            _, *numbers = (cell.rjust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + "  ".join([row[0].ljust(widths[0]), *numbers]))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  ! {warning}"))


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
