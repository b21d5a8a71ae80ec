"""The comment badge beside a section heading or a row of the use case page (usecases.comments.CommentSummary).

Renders from what the view loaded: no query. Without a summary (the print page) it renders nothing.
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def comment_badge(comments, *, section: str | None = None, row=None, label: str = ""):
    """A count of the comments on `section` (e.g. "4.2") or `row` (a step, actor role or information object) linking
    to the first of their threads, and for who may comment a link that starts one there."""
    if not comments:
        return ""
    if row is not None:
        key, target, what = str(row.mrid), f"row:{row.mrid}", label or str(row)
    else:
        key, target, what = section or "", f"section:{section}" if section else "", label or f"section {section}"
    parts = []
    found = comments.counts.get(key)
    if found and found.count:
        state = "open" if found.open else "resolved"
        parts.append(
            format_html(
                '<a class="badge rounded-pill ms-1 comment-badge comment-badge-{} {}" href="#thread-{}" '
                'title="{} comment{} ({}) on {}" data-comment-count="{}">{}</a>',
                state,
                "text-bg-warning" if found.open else "text-bg-light border",
                found.thread_id,
                found.count,
                "" if found.count == 1 else "s",
                state,
                what,
                found.count,
                found.count,
            )
        )
    if comments.may_comment:
        parts.append(
            format_html(
                '<a class="badge rounded-pill ms-1 text-bg-light border text-decoration-none comment-add" '
                'href="?comment_on={}#comment-form" title="Comment on {}" '
                'aria-label="Comment on {}">+</a>',
                target,
                what,
                what,
            )
        )
    if not parts:
        return ""
    return format_html(
        '<span class="comment-marks d-print-none">{}</span>', format_html_join("", "{}", ((p,) for p in parts))
    )
