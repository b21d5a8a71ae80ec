"""What reading a Word document's sections shares (`usecases.word.reader` and the section readers beside it): the
template's tables found in the body, the warnings, the names that named nothing, how objects' mRIDs are derived and
how a field's text is taken from its cell (rich text for the rich fields, plain text else)."""

import html
import re

from usecases.exchange.office_names import ActorIndex, Unresolved, cell_text, fold, list_item, note_unresolved
from usecases.word.cells import EMPTY, Cell
from usecases.word.tables import TemplateTables
from usecases.xml.vocabulary import derived_mrid

NAMESPACE = "word"

# The document's fields that keep formatting (what `ucmr.richtext.RICH_TEXT_FIELDS` lists for their models).
RICH_KEYS = frozenset(
    {
        "scope",
        "short_description",
        "complete_description",
        "version.changes",
        "kpi.description",
        "assumption",
        "prerequisite",
        "remark",
        "grouping.description",
        "actor.description",
        "actor.further_information",
        "reference.description",
        "reference.impact",
        "scenario.description",
        "scenario.triggering_event",
        "scenario.precondition",
        "scenario.postcondition",
        "step.event",
        "step.description",
        "information.description",
        "common_term.definition",
        "category.description",
        "requirement.description",
        "condition.precondition",
        "condition.assumption",
    }
)
_R_ID_SPLIT = re.compile(r"\s*[,;\n]\s*")


class Reading:
    """A document being read: its template tables (`body`), the warnings said so far, the names that named nothing
    (`unresolved`, reported once at the end) and the use case's identity its objects' mRIDs derive from."""

    def __init__(self, *, part, document) -> None:
        self.warnings: list[str] = []
        self.body = TemplateTables(part=part, document=document, warnings=self.warnings)
        self.unresolved: Unresolved = {}
        self.identity = ""

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def mrid(self, *parts: object) -> str:
        return derived_mrid(NAMESPACE, self.identity, *(str(part) for part in parts))

    def value(self, cells: dict[str, Cell], key: str) -> str:
        """A field's stored text: rich text for the rich fields, else plain (placeholders such as "n/a" empty)."""
        cell = cells.get(key, EMPTY)
        if key in RICH_KEYS and cell.rich != cell.text:
            return cell.rich
        return cell_text(cell.text)

    def actor_refs(self, actors: ActorIndex, text: str, where: str) -> list[str]:
        refs, unresolved = actors.resolve(text)
        note_unresolved(self.unresolved, "actor", unresolved, where)
        return refs

    def requirement_refs(self, text: str, requirement_ids: dict[str, str], where: str) -> list[str]:
        """The requirements (mRIDs, by folded R-ID in `requirement_ids`) a cell names, comma, semicolon or line
        separated; the R-IDs that name none are noted as unresolved."""
        refs = []
        for token in (list_item(part) for part in _R_ID_SPLIT.split(text)):
            if not cell_text(token):
                continue
            mrid = requirement_ids.get(fold(token))
            if mrid:
                refs.append(mrid)
            else:
                note_unresolved(self.unresolved, "requirement", [token], where)
        return list(dict.fromkeys(refs))


def paragraph_items(cell: Cell) -> list[str]:
    """One text per paragraph or list item of a cell (as rich text where the paragraph is formatted)."""
    return [item for item in (_strip_rich(text) for text in cell.rich_items) if item]


def _strip_rich(text: str) -> str:
    """A paragraph's HTML as stored: plain text (unescaped) when it holds no markup."""
    if "<" not in text:
        return cell_text(html.unescape(text))
    return text
