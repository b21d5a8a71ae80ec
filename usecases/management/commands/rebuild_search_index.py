"""Rebuild the full-text index of use cases (usecases.search): after changing UCMR_SEARCH_LANGUAGE, or to be sure."""

from django.core.management.base import BaseCommand

from usecases.search import search_index_rebuild


class Command(BaseCommand):
    help = "Write the full-text search index of every use case again (after changing UCMR_SEARCH_LANGUAGE)."

    def handle(self, *args, **options):
        count = search_index_rebuild()
        self.stdout.write(f"Indexed {count} use cases.")
