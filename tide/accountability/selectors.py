"""Reads of the accountability room: gates, alerts, inquiries, subject access and the officer's view."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from tide.accountability import redaction, rules
from tide.accountability.models import BreakGlass, Inquiry, InquiryStatus, SharingChoice, SubjectAccessRequest
from tide.areas.models import Area, InformationSharingAgreement, Role, User
from tide.core.models import AuditEvent
from tide.core.timeline import timeline_for
from tide.people.audit_actions import PERSON_CREATED, PERSON_VIEWED
from tide.people.models import Person, PersonAlias, PersonIdentifier

VIEW_ACTIONS = ("person.viewed", "person.break_glass")
OVERSIGHT_ROLES: dict[str, str] = {
    Role.ACCOUNTABLE_OFFICER.value: "accountable officer",
    Role.PRIVACY_OFFICER.value: "privacy officer",
}


# --- Gates 2 and 3: providers registered in AppConfig.ready ----------------------------------------


def relationship_oversight(user: Any, person: Person) -> str | None:
    """The accountable officer and privacy officer oversee every record in their area (always audited)."""
    label = OVERSIGHT_ROLES.get(getattr(user, "role", ""))
    return f"oversight ({label})" if label and user.area_id == person.area_id else None


def _choice(person: Person, agency_id: int) -> bool | None:
    choice = SharingChoice.objects.filter(person=person, agency_id=agency_id).values_list("share", flat=True).first()
    return choice


def relationship_agency_involved(user: Any, person: Person) -> str | None:
    """The user's agency recorded the person, or holds service records about them and may share them.

    An agency that registered the person holds its own record of them. An agency whose records are
    in the ledger is involved; it may see the shared record with the person's consent, or under an
    information-sharing agreement in force, unless the person has said no to that agency.
    """
    agency_id = getattr(user, "agency_id", None)
    if not agency_id or getattr(user, "role", "") == Role.PERSON:
        return None
    registered = AuditEvent.objects.filter(
        person_id=person.pk, action=PERSON_CREATED, actor__agency_id=agency_id
    ).exists()
    if registered:
        return "your agency registered this person"
    from tide.service_use.models import ServiceEvent

    if not ServiceEvent.objects.filter(person=person, agency_id=agency_id).exists():
        return None
    choice = _choice(person, agency_id)
    if choice is False:
        return None
    if choice is True:
        return "agency involved, with the person's consent"
    today = timezone.localdate()
    under_isa = InformationSharingAgreement.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), agencies=agency_id, starts_on__lte=today
    ).exists()
    return "agency involved, under an information-sharing agreement" if under_isa else None


def relationship_coordination_service(user: Any, person: Person) -> str | None:
    """Coordinators work the by-name list: they may open people identified but not yet allocated.

    Once someone else coordinates the person, only that coordinator (coordination's provider) keeps
    the relationship; other coordinators need break-glass.
    """
    if getattr(user, "role", "") != Role.COORDINATOR or user.area_id != person.area_id:
        return None
    from tide.coordination.models import SupportEpisode
    from tide.identification.models import Alert, NdtAssessment

    if SupportEpisode.objects.filter(person=person, ended_on__isnull=True).exists():
        return None
    identified = Alert.objects.filter(person=person).exists() or NdtAssessment.objects.filter(person=person).exists()
    return "coordination service: identified, not yet allocated" if identified else None


def unrelated_views(*, user: Any, days: int = 30) -> QuerySet[AuditEvent]:
    """Records opened without a relationship while the area runs need-to-know in audit mode."""
    since = timezone.now() - dt.timedelta(days=days)
    area_people = Person.objects.filter(area_id=user.area_id).values("pk")
    return (
        AuditEvent.objects.filter(action=PERSON_VIEWED, detail__via="unrelated", at__gte=since)
        .filter(person_id__in=area_people)
        .select_related("actor__agency")
        .order_by("-at")[:200]
    )


def break_glass_active(user: Any, person: Person) -> str | None:
    grant = (
        BreakGlass.objects.filter(user_id=user.pk, person=person, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    return f"break-glass until {timezone.localtime(grant.expires_at):%H:%M}: {grant.reason}" if grant else None


def break_glass_alerts(*, user: Any) -> QuerySet[BreakGlass]:
    """Break-glass uses in the privacy officer's area waiting for review, oldest first."""
    return (
        BreakGlass.objects.filter(person__area_id=user.area_id, reviewed_at__isnull=True)
        .select_related("user__agency", "person")
        .order_by("created_at")
    )


def break_glass_get(*, user: Any, pk: int) -> BreakGlass | None:
    return (
        BreakGlass.objects.select_related("user__agency", "person").filter(pk=pk, person__area_id=user.area_id).first()
    )


# --- What the person sees --------------------------------------------------------------------------


def person_for_account(*, user: Any) -> Person | None:
    account = getattr(user, "person_account", None) if user.role == Role.PERSON else None
    return account.person if account else None


def person_viewers(*, person: Person, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who opened the person's record, with when, how and why (the audit log is the source)."""
    return (
        AuditEvent.objects.filter(person_id=person.pk, action__in=VIEW_ACTIONS)
        .select_related("actor__agency")
        .order_by("-at")[:limit]
    )


@dataclass
class ViewGroup:
    """Everyone from one service who looked at a person's record on one day."""

    service: str
    people: dict[str, str]  # name -> why (the relationship or reason first given that day)
    times: int = 0


@dataclass
class DayOfViews:
    day: dt.date
    groups: list[ViewGroup]
    emergencies: list[tuple[str, str]]  # (who, the reason they gave)


def person_views_by_day(*, person: Person, limit: int = 2000) -> list[DayOfViews]:
    """The person's own access log in plain terms: by day (newest first), then by service, counting people
    and times, so five views in a minute are one line. Emergency (break-glass) access is always named."""
    days: dict[dt.date, DayOfViews] = {}
    for event in person_viewers(person=person, limit=limit):
        day = timezone.localtime(event.at).date()
        entry = days.setdefault(day, DayOfViews(day, [], []))
        actor = event.actor
        name = (actor.get_full_name() or actor.username) if actor else (event.actor_label or "Tide")
        service = actor.agency.name if actor and actor.agency else "Tide"
        if event.action == "person.break_glass":
            entry.emergencies.append((f"{name}, {service}", event.reason))
            continue
        group = next((g for g in entry.groups if g.service == service), None)
        if group is None:
            group = ViewGroup(service, {})
            entry.groups.append(group)
        group.times += 1
        why = (event.detail or {}).get("relationship", "") or ""
        if event.reason:
            why = f"{why} — {event.reason}" if why else event.reason
        group.people.setdefault(name, why)
    for entry in days.values():
        entry.groups.sort(key=lambda g: (-len(g.people), g.service))
    return list(days.values())


def sharing_choices(*, person: Person) -> dict[int, bool]:
    return dict(SharingChoice.objects.filter(person=person).values_list("agency_id", "share"))


# --- Identifiers, for checking what is published ----------------------------------------------------

CHUNK = 10_000


def _identifiers(area_id: int) -> Iterator[tuple[str, str]]:
    """(kind, value) for every identifier Tide holds for anyone in the area; agency records first, so a
    reference that is both a record's and an event's is named as the record's."""
    from tide.linkage.models import SourceRecord
    from tide.service_use.models import ServiceEvent

    records = SourceRecord.objects.filter(area_id=area_id).values_list(
        "record_ref", "nhs_number", "pnc_id", "prison_number", "postcode", "address"
    )
    for ref, nhs, pnc, prison, postcode, address in records.iterator(chunk_size=CHUNK):
        yield from (("record", ref), ("nhs", nhs), ("pnc", pnc), ("prison", prison))
        yield from (("postcode", postcode), ("address", address))
    numbers = PersonIdentifier.objects.filter(person__area_id=area_id).values_list("kind", "value")
    yield from numbers.iterator(chunk_size=CHUNK)
    people = Person.objects.filter(area_id=area_id).values_list("postcode", "address_line", "phone", "email")
    for postcode, address, phone, email in people.iterator(chunk_size=CHUNK):
        yield from (("postcode", postcode), ("address", address), ("phone", phone), ("email", email))
    events = (
        ServiceEvent.objects.filter(person__area_id=area_id)
        .exclude(event_id__startswith="tide-")  # Tide-made ids identify no one outside Tide
        .values_list("event_id", flat=True)
        .distinct()
    )
    for ref in events.iterator(chunk_size=CHUNK):
        yield "event", ref


def _births(area_id: int) -> Iterator[tuple[str, dt.date | None]]:
    """(a full name, its date of birth): the register's names, aliases and names as agencies wrote them."""
    from tide.linkage.models import SourceRecord

    people = Person.objects.filter(area_id=area_id, date_of_birth__isnull=False).values_list(
        "given_name", "family_name", "known_as", "date_of_birth"
    )
    for given, family, known_as, born in people.iterator(chunk_size=CHUNK):
        for first in {given, known_as} - {""}:
            yield f"{first} {family}", born
            yield f"{family} {first}", born
    aliases = PersonAlias.objects.filter(person__area_id=area_id, person__date_of_birth__isnull=False).values_list(
        "given_name", "family_name", "person__date_of_birth"
    )
    records = SourceRecord.objects.filter(area_id=area_id, date_of_birth__isnull=False).values_list(
        "given_name", "family_name", "date_of_birth"
    )
    for given, family, born in [*aliases.iterator(chunk_size=CHUNK), *records.iterator(chunk_size=CHUNK)]:
        yield f"{given} {family}", born
        yield f"{family} {given}", born


def identifier_index(*, area_id: int) -> redaction.IdentifierIndex:
    """Every identifier Tide holds for anyone in the area, normalised once, read fresh: for publishing."""
    return redaction.IdentifierIndex(identifiers=_identifiers(area_id), births=_births(area_id))


INDEX_SECONDS = 300
_index_cache: dict[int, tuple[float, redaction.IdentifierIndex]] = {}
_index_lock = threading.Lock()


def identifier_index_cached(*, area_id: int) -> redaction.IdentifierIndex:
    """The area's index, at most :data:`INDEX_SECONDS` old (emptied whenever an identifier is saved or
    deleted): for public pages checked on every request. Publishing itself reads fresh."""
    now = time.monotonic()
    with _index_lock:
        cached = _index_cache.get(area_id)
    if cached and now - cached[0] < INDEX_SECONDS:
        return cached[1]
    index = identifier_index(area_id=area_id)
    with _index_lock:
        _index_cache[area_id] = (now, index)
    return index


def identifier_index_clear(**_: Any) -> None:
    with _index_lock:
        _index_cache.clear()


@dataclass(frozen=True)
class PublicationCheck:
    """What stops a text from being published: each offending text as written, with what it is."""

    problems: list[tuple[str, str]]

    def __bool__(self) -> bool:
        return bool(self.problems)

    @property
    def message(self) -> str:
        listed = "; ".join(f"“{text}” ({label})" for text, label in self.problems)
        return f"It still identifies someone. Remove or reword: {listed}."


def publication_check(
    text: str,
    *,
    area_id: int,
    person: Person | None = None,
    inquiry: Inquiry | None = None,
    index: redaction.IdentifierIndex | None = None,
) -> PublicationCheck:
    """Whether ``text`` may be made public: no identifier of anyone in the area (any spelling), and,
    when it is about one person, none of that person's names or details (ADR 62 and 65)."""
    index = index if index is not None else identifier_index(area_id=area_id)
    problems = [(m.text, m.label) for m in redaction.find_identifiers(text, index)]
    if person is not None:
        terms = identifying_terms_for(person, inquiry)
        problems += [(term, "the person's name or details") for term in rules.find_identifying(text, terms)]
    seen: dict[str, str] = {}
    for written, label in problems:
        seen.setdefault(written, label)
    return PublicationCheck(list(seen.items()))


# --- Inquiries --------------------------------------------------------------------------------------


def identifying_terms_for(person: Person, inquiry: Inquiry | None = None) -> list[str]:
    names = [person.given_name, person.family_name, person.known_as, f"{person.given_name} {person.family_name}"]
    names += [f"{a.given_name} {a.family_name}" for a in person.aliases.all()]
    names += [a.given_name for a in person.aliases.all()] + [a.family_name for a in person.aliases.all()]
    other = [person.postcode, person.address_line, person.phone, person.email]
    if inquiry is not None:
        other += [inquiry.subject_name, inquiry.requester_name, inquiry.requester_email]
    return rules.identifying_terms(
        names=names,
        date_of_birth=person.date_of_birth,
        identifiers=list(person.identifiers.values_list("value", flat=True)),
        other=other,
    )


def inquiry_list_for(*, user: Any) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(area_id=user.area_id).select_related("person").order_by("status", "due_on")


def inquiry_get_for(*, user: Any, pk: int) -> Inquiry | None:
    return Inquiry.objects.filter(area_id=user.area_id, pk=pk).select_related("person").first()


def inquiry_register(*, area_id: int | None = None) -> QuerySet[Inquiry]:
    qs = Inquiry.objects.filter(status=InquiryStatus.PUBLISHED).select_related("area").order_by("-published_at")
    return qs.filter(area_id=area_id) if area_id else qs


@dataclass(frozen=True)
class InquiryDraft:
    response: str
    public_summary: str
    entries: int


# Timeline kinds whose titles are built from fixed labels (event types, choices, definitions) and may
# stand in the public draft; kinds whose titles hold free text get a fixed phrase; linkage's record
# links (agency record references, how the records were linked) are bookkeeping, not support.
PUBLIC_TITLE_KINDS = frozenset(
    {"service event", "identification", "assessment", "outcome status", "service", "decline", "exit", "plan"}
    | {"safeguarding", "outcome payment"}
)
PUBLIC_PHRASES = {
    "referral": "Referred for coordinated support",
    "decision": "A decision of the multi-agency group",
    "contact": "Contact with their coordinator",
}
LEFT_OUT_KINDS = frozenset({"record link"})


def _public_line(entry: Any, agencies: set[str]) -> str:
    title = entry.title if entry.kind in PUBLIC_TITLE_KINDS else PUBLIC_PHRASES.get(entry.kind, entry.kind.capitalize())
    source = f" ({entry.source})" if entry.source in agencies else ""
    return f"{entry.on:%B %Y}: {title}{source}"


def inquiry_draft(*, inquiry: Inquiry, user: Any) -> InquiryDraft:
    """Assemble the response from the record: the person's timeline and support episodes.

    The full response keeps dates and details. The public draft keeps only the month, what happened
    (a fixed label, never free text) and the agency, and has every identifier Tide holds for anyone
    in the area taken out; the officer edits it before publishing, and publishing checks it again.
    """
    person = inquiry.person
    if person is None:
        return InquiryDraft("", "", 0)
    from tide.areas.models import Agency
    from tide.coordination.models import SupportEpisode

    entries = [e for e in timeline_for(person, user, limit=500) if e.kind not in LEFT_OUT_KINDS]
    episodes = list(SupportEpisode.objects.filter(person=person).order_by("started_on"))
    agencies = set(Agency.objects.filter(area_id=inquiry.area_id).values_list("name", flat=True))
    full = [f"Response to inquiry {inquiry.reference} about {person.display_name}.", "", "What the record shows:"]
    public = [f"Response to inquiry {inquiry.reference}.", "", "What the record shows, by month:"]
    for episode in episodes:
        end = (
            f" to {date_format(episode.ended_on)} ({episode.get_exit_destination_display()})"
            if episode.ended_on
            else " (still open)"
        )
        full.append(f"- Coordinated support from {date_format(episode.started_on)}{end}.")
        public_end = f" to {episode.ended_on:%B %Y}" if episode.ended_on else ", still open"
        public.append(f"- Coordinated support from {episode.started_on:%B %Y}{public_end}.")
    lines: dict[str, int] = {}
    for entry in sorted(entries, key=lambda e: e.on):
        source = f" ({entry.source})" if entry.source else ""
        detail = f": {entry.detail}" if entry.detail else ""
        full.append(f"- {date_format(entry.on)}: {entry.title}{source}{detail}")
        line = _public_line(entry, agencies)
        lines[line] = lines.get(line, 0) + 1
    public += [f"- {line}" + (f", {n} times" if n > 1 else "") for line, n in lines.items()]
    if not entries and not episodes:
        full.append("- Nothing is recorded.")
        public.append("- Nothing is recorded.")
    terms = identifying_terms_for(person, inquiry)
    names = [t for t in terms if not any(ch.isdigit() for ch in t)]
    public_text = redaction.redact_identifiers("\n".join(public), identifier_index(area_id=inquiry.area_id))
    public_text = rules.redact(public_text, names=names, terms=terms)
    return InquiryDraft("\n".join(full), public_text, len(entries) + len(episodes))


# --- Subject access ---------------------------------------------------------------------------------


def _row(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        data[f.name] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return data


def subject_access_export(*, person: Person) -> dict[str, Any]:
    """Everything Tide holds about the person, from every room's tables, and who viewed their record."""
    export: dict[str, Any] = {"person": _row(person), "held": {}, "viewed_by": []}
    for relation in person._meta.related_objects:
        if relation.one_to_one or relation.many_to_many or relation.related_model is Inquiry:
            continue  # inquiries hold the requester's (a third party's) data
        model: Any = relation.related_model
        rows = model._default_manager.filter(**{relation.field.name: person})
        export["held"][str(model._meta.verbose_name_plural).capitalize()] = [_row(r) for r in rows]
    for event in person_viewers(person=person, limit=10_000):
        export["viewed_by"].append(
            {
                "at": event.at.isoformat(),
                "who": event.actor_label,
                "agency": event.actor.agency.name if event.actor and event.actor.agency else "",
                "how": event.detail.get("via", "break-glass" if event.action == "person.break_glass" else ""),
                "reason": event.reason,
            }
        )
    return export


def sar_list_for(*, user: Any) -> QuerySet[SubjectAccessRequest]:
    return (
        SubjectAccessRequest.objects.filter(person__area_id=user.area_id)
        .select_related("person", "prepared_by", "approved_by")
        .order_by("status", "due_on")
    )


# --- The accountable officer's view ----------------------------------------------------------------


@dataclass(frozen=True)
class IdentifiedPerson:
    person: Person
    status: str  # the by-name list's status code
    status_label: str
    detail: str
    coordinator_id: int | None = None  # who holds the person's open support, if anyone


@dataclass(frozen=True)
class OfficerOverview:
    people_registered: int
    figures: Any  # identification.selectors.ListFigures: the list's headline figures (ADR 0018)
    on_caseload: int
    identified_people: list[IdentifiedPerson]
    exits_by_destination: list[tuple[str, int]]
    deaths: list[dict[str, Any]]
    open_inquiries: list[Inquiry]
    overdue_inquiries: int
    open_sars: list[SubjectAccessRequest]
    unreviewed_break_glass: int
    declines: list[dict[str, Any]]
    pending_referrals: list[tuple[Any, int]]
    pending_requests: list[tuple[Any, int]]
    overdue_actions: list[Any]

    @property
    def identified(self) -> int:
        return int(self.figures.identified)

    @property
    def caseload_off_list(self) -> int:
        """People on the caseload who are not on the by-name list (referred in without meeting a definition)."""
        return max(self.on_caseload - int(self.figures.on_caseload), 0)


def _identified_rows(area_id: int, limit: int | None) -> list[IdentifiedPerson]:
    """The by-name list's people, those on the list first (not yet on the caseload before the rest)."""
    from django.db.models import Case, IntegerField, Value, When

    from tide.identification import listing
    from tide.identification.models import ListEntry

    order = ["new", "active", "returned", "caseload", "inactive", "moved_on", "died"]
    rank = Case(*[When(status=s, then=Value(i)) for i, s in enumerate(order)], output_field=IntegerField())
    entries = (
        ListEntry.objects.filter(area_id=area_id)
        .select_related("person")
        .only(
            "status", "status_since", "person__given_name", "person__family_name", "person__known_as", "person__died_on"
        )
        .annotate(rank=rank)
        .order_by("rank", "person__family_name", "person__given_name")
    )
    if limit:
        entries = entries[:limit]
    from tide.coordination.models import SupportEpisode

    holders = dict(
        SupportEpisode.objects.filter(
            person__area_id=area_id, ended_on__isnull=True, coordinator__isnull=False
        ).values_list("person_id", "coordinator_id")
    )
    rows = []
    for e in entries:
        died_on = e.person.died_on if e.status == "died" else None
        since = died_on or e.status_since
        rows.append(
            IdentifiedPerson(
                e.person,
                e.status,
                listing.STATUS_LABELS[e.status],
                f"since {date_format(since)}" if since else "",
                holders.get(e.person_id),
            )
        )
    return rows


@dataclass(frozen=True)
class IdentifiedFilters:
    status: str = ""
    definition: str = ""  # a definition's code: people who meet it at their latest screening
    coordinator: int | None = None  # people whose open support this coordinator holds


def identified_filter(
    rows: list[IdentifiedPerson], *, area_id: int, filters: IdentifiedFilters
) -> list[IdentifiedPerson]:
    """The accountable officer's list narrowed by status, definition met and coordinator."""
    from tide.identification.models import ScreeningResult

    if filters.status:
        rows = [r for r in rows if r.status == filters.status]
    if filters.coordinator:
        rows = [r for r in rows if r.coordinator_id == filters.coordinator]
    if filters.definition:
        meets = set(
            ScreeningResult.objects.filter(
                person__area_id=area_id, definition__code=filters.definition, meets=True
            ).values_list("person_id", flat=True)
        )
        rows = [r for r in rows if r.person.pk in meets]
    return rows


def identified_filter_choices(*, area_id: int) -> dict[str, Any]:
    from tide.identification import listing
    from tide.identification.models import Definition

    definitions = Definition.objects.filter(area_id=area_id).order_by("name").values_list("code", "name")
    coordinators = User.objects.filter(area_id=area_id, role=Role.COORDINATOR).order_by("last_name", "first_name")
    return {
        "statuses": list(listing.STATUS_LABELS.items()),
        "definitions": list(definitions),
        "coordinators": [(u.pk, u.get_full_name() or u.username) for u in coordinators],
    }


def officer_overview(*, user: Any, limit: int | None = None) -> OfficerOverview:
    """Everyone identified in the area with their status, and what the accountable officer must act on.

    "Identified" is the by-name list's (ADR 0018): everyone ever on it, from the one selector the list page
    reads; the caseload is coordination's headline figure."""
    from tide.coordination.models import DeathReview, ExitDestination, SupportEpisode
    from tide.coordination.selectors import caseload_size
    from tide.identification.selectors import list_figures

    area_id = user.area_id
    people = Person.objects.filter(area_id=area_id)
    today = timezone.localdate()
    labels = dict(ExitDestination.choices)
    exits = (
        SupportEpisode.objects.filter(person__area_id=area_id, ended_on__isnull=False)
        .values("exit_destination")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    died_in_support = SupportEpisode.objects.filter(person__area_id=area_id, exit_destination="died")
    died = people.filter(Q(died_on__isnull=False) | Q(pk__in=died_in_support.values("person_id")))
    died_ids = list(died.order_by("-died_on", "pk").values_list("pk", flat=True)[:100])
    reviews = {
        review.episode.person_id: review
        for review in DeathReview.objects.filter(episode__person_id__in=died_ids).select_related("episode")
    }
    deaths = [
        {"person": person, "inquiries": list(person.inquiries.all()), "review": reviews.get(person.pk)}
        for person in people.filter(pk__in=died_ids).prefetch_related("inquiries")
    ]
    open_inquiries = list(
        Inquiry.objects.filter(area_id=area_id, status__in=[InquiryStatus.RECEIVED, InquiryStatus.ACCEPTED]).order_by(
            "due_on"
        )
    )
    return OfficerOverview(
        people_registered=people.count(),
        figures=list_figures(area_id=area_id),
        on_caseload=caseload_size(area_id=area_id),
        identified_people=_identified_rows(area_id, limit),
        exits_by_destination=[(labels.get(r["exit_destination"], r["exit_destination"]), r["n"]) for r in exits],
        deaths=deaths,
        open_inquiries=open_inquiries,
        overdue_inquiries=sum(1 for i in open_inquiries if i.due_on < today),
        open_sars=list(
            SubjectAccessRequest.objects.filter(person__area_id=area_id, released_at__isnull=True)
            .select_related("person")
            .order_by("due_on")
        ),
        unreviewed_break_glass=BreakGlass.objects.filter(person__area_id=area_id, reviewed_at__isnull=True).count(),
        **_coordination_figures(user.area, today),
    )


def _coordination_figures(area: Any, today: dt.date) -> dict[str, Any]:
    """Declines, requests pending longest and overdue actions, from the coordination room's records."""
    from tide.coordination.models import InvolvementStatus, Referral, ReferralStatus, ServiceInvolvement
    from tide.coordination.selectors import declines_by_agency, overdue_actions_for_area

    referrals = (
        Referral.objects.filter(person__area=area, status=ReferralStatus.PENDING)
        .select_related("person", "from_agency")
        .order_by("received_on", "pk")[:10]
    )
    requests = (
        ServiceInvolvement.objects.filter(person__area=area, status=InvolvementStatus.REQUESTED)
        .select_related("person", "agency")
        .order_by("requested_on", "pk")[:10]
    )
    return {
        "declines": declines_by_agency(area),
        "pending_referrals": [(r, (today - r.received_on).days) for r in referrals],
        "pending_requests": [(r, (today - r.requested_on).days) for r in requests],
        "overdue_actions": list(overdue_actions_for_area(area, today=today)[:50]),
    }


@dataclass(frozen=True)
class PrivacyFacts:
    """What the privacy notice says about one area, read from its own settings (never hard-coded)."""

    area: Area
    partnership: str
    agencies: list[str]
    officer: str
    privacy_officers: list[tuple[str, str]]  # (name, email)


def privacy_facts(*, area: Area) -> PrivacyFacts:
    partnership = getattr(area, "partnership", None)
    agencies = list(area.agencies.filter(active=True).order_by("name").values_list("name", flat=True))
    officer = area.accountable_officer.get_full_name() if area.accountable_officer_id else ""  # type: ignore[union-attr]
    privacy = area.users.filter(role=Role.PRIVACY_OFFICER, is_active=True).order_by("last_name", "first_name")
    return PrivacyFacts(
        area=area,
        partnership=partnership.name if partnership else "",
        agencies=agencies,
        officer=officer,
        privacy_officers=[(u.get_full_name() or u.username, u.email) for u in privacy],
    )
