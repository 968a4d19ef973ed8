"""Checks over every template: the shared GOV.UK patterns are used everywhere, not page by page."""

import re
from pathlib import Path

TIDE = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in TIDE.rglob("templates/**/*.html"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_check_sees_the_templates():
    assert len(TEMPLATES) > 100
    assert sum("<table" in _text(p) for p in TEMPLATES) > 30


def test_every_table_sits_in_the_shared_scrolling_wrapper_that_a_keyboard_can_reach():
    bare = []
    for path in TEMPLATES:
        text = _text(path)
        for match in re.finditer(r"<table\b", text):
            before = text[: match.start()]
            opened = before.rfind('class="tide-table-scroll"')
            if opened < 0 or "</div>" in before[opened:] or "<table" in before[opened:]:
                bare.append(f"{path.relative_to(TIDE)}:{before.count(chr(10)) + 1}")
    assert bare == [], "tables outside .tide-table-scroll (they run off a phone screen): " + ", ".join(bare)
    wrappers = [m for p in TEMPLATES for m in re.findall(r'<div class="tide-table-scroll"[^>]*>', _text(p))]
    unreachable = [w for w in wrappers if 'tabindex="0"' not in w or 'role="region"' not in w or "aria-label" not in w]
    assert unreachable == [], unreachable


def test_dates_are_written_the_govuk_way_by_default(settings):
    import datetime as dt

    from django.template import Context, Template

    out = Template("{{ d }}|{{ d|date }}").render(Context({"d": dt.date(2027, 1, 8)}))
    assert out == "8 January 2027|8 January 2027"


def test_no_template_writes_a_date_in_a_format_of_its_own():
    """Dates are written one way (DATE_FORMAT, "8 January 2027"): ``|date`` with no format, or a short
    form without the year (``|date:"j M"``); ``Y-m-d`` only for a value in a link."""
    odd = []
    for path in TEMPLATES:
        for fmt in re.findall(r'\|date:"([^"]*)"|\|date:\'([^\']*)\'', _text(path)):
            fmt = "".join(fmt)
            if fmt not in {"j M", "D j M", "F Y", "H:i", "l j F Y", "DATETIME_FORMAT", "Y-m-d"}:
                odd.append(f"{path.relative_to(TIDE)}: {fmt}")
    assert odd == [], odd
