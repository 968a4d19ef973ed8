"""The quarter selector reads the quarter whose figures are shown."""

import re

from django.http import QueryDict

from tide.outcomes.forms import default_quarter, report_filter_form


def _selected(form) -> list[str]:
    return re.findall(r'<option value="(\d+)" selected>', str(form["quarter"]))


def test_before_anyone_chooses_the_selector_reads_the_quarter_shown():
    assert _selected(report_filter_form(None, options={}, follow_up=8)) == [str(default_quarter(8))] == ["4"]
    assert _selected(report_filter_form(None, options={}, follow_up=2)) == ["2"]


def test_filtering_without_choosing_a_quarter_keeps_the_selector_on_the_quarter_shown():
    form = report_filter_form(QueryDict("sex="), options={"sex": ["Female", "Male"]}, follow_up=8)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["quarter"] == 4
    assert _selected(form) == ["4"]


def test_a_chosen_quarter_is_kept():
    form = report_filter_form(QueryDict("quarter=2"), options={}, follow_up=8)
    assert form.is_valid()
    assert _selected(form) == ["2"]
