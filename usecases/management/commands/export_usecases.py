"""`manage.py export_usecases -o FILE`: use cases as one IEC 62559-3 variant C file, checked against the schema, or
(`--format xlsx`) as one workbook in the BRIDGE Excel template's layout, a sheet per use case, or (`--format docx`)
as the IEC 62559-2 Word template: one use case a document, several a zip of documents (their diagrams drawn first).
Streamed (`usecases_export_write`, `usecases_export_xlsx_write`, `usecases_export_docx_write`): memory does not grow
with the number of use cases."""

import codecs
import tempfile
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from usecases.exchange.services import (
    EXPORT_FORMATS,
    usecases_export_docx_write,
    usecases_export_write,
    usecases_export_xlsx_write,
)
from usecases.models import UseCase, Workspace


class Command(BaseCommand):
    help = (
        "Export use cases (all of them, or those of a workspace or with the IDs given) with the library objects "
        "they use, as IEC 62559-3 variant C (validated before it is written), a BRIDGE Excel workbook or IEC 62559-2 "
        "Word documents."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="Where to write ('-': stdout).")
        parser.add_argument("--workspace", metavar="SLUG", help="Only the use cases of this workspace.")
        parser.add_argument(
            "--identifier", nargs="+", metavar="ID", default=[], help="Only the use cases with these IDs."
        )
        parser.add_argument("--user", help="Export what this user may see (default: the system, which sees all).")
        parser.add_argument(
            "--format",
            dest="export_format",
            choices=sorted(EXPORT_FORMATS),
            default="xml",
            help="xml: IEC 62559-3 variant C (the default); xlsx: the BRIDGE Excel template, a sheet per use case; "
            "docx: the IEC 62559-2 Word template, one use case a .docx, several a .zip of documents.",
        )

    def handle(
        self,
        *args,
        output: str,
        workspace: str | None,
        identifier: list[str],
        user: str | None,
        export_format: str,
        **options,
    ):
        if output == "-" and export_format in ("xlsx", "docx"):
            kind = "A workbook" if export_format == "xlsx" else "A Word document"
            raise CommandError(f"{kind} is a binary file: give its name with -o, not '-'.")
        acting = None
        if user:
            acting = get_user_model().objects.filter(username=user, is_active=True).first()
            if acting is None:
                raise CommandError(f"There is no active user '{user}'.")
        use_cases = UseCase.objects.all()
        if workspace:
            if not Workspace.objects.filter(slug=workspace).exists():
                raise CommandError(f"There is no workspace '{workspace}'.")
            use_cases = use_cases.filter(workspace__slug=workspace)
        if identifier:
            use_cases = use_cases.filter(identifier__in=identifier)
            missing = sorted(set(identifier) - set(use_cases.values_list("identifier", flat=True)))
            if missing:
                raise CommandError(f"No use case with the ID(s): {', '.join(missing)}.")
        # Written beside the destination and moved there once valid: an invalid export leaves nothing behind.
        directory = Path(output).resolve().parent if output != "-" else None
        write = {
            "xlsx": usecases_export_xlsx_write,
            "docx": partial(usecases_export_docx_write, several=False, render=True),
        }.get(export_format, usecases_export_write)
        suffix = f".{EXPORT_FORMATS[export_format].extension}"
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".export-", suffix=suffix, delete=False) as handle:
            written = Path(handle.name)
            try:
                count = write(user=acting, use_cases=use_cases, output=handle)
            except ValidationError as error:
                written.unlink()
                raise CommandError(
                    f"The export is not valid, nothing was written: {' '.join(error.messages)}"
                ) from error
            except BaseException:
                written.unlink()
                raise
            size = handle.tell()
        if output == "-":
            decoder = codecs.getincrementaldecoder("utf-8")()
            with written.open("rb") as source:
                for block in iter(lambda: source.read(1 << 20), b""):
                    self.stdout.write(decoder.decode(block), ending="")
            written.unlink()
            return
        written.replace(output)
        self.stderr.write(f"Exported {count} use case(s) to {output} ({size:,} bytes).")
