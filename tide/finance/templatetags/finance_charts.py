"""The finance charts in templates: ``{% agency_change_chart tables %}`` (SVG, no JavaScript)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from tide.finance import charts

register = template.Library()


@register.simple_tag
def agency_change_chart(tables: Any) -> SafeString:
    # The chart escapes every label itself (html.escape) before building the markup.
    return mark_safe(charts.agency_change_chart(tables))  # noqa: S308
