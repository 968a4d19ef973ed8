"""Prices and agencies kept current: no event type priced at £0, CCG → ICB, the price map count."""

import datetime as dt

from django.core.management import call_command
from django.urls import reverse

from tide.finance.budgets import agency_on, current_agency, succession_of
from tide.finance.models import PriceRule
from tide.finance.reference import default_price_map, missing_prices
from tide.service_use import event_types

CCG, ICB = "NHS – Clinical Commissioning Group", "NHS – Integrated Care Board"


def test_ccg_costs_fall_to_the_icb_from_1_july_2022():
    assert agency_on(CCG, dt.date(2022, 6, 30)) == CCG
    assert agency_on(CCG, dt.date(2022, 7, 1)) == ICB
    assert current_agency(CCG) == ICB
    assert current_agency("Police") == "Police"
    assert succession_of(ICB).from_date == dt.date(2022, 7, 1)


def test_the_shipped_map_never_prices_an_event_at_nothing():
    rules = default_price_map()
    assert all(rule.multiplier > 0 for rule in rules)
    priced = {rule.event_type for rule in rules}
    missing = missing_prices()
    # Every shipped event type is either priced from the database or listed as a missing price.
    assert {t.code for t in event_types.EVENT_TYPES} <= priced | set(missing)
    assert {"custody_night", "conviction", "prison_reception", "prison_release"} <= set(missing)
    assert all("area must set" in reason for reason in missing.values())


def test_index_counts_the_standard_map_and_price_map_says_price_missing(client, area):
    from tide.areas.models import Role
    from tide.testing.fixtures import make_user

    call_command("finance_load_reference", verbosity=0)
    PriceRule.objects.filter(area=area).delete()  # an area that has not adopted a map of its own
    client.force_login(make_user(area, Role.COMMISSIONER))
    index = client.get(reverse("finance:index")).content.decode()
    assert f"{len(default_price_map())} rules pricing" in index
    assert "0 rules" not in index
    page = client.get(reverse("finance:price-map")).content.decode()
    assert page.count('govuk-tag--red">Price missing<') == len(missing_prices())
    assert "Integrated Care Board" in page
    assert "Clinical Commissioning Group</td>" not in page
