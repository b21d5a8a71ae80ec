"""What the commands that work on a choice of use cases share: the `--identifier` option and its resolution."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from usecases.analysis.selectors import usecase_choice_list


def identifier_argument_add(parser) -> None:
    parser.add_argument(
        "--identifier", action="append", metavar="ID", help="A use case ID (repeat for several); default: all."
    )


def selected_use_cases(identifiers: list[str] | None) -> list[tuple[int, str]]:
    """(pk, label) of the use cases named, or of all; an unknown ID is the command's error."""
    try:
        return usecase_choice_list(identifiers=identifiers)
    except ValidationError as error:
        raise CommandError(error.messages[0]) from error
