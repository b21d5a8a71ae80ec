"""Editing a use case's tables in place on its page (issue 7, browser authoring): a registry of the editable tables
(`tables`), their row forms (`forms`) and the htmx endpoints that list, add, change, delete and move rows (`views`).
Every write goes through the row services of `usecases.services`, compared with the row as the editor loaded it
(`conflicts`)."""
