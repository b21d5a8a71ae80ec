"""The IEC 62559-2 template's headings, labels and tables on pages, from its one description (usecases.template).

The pages' tables (templates/usecases/includes/template_*.html) loop over a table's columns: a header cell per
column, and per row a cell per column, the column's value escaped or its own cell template
(templates/usecases/cells/) where it shows links or markup."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from usecases.template import Column, Table, field_labels, heading, table

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


@register.simple_tag
def template_table(key: str) -> Table:
    """{% template_table "kpis" as table %}: the template's table `key`, as described now."""
    return table(key)


@register.simple_tag
def row_anchor(described: Table, row: Any) -> str:
    """The id of a row's `<tr>` on the pages: "kpi-12", what links, comments and the editors find the row by."""
    item = described.item(row)
    return f"{described.anchor or item._meta.model_name}-{item.pk}"


@register.simple_tag
def group_span(described: Table) -> int:
    """How many of the table's columns the last cell of a group's head spans, so the head is as wide as the rows."""
    return max(1, len(described.page_columns) - len(described.group_columns) + 1)


@register.filter
def value_of(column: Column, row: Any) -> str:
    """{{ column|value_of:row }}: the column's value of `row` as text."""
    value = column.value(row)
    return "" if value is None else str(value)


@register.simple_tag(takes_context=True)
def row_cells(context, described: Table, row: Any) -> SafeString:
    """The `<td>`s of `row`, a cell per column of the table on the pages, in order (one tag for the row: a step table
    has hundreds of rows)."""
    return mark_safe("".join(table_cell(context, column, row) for column in described.page_columns))  # noqa: S308 - each cell is escaped or rendered by a template


@register.simple_tag(takes_context=True)
def table_cell(context, column: Column, row: Any, colspan: int = 0) -> str:
    """The `<td>` of `row` in `column`: its value, escaped, or the column's cell template given `row` (and `colspan`,
    the columns the cell spans, in a group's head)."""
    if not column.cell:
        span = format_html(' colspan="{}"', colspan) if colspan > 1 else ""
        return format_html("<td{}>{}</td>", span, value_of(column, row))
    cells = context.render_context.dicts[0].setdefault("template_cells", {})
    if column.cell not in cells:
        cells[column.cell] = context.template.engine.get_template(f"usecases/cells/{column.cell}.html")
    with context.push(row=row, column=column, colspan=colspan if colspan > 1 else 0):
        return cells[column.cell].render(context)
