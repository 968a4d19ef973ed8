"""The publication scanner: every identifier Tide holds is found however it is written; plain text passes."""

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tide.accountability.redaction import (
    IdentifierIndex,
    dates_in,
    describe,
    find_identifiers,
    normalise,
    redact_identifiers,
)

INDEX = IdentifierIndex(
    identifiers=[
        ("record", "MH0461324"),
        ("nhs", "9434765919"),
        ("pnc", "2004/0123456A"),
        ("prison", "A1234BC"),
        ("postcode", "TX1 4AB"),
        ("address", "12 Harbour Street"),
        ("email", "tina.okonkwo@example.org"),
        ("record", "REF1"),  # too short to look for
        ("local", "2024"),  # digits alone, too short
    ],
    births=[("Christina Okonkwo", dt.date(1984, 6, 12)), ("Okonkwo Christina", dt.date(1984, 6, 12))],
)


def found(text):
    return [m.text for m in find_identifiers(text, INDEX)]


def test_the_demo_record_reference_is_found_in_any_spacing_case_or_punctuation():
    for written in ["MH0461324", "mh 046 1324", "MH-0461324", "Mh.046.13.24", "ＭＨ０４６１３２４"]:
        assert found(f"Tidemouth Mental Health Trust record {written} linked.") == [written], written


def test_each_kind_is_found_and_described():
    text = (
        "NHS 943 476 5919, PNC 04/0123456a? no: 2004/0123456A, prison a1234 bc, lives at 12 harbour street "
        "TX14AB, writes to Tina.Okonkwo@Example.org"
    )
    matches = find_identifiers(text, INDEX)
    assert [m.kind for m in matches] == ["nhs", "pnc", "prison", "address", "postcode", "email"]
    assert "“943 476 5919” (an NHS number)" in describe(matches)


def test_a_name_with_its_date_of_birth_is_found_but_neither_alone():
    assert found("Christina Okonkwo, born 12 June 1984, was housed.") == ["Christina Okonkwo", "12 June 1984"]
    assert found("okonkwo christina (12/06/84)") == ["okonkwo christina", "12/06/84"]
    assert found("Christina Okonkwo was housed in June 1984.") == []
    assert found("Someone born 12 June 1984 was housed.") == []


def test_short_codes_and_plain_dates_are_not_identifiers():
    assert found("REF1 was opened in 2024 on 12 June 1984 with 5 people.") == []


def test_redaction_replaces_every_identifier():
    assert (
        redact_identifiers("Record MH 046 1324 and NHS 9434765919.", INDEX) == "Record [redacted] and NHS [redacted]."
    )


def test_dates_are_read_in_the_ways_people_write_them():
    day = dt.date(1984, 6, 12)
    for written in ["1984-06-12", "12/06/1984", "12.6.1984", "12 Jun 1984", "12th of June, 1984", "June 12, 1984"]:
        assert day in {d for d, _, _ in dates_in(written)}, written


# --- Properties -------------------------------------------------------------------------------------

CODES = {
    "nhs": st.from_regex(r"[0-9]{10}", fullmatch=True),
    "pnc": st.from_regex(r"(19|20)[0-9]{2}/[0-9]{7}[A-Z]", fullmatch=True),
    "prison": st.from_regex(r"[A-Z][0-9]{4}[A-Z]{2}", fullmatch=True),
    "record": st.from_regex(r"(PP|X|BK|RTX|AMB|MH|DAT|OR|HO|DA)[0-9]{6,8}", fullmatch=True),
    "event": st.from_regex(r"(CU|PB|PR|AE|IN|MC|DC|OC|HC|DS)-?[0-9]{5,9}", fullmatch=True),
    "postcode": st.from_regex(r"[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}", fullmatch=True),
}
WORDS = st.lists(st.sampled_from(["the", "record", "was", "seen", "in", "March", "by", "services", "("]), max_size=6)
SEPARATORS = st.sampled_from(["", " ", "-", ".", "/", "  ", " - "])


@st.composite
def written(draw, value):
    """The identifier as a person might write it: any case, split anywhere by spacing or punctuation."""
    compact = normalise(value)
    pieces, at = [], 0
    while at < len(compact):
        step = draw(st.integers(1, max(1, len(compact) // 3 + 1)))
        pieces.append(compact[at : at + step])
        at += step
    pieces = [*pieces[:5], "".join(pieces[5:])] if len(pieces) > 6 else pieces
    pieces = [p for p in pieces if p]
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(SEPARATORS) + piece
    return "".join(ch.lower() if draw(st.booleans()) else ch for ch in text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), kind=st.sampled_from(sorted(CODES)))
def test_every_generated_identifier_is_caught_however_written(data, kind):
    value = data.draw(CODES[kind])
    index = IdentifierIndex(identifiers=[(kind, value)])
    shown = data.draw(written(value))
    before, after = " ".join(data.draw(WORDS)), " ".join(data.draw(WORDS))
    text = f"{before} {shown}, {after}."
    matches = find_identifiers(text, index)
    assert [normalise(m.text) for m in matches] == [normalise(value)], text
    assert [m.kind for m in matches] == [kind]
    assert normalise(value) not in normalise(redact_identifiers(text, index))


NAMES = st.from_regex(r"[A-Z][a-z]{2,9} [A-Z][a-z]{2,11}", fullmatch=True)
FORMS = ["{d.day} {d:%B %Y}", "{d:%d/%m/%Y}", "{d:%Y-%m-%d}", "{d:%b} {d.day}, {d.year}", "{d:%d.%m.%Y}"]


@settings(max_examples=200, deadline=None)
@given(
    name=NAMES,
    born=st.dates(dt.date(1930, 1, 1), dt.date(2008, 12, 31)),
    form=st.sampled_from(FORMS),
    upper=st.booleans(),
)
def test_every_generated_name_with_its_date_of_birth_is_caught(name, born, form, upper):
    index = IdentifierIndex(births=[(name, born)])
    shown = name.upper() if upper else name
    text = f"Support for {shown} (born {form.format(d=born)}) began in spring."
    assert [m.kind for m in find_identifiers(text, index)] == ["birth", "birth"], text


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.one_of(
            st.sampled_from(["the", "person", "was", "housed", "in", "and", "support", "2024", "NDT", "A&E", "12"]),
            st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)).map(lambda d: f"{d:%d %B %Y}"),
            st.integers(0, 99999).map(str),
        ),
        max_size=30,
    ),
    codes=st.lists(CODES["record"], min_size=1, max_size=20),
)
def test_ordinary_text_with_dates_and_small_numbers_is_not_refused(words, codes):
    index = IdentifierIndex(identifiers=[("record", c) for c in codes], births=[("Sam Ash", dt.date(1990, 5, 1))])
    text = " ".join(words)
    assume(not any(normalise(c) in normalise(text) for c in codes))
    assert find_identifiers(text, index) == []
