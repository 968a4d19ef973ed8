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


def test_published_figures_show_declines_by_agency_and_reason(client, area):
    from tide.coordination.models import ServiceInvolvement
    from tide.testing.factories import AgencyFactory

    housing = AgencyFactory(area=area, name="Housing Options", code="housing", sector="housing")
    for i in range(12):
        ServiceInvolvement.objects.create(
            person=PersonFactory(area=area),
            agency=housing,
            service="hostel",
            status="declined",
            requested_on=dt.date(2026, 1, 1),
            declined_on=dt.date(2026, 1, 2 + i % 3),
            decline_reason="behaviour",
        )
    page = client.get("/statistics/").content.decode()
    assert "Declined: Excluded for behaviour" in page
    assert ">10<" in page  # 12 rounded to the nearest 5
    assert ">12<" not in page


def test_median_days_to_answer_is_published_and_hidden_for_small_counts(client, area):
    from tide.accountability.statistics import median_days_to_answer
    from tide.coordination.models import ServiceInvolvement
    from tide.testing.factories import AgencyFactory

    housing = AgencyFactory(area=area, name="Housing Options", code="housing", sector="housing")
    mental_health = AgencyFactory(area=area, name="Mental Health Trust", code="mh", sector="mental_health")
    for i in range(11):  # answered after 1..11 days: median 6
        ServiceInvolvement.objects.create(
            person=PersonFactory(area=area),
            agency=housing,
            service="hostel",
            status="offered",
            requested_on=dt.date(2026, 1, 1),
            offered_on=dt.date(2026, 1, 2 + i),
        )
    for _ in range(3):  # too few to publish
        ServiceInvolvement.objects.create(
            person=PersonFactory(area=area),
            agency=mental_health,
            service="mh_assessment",
            status="offered",
            requested_on=dt.date(2026, 1, 1),
            offered_on=dt.date(2026, 1, 30),
        )
    ServiceInvolvement.objects.create(  # still waiting: not an answer
        person=PersonFactory(area=area), agency=housing, service="hostel", requested_on=dt.date(2026, 1, 1)
    )
    figures = {f.agency: f for f in median_days_to_answer(area_id=area.pk)}
    assert (figures["Housing Options"].answered, figures["Housing Options"].median_days) == ("10", "6")
    assert (figures["Mental Health Trust"].answered, figures["Mental Health Trust"].median_days) == ("*", "*")
    page = client.get("/statistics/").content.decode()
    assert "Median days to answer" in page
    assert ">29<" not in page


def test_statistics_page_with_no_area_is_404(client, db):
    assert client.get("/statistics/").status_code == 404


def test_officer_view_lists_everyone_identified_with_their_list_status(client, area, coordinator):
    """The officer's "identified" is the by-name list's (ADR 0018): the same people and statuses."""
    from tide.accountability.selectors import officer_overview
    from tide.areas.models import Role
    from tide.identification.models import ListEntry
    from tide.testing.fixtures import make_user

    def listed(name: str, status: str, **person):
        p = PersonFactory(area=area, family_name=name, **person)
        day = dt.date(2026, 1, 1)
        ListEntry.objects.create(person=p, area=area, status=status, status_since=day, first_identified_on=day)
        return p

    listed("Waiting", "new")
    supported = listed("Supported", "caseload")
    SupportEpisode.objects.create(person=supported, coordinator=coordinator, started_on=dt.date(2026, 2, 1))
    listed("Ended", "moved_on")
    listed("Died", "died", died_on=dt.date(2026, 3, 3))
    referred = PersonFactory(area=area, family_name="Referred")  # supported, never met a definition
    SupportEpisode.objects.create(person=referred, coordinator=coordinator, started_on=dt.date(2026, 2, 1))
    PersonFactory(area=area, family_name="Unknown")  # in the register, never identified
    officer = make_user(area, Role.ACCOUNTABLE_OFFICER)
    overview = officer_overview(user=officer)
    statuses = {r.person.family_name: r.status_label for r in overview.identified_people}
    assert statuses == {
        "Waiting": "Newly identified",
        "Supported": "On the coordinated caseload",
        "Ended": "Moved on",
        "Died": "Died",
    }
    assert (overview.identified, overview.figures.on_list, overview.figures.off_list) == (4, 2, 2)
    assert (overview.on_caseload, overview.caseload_off_list) == (2, 1)
    assert [d["person"].family_name for d in overview.deaths] == ["Died"]
    client.force_login(officer)
    page = client.get("/accountability/").content.decode()
    assert "1 of them referred in and not on the list" in page
    assert "no inquiry or review recorded" in page


