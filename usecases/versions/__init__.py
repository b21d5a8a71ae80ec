"""Frozen versions of a use case: the whole document as JSON (`document`), the immutable copies the workflow
makes at each submission, approval and publication (`snapshots`), and the readable difference between two of
them (`diff`)."""

from usecases.versions.diff import SectionDiff, Segment, TextChange, document_diff, text_change
from usecases.versions.document import FORMAT, HIDDEN_USE_CASE, document_redacted, usecase_document_json
from usecases.versions.snapshots import (
    CURRENT,
    usecase_snapshot_create,
    usecase_snapshot_get,
    usecase_snapshot_list,
    usecase_version_document,
    usecase_versions_compare,
)

__all__ = [
    "CURRENT",
    "FORMAT",
    "HIDDEN_USE_CASE",
    "SectionDiff",
    "Segment",
    "TextChange",
    "document_diff",
    "document_redacted",
    "text_change",
    "usecase_document_json",
    "usecase_snapshot_create",
    "usecase_snapshot_get",
    "usecase_snapshot_list",
    "usecase_version_document",
    "usecase_versions_compare",
]
