"""Reads of the linkage room: the review queue, a record's link history, the model, known-person search."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tide.areas.models import FRONTLINE_ROLES
from tide.core.access import NeedToKnowRefused, person_access
from tide.core.audit import audit_record
from tide.core.timeline import Entry
from tide.linkage import engine, grouping
from tide.linkage import model as linkage_model
from tide.linkage.audit_actions import (
    LINKAGE_KNOWN_SEARCH,
    LINKAGE_PAIR_REFUSED,
    LINKAGE_PAIR_VIEWED,
    LINKAGE_RECORD_REFUSED,
    LINKAGE_RECORD_VIEWED,
)
from tide.linkage.models import MatchCandidate, ModelVersion, PairDecision, PersonLink, SourceRecord
from tide.linkage.normalise import clean_dob, clean_identifier, linkage_row
from tide.people.models import Person
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent
from tide.service_use.selectors import SENSITIVITY

logger = logging.getLogger(__name__)

SEARCH_CANDIDATES = 200


def candidates_open(*, user: Any, status: str = "", agency: Any = None) -> QuerySet[MatchCandidate]:
    """Pairs waiting for review (or only those of ``status``, open or unsure), unsure last, most likely
    first; with ``agency``, only pairs with a record from that agency."""
    statuses = [status] if status else [MatchCandidate.Status.OPEN, MatchCandidate.Status.UNSURE]
    qs = MatchCandidate.objects.filter(area_id=user.area_id, status__in=statuses)
    if agency is not None:
        qs = qs.filter(Q(record_a__agency=agency) | Q(record_b__agency=agency))
    return qs.select_related("record_a__agency", "record_b__agency").order_by("status", "-probability", "id")


def candidates_linked_meanwhile(candidates: list[MatchCandidate]) -> set[int]:
    """The pairs among ``candidates`` whose two records are already one person (linked meanwhile)."""
    records = {r for c in candidates for r in (c.record_a_id, c.record_b_id)}
    person_of = dict(
        PersonLink.objects.filter(record_id__in=records, ended_at__isnull=True).values_list("record_id", "person_id")
    )
    return {
        c.pk
        for c in candidates
        if person_of.get(c.record_a_id) is not None and person_of.get(c.record_a_id) == person_of.get(c.record_b_id)
    }


def record_visible_to(user: Any, record: SourceRecord, person_id: int | None = None) -> bool:
    """Need-to-know for an agency record (ADR 0063): the user may see the person it is linked to, or the
    record is their own agency's (it came from their extract). ``person_id`` saves a query when known."""
    if getattr(user, "agency_id", None) and record.agency_id == user.agency_id:
        return True
    if person_id is None:
        link = current_link(record)
        person_id = link.person_id if link else None
    if person_id is None:
        return False
    person = Person.objects.filter(pk=person_id).first()
    return person is not None and person_access(user, person).allowed


def candidates_visible_to(user: Any, candidates: list[MatchCandidate]) -> set[int]:
    """The pairs among ``candidates`` whose two records the user may both see."""
    records = {r for c in candidates for r in (c.record_a, c.record_b)}
    person_of = dict(
        PersonLink.objects.filter(record__in=records, ended_at__isnull=True).values_list("record_id", "person_id")
    )
    seen: dict[int, bool] = {}

    def visible(record: SourceRecord) -> bool:
        if record.pk not in seen:
            seen[record.pk] = record_visible_to(user, record, person_of.get(record.pk))
        return seen[record.pk]

    return {c.pk for c in candidates if visible(c.record_a) and visible(c.record_b)}


