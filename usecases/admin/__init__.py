"""Admin for use cases, their tables (as inlines and on their own), workspaces and the section 1.3, 5 and 7
libraries: the use case's tables (rows.py), use cases and their rows (use_cases.py), the libraries, workspaces and
records (libraries.py).

Every write goes through `usecases.services`: it is audited, and a change to a use case or any of its rows bumps
the use case's revision.
"""

from usecases.admin import libraries, use_cases  # noqa: F401  (registers the admins)
