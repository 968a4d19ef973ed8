"""Money for display: computed unrounded, rounded only here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


def _fmt(value: Any, places: int) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.{places}f}"


@register.filter
def gbp(value: Any) -> str:
    """Whole pounds, with a true minus sign: −£1,234."""
    return _fmt(value, 0)


@register.filter
def gbp2(value: Any) -> str:
    return _fmt(value, 2)


@register.filter
def signed_gbp(value: Any) -> str:
    text = _fmt(value, 0)
    return text if text.startswith(("−", "–")) or Decimal(str(value)) == 0 else f"+{text}"


@register.filter
def signed_int(value: int) -> str:
    return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")


@register.filter
def absolute(value: Any) -> Any:
    return abs(value)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def percent(value: Any) -> str:
    """0.035 -> "3.5%" (a fraction shown as a percentage, trailing zeros dropped)."""
    number = Decimal(str(value)) * 100
    return f"{number.normalize():f}%"