def candidate_get(*, user: Any, pk: int) -> MatchCandidate:
    candidate = (
        MatchCandidate.objects.filter(area_id=user.area_id, pk=pk)
        .select_related("record_a__agency", "record_b__agency", "model")
        .first()
    )
    if candidate is None:
        raise Http404("No such pair.")
    for record in (candidate.record_a, candidate.record_b):
        if not record_visible_to(user, record):
            link = current_link(record)
            audit_record(actor=user, action=LINKAGE_PAIR_REFUSED, target=candidate)
            raise NeedToKnowRefused(link.person_id if link else 0)
    audit_record(actor=user, action=LINKAGE_PAIR_VIEWED, target=candidate)
    return candidate


def current_link(record: SourceRecord) -> PersonLink | None:
    return PersonLink.objects.filter(record=record, ended_at__isnull=True).select_related("person").first()


def pair_decisions(candidate: MatchCandidate) -> list[PairDecision]:
    return list(
        PairDecision.objects.filter(record_a=candidate.record_a, record_b=candidate.record_b).select_related(
            "decided_by"
        )
    )


def record_get(*, user: Any, pk: int) -> SourceRecord:
    record = SourceRecord.objects.filter(area_id=user.area_id, pk=pk).select_related("agency").first()
    if record is None:
        raise Http404("No such record.")
    link = current_link(record)
    if not record_visible_to(user, record, link.person_id if link else None):
        audit_record(actor=user, action=LINKAGE_RECORD_REFUSED, target=record)
        raise NeedToKnowRefused(link.person_id if link else 0)
    audit_record(actor=user, action=LINKAGE_RECORD_VIEWED, target=record, person_id=link.person_id if link else None)
    return record


def record_history(record: SourceRecord) -> list[PersonLink]:
    return list(record.links.select_related("person", "created_by", "ended_by", "model").order_by("-created_at", "-id"))


def model_current(*, user: Any) -> ModelVersion | None:
    return ModelVersion.objects.filter(area_id=user.area_id, active=True).first()


def model_history(*, user: Any) -> QuerySet[ModelVersion]:
    return ModelVersion.objects.filter(area_id=user.area_id).select_related("created_by")


def model_description(version: ModelVersion) -> dict[str, Any]:
    return {
        "comparisons": linkage_model.comparison_parameters(version.trained),
        "prior": version.trained.get("probability_two_random_records_match"),
        "year_only_accuracy": [round(100 * share) for share in linkage_model.YEAR_ONLY_ACCURACY],
        "different_identifier_m": linkage_model.DIFFERENT_IDENTIFIER_M,
        "evidence_floor": linkage_model.evidence_floor(version.lower),
        "blocking_rules": [
            r.get("blocking_rule", r) for r in version.trained.get("blocking_rules_to_generate_predictions", [])
        ],
    }


# What each comparison is called on the review page, and what it means when it had nothing to compare.
COMPARISON_NAMES = {
    "first_name": ("First name", "No first name on one record"),
    "surname": ("Family name", "No family name on one record"),
    "initials": ("Initials", "Not used: names on both records, or no initials"),
    "birth": ("Date of birth", "No date of birth or birth year on one record"),
    "postcode": ("Postcode", "No postcode on one record"),
}


# Splink's own labels for library levels, in plain words for reviewers (the model page keeps them).
PLAIN_LEVELS = (
    (re.compile(r"^Exact match on "), "The same"),
    (re.compile(r"^Jaro-Winkler distance of "), "Similar spelling"),
    (re.compile(r"^Damerau-Levenshtein distance of "), "One character different"),
    (re.compile(r"^All other comparisons$"), "Different"),
)


def plain_level(label: str) -> str:
    return next((plain for pattern, plain in PLAIN_LEVELS if pattern.match(label)), label)


def signed_bits(bits: float) -> str:
    """Evidence as shown: +6.9, −4.1 (a true minus sign), 0.0."""
    text = f"{abs(bits):.1f}"
    return text if text == "0.0" else ("+" if bits > 0 else "−") + text


@dataclass(frozen=True)
class EvidenceRow:
    name: str
    found: str
    bits: float

    @property
    def shown(self) -> str:
        return signed_bits(self.bits)


