"""Use cases over the API (`use_cases.py`, with its exports in `exports.py` and its workflow, versions and history in
`lifecycle.py`; the files it answers with in `files.py`), and XML, Excel and Word imports as background jobs
(`imports.py`). Routes: `usecases.api.routes`."""

from usecases.api.viewsets.imports import ImportViewSet
from usecases.api.viewsets.use_cases import UseCaseViewSet

__all__ = ["ImportViewSet", "UseCaseViewSet"]
