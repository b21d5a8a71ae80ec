"""The use case list's rows and facet values, each written in one pass: the list shows 25 rows and up to 60 values
of each of seven facets, and the template engine's per-variable work (a lookup, a filter, an escape, an include per
value) cost more than the rest of the page. The HTML is what the template wrote, character for character."""

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from ucmr.templatetags.ucmr_tags import status_class, unique_in_order

register = template.Library()

EMPTY_ROW = '\n        <tr><td colspan="9" class="text-body-secondary">No use case matches.</td></tr>\n      '


def _time(value, title_format: str) -> str:
    """The "Last changed" cell's time element, in the current time zone as the `date` filter shows it, its title in
    `title_format` (the locale's DATETIME_FORMAT, looked up once for all the rows)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    # As the `date` filter formats "c" and "Y-m-d"; the title in the locale's format.
    return (
        f'<time datetime="{value.isoformat()}" title="{escape(dateformat.format(value, title_format))}">'
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}</time>"
    )


def _row(use_case, title_format: str) -> str:
    url = escape(use_case.detail_url)
    match = use_case.search_match
    placements = use_case.sgam_placements.all()
    domains = "".join(
        f'<span class="badge text-bg-light border" title="SGAM domain">{escape(domain)}</span> '
        for domain in unique_in_order(placement.domain for placement in placements)
    )
    zones = "".join(
        f'<span class="badge border text-body-secondary fw-normal" title="SGAM zone">{escape(zone)}</span> '
        for zone in unique_in_order(placement.zone for placement in placements)
    )
    has_match = ' class="has-match"' if match else ""
    row = (
        f'\n        <tr id="usecase-{use_case.pk}"{has_match}>\n'
        f'          <td class="text-nowrap"><a href="{url}">{escape(use_case.identifier or "(no ID)")}</a></td>\n'
        f'          <td class="usecase-name"><a href="{url}">{escape(use_case.name)}</a></td>\n'
        f"          <td>{escape(use_case.workspace.name)}</td>\n"
        f'          <td><span class="badge {escape(status_class(use_case.status))}">'
        f"{escape(use_case.get_status_display())}</span></td>\n"
        f"          <td>{escape(use_case.nature)}</td>\n"
        f'          <td class="sgam-cells"><div>{domains}</div>\n'
        f"            <div>{zones}</div></td>\n"
        f'          <td class="text-end">{use_case.scenario_count}</td>\n'
        f'          <td class="text-end">{use_case.actor_count}</td>\n'
        f'          <td class="text-nowrap small">{_time(use_case.modified, title_format)}</td>\n'
        f"        </tr>\n        "
    )
    if match:
        # What the text search found, under the row, as wide as the table.
        row += (
            '\n          <tr class="search-match-row"><td></td><td colspan="8"><div class="small text-body-secondary '
            f'search-match"><span class="fw-semibold">{conditional_escape(match.section)}:</span> '
            f"{conditional_escape(match.snippet)}</div></td></tr>\n        "
        )
    return row + "\n      "


@register.simple_tag
def usecase_rows(use_cases) -> SafeString:
    """The rows of the list's table: each use case (its links from `detail_url`, its search match from `search_match`,
    both set by the view), or a row saying that none matches."""
    title_format = get_format("DATETIME_FORMAT")
    return mark_safe("".join(_row(use_case, title_format) for use_case in use_cases) or EMPTY_ROW)  # noqa: S308 - every value escaped


def _facet_value(facet, value) -> str:
    selected = value.selected
    count = value.count
    return (
        "<li>\n"
        f'  <a class="facet-value d-flex justify-content-between align-items-start gap-2 text-decoration-none'
        f'{" fw-semibold" if selected else ""}" href="?{escape(value.toggle_query)}" '
        f'data-selected="{"true" if selected else "false"}">\n'
        f'    <span><span aria-hidden="true">{"☑" if selected else "☐"}</span>\n'
        f'      <span class="visually-hidden">{"Remove filter" if selected else "Filter by"} '
        f"{escape(facet.label)}:</span>\n"
        f"      {escape(value.label)}</span>\n"
        f'    <span class="badge rounded-pill text-bg-light border">{count}<span class="visually-hidden"> use case'
        f"{'' if count == 1 else 's'}</span></span>\n"
        "  </a>\n"
        "</li>"
    )


@register.simple_tag
def facet_values(facet, values) -> SafeString:
    """The values of a facet of the list, each a link that adds it to the filters (removes it when chosen)."""
    return mark_safe("\n" + "".join(_facet_value(facet, value) for value in values) + "\n")  # noqa: S308 - every value escaped
