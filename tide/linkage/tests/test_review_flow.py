"""Review that flows (issue 20): after a decision the next waiting pair; explanations that name only what the
records hold; placeholder dates of birth flagged; each record's latest events, as need-to-know allows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tide.areas.models import Role
from tide.intake.services import extract_import
from tide.intake.tests.extracts import acute_csv, police_csv
from tide.linkage import selectors
from tide.linkage.models import MatchCandidate, SourceRecord
from tide.testing.factories import UserFactory


@pytest.fixture
def pairs(police, acute, analyst):
    """The extracts' one waiting pair (PP00000002 ~ RTX0000002: neither holds an identifier), and two more."""
    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    extract_import(agency=acute, content=acute_csv(), filename="a.csv", channel="upload", actor=analyst)
    first = MatchCandidate.objects.get()
    by_ref = {r.record_ref: r for r in SourceRecord.objects.all()}
    second = MatchCandidate.objects.create(
        area=first.area,
        record_a=by_ref["PP00000001"],
        record_b=by_ref["PP00000003"],
        probability=0.5,
        model=first.model,
    )
    third = MatchCandidate.objects.create(
        area=first.area,
        record_a=by_ref["PP00000003"],
        record_b=by_ref["RTX0000003"],
        probability=0.4,
        model=first.model,
    )
    return [first, second, third]


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_each_decision_leads_to_the_next_waiting_pair_and_then_to_the_end_of_the_queue(analyst_client, pairs):
    first, second, third = pairs
    assert first.probability > second.probability
    response = analyst_client.get(reverse("linkage:first"))
    assert response["Location"] == reverse("linkage:pair", args=[first.pk])
    page = analyst_client.get(response["Location"]).content.decode()
    assert f'href="{reverse("linkage:pair", args=[second.pk])}">Skip to the next pair' in page

    response = analyst_client.post(reverse("linkage:pair", args=[first.pk]), {"decision": "link", "note": ""})
    assert response["Location"] == reverse("linkage:pair", args=[second.pk])
    page = analyst_client.get(response["Location"]).content.decode()
    banner = page[page.index("govuk-notification-banner") : page.index("Are these the same person?")]
    assert f"Pair {first.pk} linked: the two records are now one person." in banner
    assert "Holloway" not in banner
    assert "HOLLOWAY" not in banner

    response = analyst_client.post(reverse("linkage:pair", args=[second.pk]), {"decision": "unsure", "note": ""})
    assert response["Location"] == reverse("linkage:pair", args=[third.pk])  # not the pair marked unsure again
    response = analyst_client.post(reverse("linkage:pair", args=[third.pk]), {"decision": "no_match", "note": ""})
    assert response["Location"] == reverse("linkage:done")
    page = analyst_client.get(response["Location"]).content.decode()
    assert "No more pairs waiting" in page
    assert f"Pair {third.pk} kept apart" in page
    assert "1 pair is marked unsure" in page
    assert reverse("linkage:review") in page
    assert analyst_client.get(reverse("linkage:first"))["Location"] == reverse("linkage:done")


