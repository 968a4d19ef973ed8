"""Linkage behaviour seen end to end: files arrive through intake and linkage decides who is who.

Moved from ``tide/intake/tests`` (issue 19): these test what linkage does with the records, not the import.
"""

from __future__ import annotations

import pytest

from tide.core.timeline import timeline_for
from tide.intake.services import extract_import
from tide.intake.tests.extracts import ACUTE_ROWS, POLICE_HEADER, POLICE_ROWS, acute_csv, csv_bytes, police_csv
from tide.linkage.models import MatchCandidate, ModelVersion, PersonLink, SourceRecord
from tide.people.models import Person
from tide.service_use.models import ServiceEvent


def test_records_from_two_agencies_link_to_one_person_whose_timeline_shows_both(police, acute, analyst, coordinator):
    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    extract_import(agency=acute, content=acute_csv(), filename="a.csv", channel="upload", actor=analyst)
    police_record = SourceRecord.objects.get(record_ref="PP00000001")
    acute_record = SourceRecord.objects.get(record_ref="RTX0000001")  # "Danny" with an NHS number, no PNC
    person = police_record.links.get(ended_at__isnull=True).person
    assert acute_record.links.get(ended_at__isnull=True).person == person
    sources = {e.source for e in timeline_for(person, coordinator) if e.kind == "service event"}
    assert sources == {"Tideford Police", "Tideford Hospital"}
    assert ModelVersion.objects.count() == 1  # the second file linked without retraining


def test_a_likely_pair_with_nobody_else_likely_is_linked_meanwhile_and_a_reviewer_can_separate_it(
    police, acute, analyst
):
    from tide.linkage.services import candidate_decide

    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    extract_import(agency=acute, content=acute_csv(), filename="a.csv", channel="upload", actor=analyst)
    # Bernadette Holloway: however strong the pair, the dates of birth differ, so it is not linked
    # outright; nobody else is likely, so she is linked meanwhile and the pair goes to review.
    candidate = MatchCandidate.objects.get()
    assert {candidate.record_a.record_ref, candidate.record_b.record_ref} == {"PP00000002", "RTX0000002"}
    assert candidate.probability >= candidate.model.lower
    police_person = SourceRecord.objects.get(record_ref="PP00000002").links.get().person
    acute_record = SourceRecord.objects.get(record_ref="RTX0000002")
    link = acute_record.links.get()
    assert (link.person, link.method, link.probability) == (police_person, "best", candidate.probability)
    assert ServiceEvent.objects.get(event_id="AE00000000003").person == police_person
    candidate_decide(candidate=candidate, decision="no_match", note="different mother's name", actor=analyst)
    own = acute_record.links.get(ended_at__isnull=True)
    assert own.person != police_person
    assert own.pinned
    assert ServiceEvent.objects.get(event_id="AE00000000003").person == own.person  # events follow the record
    assert MatchCandidate.objects.filter(status="open").count() == 0


def test_two_new_records_likely_one_person_are_linked_meanwhile_and_a_separation_can_be_undone(police, analyst):
    from tide.linkage.services import candidate_decide, link_undo

    # Two new records that could be one person, in one file, and nobody else likely for either.
    namesake = '"CU00000000005","PP00000005",,"HOLLOWAY","Bernadette",1979-12-13,,,"arrest",2026-02-14'
    rows = [*POLICE_ROWS, namesake]
    extract_import(agency=police, content=police_csv(rows), filename="p.csv", channel="upload", actor=analyst)
    candidate = MatchCandidate.objects.get()
    assert {candidate.record_a.record_ref, candidate.record_b.record_ref} == {"PP00000002", "PP00000005"}
    assert candidate.probability >= candidate.model.lower
    first, second = candidate.record_a, candidate.record_b
    together = first.links.get().person
    assert second.links.get().person == together
    # One record makes a new person; the other, likeliest theirs, is linked to them meanwhile.
    methods = {first.links.get().method: first, second.links.get().method: second}
    assert set(methods) == {"new", "best"}
    candidate_decide(candidate=candidate, decision="no_match", note="different mothers' names", actor=analyst)
    moved = methods["best"]  # the record linked meanwhile leaves
    assert methods["new"].links.get().person == together
    apart = moved.links.get(ended_at__isnull=True)
    assert apart.person != together
    assert apart.pinned
    event = ServiceEvent.objects.get(agency=moved.agency, record_ref=moved.record_ref)
    assert event.person == apart.person  # events follow the record
    assert Person.objects.filter(pk=together.pk).exists()  # soft: nobody is deleted
    link_undo(link=apart, actor=analyst)
    assert moved.links.get(ended_at__isnull=True).person == together
    assert ServiceEvent.objects.get(pk=event.pk).person == together
    assert moved.links.count() == 3  # full history: linked meanwhile, separated, undone