@dataclass(frozen=True)
class PairExplanation:
    rows: list[EvidenceRow]  # the starting point (the prior), then each comparison
    probability: float
    version: ModelVersion


IDENTIFIER_NAMES = {"nhs_number": "NHS number", "pnc_id": "PNC ID", "prison_number": "prison number"}
# The identifier comparison's levels, in plain words (its row is named by the identifiers compared).
IDENTIFIER_LEVELS = {
    "Same national identifier": "The same",
    "Identifier one keystroke apart": "One character different",
    "Different identifier": "Different",
}


def _kinds(row: dict[str, Any]) -> list[str]:
    return [name for column, name in IDENTIFIER_NAMES.items() if row.get(column)]


def _identifier_row(item: engine.Evidence, a: dict[str, Any], b: dict[str, Any]) -> EvidenceRow:
    """The identifier comparison, named by what the two records hold: never an identifier neither holds."""
    both = [kind for kind in _kinds(a) if kind in _kinds(b)]
    if item.level is not None and both:
        name = " and ".join(both)
        return EvidenceRow(name[0].upper() + name[1:], IDENTIFIER_LEVELS.get(item.level, item.level), item.bits)
    held = {side: _kinds(row) for side, row in (("first", a), ("second", b)) if _kinds(row)}
    if not held:
        found = "Neither record holds one"
    elif len(held) == 1:
        side, kinds = next(iter(held.items()))
        found = f"Only the {side} record holds one ({' and '.join(kinds)})"
    else:
        found = "They hold different kinds: " + "; ".join(f"{side}, {' and '.join(k)}" for side, k in held.items())
    return EvidenceRow("Identifiers", found, item.bits)


def _birth_found(found: str, placeholder: dict[str, bool]) -> str:
    sides = [side for side, flagged in placeholder.items() if flagged]
    if not sides:
        return found
    which = "both records" if len(sides) == 2 else f"the {sides[0]} record"
    return f"{found} (the placeholder date of birth on {which} left out)"


def pair_explanation(candidate: MatchCandidate) -> PairExplanation | None:
    """How the model weighed a pair: by the model version that proposed it, else the area's active one.
    Each row names only what the two records hold; placeholder dates of birth are left out, as in linkage."""
    version = candidate.model or ModelVersion.objects.filter(area_id=candidate.area_id, active=True).first()
    if version is None:
        return None
    today = timezone.localdate()
    learned = set(version.placeholder_dobs)
    rows_in = [linkage_row(r.pk, r.identity(), today=today) for r in (candidate.record_a, candidate.record_b)]
    a, b = (engine.blank_placeholders(pd.DataFrame([row]), learned) for row in rows_in)
    placeholder = {
        side: placeholder_dob(record.date_of_birth, today=today, learned=learned)
        for side, record in (("first", candidate.record_a), ("second", candidate.record_b))
    }
    try:
        explanation = engine.explain(a, b, version.trained, tf=version.term_frequencies)
    except engine.SCORING_ERRORS:
        # The explanation is a help to the reviewer, not the decision: a model version this code can no
        # longer score (say, one declared on columns since renamed) must not stop the review.
        logger.exception("Could not explain pair %s with model version %s", candidate.pk, version.pk)
        return None
    rows = [
        EvidenceRow("Starting point", "How rarely two records in the area are the same person", explanation.prior_bits)
    ]
    for item in explanation.evidence:
        if item.comparison == "identifier":
            rows.append(_identifier_row(item, *rows_in))
            continue
        name, not_compared = COMPARISON_NAMES.get(item.comparison, (item.comparison, "Not compared"))
        found = not_compared if item.level is None else plain_level(item.level)
        if item.comparison == "birth":
            found = _birth_found(found, placeholder)
        rows.append(EvidenceRow(name=name, found=found, bits=item.bits))
    return PairExplanation(rows=rows, probability=explanation.match_probability, version=version)


