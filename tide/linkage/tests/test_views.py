from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tide.areas.models import Role
from tide.intake.services import extract_import
from tide.intake.tests.extracts import acute_csv, police_csv
from tide.linkage import model
from tide.linkage.models import MatchCandidate, ModelVersion, SourceRecord
from tide.testing.fixtures import make_user


@pytest.fixture
def linked(police, acute, analyst):
    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    extract_import(agency=acute, content=acute_csv(), filename="a.csv", channel="upload", actor=analyst)
    return MatchCandidate.objects.get()


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_review_pair_shows_both_records_side_by_side_and_link_decision_joins_them(analyst_client, linked):
    page = analyst_client.get(reverse("linkage:pair", args=[linked.pk])).content.decode()
    assert "3 November 1979" in page
    assert "Differs" in page
    assert 'id="linked-meanwhile"' in page  # nobody else is likelier: Tide linked them, pending review
    meanwhile = SourceRecord.objects.get(record_ref="RTX0000002").links.get()
    assert f"({meanwhile.probability:.2f} likely, counting all that person's records)" in page
    # However strong the pair, grouping did not link it outright: the dates of birth disagree.
    assert "the two sides hold different dates of birth." in page
    # How the model weighed them: what each comparison found, with the evidence summing to the score.
    explanation = page[page.index('id="explanation"') :]
    assert "The same" in explanation  # Splink's "Exact match on first_name", in plain words
    assert "Different dates of birth" in explanation
    assert "No postcode on one record" in explanation
    assert f"<strong>{linked.probability:.3f}</strong>" in explanation
    response = analyst_client.post(reverse("linkage:pair", args=[linked.pk]), {"decision": "link", "note": ""})
    assert response.status_code == 302
    a = SourceRecord.objects.get(record_ref="PP00000002").links.get(ended_at__isnull=True)
    b = SourceRecord.objects.get(record_ref="RTX0000002").links.get(ended_at__isnull=True)
    assert a.person_id == b.person_id
    assert response["Location"] == reverse("linkage:done")  # the only pair: the queue is done


def test_review_queue_filters_by_status_and_agency_and_pages(analyst_client, linked, police, acute, monkeypatch):
    from tide.linkage import views

    records = list(SourceRecord.objects.order_by("pk"))
    police_only = [r for r in records if r.agency == police]
    extra = MatchCandidate.objects.create(
        area=linked.area, record_a=police_only[0], record_b=police_only[1], probability=0.6, model=linked.model
    )
    MatchCandidate.objects.filter(pk=linked.pk).update(status="unsure")
    url = reverse("linkage:review")

    def shown(**query):
        page = analyst_client.get(url, query).content.decode()
        return {c.pk for c in (linked, extra) if reverse("linkage:pair", args=[c.pk]) in page}, page

    assert shown()[0] == {linked.pk, extra.pk}
    assert shown(status="unsure")[0] == {linked.pk}
    assert shown(status="open")[0] == {extra.pk}
    assert shown(agency=acute.pk)[0] == {linked.pk}
    ids, page = shown(agency=acute.pk, status="open")
    assert ids == set()
    assert "No pairs waiting for review match these filters." in page
    ids, page = shown(agency=999_999, status="everything")
    assert ids == {linked.pk, extra.pk}  # a bad filter is shown as such and filters nothing
    assert "Choose an agency of this area from the list." in page
    assert "Choose waiting, marked unsure, or both." in page
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first, page = shown()
    assert first == {extra.pk}  # waiting before unsure
    assert "Showing 1 to 1 of 2" in page
    assert shown(page=2)[0] == {linked.pk}


