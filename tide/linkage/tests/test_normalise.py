from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tide.linkage import engine
from tide.linkage.normalise import (
    canonical_first_name,
    clean_dob,
    clean_postcode,
    linkage_frame,
    linkage_row,
    swapped,
)

TODAY = dt.date(2026, 11, 23)


def test_placeholder_and_future_dates_of_birth_become_blank():
    assert clean_dob("1900-01-01", today=TODAY) is None
    assert clean_dob("2030-01-01", today=TODAY) is None
    assert clean_dob("1984-06-12", today=TODAY) == dt.date(1984, 6, 12)


def test_dates_shared_by_implausibly_many_records_are_treated_as_placeholders():
    dobs = pd.Series(["2005-08-24"] * 60 + [f"1980-01-{d:02d}" for d in range(1, 29)] * 2)
    assert engine.placeholder_dobs(dobs) == {"2005-08-24"}


def test_nicknames_share_the_formal_name():
    assert canonical_first_name("bill") == canonical_first_name("william") == "william"
    assert canonical_first_name("danny") == "daniel"


def test_day_and_month_transposed_is_offered_only_when_it_is_a_real_date():
    assert swapped(dt.date(1979, 11, 3)) == "1979-03-11"
    assert swapped(dt.date(1979, 3, 25)) is None


def test_postcodes_are_normalised():
    assert clean_postcode("tx12ab") == "TX1 2AB"
    assert clean_postcode("") is None


def test_outreach_records_without_a_date_get_a_birth_year_from_the_estimated_age():
    row = linkage_row(1, {"given_name": "Mick", "estimated_age": 40}, today=TODAY)
    assert (row["birth_year"], row["dob"], row["surname"]) == (1986, None, None)


def test_an_estimated_age_counts_from_the_day_it_was_given():
    fields = {"given_name": "Mick", "estimated_age": 40, "first_seen_on": dt.date(2023, 3, 1)}
    assert linkage_row(1, fields, today=TODAY)["birth_year"] == 1983
    assert linkage_row(1, fields | {"first_seen_on": "2021-05-09"}, today=TODAY)["birth_year"] == 1981


def test_initials_come_from_the_names_or_else_as_the_record_states_them():
    assert linkage_row(1, {"given_name": "Ian", "family_name": "Kerr"}, today=TODAY)["initials"] == "ik"
    assert linkage_row(1, {"initials": "I.K."}, today=TODAY)["initials"] == "ik"
    assert linkage_row(1, {"given_name": "Ian", "initials": "JK"}, today=TODAY)["initials"] == "ik"
    assert linkage_row(1, {"given_name": "Kev"}, today=TODAY)["initials"] is None  # one letter is not enough


@given(
    st.dictionaries(
        st.sampled_from(["given_name", "family_name", "date_of_birth", "postcode", "nhs_number", "birth_year"]),
        st.text(max_size=12),
    )
)
def test_any_identity_text_normalises_without_error(fields):
    fields.pop("birth_year", None)
    row = linkage_row(7, fields, today=TODAY)
    assert row["unique_id"] == 7


@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "given_name": st.sampled_from(["Danny", "Daniel", "sam", "KATE", "", "  ", "Jean-Luc"]),
                "family_name": st.sampled_from(["O'Brien", "smith", "", "van der Berg"]),
                "initials": st.sampled_from(["IK", "i.k.", "J", "", None]),
                "date_of_birth": st.sampled_from(["1984-06-12", "1900-01-01", "2030-01-01", "", "12/06/1984"]),
                "birth_year": st.sampled_from([1971, None]),
                "estimated_age": st.sampled_from([40, None]),
                "first_seen_on": st.sampled_from([dt.date(2023, 3, 1), pd.Timestamp("2021-05-09"), None, "x"]),
                "postcode": st.sampled_from(["tx12ab", "TX1 2AB", "", "X"]),
                "nhs_number": st.sampled_from(["943 476 5919", None]),
            },
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_vectorised_frame_equals_one_row_at_a_time(records):
    rows = pd.DataFrame([linkage_row(i + 1, r, today=TODAY) for i, r in enumerate(records)])
    frame = linkage_frame(range(1, len(records) + 1), pd.DataFrame(records), today=TODAY)
    pd.testing.assert_frame_equal(engine.typed(frame), engine.typed(rows))
