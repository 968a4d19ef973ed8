import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from tide.accountability import services
from tide.accountability.models import Inquiry, InquiryStatus
from tide.accountability.selectors import inquiry_draft
from tide.core.audit import audit_verify
from tide.core.models import AuditEvent
from tide.linkage.models import LinkMethod, PersonLink, SourceRecord
from tide.people.models import IdentifierKind, PersonIdentifier
from tide.testing.factories import AgencyFactory, PersonFactory, ServiceEventFactory

FORM = {
    "requester_name": "Rosa Member",
    "requester_email": "rosa@example.org",
    "requester_connection": "Neighbour",
    "subject_name": "Christina Okonkwo",
    "subject_details": "Known as Tina, slept near the station, about 40.",
    "question": "What support was she offered last winter?",
    "website": "",
}


def _submit(area, **kwargs):
    data = {k: v for k, v in FORM.items() if k != "website"} | kwargs
    return services.inquiry_submit(area=area, ip_address="203.0.113.9", **data)


def test_public_form_creates_an_inquiry_with_a_deadline(client, area):
    response = client.post("/inquiries/ask", FORM)
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.status == InquiryStatus.RECEIVED
    assert inquiry.due_on > inquiry.received_at.date()
    page = client.get(response.url).content.decode()
    assert inquiry.reference in page
    assert AuditEvent.objects.filter(action="inquiry.submitted", target_id=str(inquiry.pk)).exists()


def test_bad_inquiry_gives_messages_and_writes_nothing(client, area):
    response = client.post("/inquiries/ask", FORM | {"requester_email": "not-an-email", "question": ""})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not Inquiry.objects.exists()