CHECKED_NAMES = {
    "dob": "dates of birth",
    "nhs_number": "NHS numbers",
    "pnc_id": "PNC IDs",
    "prison_number": "prison numbers",
}


def pair_contradictions(candidate: MatchCandidate, links: dict[str, PersonLink | None]) -> list[str]:
    """What disagrees between the two sides of a pair, as grouping tests it (tide.linkage.grouping): the
    reason a strong pair waits for review. A side is the record with its person's other records (the
    other record of the pair left out, when the two are linked meanwhile). What the pair's own two records
    do not both hold is said to come from their people's other records: never named as the records'."""
    today = timezone.localdate()
    pair = {candidate.record_a_id, candidate.record_b_id}
    own = [linkage_row(r.pk, r.identity(), today=today) for r in (candidate.record_a, candidate.record_b)]
    sides = []
    for record, link in ((candidate.record_a, links["a"]), (candidate.record_b, links["b"])):
        records = [record]
        if link is not None:
            others = PersonLink.objects.filter(person_id=link.person_id, ended_at__isnull=True).exclude(record__in=pair)
            records += [other.record for other in others.select_related("record")]
        sides.append(grouping.profile(linkage_row(r.pk, r.identity(), today=today) for r in records))
    return [
        CHECKED_NAMES[column]
        + ("" if all(row.get(column) for row in own) else " (on other records of the people they are linked to)")
        for column in grouping.disagreements(*sides)
    ]


def queue_counts(*, user: Any) -> dict[str, int]:
    qs = MatchCandidate.objects.filter(area_id=user.area_id)
    return {
        "open": qs.filter(status=MatchCandidate.Status.OPEN).count(),
        "unsure": qs.filter(status=MatchCandidate.Status.UNSURE).count(),
        "decided": qs.filter(status=MatchCandidate.Status.DECIDED).count(),
        "records": SourceRecord.objects.filter(area_id=user.area_id).count(),
    }


# --- "is this person already known?" --------------------------------------------------------------


@dataclass(frozen=True)
class KnownHit:
    person: Person
    probability: float
    record: SourceRecord


def known_search(*, user: Any, query: dict[str, Any]) -> list[KnownHit]:
    """People whose agency records may be the person described, best first (scored by the model)."""
    today = timezone.localdate()
    row = linkage_row(0, query, today=today)
    # One indexed query per way of being a candidate (an OR of them makes SQLite scan the whole area):
    # a shared identifier, date of birth (or with day and month swapped), family name, or the first
    # letters of the family name and the year of birth.
    # Identifiers are looked up on their own index, across areas (the area is checked below): with
    # the area in the query too, SQLite may walk an index that starts with the area instead.
    records = SourceRecord.objects.order_by()
    in_area = records.filter(area_id=user.area_id)
    conditions: list[QuerySet[SourceRecord]] = []
    for field in ("nhs_number", "pnc_id", "prison_number"):
        value = clean_identifier(query.get(field))
        if value:
            conditions.append(records.filter(**{field: value}))
    dob = query.get("date_of_birth")
    if isinstance(dob, dt.date):
        conditions.append(in_area.filter(date_of_birth=dob))
        if dob.day <= 12:
            with contextlib.suppress(ValueError):
                conditions.append(in_area.filter(date_of_birth=dob.replace(month=dob.day, day=dob.month)))
    surname = row["surname"]  # as normalised for linkage, which is how family_key is stored
    if surname:
        conditions.append(in_area.filter(family_key=surname))
        if row["birth_year"]:
            conditions.append(in_area.filter(family_key__startswith=surname[:2], date_of_birth__year=row["birth_year"]))
    found: dict[int, SourceRecord] = {}
    for condition in conditions:
        if len(found) >= SEARCH_CANDIDATES:
            break
        for record in condition[: SEARCH_CANDIDATES - len(found)]:
            if record.area_id == user.area_id:
                found.setdefault(record.pk, record)
    candidates = list(found.values())
    if not candidates:
        return []
    links = dict(
        PersonLink.objects.filter(record__in=candidates, ended_at__isnull=True).values_list("record_id", "person_id")
    )
    candidates = [c for c in candidates if c.pk in links]
    version = ModelVersion.objects.filter(area_id=user.area_id, active=True).first()
    if version is None or not candidates:
        return []
    frame = pd.DataFrame([linkage_row(c.pk, c.identity(), today=today) for c in candidates])
    scored = engine.score_candidates(pd.DataFrame([row]), frame, version.trained, tf=version.term_frequencies)
    best: dict[int, tuple[float, int]] = {}
    for a, b, p in zip(scored["unique_id_l"], scored["unique_id_r"], scored["match_probability"], strict=True):
        record_id = int(b) if int(a) == 0 else int(a)
        person_id = links[record_id]
        if p >= version.lower * 0.5 and p > best.get(person_id, (-1.0, 0))[0]:
            best[person_id] = (float(p), record_id)
    people = Person.objects.in_bulk(list(best))
    by_id = {c.pk: c for c in candidates}
    hits = [KnownHit(people[pid], p, by_id[rid]) for pid, (p, rid) in best.items() if pid in people]
    hits.sort(key=lambda h: h.probability, reverse=True)
    audit_record(actor=user, action=LINKAGE_KNOWN_SEARCH, detail={"hits": len(hits)})
    return hits[:10]


