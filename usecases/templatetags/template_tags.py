"""The IEC 62559-2 template's headings and labels on pages, from its one description (usecases.template)."""

from django import template

from usecases.template import field_labels, heading, table

register = template.Library()


@register.simple_tag
def section_heading(number: str) -> str:
    """{% section_heading "1.3" %} -> "1.3 Scope and objectives of use case" (escaped as any tag output)."""
    return heading(number)


@register.simple_tag
def column_label(key: str, name: str) -> str:
    """{% column_label "versions" "date" %} -> "Date": the label the template gives the column `name` of table `key`."""
    return next(column.label for column in table(key).columns if column.name == name)


@register.simple_tag
def field_label(name: str) -> str:
    """{% field_label "scope" %} -> "Scope": the label the template gives the use case's field `name`."""
    return field_labels()[name]
