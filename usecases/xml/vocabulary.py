"""The words files use for our enumerations, mapped onto the values our model stores.

Real files spell the same thing several ways ("use case overview", "use_case_overview", "Use Case Overview";
"Business", "Business actor"; German "Verteilung" for the SGAM distribution domain). Readers normalise here, in
one place, so that every dialect lands on the same values and the writer can spell them back one canonical way.
"""

import re
import uuid
from datetime import datetime

from sgam.reference import DOMAINS, LAYERS, NIST_DOMAINS, ZONES

# Namespace of the mRIDs the variant D reader derives (variant D files carry database ids, not mRIDs).
DERIVED_MRID_NAMESPACE = uuid.UUID("6f1d3c1e-53a4-4a0e-9d0a-62559c0ffee0")

# A version needs an xs:dateTime in variant C; a version without a date is written as this and read back as none.
UNDATED = datetime(1, 1, 1)


def normalise_mrid(raw: str) -> str:
    """The form references are compared in: surrounding space and braces (Modsarus' GUID style) removed, lower case."""
    value = raw.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1].strip()
    return value.lower()


def derived_mrid(*parts: str) -> str:
    """A stable mRID for an object whose file names it only by a local id, so a re-import lands on the same row."""
    return str(uuid.uuid5(DERIVED_MRID_NAMESPACE, "\x1f".join(parts)))


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text).strip().lower()


DRAWING_TYPES = (
    "domain overview",
    "use case overview",
    "documentation",
    "scenarios flowchart",
    "scenario overview",
    "activities flowchart",
    "activity overview",
    "business objects overview",
    "other",
    "role model",
)
# Variant B (2015 draft) names steps "actions" and groups them in "macro activities".
_DRAWING_TYPE_SYNONYMS = {
    "macroactivities flowchart": "activities flowchart",
    "macro activities flowchart": "activities flowchart",
    "macroactivity overview": "activity overview",
    "macro activity overview": "activity overview",
    "actions flowchart": "activities flowchart",
    "action overview": "activity overview",
    "use case diagram": "use case overview",
    "sequence diagram": "activities flowchart",
    "activity diagram": "activities flowchart",
}


def normalise_drawing_type(text: str) -> str | None:
    """One of DRAWING_TYPES, or None when the word is not a drawing type we know."""
    word = _squash(text)
    if word in DRAWING_TYPES:
        return word
    return _DRAWING_TYPE_SYNONYMS.get(word)


URI_TYPES = ("image", "UMLDiagram")


def normalise_uri_type(text: str) -> str:
    """ "image" or "UMLDiagram"; anything else (or nothing) is an image link."""
    return "UMLDiagram" if _squash(text).replace(" ", "") == "umldiagram" else "image"


ACTOR_TYPES = {
    "person": "Person",
    "organisation": "Organisation",
    "role": "Role",
    "system": "System",
    "device": "Device",
    "application": "Application",
    "business": "Business",
    "other": "Other",
}
_ACTOR_TYPE_SYNONYMS = {
    "business actor": "business",
    "business role": "business",
    "organization": "organisation",
    "system actor": "system",
    "software": "application",
    "human": "person",
    "people": "person",
}


def normalise_actor_type(text: str) -> tuple[str, str]:
    """(our type code, the spelling to keep): the spelling is blank when it is our canonical one.

    A blank text gives a blank code (the file does not say); a word we do not know gives "other" and is kept."""
    word = _squash(text)
    if not word:
        return "", ""
    code = word if word in ACTOR_TYPES else _ACTOR_TYPE_SYNONYMS.get(word, "other")
    return code, ("" if text == ACTOR_TYPES[code] else text)


def actor_type_spelling(code: str) -> str:
    return ACTOR_TYPES.get(code, code)


RELATION_TYPES = ("include", "extend", "invoke", "associate", "refine")
_RELATION_SYNONYMS = {
    "includes": "include",
    "included": "include",
    "extends": "extend",
    "extended": "extend",
    "invokes": "invoke",
    "invoked": "invoke",
    "associated": "associate",
    "association": "associate",
    "is associated with": "associate",
    "refines": "refine",
    "refinement": "refine",
}


def normalise_relation_type(text: str) -> str:
    """One of RELATION_TYPES, blank when the file does not say, the text as found when it is another word."""
    word = _squash(text)
    if not word or word in RELATION_TYPES:
        return word
    return _RELATION_SYNONYMS.get(word, text)


def _names(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    return {_squash(name): code for code, name, _ in rows} | {_squash(code): code for code, _, _ in rows}


SGAM_LAYERS = _names(LAYERS)
SGAM_DOMAINS = _names(DOMAINS) | {
    "distributed energy resources": "der",
    "distributed electrical resources": "der",
    "customer": "customer_premises",
    "customer premise": "customer_premises",
    "customer premises": "customer_premises",
    "bulk generation": "generation",
    # German (OFFIS UCMR exports of German projects)
    "erzeugung": "generation",
    "übertragung": "transmission",
    "uebertragung": "transmission",
    "verteilung": "distribution",
    "dezentrale erzeugung": "der",
    "kundenanlage": "customer_premises",
    "kundenanlagen": "customer_premises",
    "kunde": "customer_premises",
}
SGAM_ZONES = _names(ZONES) | {
    "operations": "operation",
    "markets": "market",
    "prozess": "process",
    "feld": "field",
    "betrieb": "operation",
    "unternehmen": "enterprise",
    "markt": "market",
}
NIST_DOMAIN_CODES = _names(NIST_DOMAINS)
ALL_WORDS = {"all", "alle", "any", "alles", "*"}


def means_all(text: str) -> bool:
    """ "all", "alle", ...: the whole SGAM dimension."""
    return _squash(text) in ALL_WORDS


def sgam_code(text: str, *, vocabulary: dict[str, str]) -> str | None:
    """The code a word names in one SGAM dimension, or None when it is not a word of it."""
    return vocabulary.get(_squash(text))


_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y %H:%M", "%d-%m-%Y")


def parse_date(text: str) -> datetime | None:
    """A version date as written (xs:dateTime, a bare date, or day.month.year); None when it is not a date."""
    value = text.strip()
    if not value:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for date_format in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, date_format)
                break
            except ValueError:
                continue
    if parsed is None or parsed == UNDATED:
        return None
    return parsed


def format_date(value: datetime | None) -> str:
    """xs:dateTime: the zone offset only when the date has one."""
    return (value or UNDATED).isoformat()
