"""What the office readers (Excel and Word) share to read the template's free text: cell values as text, lists,
dates, and the names that stand for actors, information, requirements, use cases and scenarios.

Cross-references are free text in both templates: a step names its producers and receivers, its information and
scenario in words. `ActorIndex`, `InformationIndex`, `RequirementIndex`, `UseCaseIndex` and `ScenarioMatcher`
resolve them by name, abbreviation or ID; what names nothing is collected per kind (`note_unresolved`) and
reported as one warning per kind (`report_unresolved`), the text staying in the object's `extra`. The Excel
writer uses the same indexes, so that what it writes reads back.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from usecases.xml import document as doc
from usecases.xml.vocabulary import RELATION_TYPES, normalise_relation_type, parse_date

PLACEHOLDERS = frozenset({"n/a", "na", "n.a.", "-", "--", "\u2013", "/", "?", "(none)", "none", "tbd."})
ENUM_PREFIXES = ("iec62559.drawingclassification.", "iec62559.resourcetype.")
SERVICE_VERBS = ("CREATE", "GET", "CHANGE", "DELETE", "CANCEL", "CLOSE", "EXECUTE", "REPORT", "TIMER", "REPEAT")
_EXTRA_DATE_FORMATS = ("%d.%m.%y", "%d/%m/%y", "%d-%m-%y", "%Y.%m.%d", "%d. %m. %Y")
_ACTOR_SPLIT = re.compile(r"\s*(?:[,;/&\n]|\band\b|\s\+\s)\s*", re.IGNORECASE)
_INFORMATION_SPLIT = re.compile(r"\s*[,;\n]\s*")
_BRACKETED = re.compile(r"\(([^()]*)\)")
# A letter followed by ")" marks a list item; one followed by "." is as often an initial ("A. Lindqvist").
_LIST_MARK = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa]+\s+|\d+[.)]\s*|[a-z]\)\s+)", re.IGNORECASE)
_LINE_SPLIT = re.compile(r"\s*[,;\n]\s*")
_PUNCTUATION_ONLY = re.compile(r"^[?\-\u2013/.*]+$")
_NUMBER_TOKEN = re.compile(r"\d+")
_WORDS = re.compile(r"[^\w]+")
# Row 29: an ID is a word with a letter and a digit (UC2, EACL-HU-02, ACCEPT_UC2); a name is quoted, or a short part.
_USE_CASE_ID = re.compile(r"^(?=[^\s]*\d)(?=[^\s]*[a-z])[\w.\-/]+$", re.IGNORECASE)
_QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'
_QUOTED = re.compile(f"[{_QUOTES}]([^{_QUOTES}]{{2,200}})(?:[{_QUOTES}]|$)")  # an unclosed quote runs to the end
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)\s*$")
MAX_NAME_WORDS = 8
_SCENARIO_PREFIX = re.compile(r"^\s*(?:(?:sc|s|ps|scenario)\s*\.?\s*)?\d+(?:\.\d+)*\s*[-.:)\u2013]*\s*", re.IGNORECASE)

# Values


def cell_text(value: object) -> str:
    """A cell as text: ints without ".0", NBSP as space, stripped, placeholders ("n/a", "-", "(none)") empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        text = _datetime_text(value)
    else:
        text = str(value)
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
    return "" if text.casefold() in PLACEHOLDERS or _PUNCTUATION_ONLY.match(text) else text


def _datetime_text(value: datetime) -> str:
    """A datetime where text is meant: Excel turned "2" into 1900-01-02, so early 1900 dates are serial numbers."""
    if value < datetime(1900, 3, 1):
        return str((value - datetime(1899, 12, 31)).days)
    return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")


def lenient_date(value: object) -> tuple[datetime | None, str]:
    """(the date, the text when it is none we can read)."""
    if isinstance(value, datetime):
        return value, ""
    text = cell_text(value)
    if not text:
        return None, ""
    parsed = parse_date(text)
    for date_format in _EXTRA_DATE_FORMATS:
        if parsed is not None:
            break
        try:
            parsed = datetime.strptime(text, date_format)
        except ValueError:
            continue
    return parsed, "" if parsed is not None else text


