"""The GOV.UK form patterns every form shares: length limits, the date input and error summary links."""

import datetime as dt

from django import forms
from django.utils import timezone

from tide.core.forms import LINE_LIMIT, TEXT_LIMIT, YEAR, GovukForm, date_field


class NoteForm(GovukForm):
    note = forms.CharField(label="Note", widget=forms.Textarea)
    name = forms.CharField(label="Name")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    held_on = date_field(
        "Date of the meeting", earliest=-5 * YEAR, latest=2 * YEAR, latest_text="no more than 2 years ahead"
    )


def _data(**overrides):
    today = timezone.localdate()
    data = {"note": "Seen.", "name": "Sam", "kind": "a", "held_on_day": str(today.day)}
    data |= {"held_on_month": str(today.month), "held_on_year": str(today.year)}
    return data | overrides


def test_a_free_text_field_with_no_limit_gets_one_and_refuses_a_longer_value_clearly():
    form = NoteForm(_data(note="x" * 200_000))
    assert not form.is_valid()
    assert form.errors["note"] == [f"Note must be {TEXT_LIMIT:,} characters or fewer"]
    assert NoteForm(_data(note="x" * TEXT_LIMIT)).is_valid()
    assert not NoteForm(_data(name="y" * (LINE_LIMIT + 1))).is_valid()


def test_a_text_box_renders_the_govuk_character_count():
    html = str(NoteForm()["note"].as_field_group())
    assert 'data-module="govuk-character-count"' in html
    assert f'data-maxlength="{TEXT_LIMIT}"' in html
    assert "govuk-js-character-count" in html
    assert 'id="id_note-info"' in html
    assert "maxlength=" not in html.replace("data-maxlength", "")  # the server refuses; the count tells


def test_the_date_input_has_day_month_and_year_boxes_and_reads_them():
    form = NoteForm(_data())
    html = str(form["held_on"].as_field_group())
    for part in ("day", "month", "year"):
        assert f'name="held_on_{part}"' in html
        assert f'id="id_held_on_{part}"' in html
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == timezone.localdate()


def test_a_single_date_value_is_still_read_for_old_links_and_agency_systems():
    form = NoteForm({k: v for k, v in _data().items() if not k.startswith("held_on")} | {"held_on": "27/03/2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == dt.date(2026, 3, 27)


def test_dates_far_in_the_past_or_future_are_refused_with_the_reason():
    far = NoteForm(_data(held_on_day="31", held_on_month="12", held_on_year="2999"))
    assert not far.is_valid()
    assert far.errors["held_on"][0].startswith("Date of the meeting must be on or before ")
    assert far.errors["held_on"][0].endswith("(no more than 2 years ahead)")
    old = NoteForm(_data(held_on_day="1", held_on_month="1", held_on_year="1900"))
    assert not old.is_valid()
    assert "must be on or after" in old.errors["held_on"][0]


def test_an_incomplete_or_unreal_date_says_what_is_wrong():
    assert NoteForm(_data(held_on_month="")).errors["held_on"] == ["Date of the meeting must include a month"]
    assert NoteForm(_data(held_on_day="31", held_on_month="2")).errors["held_on"] == [
        "Date of the meeting must be a real date"
    ]
    assert "4-digit year" in NoteForm(_data(held_on_year="26")).errors["held_on"][0]
    assert NoteForm(_data(held_on_day="", held_on_month="", held_on_year="")).errors["held_on"] == [
        "Enter the date of the meeting"
    ]


def test_a_date_in_error_marks_its_boxes():
    html = str(NoteForm(_data(held_on_year="2999"))["held_on"].as_field_group())
    assert html.count("govuk-input--error") == 3
    assert "govuk-form-group--error" in html


def test_the_error_summary_links_to_the_first_input_of_radio_groups_and_date_inputs():
    form = NoteForm(_data(kind="", held_on_year="2999", name=""))
    links = {item["href"] for item in form.error_summary()}
    assert links == {"#id_kind_0", "#id_held_on_day", "#id_name"}
    html = str(form["kind"].as_field_group())
    assert 'id="id_kind_0"' in html
