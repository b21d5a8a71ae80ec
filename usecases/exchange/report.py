"""What an import did (or, for a dry run, would do): per kind of object how many were created, updated, merged,
left unchanged, skipped or deleted, and the warnings a person should read. JSON-serialisable, so that a background
job can keep it as its result and the job page can show it."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("created", "updated", "merged", "unchanged", "skipped", "deleted")

# Kinds in the order a report lists them, with how a person calls them.
KIND_LABELS = {
    "workspace": "Workspaces",
    "use_case": "Use cases",
    "related_use_case": "Related use cases (stubs)",
    "actor": "Actors",
    "area": "Areas",
    "business_case": "Business cases",
    "information_object": "Information objects",
    "common_term": "Common terms",
    "requirement_category": "Requirement categories",
    "requirement": "Requirements",
    "version": "Versions",
    "objective": "Objectives",
    "kpi": "KPIs",
    "condition": "Conditions",
    "relation": "Relations to use cases",
    "remark": "Remarks",
    "drawing": "Drawings",
    "actor_grouping": "Actor groupings",
    "actor_role": "Actors of use cases",
    "reference": "References",
    "scenario": "Scenarios",
    "step": "Steps",
    "custom_information": "Custom information",
    "sgam_placement": "SGAM placements",
    "nist_placement": "NIST placements",
}
MAX_WARNINGS = 500
MAX_ITEMS_NAMED = 8


@dataclass
class ImportReport:
    """`counts[kind][outcome]`. Outcomes: created; updated (values changed); merged (landed on an existing object
    found by name or identifier rather than by mRID, or a related use case linked to an existing one); unchanged;
    skipped (existing use case left alone by the "skip" policy, or an object the user may not change); deleted
    (rows of an updated use case that the file no longer has)."""

    dry_run: bool = False
    policy: str = "update"
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    use_cases: list[dict[str, Any]] = field(default_factory=list)
    # How long the writes held the transaction (and so SQLite's write lock), in seconds.
    write_seconds: float = 0.0
    _notes: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown outcome {outcome!r}.")
        if number:
            outcomes = self.counts.setdefault(kind, {})
            outcomes[outcome] = outcomes.get(outcome, 0) + number

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def note(self, owner: str, message: str, item: str = "") -> None:
        """A warning that many objects share (a dropped reference on each of 300 steps): collected and written as
        one line per owner and message, naming the first few items."""
        self._notes[(owner, message)].append(item)

    def finish(self) -> None:
        """Turn the collected notes into warnings, and keep the list readable."""
        for (owner, message), items in self._notes.items():
            named = list(dict.fromkeys(item for item in items if item))
            text = f"{owner}: {message}" if owner else message
            if named:
                shown = ", ".join(named[:MAX_ITEMS_NAMED])
                more = f" and {len(named) - MAX_ITEMS_NAMED} more" if len(named) > MAX_ITEMS_NAMED else ""
                text += f" ({len(items)}): {shown}{more}."
            else:
                text += f" ({len(items)})." if len(items) > 1 else "."
            self.warnings.append(text)
        self._notes.clear()
        if len(self.warnings) > MAX_WARNINGS:
            left = len(self.warnings) - MAX_WARNINGS
            self.warnings = [*self.warnings[:MAX_WARNINGS], f"... and {left} more warnings."]

    def total(self, outcome: str) -> int:
        return sum(outcomes.get(outcome, 0) for outcomes in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(self.total(outcome) for outcome in ("created", "updated", "merged", "deleted"))

    def rows(self) -> list[dict[str, Any]]:
        """One row per kind, in KIND_LABELS order: what a page or a terminal shows."""
        kinds = [kind for kind in KIND_LABELS if kind in self.counts]
        kinds += sorted(kind for kind in self.counts if kind not in KIND_LABELS)
        return [
            {"kind": kind, "label": KIND_LABELS.get(kind, kind), **{o: self.counts[kind].get(o, 0) for o in OUTCOMES}}
            for kind in kinds
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "policy": self.policy,
            "counts": {kind: dict(outcomes) for kind, outcomes in self.counts.items()},
            "warnings": list(self.warnings),
            "use_cases": [dict(row) for row in self.use_cases],
            "write_seconds": round(self.write_seconds, 3),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        return cls(
            dry_run=bool(data.get("dry_run")),
            policy=data.get("policy", "update"),
            counts={kind: dict(outcomes) for kind, outcomes in (data.get("counts") or {}).items()},
            warnings=list(data.get("warnings") or []),
            use_cases=[dict(row) for row in data.get("use_cases") or []],
            write_seconds=float(data.get("write_seconds") or 0.0),
        )

    def summary(self) -> str:
        """One line: what a command prints last."""
        parts = [f"{self.total(outcome)} {outcome}" for outcome in OUTCOMES if self.total(outcome)]
        use_cases = self.counts.get("use_case", {})
        head = ", ".join(f"{number} {outcome}" for outcome, number in use_cases.items() if number) or "none"
        prefix = "Dry run, nothing was written. " if self.dry_run else ""
        return f"{prefix}Use cases: {head}. All objects: {', '.join(parts) or 'none'}. {len(self.warnings)} warning(s)."