# --- person timeline ----------------------------------------------------------------------------


def timeline_entries(person: Any, user: Any) -> list[Entry]:
    """When each agency record was linked to the person, and how."""
    entries = []
    for link in PersonLink.objects.filter(person=person).select_related("record__agency"):
        how = link.get_method_display()
        if link.probability is not None:
            how += f", match probability {link.probability:.3f}"
        state = "" if link.ended_at is None else f" (ended {date_format(timezone.localtime(link.ended_at))})"
        entries.append(
            Entry(
                on=timezone.localtime(link.created_at).date(),
                title=f"{link.record.agency.name} record {link.record.record_ref} linked{state}",
                kind="record link",
                source="Linkage",
                detail=how,
                url=reverse("linkage:record", args=[link.record_id]),
            )
        )
    return entries


# --- the review flow: the next pair, the pair's rows, each side's recent events ----------------------


NEXT_SCAN_LIMIT = 1000  # pairs looked at for the next one a reviewer may open, each way round the queue


def candidate_next(*, user: Any, after: MatchCandidate | None = None, chunk: int = 100) -> MatchCandidate | None:
    """The next pair waiting for review (open, in queue order) after ``after``, then from the top of the
    queue: where a reviewer goes after deciding or skipping a pair. A reviewer who may break the glass
    (frontline roles, as on the queue page) goes to the next pair whatever it holds, and is asked for a
    reason there; anyone else is taken only to a pair whose two records they may see, so the flow never
    lands on a record they may not see. At most ``NEXT_SCAN_LIMIT`` pairs are looked at each way round the
    queue, so a reviewer who may open almost none of a large queue is not kept waiting."""
    qs = candidates_open(user=user, status=MatchCandidate.Status.OPEN)
    parts = [qs]
    if after is not None:
        qs = qs.exclude(pk=after.pk)
        later = Q(probability__lt=after.probability) | Q(probability=after.probability, id__gt=after.pk)
        parts = [qs.filter(later), qs.exclude(later)]
    may_break_glass = getattr(user, "role", "") in FRONTLINE_ROLES
    for part in parts:
        start = 0
        while start < NEXT_SCAN_LIMIT and (batch := list(part[start : start + chunk])):
            visible = {c.pk for c in batch} if may_break_glass else candidates_visible_to(user, batch)
            found = next((c for c in batch if c.pk in visible), None)
            if found is not None:
                return found
            start += chunk
    return None