def test_a_pair_the_model_can_no_longer_explain_can_still_be_reviewed(analyst_client, linked, caplog):
    version = ModelVersion.objects.get(active=True)
    birth = next(c for c in version.trained["comparisons"] if c["output_column_name"] == "birth")
    birth["comparison_levels"][1]["sql_condition"] = '"dob_of_old_l" = "dob_of_old_r"'  # a column since renamed
    version.save(update_fields=["trained"])
    response = analyst_client.get(reverse("linkage:pair", args=[linked.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Are these the same person?" in page
    assert 'id="explanation"' not in page
    assert "Could not explain pair" in caplog.text


def test_the_queue_marks_pairs_linked_meanwhile(analyst_client, linked):
    page = analyst_client.get(reverse("linkage:review")).content.decode()
    assert reverse("linkage:pair", args=[linked.pk]) in page
    assert page.count("Linked meanwhile</strong>") == 1


def test_review_needs_a_decision(analyst_client, linked):
    response = analyst_client.post(reverse("linkage:pair", args=[linked.pk]), {"decision": ""})
    assert "Choose whether these are the same person." in response.content.decode()


def test_record_page_undo_and_split(analyst_client, linked, analyst):
    record = SourceRecord.objects.get(record_ref="RTX0000001")
    page = analyst_client.get(reverse("linkage:record", args=[record.pk])).content.decode()
    assert "Link history" in page
    response = analyst_client.post(reverse("linkage:record", args=[record.pk]), {"reason": ""})
    assert "Say why this record is not the same person." in response.content.decode()
    response = analyst_client.post(reverse("linkage:record", args=[record.pk]), {"reason": "different person"})
    assert response.status_code == 302
    response = analyst_client.post(reverse("linkage:undo", args=[record.pk]))
    assert response.status_code == 302
    assert record.links.count() == 3


def test_model_page_shows_version_parameters_and_thresholds_and_admin_can_change_them(analyst_client, linked):
    body = analyst_client.get(reverse("linkage:model")).content.decode()
    assert model.MODEL_NAME in body
    assert "Comparison: birth" in body
    assert "within 2 years 35%" in body  # declared, not estimated: model.YEAR_ONLY_ACCURACY
    assert "same person: m 0.005" in body  # model.DIFFERENT_IDENTIFIER_M
    assert f"{model.DEFAULT_UPPER} or above, strongest pairs first, unless" in body  # grouping refuses
    assert f"every pair scoring {model.EVIDENCE_FLOOR} or more counts" in body  # a lone record's likeliest person
    response = analyst_client.post(reverse("linkage:model"), {"upper": "0.8", "lower": "0.9"})
    assert "must not be above" in response.content.decode()
    analyst_client.post(reverse("linkage:model"), {"upper": "0.995", "lower": "0.85"})
    version = ModelVersion.objects.get(active=True)
    assert (version.upper, version.lower) == (0.995, 0.85)


def test_training_needs_enough_records(analyst_client, linked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(reverse("linkage:model-train"))
    body = analyst_client.get(response["Location"]).content.decode()
    assert "Failed" in body
    assert "At least 500 linked records" in body
    assert ModelVersion.objects.count() == 1


def test_known_person_search_finds_a_person_despite_a_nickname(client, area, linked):
    coordinator = make_user(area, Role.COORDINATOR)
    client.force_login(coordinator)
    response = client.get(
        reverse("linkage:known"), {"given_name": "Danny", "family_name": "Okafor", "date_of_birth": "12/06/1984"}
    )
    hits = response.context["hits"]
    assert hits
    assert hits[0].person.family_name == "Okafor"
    assert hits[0].probability > 0.9
    assert client.get(reverse("linkage:known"), {"given_name": "x"}).context["hits"] is None


def test_known_person_search_weighs_the_initials_of_a_record_that_holds_only_initials(client, area, linked):
    # Drug and alcohol services often hold initials, date of birth and postcode only.
    SourceRecord.objects.filter(family_name__iexact="okafor").update(given_name="", family_name="", initials="DO")
    client.force_login(make_user(area, Role.COORDINATOR))
    response = client.get(
        reverse("linkage:known"), {"given_name": "Daniel", "family_name": "Okafor", "date_of_birth": "12/06/1984"}
    )
    hits = response.context["hits"]
    assert hits
    assert hits[0].record.initials == "DO"
    assert hits[0].probability > 0.9  # the date of birth alone would leave it near 0.4


def test_known_person_search_matches_family_names_whatever_their_case(client, area, linked):
    # The police record says OKAFOR; no date of birth is given, so only the family name finds it.
    client.force_login(make_user(area, Role.COORDINATOR))
    response = client.get(reverse("linkage:known"), {"given_name": "Daniel", "family_name": " okafor "})
    assert "Okafor" in {hit.person.family_name for hit in response.context["hits"]}


def test_person_timeline_shows_how_each_record_was_linked(client, area, linked):
    from tide.core.timeline import timeline_for

    person = SourceRecord.objects.get(record_ref="PP00000001").links.get().person
    titles = [e.title for e in timeline_for(person, None) if e.kind == "record link"]
    assert any("PP00000001" in t for t in titles)
    assert any(e.on == dt.date.today() for e in timeline_for(person, None))


def test_unknown_pairs_and_records_are_not_found_and_coordinators_cannot_review(analyst_client, client, area, linked):
    assert analyst_client.get(reverse("linkage:pair", args=[999])).status_code == 404
    assert analyst_client.get(reverse("linkage:record", args=[999])).status_code == 404
    client.force_login(make_user(area, Role.COORDINATOR))
    assert client.get(reverse("linkage:review")).status_code == 403
