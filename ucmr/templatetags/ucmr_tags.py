"""Template filters shared by every page. None of them runs a query: they read what the view eager-loaded."""

import json
from urllib.parse import urlsplit

from django import forms, template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString

from ucmr.richtext import is_rich_text, rich_text_html, rich_text_plain

register = template.Library()

# Links a user typed or imported are only made clickable for these schemes (never javascript:, data:, ...).
SAFE_LINK_SCHEMES = {"http", "https", "ftp", "mailto"}

STATUS_CLASSES = {
    "draft": "text-bg-secondary",
    "in_review": "text-bg-warning",
    "approved": "text-bg-info",
    "published": "text-bg-success",
    "pending": "text-bg-secondary",
    "running": "text-bg-primary",
    "succeeded": "text-bg-success",
    "failed": "text-bg-danger",
}

# Where the audit trail's objects are shown: (app label, model) -> URL name taking the object's pk.
CHANGE_URL_NAMES = {
    ("usecases", "usecase"): "usecases:usecase_detail",
    ("usecases", "informationobject"): "usecases:information_object_detail",
    ("actors", "actor"): "actors:actor_detail",
    ("requirements", "requirement"): "requirements:requirement_detail",
    ("requirements", "requirementcategory"): "requirements:category_detail",
}


@register.filter
def bootstrap(bound_field: forms.BoundField) -> str:
    """The field's widget with Bootstrap's form class (and the invalid style when it has errors); a rich text field
    is marked for the formatting toolbar (static/js/richtext.js)."""
    css = "form-select" if isinstance(bound_field.field.widget, forms.Select) else "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    model = getattr(getattr(bound_field.form, "_meta", None), "model", None)
    if model is not None and is_rich_text(model, bound_field.name):
        attrs["data-rich-text"] = "true"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def rich_text(value: str) -> SafeString:
    """A rich text field (ucmr.richtext) as HTML: its sanitised fragment, or its plain text with line breaks."""
    return rich_text_html(value or "")


@register.filter
def rich_text_words(value: str) -> str:
    """A rich text field as plain words, for summaries (`|rich_text_words|truncatewords:30`)."""
    return rich_text_plain(value or "")


@register.filter
def safe_link(value: str) -> str:
    """The address when it is safe as a link target, else ""."""
    value = (value or "").strip()
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return ""
    return value if scheme in SAFE_LINK_SCHEMES else ""


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


def unique_in_order(items) -> list:
    unique = {item.pk: item for item in items if item is not None}
    return sorted(unique.values(), key=lambda item: item.order)


@register.filter
def sgam_cells(subject) -> list:
    """The SGAM placements (layer / domain / zone) of a use case, actor or information object."""
    return list(subject.sgam_placements.all())


@register.filter
def sgam_domains(subject) -> list:
    """The SGAM domains a use case, actor or information object is placed in (placements prefetched)."""
    return unique_in_order(placement.domain for placement in subject.sgam_placements.all())


@register.filter
def sgam_zones(subject) -> list:
    return unique_in_order(placement.zone for placement in subject.sgam_placements.all())


@register.filter
def nist_domains(subject) -> list:
    return unique_in_order(placement.nist_domain for placement in subject.nist_placements.all())


@register.filter
def change_url(entry) -> str:
    """Where a change log entry's object is shown: the use case for a change to one of its rows, "" for an object
    that is gone or has no page. Reads the `object_deleted` / `related_deleted` flags of `change_log_list()`."""
    targets = []
    if not getattr(entry, "related_deleted", False):
        targets.append((entry.related_content_type, entry.related_object_id))
    if entry.action != entry.Action.DELETE and not getattr(entry, "object_deleted", False):
        targets.append((entry.content_type, entry.object_id))
    for content_type, object_id in targets:
        if content_type is None or not object_id:
            continue
        if (content_type.app_label, content_type.model) == ("usecases", "commonterm"):
            return reverse("usecases:term_list") + f"#term-{object_id}"
        url_name = CHANGE_URL_NAMES.get((content_type.app_label, content_type.model))
        if url_name is None:
            continue
        try:
            return reverse(url_name, kwargs={"pk": object_id})
        except NoReverseMatch:
            continue
    return ""