def strip_enum(text: str) -> str:
    """`IEC62559.DrawingClassification.use_case_overview,` -> `use_case_overview`."""
    value = text.strip().rstrip(",").strip()
    for prefix in ENUM_PREFIXES:
        if value.casefold().startswith(prefix):
            return value[len(prefix) :]
    return value


def fold(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).casefold()


def list_item(text: str) -> str:
    return _LIST_MARK.sub("", text).strip().strip("\"'\u201c\u201d\u2018\u2019").strip()


def _split_outside_brackets(pattern: re.Pattern, text: str) -> list[str]:
    """`pattern.split(text)`, except inside brackets: "MO (W-1; D-1 order book), FSP" is two parts."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        before = text[: match.start()]
        if before.count("(") > before.count(")"):
            continue
        parts.append(text[start : match.start()])
        start = match.end()
    return [*parts, text[start:]]


def _without_brackets(text: str) -> str:
    """The text without what is in brackets, an unclosed bracket running to the end."""
    return re.sub(r"\([^()]*$", "", _BRACKETED.sub("", text)).strip()


def split_lines(text: str) -> list[str]:
    """A cell holding a bulleted or line-separated list as its items."""
    return [item for item in (list_item(line) for line in text.split("\n")) if item]


# Reference resolution


class ActorIndex:
    """Actors by name: case and space folded, the abbreviation in brackets ("Distribution System Operator (DSO)"
    is also "DSO"), the name without it, and last the initials of a name of several words ("Market operator" is
    "MO")."""

    def __init__(self, actors: list[doc.Actor]) -> None:
        self.keys: dict[str, str] = {}
        for actor in actors:
            name = fold(actor.name)
            self.keys.setdefault(name, actor.mrid)
        for actor in actors:
            name = fold(actor.name)
            for inner in _BRACKETED.findall(name):
                self.keys.setdefault(inner.strip(), actor.mrid)
            bare = _BRACKETED.sub("", name).strip()
            if bare:
                self.keys.setdefault(fold(bare), actor.mrid)
        for actor in actors:  # "Market operator" is also "MO", unless some actor is called that
            words = _WORDS.sub(" ", _BRACKETED.sub("", fold(actor.name))).split()
            if len(words) >= 2:
                self.keys.setdefault("".join(word[0] for word in words), actor.mrid)

    def resolve(self, text: str) -> tuple[list[str], list[str]]:
        """(mRIDs found, parts that named no actor)."""
        whole = self._one(text)
        if whole:
            return [whole], []
        found, unresolved = [], []
        for line in _split_outside_brackets(_LINE_SPLIT, text):  # each line whole first: "EMS/SCADA" is one actor
            mrid = self._one(line)
            parts = [line] if mrid else _split_outside_brackets(_ACTOR_SPLIT, line)
            for part in parts:
                token = list_item(part)
                if not token:
                    continue
                mrid = self._one(token)
                if mrid:
                    found.append(mrid)
                else:
                    unresolved.append(token)
        return list(dict.fromkeys(found)), unresolved

    def _one(self, text: str) -> str:
        token = fold(list_item(text))
        if not token:
            return ""
        if token in self.keys:
            return self.keys[token]
        bare = fold(_without_brackets(token))  # "MO (flexi register)": the actor MO's sub-system
        return self.keys.get(bare, "")


class InformationIndex:
    """Information exchanged by ID (exact, folded, an ID that starts the text, "Inf.1, 2, 3" abbreviations), then
    by name."""

    def __init__(self, items: list[doc.InformationObject]) -> None:
        self.ids = {fold(item.identifier): item.mrid for item in items if item.identifier}
        self.names = {fold(item.name): item.mrid for item in items if item.name}
        self.by_length = sorted(self.ids, key=len, reverse=True)

    def resolve(self, text: str) -> tuple[list[str], list[str]]:
        whole = self._one(text, prefix=False)
        if whole:
            return [whole], []
        found, unresolved = [], []
        previous = ""
        for part in _split_outside_brackets(_INFORMATION_SPLIT, text):
            token = list_item(part)
            if not token:
                continue
            mrid = self._one(token)
            if not mrid and token.isdigit() and previous:  # "Inf.1, 2, 3": the prefix of the one before
                stem = re.sub(r"\d+$", "", previous)
                mrid = self._one(stem + token) or self._one(stem + token.zfill(len(previous) - len(stem)))
            if mrid:
                found.append(mrid)
                previous = self._identifier_of(mrid) or previous
            else:
                unresolved.append(token)
        return list(dict.fromkeys(found)), unresolved

    def _identifier_of(self, mrid: str) -> str:
        return next((key for key, value in self.ids.items() if value == mrid), "")

    def _one(self, text: str, *, prefix: bool = True) -> str:
        token = fold(text)
        if not token:
            return ""
        if token in self.ids:
            return self.ids[token]
        bare = fold(_without_brackets(token))
        if bare in self.ids:
            return self.ids[bare]
        for identifier in self.by_length if prefix else ():  # "INF01 No. of events for the day."
            if token.startswith(identifier) and not token[len(identifier) : len(identifier) + 1].isalnum():
                return self.ids[identifier]
        return self.names.get(token) or self.names.get(bare, "")


# Use cases, requirements, scenarios


@dataclass
class RelationPart:
    """A part of row 29: its text, the relation type in brackets at its end, and the ID and name of a use case it
    may name (blank when it looks like neither: prose)."""

    text: str
    type: str = ""
    identifier: str = ""
    name: str = ""


def relation_parts(text: str) -> list[RelationPart]:
    """Row 29 split into parts (lines, then `,` and `;` outside brackets): "UC-2 (include)", "EACL-HU-02",
    'ACCEPT_UC2 "Building self-consumption"', 'Linked to "Voltage control" UC (UC2)', "Flexibility market"."""
    parts = []
    for line in _split_outside_brackets(_LINE_SPLIT, text):
        item = list_item(line)
        if not item:
            continue
        part = RelationPart(text=item)
        bracket = _TRAILING_BRACKET.search(item)
        if bracket and normalise_relation_type(bracket.group(1)) in RELATION_TYPES:
            part.type = normalise_relation_type(bracket.group(1))
            item = item[: bracket.start()].strip()
        quoted = _QUOTED.search(item)
        words = item.split()
        candidates = [item, words[0] if words else "", *_BRACKETED.findall(item)]
        part.identifier = next((word for word in candidates if _USE_CASE_ID.match(word.strip())), "").strip()
        if quoted:
            part.name = quoted.group(1).strip()
        elif item != part.identifier and len(words) <= MAX_NAME_WORDS:
            part.name = _without_brackets(item) if part.identifier in _BRACKETED.findall(item) else item
        parts.append(part)
    return parts


class UseCaseIndex:
    """The use cases of a workbook (or of an export's library) by ID and by name, case- and space-folded."""

    def __init__(self, use_cases: list[doc.UseCase]) -> None:
        self.ids = {fold(use_case.identifier): use_case.mrid for use_case in use_cases if use_case.identifier}
        self.names = {fold(use_case.name): use_case.mrid for use_case in use_cases if use_case.name}

    def find(self, part: RelationPart) -> str:
        """The mRID of the use case a part names: the whole part (its type aside) as an ID or a name, else the ID
        or the name found in it."""
        whole = fold(_TRAILING_BRACKET.sub("", part.text) if part.type else part.text)
        for key, table in ((whole, self.ids), (whole, self.names), (fold(part.identifier), self.ids)):
            if key and key in table:
                return table[key]
        return self.names.get(fold(part.name), "") if part.name else ""


class RequirementIndex(InformationIndex):
    """Requirements by R-ID as information by ID (row 81 holds lists, "R-1, R-2", and statements that start with
    their ID in square brackets, "[VVC.001] The execution period shall be ..."), then by name."""

    def _one(self, text: str, *, prefix: bool = True) -> str:
        found = super()._one(text, prefix=prefix)
        bracketed = _LEADING_SQUARE.match(text)
        return found or (super()._one(bracketed.group(1), prefix=False) if bracketed else "")


_LEADING_SQUARE = re.compile(r"^\s*\[([^\]]+)\]")


def shown(text: str, length: int = 60) -> str:
    """A text as a warning quotes it: a long one (a requirement statement, a line of prose) cut short."""
    return text if len(text) <= length else text[: length - 3].rstrip() + "..."


def term_and_definition(text: str) -> tuple[str, str]:
    """ "term: definition" (or "term<newline>definition") -> (term, definition)."""
    for separator in (":", "\n", "="):
        if separator in text:
            head, _, tail = text.partition(separator)
            return head.strip(), tail.strip()
    return text, ""


def service_text(text: str) -> str:
    """A known verb in capitals ("report" -> "REPORT", "EXECUTE;\nCLOSE" -> "EXECUTE; CLOSE"); other text as is."""
    words = [word for word in re.split(r"\s*(?:[;,\n]|\band\b)\s*", text, flags=re.IGNORECASE) if word]
    if words and all(word.upper().split("(")[0].strip() in SERVICE_VERBS for word in words):
        return "; ".join(word.upper() for word in words)
    return text


class ScenarioMatcher:
    """The scenario of a step: by row 79 (scenario number), then row 70 (scenario name), then the step number's
    prefix ("2.3" is in scenario 2)."""

    def __init__(self, scenarios: list[doc.Scenario]) -> None:
        self.scenarios = scenarios
        self.numbers = {fold(s.number).replace(" ", ""): s for s in scenarios if s.number}
        self.integers: dict[int, doc.Scenario] = {}
        for scenario in scenarios:
            digits = _NUMBER_TOKEN.findall(scenario.number)
            if len(digits) == 1:
                self.integers.setdefault(int(digits[0]), scenario)
        self.names = {_name_key(s.name): s for s in scenarios if s.name}

    def match(self, *, number: str, name: str, step_number: str) -> doc.Scenario | None:
        found = self.by_number(number) if number else None
        if found is None and name:
            found = self.by_name(name)
        digits = _NUMBER_TOKEN.findall(step_number)
        if found is None and len(digits) >= 2 and "." in step_number:
            found = self.integers.get(int(digits[0]))
        return found

    def by_number(self, text: str) -> doc.Scenario | None:
        key = fold(text).replace(" ", "")
        if key in self.numbers:
            return self.numbers[key]
        digits = _NUMBER_TOKEN.findall(text)
        if len(digits) == 1 and len(text) <= 12:
            return self.integers.get(int(digits[0]))
        return None

    def by_name(self, text: str) -> doc.Scenario | None:
        key = _name_key(text)
        if key in self.names:
            return self.names[key]
        bare = _name_key(_SCENARIO_PREFIX.sub("", text))
        if bare in self.names:
            return self.names[bare]
        prefix = _SCENARIO_PREFIX.match(text)
        if prefix and prefix.group(0).strip():
            found = self.by_number(prefix.group(0).strip(" -.:)\u2013"))
            if found:
                return found
        words = set((bare or key).split())
        containing = [name for name in self.names if set(name.split()) <= words or words <= set(name.split())]
        if len(containing) == 1:  # "Market phase - short term" is the scenario "Market phase"
            return self.names[containing[0]]
        close = difflib.get_close_matches(bare or key, list(self.names), n=1, cutoff=0.8)
        if close:
            return self.names[close[0]]
        scored = [
            (len(words & set(name.split())) / max(len(words | set(name.split())), 1), name) for name in self.names
        ]
        best = max(scored, default=(0.0, ""))
        return self.names[best[1]] if best[0] >= 0.6 else None


def _name_key(text: str) -> str:
    return " ".join(_WORDS.sub(" ", fold(text).replace("&", " and ")).split())


# Reporting what named nothing

Unresolved = dict[str, dict[str, list[str]]]  # kind -> text that named nothing -> where it stands
UNRESOLVED_KINDS = (
    ("actor", "name no actor of section 3.1"),
    ("information", "name no information of section 5"),
    ("requirement", "name no requirement of section 6"),
)


def note_unresolved(unresolved: Unresolved, kind: str, tokens: list[str], where: str) -> None:
    for token in tokens:
        unresolved.setdefault(kind, {}).setdefault(token, []).append(where)


def report_unresolved(unresolved: Unresolved, kinds: tuple[tuple[str, str], ...], warn: Callable[[str], None]) -> None:
    """One warning per kind (`kinds`: the kind and what its texts failed to name, in order): each text that named
    nothing, cut short, with the first three places it stands (the text itself is kept in the object's `extra`)."""
    for kind, what in kinds:
        found = unresolved.get(kind, {})
        if found:
            listed = "; ".join(
                f"{shown(token)!r} ({', '.join(places[:3])}{f' and {len(places) - 3} more' * (len(places) > 3)})"
                for token, places in found.items()
            )
            warn(f"{len(found)} reference(s) {what} and were kept as text: {listed}.")
