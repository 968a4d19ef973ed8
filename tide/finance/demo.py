"""The demo area's finance: two pooled-budget scenarios, the service's costs, some flexible budget
spend and a first version of the business case, agreed by the accountable officer. Synthetic figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tide.areas.models import Area
from tide.coordination.models import SupportEpisode
from tide.core.access import person_access
from tide.finance import pooling, selectors, services
from tide.finance.costing import financial_year_of

D = Decimal
FLEXIBLE_ITEMS = (
    ("Deposit for a room in a shared house", D("350.00")),
    ("Bus pass for appointments (three months)", D("96.00")),
    ("Phone and credit to keep in touch", D("45.00")),
    ("Clothes for a job interview", D("80.00")),
)


def demo_finance_load(*, area: Area, staff: dict[str, Any], say: Callable[[str], None] = print) -> None:
    commissioner, officer = staff["owen"], staff["helen"]
    services.reference_data_load(actor=None)  # idempotent; a reset database has none
    report = selectors.cost_report(area=area, target_year=selectors.default_price_year(selectors.active_series()))
    changes = selectors.expected_changes(report)
    savers = sorted((a for a, c in changes.items() if c < 0), key=lambda a: changes[a])[:3]
    if savers:  # a tiny synthetic area may show no saving at all: then no scenarios
        services.pool_scenario_create(
            area=area,
            name="Savers pay",
            method=pooling.SAVINGS,
            budget=D(250000),
            shares={},
            changes=changes,
            notes="Each agency pays in proportion to the saving the cost report expects.",
            actor=commissioner,
        )
        each = (D(100) / len(savers)).quantize(D("0.01"))
        shares = dict.fromkeys(savers, each)
        shares[savers[0]] += D(100) - each * len(savers)
        services.pool_scenario_create(
            area=area,
            name="Equal shares among the largest savers",
            method=pooling.FIXED,
            budget=D(250000),
            shares=shares,
            changes=changes,
            notes="A simpler split for the first year.",
            actor=commissioner,
        )
    first = financial_year_of(report.as_of)
    start = int(first[:4])
    for offset in range(3):
        year = f"{start + offset}/{(start + offset + 1) % 100:02d}"
        for category, funder, amount, source in (
            (
                "staff",
                "Local Authority – Housing Services",
                D(180000),
                "Link Service staffing budget (4 coordinators, 1 manager)",
            ),
            (
                "overheads",
                "Local Authority – Housing Services",
                D(27000),
                "15% overhead on staff, council finance policy",
            ),
            ("other", "NHS – Integrated Care Board", D(12000), "ICB contribution: training and supervision"),
        ):
            services.service_cost_create(
                area=area,
                financial_year=year,
                category=category,
                funder=funder,
                amount=amount,
                source=source,
                actor=commissioner,
            )
    _flexible(area, staff, report.as_of)
    agencies = {
        a.bearer: {
            "deadweight": D(30),
            "deadweight_source": "MEAM Approach evaluation: comparison areas (local assumption)",
            "attribution": D(70),
            "attribution_source": "Operational group judgement (local assumption)",
            "grade": grade,
            "grade_source": why,
        }
        for a in report.tables.agencies
        for grade, why in [selectors.agency_grades(area=area).get(a.bearer, (6, "No rating found"))]
    }
    case = services.business_case_save(
        area=area,
        first_year=first,
        years=5,
        drop_off_percent=D(20),
        ramp_up="50",
        price_year=report.tables.target_year,
        agencies=agencies,
        notes="First version for the strategic board.",
        actor=commissioner,
    )
    services.business_case_agree(case=case, actor=officer)
    scenarios = selectors.scenarios_for(area=area).count()
    say(f"  finance: {scenarios} pooled-budget scenarios, 9 service costs, business case v{case.version} agreed")


def _flexible(area: Area, staff: dict[str, Any], as_of: dt.date) -> None:
    coordinator, manager = staff["charles"], staff["morgan"]
    episodes = SupportEpisode.objects.filter(person__area=area).select_related("person").order_by("started_on")[:40]
    recorded = 0
    for episode in episodes:
        if recorded >= len(FLEXIBLE_ITEMS) * 2 or not person_access(coordinator, episode.person).allowed:
            continue
        what, amount = FLEXIBLE_ITEMS[recorded % len(FLEXIBLE_ITEMS)]
        services.flexible_spend_create(
            person=episode.person,
            spent_on=min(episode.started_on + dt.timedelta(days=30), as_of),
            what=what,
            amount=amount,
            funder="Local Authority",
            approved_by=manager,
            actor=coordinator,
        )
        recorded += 1