def placeholder_dob(value: Any, *, today: dt.date, learned: Collection[str] = ()) -> bool:
    """A date of birth that is a system default, not a birthday: one of the dates extracts use for
    "not known" (1 Jan 1900 and the like, before 1901 or in the future, see normalise.clean_dob) or one
    the area's model found shared by implausibly many records (``ModelVersion.placeholder_dobs``)."""
    if value is None or value == "":
        return False
    return clean_dob(value, today=today) is None or str(value)[:10] in set(learned)


def _placeholders(candidate: MatchCandidate) -> set[str]:
    version = candidate.model or ModelVersion.objects.filter(area_id=candidate.area_id, active=True).first()
    return set(version.placeholder_dobs) if version is not None else set()


@dataclass(frozen=True)
class PairRow:
    label: str
    a: Any
    b: Any
    agreement: str  # "same", "differs", "blank", "placeholder" or "" (not compared)


def _agreement(label: str, a: object, b: object) -> str:
    if label in ("Agency", "Agency's record"):
        return ""
    if not a or not b:
        return "blank"
    return "same" if str(a).strip().casefold() == str(b).strip().casefold() else "differs"


def pair_rows(candidate: MatchCandidate) -> list[PairRow]:
    """The two records side by side, detail by detail, with whether they agree. A placeholder date of
    birth (or the birth year taken from one) is flagged and never counts as agreement."""
    a, b = candidate.record_a, candidate.record_b
    today = timezone.localdate()
    learned = _placeholders(candidate)
    rows = []
    for label, field in (
        ("Agency", "agency"),
        ("Agency's record", "record_ref"),
        ("Given name", "given_name"),
        ("Family name", "family_name"),
        ("Initials", "initials"),
        ("Date of birth", "date_of_birth"),
        ("Birth year", "birth_year"),
        ("Sex", "sex"),
        ("Postcode", "postcode"),
        ("Address", "address"),
        ("NHS number", "nhs_number"),
        ("PNC ID", "pnc_id"),
        ("Prison number", "prison_number"),
    ):
        va, vb = getattr(a, field), getattr(b, field)
        if field == "agency":
            va, vb = va.name, vb.name
        if not va and not vb:
            continue
        agreement = _agreement(label, va, vb)
        if field == "date_of_birth" and any(placeholder_dob(v, today=today, learned=learned) for v in (va, vb)):
            agreement = "placeholder"
        if field == "birth_year" and any(v is not None and v < 1901 for v in (va, vb)):
            agreement = "placeholder"
        rows.append(PairRow(label, va or "", vb or "", agreement))
    return rows


@dataclass(frozen=True)
class RecordEvents:
    events: list[Entry]  # the latest, newest first
    total: int  # how many events the record holds
    withheld: int  # of the latest, how many are of a kind the user does not need (health, criminal)


def record_events(*, user: Any, record: SourceRecord, limit: int = 10) -> RecordEvents:
    """A record's latest service events (type, date, agency), to help decide a pair. Only for a record the
    user may see (``record_visible_to``); health and criminal-justice events only where the user needs
    them: their own agency's, or what their access to the record's person allows (tide.core.access)."""
    events = ServiceEvent.objects.filter(agency_id=record.agency_id, record_ref=record.record_ref)
    latest = list(events.order_by("-occurred_on", "-id")[:limit])
    if getattr(user, "agency_id", None) and record.agency_id == user.agency_id:
        allowed: frozenset[str] = frozenset(SENSITIVITY.values())
    else:
        link = current_link(record)
        allowed = person_access(user, link.person).sensitive if link else frozenset()
    shown = []
    for event in latest:
        kind = event_types.get(event.event_type)
        sensitive = SENSITIVITY.get(kind.domain, "")
        if sensitive and sensitive not in allowed:
            continue
        shown.append(Entry(on=event.occurred_on, title=kind.label, kind="service event", source=record.agency.name))
    return RecordEvents(events=shown, total=events.count(), withheld=len(latest) - len(shown))