def test_a_refused_decision_stays_on_the_pair_and_changes_nothing(analyst_client, pairs):
    first = pairs[0]
    response = analyst_client.post(reverse("linkage:pair", args=[first.pk]), {"decision": "merge"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    first.refresh_from_db()
    assert first.status == MatchCandidate.Status.OPEN


def test_the_next_pair_is_one_the_reviewer_may_open(pairs, area, police):
    """A data lead who may not break the glass is taken only to pairs whose records they may see: here the
    police's data lead (no relationship with anyone) sees only the all-police pair."""
    first, second, third = pairs
    lead = UserFactory(area=area, agency=police, role=Role.ADMINISTRATOR, last_name="Lead")
    assert selectors.candidate_next(user=lead) == second
    assert selectors.candidate_next(user=lead, after=second) is None
    manager = UserFactory(area=area, role=Role.TEAM_MANAGER, last_name="Manager")
    # A team manager may break the glass: the next pair in the queue, and the reason is asked there.
    assert selectors.candidate_next(user=manager, after=first) == second
    assert selectors.candidate_next(user=manager, after=third) == first


def test_the_done_page_says_how_many_pairs_wait_that_the_reviewer_cannot_open(client, pairs, area, police):
    client.force_login(UserFactory(area=area, agency=police, role=Role.ADMINISTRATOR, last_name="Lead"))
    MatchCandidate.objects.filter(pk=pairs[1].pk).update(status=MatchCandidate.Status.DECIDED)
    response = client.get(reverse("linkage:first"))
    assert response["Location"] == reverse("linkage:done")
    assert "2 pairs wait that you cannot open" in client.get(response["Location"]).content.decode()


def _explanation(page: str) -> str:
    return page[page.index('id="explanation"') : page.index("</details>", page.index('id="explanation"'))]


def test_the_explanation_names_only_identifiers_the_records_hold(analyst_client, pairs):
    first = pairs[0]
    explanation = _explanation(analyst_client.get(reverse("linkage:pair", args=[first.pk])).content.decode())
    for kind in ("NHS number", "PNC ID", "prison number"):
        assert kind not in explanation  # neither record holds one
    assert "Neither record holds one" in explanation

    SourceRecord.objects.filter(pk=first.record_a_id).update(pnc_id="2019/0999999Z")
    explanation = _explanation(analyst_client.get(reverse("linkage:pair", args=[first.pk])).content.decode())
    assert "Only the first record holds one (PNC ID)" in explanation
    assert "NHS number" not in explanation

    SourceRecord.objects.filter(pk=first.record_b_id).update(pnc_id="2019/0999999Z")
    explanation = _explanation(analyst_client.get(reverse("linkage:pair", args=[first.pk])).content.decode())
    assert '>PNC ID</th><td class="govuk-table__cell">The same</td>' in explanation
    assert "NHS number" not in explanation


@pytest.mark.parametrize("placeholder", [dt.date(1900, 1, 1), dt.date(1970, 1, 1)])
def test_a_placeholder_date_of_birth_is_flagged_and_never_counts_as_agreement(analyst_client, pairs, placeholder):
    first = pairs[0]
    first.model.placeholder_dobs = ["1970-01-01"]  # a date the area's model found on implausibly many records
    first.model.save(update_fields=["placeholder_dobs"])
    SourceRecord.objects.filter(pk__in=[first.record_a_id, first.record_b_id]).update(date_of_birth=placeholder)
    first.refresh_from_db()
    rows = {row.label: row for row in selectors.pair_rows(first)}
    assert rows["Date of birth"].agreement == "placeholder"
    page = analyst_client.get(reverse("linkage:pair", args=[first.pk])).content.decode()
    dob_row = page[page.index(">Date of birth</th>") : page.index("</tr>", page.index(">Date of birth</th>"))]
    assert "Placeholder" in dob_row
    assert "not counted as agreement" in dob_row
    assert "Same" not in dob_row
    explanation = _explanation(page)
    assert "the placeholder date of birth on both records left out" in explanation
    assert "Different dates of birth" not in explanation


def test_a_real_date_of_birth_is_not_a_placeholder():
    today = dt.date(2026, 12, 1)
    assert not selectors.placeholder_dob(dt.date(1984, 6, 12), today=today)
    assert not selectors.placeholder_dob(None, today=today)
    assert selectors.placeholder_dob(dt.date(1900, 1, 1), today=today)
    assert selectors.placeholder_dob(dt.date(1901, 1, 1), today=today)
    assert selectors.placeholder_dob(dt.date(2027, 1, 1), today=today)  # not born yet
    assert selectors.placeholder_dob(dt.date(1970, 1, 1), today=today, learned=["1970-01-01"])


def test_each_record_shows_its_latest_events_as_need_to_know_allows(client, pairs, area, police):
    """The police's data lead (with a relationship to the people, as the test analyst) sees the police
    record's arrest; the hospital record's A&E attendance is health data a police role does not need."""
    first = pairs[0]
    lead = UserFactory(area=area, agency=police, role=Role.ADMINISTRATOR, first_name="Ana", last_name="Lyst")
    police_side, acute_side = (selectors.record_events(user=lead, record=r) for r in (first.record_a, first.record_b))
    assert [(e.on, e.title, e.source) for e in police_side.events] == [
        (dt.date(2026, 2, 1), "Arrest", "Tideford Police")
    ]
    assert acute_side.events == []
    assert acute_side.withheld == 1
    assert acute_side.total == 1
    client.force_login(lead)
    page = client.get(reverse("linkage:pair", args=[first.pk])).content.decode()
    first_side = page[page.index('id="events-first"') : page.index('id="events-second"')]
    second_side = page[page.index('id="events-second"') : page.index('id="decision"')]
    assert "1 February 2026" in first_side
    assert "Arrest" in first_side
    assert "Tideford Police" in first_side
    assert "A&amp;E attendance" not in second_side
    assert "1 more of the latest is a health or criminal-justice event your role does not need." in second_side


def test_the_latest_ten_events_newest_first(pairs, area, police):
    from tide.service_use.models import ServiceEvent

    record = SourceRecord.objects.get(record_ref="PP00000001")
    person = selectors.current_link(record).person
    for day in range(1, 13):
        ServiceEvent.objects.create(
            person=person,
            event_type="arrest",
            occurred_on=dt.date(2026, 6, day),
            agency=police,
            record_ref="PP00000001",
        )
    lead = UserFactory(area=area, agency=police, role=Role.ADMINISTRATOR, last_name="Lead")  # their own records
    found = selectors.record_events(user=lead, record=record)
    assert found.total == 14
    assert [e.on for e in found.events] == [dt.date(2026, 6, day) for day in range(12, 2, -1)]


def test_a_contradiction_the_two_records_do_not_hold_is_said_to_come_from_their_peoples_other_records(
    pairs, monkeypatch
):
    from tide.linkage import grouping

    first = pairs[0]
    links = {"a": selectors.current_link(first.record_a), "b": selectors.current_link(first.record_b)}
    assert selectors.pair_contradictions(first, links) == ["dates of birth"]  # both records hold one
    monkeypatch.setattr(grouping, "disagreements", lambda *sides: ["dob", "nhs_number"])
    assert selectors.pair_contradictions(first, links) == [
        "dates of birth",
        "NHS numbers (on other records of the people they are linked to)",  # neither record holds one
    ]


def test_the_search_for_a_pair_the_reviewer_may_open_stops_after_a_limit(pairs, area, police, monkeypatch):
    lead = UserFactory(area=area, agency=police, role=Role.ADMINISTRATOR, last_name="Lead")
    assert selectors.candidate_next(user=lead, chunk=1) == pairs[1]
    monkeypatch.setattr(selectors, "NEXT_SCAN_LIMIT", 1)  # only the first pair is looked at: not theirs
    assert selectors.candidate_next(user=lead, chunk=1) is None
