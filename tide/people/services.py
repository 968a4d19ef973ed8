"""Writes to the people register. Every write records an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tide.areas.models import Agency, Area
from tide.core.actors import actor_pk, actor_user
from tide.core.audit import audit_record
from tide.core.bulk import insert_instances, insert_rows, now_stored
from tide.people import identifiers as ids
from tide.people.audit_actions import (
    PEOPLE_BULK_CREATED,
    PERSON_CONTACT_PREFERENCE_SET,
    PERSON_CREATED,
    PERSON_IDENTIFIER_ADDED,
    RISK_MARKER_ENDED,
    RISK_MARKER_REVIEWED,
    RISK_MARKER_SET,
)
from tide.people.models import (
    ContactChannel,
    ContactPreference,
    IdentifierKind,
    NameKey,
    Person,
    PersonAlias,
    PersonIdentifier,
    RiskKind,
    RiskMarker,
)
from tide.people.names import keys_for_names, normalise


def _all_names(person: Person, aliases: Iterable[PersonAlias] = ()) -> list[str]:
    names = [person.given_name, person.family_name, person.known_as]
    for alias in aliases:
        names += [alias.given_name, alias.family_name]
    return [n for n in names if n]


def _search_name(person: Person, aliases: Iterable[PersonAlias] = ()) -> str:
    return normalise(" ".join(_all_names(person, aliases)))[:400]


def person_reindex(*, person: Person) -> None:
    """Refresh the person's search name and phonetic keys from their names and aliases."""
    aliases = list(person.aliases.all())
    person.search_name = _search_name(person, aliases)
    Person.objects.filter(pk=person.pk).update(search_name=person.search_name)
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create(
        NameKey(person=person, key=k) for k in sorted(keys_for_names(_all_names(person, aliases)))
    )


def identifier_clean(*, kind: str, value: str, agency: Agency | None) -> str:
    """Normalise an identifier or raise ``ValidationError`` saying what is wrong with it."""
    value = (value or "").strip()
    if kind == IdentifierKind.NHS:
        problem = ids.nhs_number_problem(value)
        value = ids.nhs_number_normalise(value)
    elif kind == IdentifierKind.PNC:
        problem = ids.pnc_problem(value)
        value = ids.pnc_normalise(value)
    elif kind == IdentifierKind.PRISON:
        problem = ids.prison_number_problem(value)
        value = value.upper()
    elif kind == IdentifierKind.LOCAL:
        problem = None if value and agency is not None else "An agency's own ID needs the agency and a value."
    else:
        problem = f"Unknown identifier kind {kind!r}."
    if problem:
        raise ValidationError({"value": problem})
    return value


@dataclass
class PersonInput:
    given_name: str = ""
    family_name: str = ""
    known_as: str = ""
    date_of_birth: dt.date | None = None
    dob_precision: str = "exact"
    sex: str = "U"
    gender: str = ""
    ethnicity: str = "Z"
    address_line: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    identifiers: list[tuple[str, str, Agency | None]] = field(default_factory=list)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)  # (given, family, kind)


def _build_person(area: Area, data: PersonInput) -> Person:
    return Person(
        area=area,
        given_name=data.given_name.strip(),
        family_name=data.family_name.strip(),
        known_as=data.known_as.strip(),
        date_of_birth=data.date_of_birth,
        dob_precision=data.dob_precision,
        sex=data.sex,
        gender=data.gender,
        ethnicity=data.ethnicity,
        address_line=data.address_line,
        town=data.town,
        postcode=data.postcode.strip().upper(),
        phone=data.phone,
        email=data.email,
    )


