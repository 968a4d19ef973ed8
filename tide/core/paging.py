"""One way to page a long list (ADR 0035): Django's Paginator and the GOV.UK pagination include."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``items`` the request asks for (``?page=``); a bad or too-high number gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
