"""A search with many hits says the true count, pages them and advises refining."""

import re

import pytest

from tide.core.paging import PAGE_SIZE
from tide.people.services import PersonInput, person_create

pytestmark = pytest.mark.django_db

GIVEN = ["Adam", "Beth", "Carl", "Dina", "Evan", "Fay", "Gus", "Hana", "Ivan", "Jo"]


@pytest.fixture
def smiths(area, coordinator):
    total = PAGE_SIZE + 5
    for i in range(total):
        person_create(
            area=area,
            data=PersonInput(given_name=f"{GIVEN[i % 10]}{'a' * (i // 10)}", family_name="Smith"),
            actor=coordinator,
        )
    return total


def test_a_search_with_more_hits_than_a_page_says_the_true_count_and_pages_them(coordinator_client, smiths):
    first = coordinator_client.get("/people/", {"q": "smith"}).content.decode()
    assert f"{smiths} results" in first
    assert len(re.findall(r'href="/people/\d+/"', first)) == PAGE_SIZE
    assert f"Showing 1 to {PAGE_SIZE} of {smiths} results" in first
    assert "refine your search" in first
    assert 'aria-label="Page 2"' in first
    second = coordinator_client.get("/people/", {"q": "smith", "page": 2}).content.decode()
    assert f"Showing {PAGE_SIZE + 1} to {smiths} of {smiths} results" in second
    assert len(re.findall(r'href="/people/\d+/"', second)) == smiths - PAGE_SIZE


def test_a_bad_page_number_shows_a_page_rather_than_an_error(coordinator_client, smiths):
    response = coordinator_client.get("/people/", {"q": "smith", "page": "999"})
    assert response.status_code == 200
    assert f"of {smiths} results" in response.content.decode()


def test_a_short_search_gives_no_refine_advice_and_no_paging(coordinator_client, area, coordinator):
    person_create(area=area, data=PersonInput(given_name="Rosa", family_name="Quill"), actor=coordinator)
    page = coordinator_client.get("/people/", {"q": "quill"}).content.decode()
    assert "1 result" in page
    assert "refine your search" not in page
    assert "govuk-pagination" not in page