@transaction.atomic
def person_create(*, area: Area, data: PersonInput, actor: Any) -> Person:
    person = _build_person(area, data)
    if data.date_of_birth and data.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past."})
    person.full_clean(exclude=["search_name"])
    person.save()
    for given, family, kind in data.aliases:
        PersonAlias.objects.create(person=person, given_name=given, family_name=family, kind=kind)
    for kind, value, agency in data.identifiers:
        identifier_add(person=person, kind=kind, value=value, agency=agency, actor=actor, audit=False)
    person_reindex(person=person)
    audit_record(actor=actor, action=PERSON_CREATED, target=person, person_id=person.pk)
    return person


@transaction.atomic
def identifier_add(
    *, person: Person, kind: str, value: str, agency: Agency | None, actor: Any, audit: bool = True
) -> PersonIdentifier:
    agency = agency if kind == IdentifierKind.LOCAL else None
    value = identifier_clean(kind=kind, value=value, agency=agency)
    clash = PersonIdentifier.objects.filter(kind=kind, value=value, agency=agency).exclude(person=person).first()
    if clash is not None:
        raise ValidationError({"value": f"This {clash.get_kind_display()} is already recorded for another person."})
    identifier, _ = PersonIdentifier.objects.get_or_create(
        person=person,
        kind=kind,
        value=value,
        agency=agency,
        defaults={"added_by": actor_user(actor)},
    )
    if audit:
        audit_record(
            actor=actor, action=PERSON_IDENTIFIER_ADDED, target=identifier, person_id=person.pk, detail={"kind": kind}
        )
    return identifier


@transaction.atomic
def people_bulk_create(*, area: Area, rows: Sequence[PersonInput], actor: Any, reason: str) -> list[Person]:
    """Create many people at once (demo load, first migration of a register) with one audit row.

    Identifiers are trusted to be valid here; callers validate first (the intake room does).
    """
    people = [_build_person(area, row) for row in rows]
    for person, row in zip(people, rows, strict=True):  # the search name needs the aliases, not the id
        person.search_name = _search_name(person, [PersonAlias(given_name=g, family_name=f) for g, f, _ in row.aliases])
    people = insert_instances(people)
    aliases: list[PersonAlias] = []
    identifiers: list[tuple[Any, ...]] = []
    keys: list[tuple[int, str]] = []
    now = now_stored()
    added_by = actor_pk(actor)
    for person, row in zip(people, rows, strict=True):
        person_aliases = [PersonAlias(person=person, given_name=g, family_name=f, kind=k) for g, f, k in row.aliases]
        aliases += person_aliases
        identifiers += [(person.pk, k, v, getattr(a, "pk", None), added_by, now) for k, v, a in row.identifiers]
        keys += [(person.pk, k) for k in sorted(keys_for_names(_all_names(person, person_aliases)))]
    insert_instances(aliases)
    insert_rows(PersonIdentifier, ["person", "kind", "value", "agency", "added_by", "added_at"], identifiers)
    insert_rows(NameKey, ["person", "key"], keys)
    audit_record(actor=actor, action=PEOPLE_BULK_CREATED, reason=reason, detail={"count": len(people), "area": area.pk})
    return people


# --- Safe contact ----------------------------------------------------------------------------------


