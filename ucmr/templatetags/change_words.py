"""The audit trail in words (ucmr.change_text), for the history, the change log and the home page. No query."""

from django import template

from ucmr.change_text import ChangeText, change_text

register = template.Library()


@register.filter
def change_words(entry) -> ChangeText:
    """`{% with text=entry|change_words %}`: the entry's sentence, its changed values, a quote, a compare link."""
    return change_text(entry)
