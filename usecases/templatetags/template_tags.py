"""The IEC 62559-2 template's headings on pages, from its one description (usecases.template)."""

from django import template

from usecases.template import heading

register = template.Library()


@register.simple_tag
def section_heading(number: str) -> str:
    """{% section_heading "1.3" %} -> "1.3 Scope and objectives of use case" (escaped as any tag output)."""
    return heading(number)
