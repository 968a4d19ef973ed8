"""One set of numbers (ADR 0018): every page that shows a headline figure for an area shows the same number,
read from the one selector that computes it, and each headline is the sum of its parts or says why not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tide.accountability.statistics import EXIT_GROUPS, support_by_year
from tide.coordination.selectors import caseload_size
from tide.identification.models import ListEntry, ListStatus
from tide.identification.selectors import list_figures
from tide.identification.services import screening_run
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.testing.world import build_world

RECENT = ("coordinated", "referred", "consent", "agreement", "died", "action")  # events this month
QUIET = ("former", "refused", "stranger")  # met the definition months ago, nothing since: inactive


@pytest.fixture
def world(db):
    """The seeded test world, with ledger events that put some people on the by-name list now and leave
    others off it, screened as the nightly run leaves it."""
    world = build_world()
    today = timezone.localdate()
    police, dat = world.agencies["police"], next(a for a in world.agencies.values() if a.code != "police")
    events = []
    for keys, days_ago in ((RECENT, 10), (QUIET, 200)):
        for key in keys:
            on = today - dt.timedelta(days=days_ago)
            for code, agency in (("hostel_night", dat), ("dat_contact", dat), ("arrest", police), ("arrest", police)):
                events.append(ServiceEvent(person=world.person(key), event_type=code, occurred_on=on, agency=agency))
    events_record(events=events, actor=None, reason="test: the headline agreement", notify=False)
    screening_run(area_id=world.area.pk, as_of=today)
    return world


def _figure(page: str, testid: str) -> int:
    found = re.findall(rf'data-testid="{testid}">(\d+)<', page)
    assert found, f"no {testid} figure on the page"
    assert len(set(found)) == 1, f"{testid} shows {found}"
    return int(found[0])


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_and_the_officer_show_one_set_of_numbers_that_add_up(world, client):
    figures = list_figures(area_id=world.area.pk)
    assert figures.identified == ListEntry.objects.filter(area=world.area).count() > 0
    assert figures.on_list > 0  # the seeded area has people on the list and off it, so the test can fail
    assert figures.off_list > 0
    pages = {
        "by-name list": _page(client, world.users["coordinator"], "/identification/list/"),
        "accountable officer": _page(client, world.users["accountable_officer"], "/accountability/"),
    }
    for name, page in pages.items():
        on_list, off_list = _figure(page, "on-list"), _figure(page, "off-list")
        statuses = {s.value: _figure(page, f"status-{s.value}") for s in ListStatus}
        assert (on_list, off_list) == (figures.on_list, figures.off_list), name
        assert statuses == figures.by_status, name
        # each headline is the sum of its parts
        assert on_list == sum(n for s, n in statuses.items() if s in {"new", "active", "caseload", "returned"}), name
        assert off_list == sum(n for s, n in statuses.items() if s in {"inactive", "moved_on", "died"}), name
        assert _figure(page, "identified") == on_list + off_list == figures.identified, name


def test_the_caseload_is_one_figure_on_the_officer_page_and_in_the_published_table(world, client):
    size = caseload_size(area_id=world.area.pk)
    assert size > 0
    officer = _page(client, world.users["accountable_officer"], "/accountability/")
    assert _figure(officer, "caseload") == size
    # the published table counts support episodes by how they ended: those still supported are the caseload
    _, rows = support_by_year(world.area.pk)
    still = [g for g, _ in EXIT_GROUPS].index("Still supported")
    assert sum(r[still] for r in rows) == size
    # the list's caseload status counts only the caseload's people who are on the list; the officer page
    # says how many are not
    figures = list_figures(area_id=world.area.pk)
    assert figures.on_caseload <= size
    if size > figures.on_caseload:
        assert f"{size - figures.on_caseload} of them referred in and not on the list" in officer


def test_people_meeting_each_definition_are_counted_the_same_way_and_said_to_overlap(world, client):
    figures = list_figures(area_id=world.area.pk)
    page = _page(client, world.users["coordinator"], "/identification/list/")
    shown = [int(n) for n in re.findall(r'data-testid="definition">(\d+)<', page)]
    assert shown == [n for _, n in figures.by_definition]
    assert sum(shown) >= figures.on_list  # people may meet several definitions: the page says so
    assert "add up to more than the list" in page
