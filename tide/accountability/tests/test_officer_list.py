"""The accountable officer's list of everyone identified is paged and can be filtered."""

import datetime as dt
import re

import pytest

from tide.coordination.models import SupportEpisode
from tide.identification.models import ListEntry
from tide.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def identified(area, coordinator):
    """Everyone identified is the by-name list's (ADR 0018): 55 active, 3 on the caseload."""
    day = dt.date(2026, 1, 5)

    def listed(person, status):
        ListEntry.objects.create(person=person, area=area, status=status, status_since=day, first_identified_on=day)
        return person

    waiting = [listed(PersonFactory(area=area, family_name=f"Waiting{i:02d}"), "active") for i in range(55)]
    supported = [listed(PersonFactory(area=area, family_name=f"Supported{i}"), "caseload") for i in range(3)]
    for person in supported:
        SupportEpisode.objects.create(person=person, coordinator=coordinator, started_on=day)
    return waiting, supported


def _names(page: str) -> list[str]:
    return re.findall(r'href="/people/\d+/">([^<]+)</a>', page)


def test_the_list_is_paged_and_says_the_true_count(client, officer, identified):
    client.force_login(officer)
    first = client.get("/accountability/").content.decode()
    assert len(_names(first)) == 50
    assert "Showing 1 to 50 of 58 people" in first
    second = client.get("/accountability/", {"page": 2}).content.decode()
    assert len(_names(second)) == 8


def test_filters_by_status_and_coordinator(client, officer, coordinator, identified):
    client.force_login(officer)
    on = client.get("/accountability/", {"status": "caseload"}).content.decode()
    assert len(_names(on)) == 3
    assert all("Supported" in n for n in _names(on))
    mine = client.get("/accountability/", {"coordinator": coordinator.pk}).content.decode()
    assert sorted(_names(mine)) == sorted(n for n in _names(on))


def test_a_bad_filter_is_a_clear_message_not_an_error(client, officer, identified):
    client.force_login(officer)
    response = client.get("/accountability/", {"coordinator": "999999", "status": "nonsense"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert len(_names(page)) == 50  # nothing filtered


def test_the_inquiry_list_is_paged(client, area, officer):
    from django.utils import timezone

    from tide.accountability.models import Inquiry
    from tide.core.paging import PAGE_SIZE

    for i in range(PAGE_SIZE + 3):
        Inquiry.objects.create(
            area=area,
            reference=f"INQ-T{i:03d}",
            requester_name="Rosa Member",
            requester_email="rosa@example.org",
            subject_name="Someone",
            subject_details="About 40.",
            question="What help was offered?",
            received_at=timezone.now(),
            due_on=timezone.localdate() + dt.timedelta(days=i),
        )
    client.force_login(officer)
    first = client.get("/accountability/inquiries/").content.decode()
    assert len(re.findall(r">INQ-T\d{3}<", first)) == PAGE_SIZE
    assert f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 3} inquiries" in first
    second = client.get("/accountability/inquiries/", {"page": 2}).content.decode()
    assert len(re.findall(r">INQ-T\d{3}<", second)) == 3


def test_the_break_glass_list_is_paged_and_its_title_is_text(client, area, privacy_officer):
    from django.utils import timezone

    from tide.accountability.models import BreakGlass
    from tide.testing.factories import UserFactory

    worker = UserFactory(area=area, role="practitioner")
    now = timezone.now()
    for i in range(30):
        BreakGlass.objects.create(
            user=worker,
            person=PersonFactory(area=area),
            reason=f"Urgent welfare check number {i}",
            created_at=now,
            expires_at=now + dt.timedelta(minutes=30),
        )
    client.force_login(privacy_officer)
    page = client.get("/accountability/break-glass/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<h2" not in title  # the title was once the whole "opened without a relationship" section
    assert "Showing 1 to 25 of 30" in page
    assert "30 waiting for review" in page
    assert page.count("Urgent welfare check number") == 25
