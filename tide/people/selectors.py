"""Reads of the people register. Visibility rules for people live here and nowhere else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.http import Http404

from tide.core.access import NeedToKnowRefused, PersonAccess, person_access
from tide.core.audit import audit_record
from tide.people import identifiers as ids
from tide.people.audit_actions import PERSON_VIEW_REFUSED, PERSON_VIEWED
from tide.people.models import NameKey, Person, PersonIdentifier, RiskMarker
from tide.people.names import similarity, token_keys, tokens

CANDIDATE_LIMIT = 400
MIN_SCORE = 0.78
TRIGRAM_THRESHOLD = 0.5


def person_list_for(*, user: Any) -> QuerySet[Person]:
    """Everyone in the user's area; person-level gates apply when a record is opened."""
    if not getattr(user, "area_id", None):
        return Person.objects.none()
    return Person.objects.filter(area_id=user.area_id)


def person_get_for(*, user: Any, pk: int, reason: str = "") -> Person:
    """The person's record for ``user`` after the need-to-know gates; every view and refusal is audited.

    Unknown ids and people outside the user's area are a 404. Inside the area, the user needs a
    legitimate relationship (see tide.core.relationships) or an active break-glass grant, otherwise
    :class:`NeedToKnowRefused` (a 403 offering break-glass). The returned person carries ``access``
    (:class:`PersonAccess`): how the user got in and which sensitive categories they may see.
    """
    person = person_list_for(user=user).prefetch_related("aliases", "identifiers__agency").filter(pk=pk).first()
    if person is None:
        raise Http404("No such person in your area.")
    decision = person_gate(user=user, person=person, reason=reason)
    person.access = decision  # type: ignore[attr-defined]
    return person


def person_gate(*, user: Any, person: Person, reason: str = "") -> PersonAccess:
    """The reusable need-to-know check for any room showing one person's data; audits the outcome.

    Raises :class:`NeedToKnowRefused` when the user has neither a relationship nor break-glass.
    """
    decision = person_access(user, person)
    if not decision.allowed:
        audit_record(
            actor=user,
            action=PERSON_VIEW_REFUSED,
            target=person,
            person_id=person.pk,
            reason=reason or "no relationship",
        )
        raise NeedToKnowRefused(person.pk)
    audit_record(
        actor=user,
        action=PERSON_VIEWED,
        target=person,
        person_id=person.pk,
        reason=reason,
        detail={"via": decision.via, "relationship": decision.relationship},
    )
    return decision


@dataclass(frozen=True)
class SearchHit:
    person: Person
    score: float
    matched_on: str


def _identifier_query(query: str) -> str | None:
    compact = re.sub(r"[\s-]", "", query)
    if re.fullmatch(r"\d{10}", compact) and ids.nhs_number_problem(compact) is None:
        return compact
    upper = query.strip().upper()
    if ids.PNC_RE.match(upper) or ids.PRISON_NUMBER_RE.match(upper):
        return upper
    if re.search(r"\d", query) and " " not in query.strip():
        return query.strip()  # an agency's own ID
    return None


def _token_candidates(token: str, area_id: int) -> set[int]:
    """People with a name that sounds like ``token`` (phonetic keys) or, on PostgreSQL, shares its trigrams."""
    ids = set(
        NameKey.objects.filter(key__in=token_keys(token)).values_list("person_id", flat=True)[: CANDIDATE_LIMIT * 10]
    )
    if connection.vendor == "postgresql" and len(token) >= 3:
        ids |= set(
            Person.objects.filter(area_id=area_id, search_name__trigram_word_similar=token).values_list(
                "pk", flat=True
            )[:CANDIDATE_LIMIT]
        )
    return ids


def person_search(*, user: Any, query: str, limit: int | None = 25) -> list[SearchHit]:
    """Find people by identifier, or by name tolerating misspellings (phonetic keys, trigrams on PostgreSQL).

    ``limit=None`` returns every hit, best first, for a paged list that says the true count."""
    query = (query or "").strip()[:200]
    visible = person_list_for(user=user)
    if not query:
        return []
    identifier = _identifier_query(query)
    if identifier is not None:
        person_ids = PersonIdentifier.objects.filter(value__iexact=identifier).values_list("person_id", flat=True)
        people = visible.filter(pk__in=list(person_ids[:limit] if limit else person_ids))
        return [SearchHit(p, 1.0, "identifier") for p in people]

    query_tokens = tokens(query)[:6]
    if not query_tokens:
        return []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)]
                )
        per_token = [_token_candidates(token, user.area_id) for token in query_tokens]
    # Everyone matching every token; when one token is too garbled to match, rank on the others.
    candidate_ids = set.intersection(*per_token) or set.union(*per_token)
    if not candidate_ids:
        return []
    people = visible.filter(pk__in=sorted(candidate_ids)[: CANDIDATE_LIMIT * 2]).only(
        "pk", "given_name", "family_name", "known_as", "date_of_birth", "dob_precision", "postcode", "search_name"
    )
    hits = []
    for person in people:
        score = similarity(query, [person.search_name])
        if score >= MIN_SCORE:
            hits.append(SearchHit(person, score, "name"))
    hits.sort(key=lambda h: (-h.score, h.person.family_name, h.person.given_name, h.person.pk))
    return hits[:limit] if limit else hits


def risk_markers_for(*, person: Person) -> list[RiskMarker]:
    """The person's risk and safety markers, current first, then ended ones (history). The caller has
    passed the need-to-know gate for ``person``."""
    return list(
        RiskMarker.objects.filter(person=person)
        .select_related("set_by__agency", "reviewed_by", "ended_by")
        .order_by(F("ended_on").desc(nulls_first=True), "-set_on", "-id")
    )


def risk_reviews_overdue(*, person_ids: Iterable[int], today: dt.date) -> list[RiskMarker]:
    """Current markers past their review date, for the people given (a coordinator's caseload)."""
    return list(
        RiskMarker.objects.filter(person_id__in=list(person_ids), ended_on__isnull=True, review_on__lt=today)
        .select_related("person")
        .order_by("review_on", "id")
    )


def risk_marker_panel(*, user: Any, person: Person) -> dict[str, Any]:
    """The context ``people/_risk_markers.html`` needs, for a page that has passed the person's gate."""
    from django.utils import timezone

    from tide.areas.models import FRONTLINE_ROLES

    return {
        "risk_markers": risk_markers_for(person=person),
        "today": timezone.localdate(),
        "can_edit": getattr(user, "role", "") in FRONTLINE_ROLES,
    }
