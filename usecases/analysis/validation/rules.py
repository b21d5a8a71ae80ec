"""The consistency rules of a use case, registered by the modules that define them (`document_rules`,
`step_rules`); see `base` for what a rule is. This module is the entry: every rule, and running them."""

from usecases.analysis.validation import document_rules, step_rules  # noqa: F401 - importing them registers their rules
from usecases.analysis.validation.base import (
    ERROR,
    INFO,
    RULES,
    WARNING,
    Context,
    Finding,
    Rule,
    counts_of,
    findings_of,
)

RULES.sort(key=lambda item: item.id)
RULES_BY_ID: dict[str, Rule] = {item.id: item for item in RULES}

__all__ = [
    "ERROR",
    "INFO",
    "RULES",
    "RULES_BY_ID",
    "WARNING",
    "Context",
    "Finding",
    "Rule",
    "counts_of",
    "findings_of",
]
