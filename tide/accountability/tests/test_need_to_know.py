import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tide.accountability import services
from tide.accountability.models import BreakGlass, SharingChoice
from tide.areas.models import InformationSharingAgreement
from tide.core import timeline
from tide.core.access import NeedToKnowRefused
from tide.core.audit import audit_verify
from tide.core.models import AuditEvent
from tide.core.timeline import Entry
from tide.people.selectors import person_get_for
from tide.testing.factories import ServiceEventFactory


def test_practitioner_without_relationship_is_refused_and_the_refusal_is_audited(practitioner, tina):
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=practitioner, pk=tina.pk)
    assert AuditEvent.objects.filter(action="person.view_refused", actor=practitioner, person_id=tina.pk).exists()


def test_the_agency_that_registered_the_person_may_see_them(coordinator, tina):
    person = person_get_for(user=coordinator, pk=tina.pk)
    assert person.access.via == "relationship"
    assert "registered" in person.access.relationship


def test_an_involved_agency_needs_consent_or_an_agreement(practitioner, tina, coordinator):
    ServiceEventFactory(person=tina, agency=practitioner.agency, event_type="arrest")
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=practitioner, pk=tina.pk)
    isa = InformationSharingAgreement.objects.create(
        area=tina.area,
        name="MEAM ISA",
        purpose="Coordinated support",
        lawful_basis="Art. 6(1)(e); Sch. 1 para 18",
        starts_on=dt.date(2025, 1, 1),
    )
    isa.agencies.add(practitioner.agency)
    assert "agreement" in person_get_for(user=practitioner, pk=tina.pk).access.relationship
    services.sharing_choice_set(person=tina, agency=practitioner.agency, share=False, actor=coordinator)
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=practitioner, pk=tina.pk)
    services.sharing_choice_set(person=tina, agency=practitioner.agency, share=True, actor=coordinator)
    assert "consent" in person_get_for(user=practitioner, pk=tina.pk).access.relationship
    assert SharingChoice.objects.get().share is True


def test_break_glass_needs_a_reason_and_expires(practitioner, tina):
    with pytest.raises(ValidationError):
        services.break_glass_open(person=tina, reason="because", actor=practitioner)
    assert not BreakGlass.objects.exists()
    grant = services.break_glass_open(
        person=tina, reason="Found collapsed, need her GP and allergies.", actor=practitioner
    )
    person = person_get_for(user=practitioner, pk=tina.pk)
    assert person.access.is_break_glass
    assert AuditEvent.objects.filter(
        action="person.break_glass", person_id=tina.pk, reason__startswith="Found"
    ).exists()
    BreakGlass.objects.filter(pk=grant.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3), expires_at=timezone.now() - dt.timedelta(hours=2)
    )
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=practitioner, pk=tina.pk)