def test_officer_view_shows_whether_a_death_was_reviewed(client, area, coordinator):
    from tide.areas.models import Role
    from tide.coordination.models import DeathReview
    from tide.testing.fixtures import make_user

    person = PersonFactory(area=area, family_name="Remembered", died_on=dt.date(2026, 3, 3))
    episode = SupportEpisode.objects.create(
        person=person,
        coordinator=coordinator,
        started_on=dt.date(2025, 2, 1),
        ended_on=dt.date(2026, 3, 3),
        exit_destination="died",
    )
    DeathReview.objects.create(episode=episode, died_on=dt.date(2026, 3, 3), opened_on=dt.date(2026, 3, 4))
    client.force_login(make_user(area, Role.ACCOUNTABLE_OFFICER))
    page = client.get("/accountability/").content.decode()
    assert "death review opened 4 March 2026" in page
    assert "no inquiry or review recorded" not in page


def test_officer_view_shows_declines_waiting_requests_and_overdue_actions(client, area, coordinator):
    from tide.areas.models import Role
    from tide.coordination.models import Action, ServiceInvolvement
    from tide.testing.factories import AgencyFactory
    from tide.testing.fixtures import make_user

    housing = AgencyFactory(area=area, name="Housing Options", code="housing", sector="housing")
    person = PersonFactory(area=area)
    ServiceInvolvement.objects.create(
        person=person,
        agency=housing,
        service="hostel",
        status="declined",
        requested_on=dt.date(2026, 1, 1),
        declined_on=dt.date(2026, 1, 9),
        decline_reason="behaviour",
    )
    ServiceInvolvement.objects.create(
        person=person, agency=housing, service="housing_application", requested_on=dt.date(2026, 2, 1)
    )
    Action.objects.create(
        area=area,
        person=person,
        description="Find a GP place",
        owner_agency=housing,
        owner=coordinator,
        due_on=dt.date(2026, 3, 1),
    )
    client.force_login(make_user(area, Role.ACCOUNTABLE_OFFICER))
    page = client.get("/accountability/").content.decode()
    assert "Excluded for behaviour" in page
    assert "Housing application asked of Housing Options" in page
    assert "Find a GP place" in page


def test_published_figures_show_referrals_by_who_referred_and_the_decision(client, area):
    from tide.coordination.models import Referral
    from tide.testing.factories import AgencyFactory

    ae = AgencyFactory(area=area, name="Tideford Hospital A&E", code="ae", sector="nhs_acute")
    for i in range(20):
        Referral.objects.create(
            person=PersonFactory(area=area),
            referrer_kind="agency",
            from_agency=ae,
            offer="Liaison keeps seeing them at each attendance.",
            reasons="Frequent attendance.",
            sharing_basis="consent",
            status="accepted" if i < 12 else "not_accepted",
            received_on=dt.date(2026, 1, 1),
        )
    for _ in range(2):
        Referral.objects.create(
            person=PersonFactory(area=area),
            referrer_kind="self",
            reasons="Asked for help at the hostel.",
            sharing_basis="consent",
            received_on=dt.date(2026, 2, 1),
        )
    page = client.get("/statistics/").content.decode()
    assert "Referrals for coordinated support" in page
    assert "Tideford Hospital A&amp;E" in page
    assert "The person themself" in page
    assert ">10<" in page  # 12 accepted and 8 not, each rounded to the nearest 5
    assert ">12<" not in page
    assert ">8<" not in page
    assert ">2<" not in page  # two self-referrals waiting: suppressed
    assert ">*<" in page


def test_published_figures_withhold_a_table_whose_labels_carry_an_identifier(client, area):
    """An agency named after its address shares a postcode with the people it houses: the figures that
    would print it are withheld, and the page says so."""
    from tide.coordination.models import ServiceInvolvement
    from tide.testing.factories import AgencyFactory

    hostel = AgencyFactory(area=area, name="Harbour Hostel, TX1 9ZZ", code="hostel", sector="housing")
    for i in range(12):
        ServiceInvolvement.objects.create(
            person=PersonFactory(area=area, postcode="TX1 9ZZ"),
            agency=hostel,
            service="hostel",
            status="offered",
            requested_on=dt.date(2026, 1, 1),
            offered_on=dt.date(2026, 1, 2 + i),
        )
    page = client.get("/statistics/").content.decode()
    assert "TX1 9ZZ" not in page
    assert "withheld" in page
