"""The file's values made to fit the model's columns, each repair reported: text stripped (as the services strip
it), rich text cleaned, unknown choices and blanks filled, overlong text shortened (the export writes what was
found, kept in `as_found`), version dates made aware."""

from datetime import UTC, datetime
from typing import Any

from django.db import models

from ucmr.richtext import is_rich_text, rich_text_clean
from usecases.exchange.records import text_fields
from usecases.exchange.report import ImportReport


class Cleaner:
    """Coerces values for the planners, noting each kind of repair in the report."""

    def __init__(self, *, report: ImportReport) -> None:
        self.report = report

    def coerce(
        self, model: type[models.Model], values: dict[str, Any], *, owner: str, what: str, fills: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Values that fit the model's text columns, and `as_found` pairs [stored, found] for those that did not
        (the export writes what was found). CharFields are stripped, as the services strip them."""
        specs = text_fields(model)
        as_found: dict[str, list[str]] = {}
        for name, found in values.items():
            spec = specs.get(name)
            if spec is None:
                continue
            max_length, blank, choices, is_char = spec
            clean = (found or "").strip() if is_char else (found or "")
            stored = rich_text_clean(clean) if is_rich_text(model, name) else clean
            if choices is not None and stored and stored not in choices:
                stored = fills.get(name, "")
                self.report.note(owner, f"unknown {name.replace('_', ' ')} values were replaced", f"{what}: {clean}")
            if not stored and not blank and fills.get(name):
                stored = fills[name]
                if choices is None:
                    self.report.note(owner, f"blank {name.replace('_', ' ')}s were filled in", what)
            if max_length and len(stored) > max_length:
                stored = stored[:max_length]
                self.report.note(
                    owner,
                    "values too long for their field were shortened (the export writes them whole)",
                    f"{what}: {name}",
                )
            values[name] = stored
            if stored != clean:
                as_found[name] = [stored, clean]
        return values, as_found

    def aware(self, value: datetime | None, *, owner: str) -> tuple[datetime | None, str]:
        """A version date as stored (aware; naive dates are read as UTC), and its text as the file had it when
        the stored value would be written differently."""
        if value is None:
            return None, ""
        if value.tzinfo is None or value.utcoffset() is None:
            self.report.note(owner, "dates without a time zone were read as UTC")
            return value.replace(tzinfo=UTC), value.isoformat()
        stored = value.astimezone(UTC)
        return stored, ("" if stored.isoformat() == value.isoformat() else value.isoformat())
