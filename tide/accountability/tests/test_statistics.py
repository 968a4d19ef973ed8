import datetime as dt

from tide.coordination.models import SupportEpisode
from tide.testing.factories import PersonFactory


def test_published_figures_pass_disclosure_control(client, area):
    for i in range(23):
        SupportEpisode.objects.create(
            person=PersonFactory(area=area), started_on=dt.date(2025, 1, 1) + dt.timedelta(days=i)
        )
    for _ in range(3):
        SupportEpisode.objects.create(
            person=PersonFactory(area=area),
            started_on=dt.date(2025, 2, 1),
            ended_on=dt.date(2025, 6, 1),
            exit_destination="died",
        )
    page = client.get("/statistics/").content.decode()
    assert "People given coordinated support" in page
    assert ">25<" in page  # 23 still supported rounded to 25
    assert ">3<" not in page
    assert ">23<" not in page
    assert ">*<" in page


def test_statistics_page_with_no_area_is_404(client, db):
    assert client.get("/statistics/").status_code == 404
