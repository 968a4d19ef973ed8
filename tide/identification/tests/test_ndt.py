"""NDT scoring and validation, without a database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tide.identification import ndt
from tide.identification.ndt import NdtError

FULL = dict.fromkeys(ndt.CODES, 2) | {"risk_to_others": 4, "risk_from_others": 6}


def test_total_adds_all_ten_with_risk_items_double_weighted():
    assert ndt.total(FULL) == 8 * 2 + 4 + 6
    assert ndt.total({code: ndt.BY_CODE[code].maximum for code in ndt.CODES}) == 48
    assert ndt.total(dict.fromkeys(ndt.CODES, 0)) == 0


def test_a_partial_assessment_has_no_total():
    partial = dict(FULL) | {"housing": None}
    assert ndt.total(partial) is None
    assert ndt.rated_count(partial) == 9
    assert ndt.total({}) is None


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("engagement", 5, "Engagement with frontline services must be 0, 1, 2, 3 or 4."),
        ("housing", -1, "Housing must be 0, 1, 2, 3 or 4."),
        ("risk_to_others", 3, "Risk to others is double-weighted: enter 0, 2, 4, 6 or 8."),
        ("risk_from_others", 10, "Risk from others must be 0, 2, 4, 6 or 8."),
        ("impulse_control", 2.5, "Impulse control must be a whole number."),
        ("stress_anxiety", "3", "Stress and anxiety must be a whole number."),
    ],
)
def test_out_of_range_and_wrong_step_values_are_refused_with_a_clear_message(code, value, message):
    with pytest.raises(NdtError) as caught:
        ndt.validate(dict(FULL) | {code: value})
    assert caught.value.problems == {code: message}


def test_unknown_items_are_refused():
    with pytest.raises(NdtError, match="'charm' is not an NDT item"):
        ndt.validate(dict(FULL) | {"charm": 1})


@given(st.fixed_dictionaries({code: st.one_of(st.none(), st.integers(-3, 10)) for code in ndt.CODES}))
def test_validation_and_total_agree_for_any_ratings(values):
    allowed = all(v is None or v in ndt.BY_CODE[c].allowed for c, v in values.items())
    if not allowed:
        with pytest.raises(NdtError):
            ndt.validate(values)
        return
    total = ndt.total(values)
    if any(v is None for v in values.values()):
        assert total is None
    else:
        assert total == sum(values.values())
        assert 0 <= total <= 48


def test_distance_travelled_per_item_and_in_total():
    later = dict(FULL) | {"housing": 0, "risk_to_others": 0}
    changes, total_change = ndt.distance(FULL, later)
    by_code = {c.code: c.change for c in changes}
    assert by_code["housing"] == -2
    assert by_code["risk_to_others"] == -4
    assert by_code["engagement"] == 0
    assert total_change == -6
    _, none = ndt.distance(FULL, dict(later) | {"housing": None})
    assert none is None


def test_history_gives_changes_since_previous_and_first():
    second = dict(FULL) | {"housing": 4}
    third = dict(FULL) | {"housing": 0}
    rows = ndt.history([FULL, dict(FULL) | {"engagement": None}, second, third])
    assert [r["total"] for r in rows] == [26, None, 28, 24]
    assert [r["since_first"] for r in rows] == [0, None, 2, -2]
    assert rows[3]["since_previous"] == -4


def test_tide_wording_by_default_and_licensed_wording_when_loaded():
    assert ndt.level_text("housing", 4) == "Street homeless"
    assert ndt.level_text("risk_to_others", 6) == "High risk"
    assert ndt.level_text("housing", None) == "Not rated"
    csv_text = "item,level,text\n" + "".join(f"{c},{lv},Licensed {c} {lv}\n" for c in ndt.CODES for lv in range(5))
    wording = ndt.parse_wording(csv_text, filename="w.csv")
    assert len(wording) == 50
    assert ndt.level_text("risk_to_others", 6, wording) == "Licensed risk_to_others 3"


def test_a_wording_file_with_problems_is_refused_whole():
    with pytest.raises(NdtError, match="header row"):
        ndt.parse_wording("a,b\n1,2\n")
    with pytest.raises(NdtError, match="missing"):
        ndt.parse_wording("item,level,text\nhousing,0,Settled\n")
    with pytest.raises(NdtError, match="level '7'"):
        ndt.parse_wording("item,level,text\nhousing,7,Settled\n")
    with pytest.raises(NdtError, match="five texts"):
        ndt.parse_wording('{"housing": ["a"]}')
    with pytest.raises(NdtError, match="not valid JSON"):
        ndt.parse_wording("{oops", filename="w.json")


def test_the_copyright_holder_is_named():
    assert "South West London and St George's Mental Health NHS Trust" in ndt.COPYRIGHT