@transaction.atomic
def contact_preference_set(
    *,
    person: Person,
    channel: str,
    never_text: bool,
    may_say_from: bool,
    safe_from: dt.time | None,
    safe_until: dt.time | None,
    note: str = "",
    actor: Any,
) -> ContactPreference:
    """Record how Tide may contact the person: by the person themself or their coordinator with them."""
    if (safe_from is None) != (safe_until is None):
        raise ValidationError({"safe_until": "Give both the start and the end of the safe times, or neither."})
    if safe_from is not None and safe_from == safe_until:
        raise ValidationError({"safe_until": "The safe times must not start and end at the same time."})
    if channel not in ContactChannel.values:
        raise ValidationError({"channel": "Choose how Tide may contact them."})
    if channel == ContactChannel.SMS and never_text:
        raise ValidationError({"channel": "Text messages are marked 'never': choose another way to contact them."})
    preference, _ = ContactPreference.objects.update_or_create(
        person=person,
        defaults={
            "channel": channel,
            "never_text": never_text,
            "may_say_from": may_say_from,
            "safe_from": safe_from,
            "safe_until": safe_until,
            "note": note.strip()[:300],
            "set_by": actor_user(actor),
            "set_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action=PERSON_CONTACT_PREFERENCE_SET,
        target=preference,
        person_id=person.pk,
        detail={"channel": channel, "never_text": never_text, "may_say_from": may_say_from},
    )
    return preference


# --- Risk and safety markers (ADR 0032) -----------------------------------------------------------------

RISK_REVIEW_MAX_DAYS = 366  # a marker is looked at again within a year


def _may_mark(actor: Any, person: Person) -> None:
    """Whoever has a reason to see the person (the need-to-know decision) may set, review or end a marker."""
    from django.core.exceptions import PermissionDenied

    from tide.core.access import NeedToKnowRefused, person_access

    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in to record a risk marker.")
    if not person_access(actor, person).allowed:
        raise NeedToKnowRefused(person.pk)


def _review_date(review_on: dt.date | None, today: dt.date) -> dt.date:
    if review_on is None:
        raise ValidationError({"review_on": "Enter the date to review the marker by."})
    if review_on < today:
        raise ValidationError({"review_on": "The review date must be today or later."})
    if review_on > today + dt.timedelta(days=RISK_REVIEW_MAX_DAYS):
        raise ValidationError({"review_on": "Review the marker within a year: choose a date in the next 12 months."})
    return review_on


@transaction.atomic
def risk_marker_set(
    *, person: Person, kind: str, reason: str, review_on: dt.date | None, other_kind: str = "", actor: Any
) -> RiskMarker:
    """Record a risk or safety marker on the person, with who set it, why and when to review it."""
    _may_mark(actor, person)
    today = timezone.localdate()
    reason, other_kind = (reason or "").strip(), (other_kind or "").strip()
    if kind not in RiskKind.values:
        raise ValidationError({"kind": "Choose the kind of risk."})
    if kind == RiskKind.OTHER and not other_kind:
        raise ValidationError({"other_kind": "Say what the risk is."})
    if not reason:
        raise ValidationError({"reason": "Say why: what happened and what staff should do."})
    marker = RiskMarker(
        person=person,
        kind=kind,
        other_kind=other_kind if kind == RiskKind.OTHER else "",
        reason=reason,
        set_by=actor,
        set_on=today,
        review_on=_review_date(review_on, today),
    )
    marker.full_clean()
    marker.save()
    audit_record(actor=actor, action=RISK_MARKER_SET, target=marker, person_id=person.pk, detail={"kind": kind})
    return marker


@transaction.atomic
def risk_marker_review(
    *, marker: RiskMarker, keep: bool, note: str, review_on: dt.date | None = None, actor: Any
) -> RiskMarker:
    """Review a marker: keep it with a new review date, or end it (kept as history) with a reason."""
    marker = RiskMarker.objects.select_for_update().select_related("person").get(pk=marker.pk)
    _may_mark(actor, marker.person)
    if not marker.is_active:
        raise ValidationError("This marker has already ended.")
    note = (note or "").strip()
    today = timezone.localdate()
    if not note:
        raise ValidationError({"note": "Say what the review found." if keep else "Say why the marker can end."})
    if keep:
        marker.review_on = _review_date(review_on, today)
        marker.reviewed_on, marker.reviewed_by, marker.review_note = today, actor, note
        action = RISK_MARKER_REVIEWED
    else:
        marker.ended_on, marker.ended_by, marker.end_reason = today, actor, note
        action = RISK_MARKER_ENDED
    marker.version += 1
    marker.full_clean()
    marker.save()
    audit_record(actor=actor, action=action, target=marker, person_id=marker.person_id, detail={"kind": marker.kind})
    return marker
