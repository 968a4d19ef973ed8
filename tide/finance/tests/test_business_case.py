"""The business case pages: cost of the service, assumptions as versions, results, exports, agreement."""

import io

import openpyxl
import pytest
from django.urls import reverse
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.finance import selectors
from tide.finance.models import BusinessCase, ServiceCost
from tide.finance.tests.test_views import cohort, commissioner_client  # noqa: F401 (fixtures)
from tide.testing.fixtures import make_user


def ods_rows(content: bytes, sheet: str) -> list[list[str]]:
    doc = load(io.BytesIO(content))
    table = next(t for t in doc.getElementsByType(Table) if t.getAttribute("name") == sheet)
    return [[str(c) for c in row.getElementsByType(TableCell)] for row in table.getElementsByType(TableRow)]


def assumptions(client, deadweight="20", first_year="2023/24"):
    page = client.get(reverse("finance:business-case-edit"))
    form = page.context["form"]
    data = {"first_year": first_year, "years": "5", "price_year": "2014/15", "ramp_up": "50", "drop_off": "10"}
    for i, _agency in enumerate(form.agencies):
        data |= {
            f"deadweight_{i}": deadweight,
            f"deadweight_source_{i}": "MEAM evaluation comparison group (local assumption)",
            f"attribution_{i}": "80",
            f"attribution_source_{i}": "Operational group judgement, May 2026",
            f"grade_{i}": "3",
        }
    return client.post(reverse("finance:business-case-edit"), data)


def test_commissioner_builds_the_case_and_downloads_it(commissioner_client, cohort, area):  # noqa: F811
    response = commissioner_client.post(
        reverse("finance:service-cost-create"),
        {
            "financial_year": "2023/24",
            "category": "staff",
            "funder": "Local Authority",
            "amount": "1000",
            "source": "Budget line 4410",
        },
    )
    assert response.status_code == 302
    assert ServiceCost.objects.get().amount == 1000
    assert assumptions(commissioner_client).status_code == 302
    case = BusinessCase.objects.get()
    assert case.version == 1
    assert case.agencies  # every agency's deadweight and attribution with their sources
    page = commissioner_client.get(reverse("finance:business-case")).content.decode()
    assert "Net present budget impact" in page
    assert "<svg" in page
    assert "MEAM evaluation comparison group" in page
    result = selectors.analyse_case(area=area, case=case)
    total = result.analysis.total
    ods = commissioner_client.get(reverse("finance:business-case-export", args=["ods"]))
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    rows = ods_rows(ods.content, "Results")
    total_row = next(r for r in rows if r and r[0] == "Total")
    assert float(total_row[1]) == pytest.approx(float(round(total.benefits_pv, 2)))
    assert float(total_row[3]) == pytest.approx(float(round(total.net_present_budget_impact, 2)))
    xlsx = commissioner_client.get(reverse("finance:business-case-export", args=["xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in book["Benefits"][2]][:3] == ["Agency", "Value type", "Gross annual change (£)"]
    # A second save is a new version; the first is kept.
    assumptions(commissioner_client, deadweight="40")
    assert list(BusinessCase.objects.values_list("version", flat=True)) == [2, 1]
    new = selectors.analyse_case(area=area, case=BusinessCase.objects.get(version=2)).analysis.total
    assert new.benefits_pv < total.benefits_pv or total.benefits_pv <= 0


def test_bad_input_is_refused_and_changes_nothing(commissioner_client, cohort):  # noqa: F811
    response = commissioner_client.post(
        reverse("finance:service-cost-create"),
        {"financial_year": "next year", "category": "staff", "funder": "LA", "amount": "10", "source": "x"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not ServiceCost.objects.exists()
    response = assumptions(commissioner_client, deadweight="120")
    assert response.status_code == 200
    assert not BusinessCase.objects.exists()


def test_someone_else_agrees_a_version_and_it_is_audited(commissioner_client, cohort, area, client):  # noqa: F811
    assumptions(commissioner_client)
    commissioner_client.post(reverse("finance:business-case-agree"))
    assert BusinessCase.objects.get().agreed_by is None  # the author cannot agree their own version
    officer = make_user(area, Role.ACCOUNTABLE_OFFICER)
    client.force_login(officer)
    client.post(reverse("finance:business-case-agree"))
    case = BusinessCase.objects.get()
    assert case.agreed_by == officer
    assert AuditEvent.objects.filter(action="finance.business_case_agreed").exists()
    assert AuditEvent.objects.filter(action="finance.business_case_saved").exists()


def test_coordinators_cannot_see_the_business_case(client, area, cohort):  # noqa: F811
    client.force_login(make_user(area, Role.COORDINATOR))
    assert client.get(reverse("finance:business-case")).status_code == 403


def test_no_case_yet_page_and_unknown_export(commissioner_client, cohort):  # noqa: F811
    page = commissioner_client.get(reverse("finance:business-case")).content.decode()
    assert "No business case yet" in page
    assert commissioner_client.get(reverse("finance:business-case-export", args=["ods"])).status_code == 404
    assumptions(commissioner_client)
    assert commissioner_client.get(reverse("finance:business-case-export", args=["pdf"])).status_code == 404


def test_cost_report_and_board_report_show_a_chart_beside_the_agency_table(commissioner_client, cohort):  # noqa: F811
    for name in ("finance:cost-report", "finance:board-report"):
        page = commissioner_client.get(reverse(name)).content.decode()
        assert page.count('class="tide-chart"') == 1
        assert "Change in the cost of service use by bearing agency" in page
        assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_flexible_budget_is_recorded_by_the_coordinator_and_seen_only_in_aggregate(
    coordinator_client, coordinator, area
):
    import datetime as dt

    from tide.coordination.models import SupportEpisode
    from tide.finance.models import FlexibleSpend
    from tide.testing.factories import PersonFactory

    mine, stranger = PersonFactory(area=area), PersonFactory(area=area)
    SupportEpisode.objects.create(person=mine, coordinator=coordinator, started_on=dt.date(2025, 1, 1))
    manager = make_user(area, Role.TEAM_MANAGER, first_name="Morgan", last_name="Manager")
    url = reverse("finance:flexible-budget", args=[mine.pk])
    data = {
        "spent_on": "2025-02-01",
        "what": "Bus pass",
        "amount": "48",
        "funder": "Local Authority",
        "approved_by": manager.pk,
    }
    assert coordinator_client.post(url, data).status_code == 302
    spend = FlexibleSpend.objects.get()
    assert (spend.what, spend.amount, spend.approved_by, spend.recorded_by) == ("Bus pass", 48, manager, coordinator)
    assert "Bus pass" in coordinator_client.get(url).content.decode()
    # Bad input is refused and changes nothing.
    assert coordinator_client.post(url, data | {"amount": "-5"}).status_code == 200
    assert FlexibleSpend.objects.count() == 1
    # No relationship with the stranger: refused, nothing written.
    refused = coordinator_client.post(reverse("finance:flexible-budget", args=[stranger.pk]), data)
    assert refused.status_code == 403
    assert FlexibleSpend.objects.count() == 1
    # The commissioner sees the total, never the item or the person.
    rows = selectors.flexible_by_year(area=area)
    assert [(r.financial_year, r.people, r.amount) for r in rows] == [("2024/25", 1, 48)]
