"""The documented command that loads a newer deflator series or unit cost edition."""

import pytest
from django.core.management import CommandError, call_command

from tide.finance import selectors
from tide.finance.models import CostEdition, DeflatorSeries
from tide.finance.reference import read_vendored


@pytest.fixture
def loaded(db):
    call_command("finance_load_reference", verbosity=0)


def newer_series(tmp_path):
    text = read_vendored("gdp-deflators-budget-2015.csv")[0].splitlines()
    rows = [line.replace(",yes", ",no") if line.startswith("2015/16") else line for line in text]
    path = tmp_path / "deflators.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_newer_deflator_series_moves_the_default_price_year(loaded, tmp_path, capsys):
    before = selectors.active_series().latest_actual
    call_command("finance_import_reference", deflators=newer_series(tmp_path), name="Deflators (newer)")
    after = selectors.active_series()
    assert DeflatorSeries.objects.get(active=True).name == "Deflators (newer)"
    assert before == "2014/15"
    assert after.latest_actual == "2015/16"
    assert selectors.default_price_year(after) == "2015/16"
    assert "default price year 2015/16" in capsys.readouterr().out


def test_a_bad_file_is_refused_and_nothing_changes(loaded, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("financial_year,pct_change_on_previous_year,index_1989_90_eq_100,forecast\n2020/21,1,abc,no\n")
    with pytest.raises(CommandError):
        call_command("finance_import_reference", deflators=bad, name="Broken")
    assert DeflatorSeries.objects.get(active=True).name != "Broken"
    with pytest.raises(CommandError):
        call_command("finance_import_reference", unit_costs=bad, name="Broken edition")
    assert not CostEdition.objects.filter(name="Broken edition").exists()


def test_a_newer_unit_cost_edition_is_imported(loaded, tmp_path):
    path = tmp_path / "ucd.csv"
    shipped = read_vendored("gmca-unit-cost-database-v1.4.csv")[0]
    path.write_text(shipped)
    with pytest.raises(CommandError, match="already been imported"):
        call_command("finance_import_reference", unit_costs=path, name="Same again")
    path.write_text(
        shipped.replace(
            "Arrest - detained,Per incident,Police,,593,2006/07", "Arrest - detained,Per incident,Police,,640,2010/11"
        )
    )
    call_command("finance_import_reference", unit_costs=path, name="Unit Cost Database (next)", licence="CC BY 4.0")
    edition = CostEdition.objects.get(name="Unit Cost Database (next)")
    assert edition.costs.count() == 684
    assert edition.costs.get(code="CR7.0").fiscal_cost == 640