def test_honeypot_filled_by_a_bot_writes_nothing(client, area):
    response = client.post("/inquiries/ask", FORM | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert not Inquiry.objects.exists()


def test_inquiries_are_rate_limited_by_address(client, area):
    for _ in range(services.INQUIRIES_PER_ADDRESS_PER_HOUR):
        assert client.post("/inquiries/ask", FORM, REMOTE_ADDR="198.51.100.7").status_code == 302
    refused = client.post("/inquiries/ask", FORM, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert b"Too many inquiries" in refused.content
    assert client.post("/inquiries/ask", FORM, REMOTE_ADDR="198.51.100.8").status_code == 302


@override_settings(TIDE_TRUSTED_PROXIES=["10.0.0.2"])
def test_behind_a_trusted_proxy_inquiries_are_limited_per_real_client(client, area):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(services.INQUIRIES_PER_ADDRESS_PER_HOUR):
        client.post("/inquiries/ask", FORM, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert client.post("/inquiries/ask", FORM, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    assert client.post("/inquiries/ask", FORM, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 302


def test_only_the_accountable_officer_triages(area, coordinator, officer, tina):
    inquiry = _submit(area)
    with pytest.raises(PermissionDenied):
        services.inquiry_triage(inquiry=inquiry, accept=True, person=tina, note="", actor=coordinator)
    with pytest.raises(ValidationError):
        services.inquiry_triage(inquiry=inquiry, accept=True, person=None, note="", actor=officer)
    with pytest.raises(ValidationError):
        services.inquiry_triage(inquiry=inquiry, accept=False, person=None, note=" ", actor=officer)
    services.inquiry_triage(inquiry=inquiry, accept=True, person=tina, note="", actor=officer)
    assert inquiry.status == InquiryStatus.ACCEPTED


def test_response_is_assembled_from_the_record_and_the_public_version_identifies_nobody(area, officer, tina):
    ServiceEventFactory(person=tina, event_type="ae_attendance", occurred_on=dt.date(2026, 3, 2))
    inquiry = _submit(area)
    services.inquiry_triage(inquiry=inquiry, accept=True, person=tina, note="", actor=officer)
    draft = inquiry_draft(inquiry=inquiry, user=officer)
    assert "Christina Okonkwo" in draft.response
    assert "2 March 2026" in draft.response
    assert "March 2026" in draft.public_summary
    for leak in ["Christina", "Okonkwo", "Tina", "9434765919", "1984", "TX1 4AB"]:
        assert leak.lower() not in draft.public_summary.lower()
    with pytest.raises(ValidationError, match="identifies"):
        services.inquiry_answer(
            inquiry=inquiry, response=draft.response, public_summary="Tina was offered a hostel.", actor=officer
        )
    services.inquiry_answer(
        inquiry=inquiry, response=draft.response, public_summary=draft.public_summary, actor=officer
    )
    services.inquiry_publish(inquiry=inquiry, actor=officer)
    assert inquiry.status == InquiryStatus.PUBLISHED
    actions = list(
        AuditEvent.objects.filter(target_type="accountability.inquiry", target_id=str(inquiry.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["inquiry.submitted", "inquiry.accepted", "inquiry.answered", "inquiry.published"]
    assert audit_verify().ok


def test_published_register_shows_only_published_inquiries(client, area, officer, tina):
    hidden = _submit(area)
    shown = _submit(area)
    services.inquiry_triage(inquiry=shown, accept=True, person=tina, note="", actor=officer)
    services.inquiry_answer(
        inquiry=shown, response="Full.", public_summary="Support was offered in March 2026.", actor=officer
    )
    services.inquiry_publish(inquiry=shown, actor=officer)
    page = client.get("/inquiries/register/").content.decode()
    assert shown.reference in page
    assert hidden.reference not in page
    assert client.get(f"/inquiries/register/{hidden.reference}").status_code == 404
    detail = client.get(f"/inquiries/register/{shown.reference}").content.decode()
    assert "Support was offered in March 2026." in detail
    assert "Rosa" not in detail


def test_officer_pages_work_and_unknown_ids_are_404(client, area, officer, tina):
    inquiry = _submit(area)
    client.force_login(officer)
    assert inquiry.reference in client.get("/accountability/inquiries/").content.decode()
    page = client.get(f"/accountability/inquiries/{inquiry.pk}/").content.decode()
    assert "Christina Okonkwo" in page  # the triage form offers the matching person
    response = client.post(f"/accountability/inquiries/{inquiry.pk}/", {"decision": "accept", "person": tina.pk})
    assert response.status_code == 302, response.context["form"].errors
    answer = client.get(f"/accountability/inquiries/{inquiry.pk}/answer")
    assert answer.status_code == 200
    assert client.get("/accountability/inquiries/99999/").status_code == 404
    assert client.get("/accountability/").status_code == 200


# --- Finding 5: nothing public may carry an identifier Tide holds, for anyone ----------------------


@pytest.fixture
def mh_record(area, tina):
    """Tina's mental-health trust record, linked to her as the demo loads it (its ground truth)."""
    trust = AgencyFactory(area=area, name="Tidemouth Mental Health Trust", code="mh", sector="mental_health")
    record = SourceRecord.objects.create(
        area=area, agency=trust, record_ref="MH0461324", given_name="Christina", family_name="Okonkwo"
    )
    PersonLink.objects.create(record=record, person=tina, method=LinkMethod.DEMO)
    ServiceEventFactory(person=tina, agency=trust, event_type="mh_crisis_contact", occurred_on=dt.date(2026, 2, 3))
    return record


@pytest.fixture
def someone_else(area, coordinator):
    """Another person in the area: their identifiers must not be published either."""
    other = PersonFactory(area=area, given_name="Robin", family_name="Marsh", date_of_birth=dt.date(1979, 2, 28))
    PersonIdentifier.objects.create(person=other, kind=IdentifierKind.PRISON, value="A1234BC")
    return other


def _accepted(area, officer, tina):
    inquiry = _submit(area)
    services.inquiry_triage(inquiry=inquiry, accept=True, person=tina, note="", actor=officer)
    return inquiry


@pytest.mark.parametrize(
    ("summary", "offending"),
    [
        ("In March 2026 Tidemouth Mental Health Trust record MH0461324 was linked.", "MH0461324"),
        ("The trust (ref mh 046 1324) offered an appointment.", "mh 046 1324"),
        ("The trust (ref MH-0461324) offered an appointment.", "MH-0461324"),
        ("Another person, prison number a1234 bc, shared the hostel.", "a1234 bc"),
        ("Robin Marsh (born 28/02/1979) shared the hostel.", "Robin Marsh"),
    ],
)
def test_answer_is_refused_while_the_public_version_carries_any_identifier(
    area, officer, tina, mh_record, someone_else, summary, offending
):
    inquiry = _accepted(area, officer, tina)
    with pytest.raises(ValidationError) as refused:
        services.inquiry_answer(inquiry=inquiry, response="Full.", public_summary=summary, actor=officer)
    message = " ".join(refused.value.message_dict["public_summary"])
    assert f"“{offending}”" in message
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ACCEPTED
    assert inquiry.public_summary == ""
    assert not AuditEvent.objects.filter(action="inquiry.answered").exists()


def test_publishing_is_refused_when_an_identifier_arrived_after_the_answer(area, officer, tina, coordinator):
    inquiry = _accepted(area, officer, tina)
    summary = "Reference XK 771 204 was closed in March 2026."
    services.inquiry_answer(inquiry=inquiry, response="Full.", public_summary=summary, actor=officer)
    other = PersonFactory(area=area)
    PersonIdentifier.objects.create(person=other, kind=IdentifierKind.PNC, value="XK771204")
    with pytest.raises(ValidationError, match="XK 771 204"):
        services.inquiry_publish(inquiry=inquiry, actor=officer)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED


def test_the_answer_page_shows_the_offending_text_and_saves_nothing(client, area, officer, tina, mh_record):
    inquiry = _accepted(area, officer, tina)
    client.force_login(officer)
    response = client.post(
        f"/accountability/inquiries/{inquiry.pk}/answer",
        {"response": "Full.", "public_summary": "Seen by the trust, record mh 046 1324, in 2026."},
    )
    assert response.status_code == 200
    assert "“mh 046 1324” (an agency record reference)" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ACCEPTED


def test_the_draft_public_version_leaves_out_record_references_and_linkage_provenance(
    area, officer, tina, mh_record, someone_else
):
    inquiry = _accepted(area, officer, tina)
    draft = inquiry_draft(inquiry=inquiry, user=officer)
    assert "February 2026" in draft.public_summary
    for leak in ["MH0461324", "Loaded with the synthetic demo area", "ground truth", "Christina", "Okonkwo"]:
        assert leak.lower() not in draft.public_summary.lower(), leak
    assert "Loaded with the synthetic demo area" not in draft.response
    services.inquiry_answer(
        inquiry=inquiry, response=draft.response, public_summary=draft.public_summary, actor=officer
    )
    services.inquiry_publish(inquiry=inquiry, actor=officer)


def test_a_published_answer_is_withheld_once_it_carries_an_identifier(client, area, officer, tina):
    inquiry = _accepted(area, officer, tina)
    summary = "Reference QZ 55 10 42 was closed in March 2026."
    services.inquiry_answer(inquiry=inquiry, response="Full.", public_summary=summary, actor=officer)
    services.inquiry_publish(inquiry=inquiry, actor=officer)
    assert summary in client.get(f"/inquiries/register/{inquiry.reference}").content.decode()
    PersonIdentifier.objects.create(person=PersonFactory(area=area), kind=IdentifierKind.PNC, value="QZ551042")
    page = client.get(f"/inquiries/register/{inquiry.reference}").content.decode()
    assert "QZ 55 10 42" not in page
    assert "withheld" in page
