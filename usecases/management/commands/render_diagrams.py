from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from usecases.analysis.selectors import usecase_choice_list
from usecases.analysis.services import usecase_diagrams_render


def selected_use_cases(identifiers: list[str] | None) -> list[tuple[int, str]]:
    try:
        return usecase_choice_list(identifiers=identifiers)
    except ValidationError as error:
        raise CommandError(error.messages[0]) from error


class Command(BaseCommand):
    help = (
        "Render the generated diagrams of use cases with Graphviz (what is not rendered yet; everything with "
        "--force). Exits with status 1 when a diagram could not be rendered."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--identifier", action="append", metavar="ID", help="A use case ID (repeat for several); default: all."
        )
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
