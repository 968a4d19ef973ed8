from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    return field.field.widget.__class__.__name__.lower().replace("input", "") or "text"


@register.filter
def with_described_by(field: BoundField) -> Any:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    if widget_type(field) == "textarea":
        ids.append(f"{field.auto_id}-info")
    attrs: dict[str, str] = {"aria-describedby": " ".join(ids)} if ids else {}
    if widget_type(field) == "textarea":
        attrs["class"] = field.field.widget.attrs.get("class", "") + " govuk-js-character-count"
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def querystring_with(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for paging and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def page_links(page: Any) -> list[int | str]:
    """Page numbers around the current one, with an ellipsis for the gaps (the GOV.UK pagination pattern)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