def test_a_rejected_pair_is_never_proposed_again_and_a_split_stays_split(police, acute, analyst):
    from tide.linkage.services import candidate_decide, record_split

    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    extract_import(agency=acute, content=acute_csv(ACUTE_ROWS[:3]), filename="a1.csv", channel="upload", actor=analyst)
    candidate_decide(candidate=MatchCandidate.objects.get(), decision="no_match", note="", actor=analyst)
    danny = SourceRecord.objects.get(record_ref="RTX0000001")
    person = record_split(record=danny, actor=analyst, reason="different mother's name in A&E notes")
    # A later file with more events for both records: nothing is re-proposed or re-joined.
    more = [
        '"AE00000000005","RTX0000002",,"Holloway","Bernadette",1979-12-13,,"ae_attendance",2026-06-14',
        '"AE00000000006","RTX0000001","9434765919","Okafor","Danny",1984-06-12,"TX1 2AB","ae_attendance",2026-06-20',
    ]
    assert extract_import(
        agency=acute, content=acute_csv(more), filename="a2.csv", channel="upload", actor=analyst
    ).accepted
    assert MatchCandidate.objects.filter(status="open").count() == 0
    assert danny.links.get(ended_at__isnull=True).person == person
    assert ServiceEvent.objects.get(event_id="AE00000000006").person == person


# A second police record and a second hospital record for Bernadette Holloway: four pairs of records
# between the police's Bernadette and the hospital's, whose dates of birth differ.
POLICE_TWICE = '"CU00000000006","PP00000006",,"HOLLOWAY","Bernadette",1979-11-03,"4 Mill Lane, Kestrel Bay","TX4 9QT","arrest",2026-03-01'
ACUTE_TWICE = '"AE00000000007","RTX0000007",,"Holloway","Bernadette",1979-12-13,,"ae_attendance",2026-03-14'


def _bernadettes(police, acute, analyst):
    extract_import(
        agency=police,
        content=police_csv([*POLICE_ROWS, POLICE_TWICE]),
        filename="p.csv",
        channel="upload",
        actor=analyst,
    )
    extract_import(
        agency=acute, content=acute_csv([*ACUTE_ROWS, ACUTE_TWICE]), filename="a.csv", channel="upload", actor=analyst
    )
    records = {r.record_ref: r for r in SourceRecord.objects.filter(given_name__iexact="Bernadette")}
    police_person = records["PP00000002"].links.get().person
    acute_person = records["RTX0000002"].links.get().person
    assert police_person != acute_person
    assert {records["PP00000006"].links.get().person, records["RTX0000007"].links.get().person} == {
        police_person,
        acute_person,
    }
    return records, police_person, acute_person


def test_review_asks_once_about_two_people_however_many_records_pair_between_them(police, acute, analyst):
    records, _, _ = _bernadettes(police, acute, analyst)
    candidate = MatchCandidate.objects.get()  # one question, not four
    assert {candidate.record_a.record_ref[:2], candidate.record_b.record_ref[:2]} == {"PP", "RT"}
    # A later hospital record of the same Bernadette joins her; the two people are not asked about again.
    later = '"AE00000000008","RTX0000008",,"Holloway","Bernadette",1979-12-13,,"ae_attendance",2026-07-01'
    extract_import(agency=acute, content=acute_csv([later]), filename="a2.csv", channel="upload", actor=analyst)
    assert (
        SourceRecord.objects.get(record_ref="RTX0000008").links.get().person == records["RTX0000002"].links.get().person
    )
    assert MatchCandidate.objects.count() == 1


@pytest.mark.parametrize("decision", ["no_match", "link"])
def test_a_decision_answers_every_waiting_pair_between_the_same_two_people(police, acute, analyst, decision):
    from tide.linkage.models import PairDecision
    from tide.linkage.services import candidate_decide

    records, police_person, acute_person = _bernadettes(police, acute, analyst)
    first = MatchCandidate.objects.get()
    # Pairs queued before questions were asked once for each two people.
    for a in ("PP00000002", "PP00000006"):
        for b in ("RTX0000002", "RTX0000007"):
            x, y = sorted([records[a], records[b]], key=lambda r: r.pk)
            if (x, y) != (first.record_a, first.record_b):
                MatchCandidate.objects.create(
                    area=first.area, record_a=x, record_b=y, probability=0.8, model=first.model
                )
    namesake = SourceRecord.objects.get(record_ref="PP00000001")  # another person: not the same question
    MatchCandidate.objects.create(
        area=first.area, record_a=namesake, record_b=records["RTX0000007"], probability=0.6, model=first.model
    )
    candidate_decide(candidate=first, decision=decision, note="", actor=analyst)
    assert MatchCandidate.objects.exclude(status="decided").get().record_a == namesake
    if decision == "no_match":
        assert PairDecision.objects.filter(decision="no_match").count() == 4
        assert records["RTX0000007"].links.get(ended_at__isnull=True).person == acute_person
    else:
        assert {records[r].links.get(ended_at__isnull=True).person for r in records} == {police_person}
        assert not PairDecision.objects.filter(decision="no_match").exists()


def test_new_records_link_incrementally_without_moving_known_ones(police, analyst):
    extract_import(
        agency=police, content=police_csv(POLICE_ROWS[:3]), filename="a.csv", channel="upload", actor=analyst
    )
    links_before = set(PersonLink.objects.values_list("pk", "record_id", "person_id"))
    extra = '"CU00000000009","PP00000009",,"OKAFOR","Daniel",1984-06-12,"12 Quay Street, Tidemouth","TX1 2AB","arrest",2026-05-01'
    extract_import(
        agency=police, content=csv_bytes(POLICE_HEADER, [extra]), filename="b.csv", channel="upload", actor=analyst
    )
    assert links_before <= set(PersonLink.objects.values_list("pk", "record_id", "person_id"))
    new = SourceRecord.objects.get(record_ref="PP00000009").links.get()
    assert new.person == SourceRecord.objects.get(record_ref="PP00000001").links.get().person
    assert new.method == "model"
    assert new.probability >= new.model.upper
