"""Uprating against values worked by hand from the shipped HM Treasury deflator series."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tide.finance.reference import read_vendored
from tide.finance.uprating import DeflatorSeries, UpratingError, normalise_year, parse_deflator_csv


@pytest.fixture(scope="module")
def series():
    text, _ = read_vendored("gdp-deflators-budget-2015.csv")
    return DeflatorSeries(parse_deflator_csv(text))


def test_arrest_cost_uprated_from_2006_07_to_2014_15_matches_the_hand_sum(series):
    # 593 × 193.264003 ÷ 161.738978 = 708.5834 (worked with bc)
    result = series.uprate(593, price_year="2006/07", target_year="2014/15")
    assert result.value.quantize(Decimal("0.0001")) == Decimal("708.5834")
    assert result.derivation == "£593.00 (2006/07 prices) × 193.264003 ÷ 161.738978 = £708.58 (2014/15 prices)"


def test_ae_attendance_uprated_from_2011_12_to_2014_15(series):
    # 109 × 193.264003 ÷ 183.127221 = 115.0336
    result = series.uprate("109", price_year="2011/12", target_year="2014/15")
    assert result.value.quantize(Decimal("0.0001")) == Decimal("115.0336")


def test_uprating_backwards_deflates(series):
    # 1000 × 145.544126 ÷ 193.264003 = 753.0845 (worked with bc)
    result = series.uprate(1000, price_year="2014/15", target_year="2002/03")
    assert result.value.quantize(Decimal("0.0001")) == Decimal("753.0845")


def test_same_year_is_unchanged_and_says_so(series):
    result = series.uprate(250, price_year="2013/14", target_year="2013-14")
    assert result.value == 250
    assert "already in 2013/14 prices" in result.derivation


def test_forecast_years_are_flagged_and_latest_actual_is_2014_15(series):
    assert series.points["2019/20"].forecast
    assert not series.points["2014/15"].forecast
    assert series.latest_actual == "2014/15"


def test_the_shipped_index_follows_its_own_percentage_changes(series):
    # 2015/16 = 2014/15 × 1.014 (the forecast growth of 1.4%)
    assert (series.index("2014/15") * Decimal("1.014")).quantize(Decimal("0.000001")) == series.index("2015/16")


def test_a_year_outside_the_series_is_refused_with_the_range(series):
    with pytest.raises(UpratingError, match=r"2024/25 is not in the deflator series \(1989/90 to 2019/20\)"):
        series.uprate(1, price_year="2010/11", target_year="2024/25")


@pytest.mark.parametrize("bad", ["2014", "2014/16", "14/15", "", "2014/2016"])
def test_malformed_years_are_refused(bad):
    with pytest.raises(UpratingError):
        normalise_year(bad)


def test_a_bad_deflator_file_is_refused_naming_the_row():
    with pytest.raises(UpratingError, match="Row 3"):
        parse_deflator_csv("financial_year,index,forecast\n2010/11,100,no\n2011/12,abc,no\n")
    with pytest.raises(UpratingError, match="twice"):
        parse_deflator_csv("financial_year,index\n2010/11,100\n2010/11,101\n")


@given(
    amount=st.decimals(min_value=0, max_value=10**7, places=2),
    a=st.integers(1990, 2019),
    b=st.integers(1990, 2019),
)
def test_uprating_there_and_back_returns_the_amount(amount, a, b):
    series = DeflatorSeries.from_mapping({f"{y}/{(y + 1) % 100:02d}": 100 + (y - 1989) * 3 for y in range(1989, 2020)})
    year_a, year_b = f"{a}/{(a + 1) % 100:02d}", f"{b}/{(b + 1) % 100:02d}"
    there = series.uprate(amount, price_year=year_a, target_year=year_b).value
    back = series.uprate(there, price_year=year_b, target_year=year_a).value
    assert abs(back - amount) < Decimal("0.000001")