def test_break_glass_emails_the_privacy_officer(
    practitioner, privacy_officer, tina, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.TIDE_MESSAGES_BACKEND = "smtp"  # Django's email, which pytest-django keeps in mailoutbox
    privacy_officer.email = "priya@tideford.example"
    privacy_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.break_glass_open(person=tina, reason="Found collapsed, need her GP details.", actor=practitioner)
    assert [m.to for m in mailoutbox] == [["priya@tideford.example"]]
    assert "Found collapsed" in mailoutbox[0].body
    assert "Christina" not in mailoutbox[0].body  # no names in email


def test_only_the_privacy_officer_reviews_break_glass(practitioner, privacy_officer, officer, tina):
    grant = services.break_glass_open(person=tina, reason="Found collapsed, need her GP details.", actor=practitioner)
    with pytest.raises(PermissionDenied):
        services.break_glass_review(grant=grant, outcome="justified", note="", actor=officer)
    with pytest.raises(ValidationError):
        services.break_glass_review(grant=grant, outcome="not_justified", note="", actor=privacy_officer)
    services.break_glass_review(grant=grant, outcome="justified", note="", actor=privacy_officer)
    assert AuditEvent.objects.filter(action="break_glass.reviewed").exists()
    assert audit_verify().ok


def test_sensitive_timeline_entries_are_shown_only_to_those_who_need_them(
    client, area, practitioner, coordinator, tina
):
    def provider(person, user):
        return [
            Entry(on=dt.date(2026, 3, 1), title="Mental health crisis team", kind="x", sensitive="health"),
            Entry(on=dt.date(2026, 3, 2), title="Arrested for theft", kind="x", sensitive="criminal"),
            Entry(on=dt.date(2026, 3, 3), title="Hostel place offered", kind="x"),
        ]

    timeline.register("test.sensitive", provider)
    try:
        ServiceEventFactory(person=tina, agency=practitioner.agency, event_type="arrest")
        services.sharing_choice_set(person=tina, agency=practitioner.agency, share=True, actor=coordinator)
        client.force_login(practitioner)  # police: criminal offence data, not health
        page = client.get(f"/people/{tina.pk}/").content.decode()
        assert "Arrested for theft" in page
        assert "Hostel place offered" in page
        assert "Mental health crisis team" not in page
        client.force_login(coordinator)  # the coordinator sees both
        page = client.get(f"/people/{tina.pk}/").content.decode()
        assert "Mental health crisis team" in page
        assert "Arrested for theft" in page
    finally:
        timeline._providers.pop("test.sensitive", None)


def test_refused_page_offers_break_glass_and_break_glass_opens_the_record(client, practitioner, privacy_officer, tina):
    client.force_login(practitioner)
    refused = client.get(f"/people/{tina.pk}/")
    assert refused.status_code == 403
    assert b"Break the glass" in refused.content
    bad = client.post(f"/accountability/break-glass/person/{tina.pk}", {"reason": "x"})
    assert b"There is a problem" in bad.content
    response = client.post(
        f"/accountability/break-glass/person/{tina.pk}", {"reason": "Found collapsed in the street."}
    )
    assert response.status_code == 302
    assert client.get(f"/people/{tina.pk}/").status_code == 200
    client.force_login(privacy_officer)
    alerts = client.get("/accountability/break-glass/").content.decode()
    assert "Found collapsed in the street." in alerts
    assert "Pat Constable" in alerts


def test_person_sees_who_viewed_their_record_and_sets_sharing_choices(client, area, coordinator, practitioner, tina):
    from tide.accountability.models import PersonAccount
    from tide.areas.models import Role
    from tide.testing.fixtures import make_user

    person_user = make_user(area, Role.PERSON)
    PersonAccount.objects.create(user=person_user, person=tina)
    person_get_for(user=coordinator, pk=tina.pk, reason="planning meeting")
    client.force_login(person_user)
    page = client.get("/my-record/").content.decode()
    assert "Jane Coordinator" in page
    assert "planning meeting" in page
    response = client.post(f"/my-record/sharing/{practitioner.agency_id}", {"share": "no"})
    assert response.status_code == 302
    assert SharingChoice.objects.get(agency=practitioner.agency).share is False
    assert not SharingChoice.objects.filter(agency=coordinator.agency).exists()  # not chosen: the agreement decides


def test_coordinators_may_open_identified_people_not_yet_allocated(area, coordinator, tina):
    from tide.areas.models import Role
    from tide.coordination.models import SupportEpisode
    from tide.identification.models import Alert
    from tide.testing.factories import PersonFactory
    from tide.testing.fixtures import make_user

    other = make_user(area, Role.COORDINATOR)
    waiting = PersonFactory(area=area)
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=other, pk=waiting.pk)
    Alert.objects.create(person=waiting, kind="pattern", message="Meets the pattern")
    assert "not yet allocated" in person_get_for(user=other, pk=waiting.pk).access.relationship
    SupportEpisode.objects.create(person=waiting, coordinator=coordinator, started_on=dt.date(2026, 1, 5))
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=other, pk=waiting.pk)


def test_audit_mode_allows_unrelated_views_and_lists_them_for_the_privacy_officer(
    client, settings, practitioner, privacy_officer, tina
):
    settings.TIDE_NEED_TO_KNOW = "audit"
    person = person_get_for(user=practitioner, pk=tina.pk)
    assert person.access.via == "unrelated"
    assert person.access.sensitive == frozenset({"criminal"})  # police: still only what the sector needs
    client.force_login(privacy_officer)
    page = client.get("/accountability/break-glass/").content.decode()
    assert "Opened without a recorded relationship" in page
    assert "Pat Constable" in page


def test_break_glass_returns_to_the_page_that_asked_for_the_reason_and_only_to_ours(client, practitioner, tina):
    client.force_login(practitioner)
    reason = {"reason": "Deciding a linkage review pair between two agencies."}
    url = f"/accountability/break-glass/person/{tina.pk}"
    assert client.post(f"{url}?next=/linkage/review/7/", reason).url == "/linkage/review/7/"
    BreakGlass.objects.all().delete()
    assert client.post(f"{url}?next=https://evil.example/", reason).url == f"/people/{tina.pk}/"
