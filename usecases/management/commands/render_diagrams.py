from django.core.management.base import BaseCommand, CommandError

from usecases.analysis.services import usecase_diagrams_render
from usecases.management.selection import identifier_argument_add, selected_use_cases


class Command(BaseCommand):
    help = (
        "Render the generated diagrams of use cases with Graphviz (what is not rendered yet; everything with "
        "--force). Exits with status 1 when a diagram could not be rendered."
    )

    def add_arguments(self, parser):
        identifier_argument_add(parser)
        parser.add_argument("--force", action="store_true", help="Render again what is rendered already.")
        parser.add_argument("--png", action="store_true", help="Also render PNGs (otherwise made on request).")

    def handle(self, *args, identifier, force, png, **options):
        failed = 0
        for pk, label in selected_use_cases(identifier):
            result = usecase_diagrams_render(use_case_id=pk, force=force, png_all=png)
            milliseconds = sum(value or 0 for value in result["render_ms"].values())
            self.stdout.write(
                f"{label}: {len(result['rendered'])} rendered ({milliseconds} ms), {len(result['cached'])} unchanged, "
                f"{len(result['failed'])} failed"
            )
            for failure in result["failed"]:
                self.stderr.write(f"  {failure['key']}: {failure['error']}")
            failed += len(result["failed"])
        if failed:
            raise CommandError(f"{failed} diagram(s) could not be rendered.", returncode=1)
