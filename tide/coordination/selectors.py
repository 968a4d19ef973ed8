"""Reads for coordinated support: the coordinator's home, a person's support, meeting agendas, overdue actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Area, InformationSharingAgreement
from tide.coordination import escalation as rules
from tide.coordination.models import (
    Action,
    ActionStatus,
    Allocation,
    Contact,
    ContactKind,
    CpaRecord,
    Decision,
    DeclineReason,
    Escalation,
    InvolvementStatus,
    Meeting,
    NeedsAssessmentRequest,
    PlanVersion,
    Referral,
    ReferralStatus,
    SafeguardingConcern,
    ServiceInvolvement,
    SharingBasis,
    SupportEpisode,
)
from tide.core.timeline import Entry
from tide.identification.models import Alert
from tide.people.models import Person

DUE_SOON_DAYS = 7
NEW_ALERT_DAYS = 14
TIMELINE_CONTACTS = 200  # the timeline shows 200 entries at most; older contacts stay on the record


# --- Coordinator home ------------------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    episode: SupportEpisode
    last_contact: dt.date | None
    review_due_on: dt.date | None
    open_actions: int

    @property
    def person(self) -> Person:
        return self.episode.person


@dataclass
class CoordinatorHome:
    people: list[CaseloadRow]
    due: list[Action]
    overdue: list[Action]
    reviews_due: list[CaseloadRow]
    escalated_to_me: list[Escalation]
    alerts: list[Alert]
    caseload_limit: int
    today: dt.date

    @property
    def caseload(self) -> int:
        return len(self.people)


def coordinator_home(*, user: Any, today: dt.date) -> CoordinatorHome:
    """Everything a coordinator needs on arrival, in a bounded number of queries."""
    episodes = list(
        SupportEpisode.objects.filter(coordinator=user, ended_on__isnull=True)
        .select_related("person")
        .annotate(
            last_contact=Subquery(
                Contact.objects.filter(person_id=OuterRef("person_id"))
                .order_by("-occurred_on")
                .values("occurred_on")[:1]
            ),
        )
        .order_by("person__family_name", "person__given_name")
    )
    person_ids = [e.person_id for e in episodes]
    review_dates: dict[int, dt.date] = {}
    for person_id, due in (
        PlanVersion.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "-number")
        .values_list("person_id", "review_due_on")
    ):
        review_dates.setdefault(person_id, due)
    action_counts = dict(
        Action.objects.filter(person_id__in=person_ids, status=ActionStatus.OPEN)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    rows = [
        CaseloadRow(e, e.last_contact, review_dates.get(e.person_id), action_counts.get(e.person_id, 0))  # type: ignore[attr-defined]
        for e in episodes
    ]
    open_actions = list(
        Action.objects.filter(Q(owner=user) | Q(person_id__in=person_ids), status=ActionStatus.OPEN)
        .filter(due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("person", "owner_agency", "owner")
        .order_by("due_on", "id")
    )
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=NEW_ALERT_DAYS), dt.time.min))
    alerts = list(
        Alert.objects.filter(
            Q(recipient=user) | Q(person_id__in=person_ids, recipient__isnull=True),
            seen_at__isnull=True,
            created_at__gte=since,
        )
        .select_related("person")
        .order_by("-created_at")[:50]
    )
    escalations = list(
        Escalation.objects.filter(to_user=user, action__status=ActionStatus.OPEN)
        .select_related("action__person", "action__owner", "action__owner_agency")
        .order_by("-escalated_on")[:50]
    )
    area_limit = user.area.caseload_limit if getattr(user, "area", None) else 15
    return CoordinatorHome(
        people=rows,
        due=[a for a in open_actions if a.due_on >= today],
        overdue=[a for a in open_actions if a.due_on < today],
        reviews_due=[r for r in rows if r.review_due_on is None or r.review_due_on <= today + dt.timedelta(days=7)],
        escalated_to_me=escalations,
        alerts=alerts,
        caseload_limit=area_limit,
        today=today,
    )


@dataclass
class AgencyRequests:
    services: list[ServiceInvolvement]
    actions: list[Action]
    today: dt.date


def agency_requests(*, user: Any, today: dt.date) -> AgencyRequests:
    """Requests waiting for the user's agency to answer, oldest first, and the open actions it owns."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return AgencyRequests([], [], today)
    rows = list(
        ServiceInvolvement.objects.filter(
            agency_id=agency_id, status__in=[InvolvementStatus.REQUESTED, InvolvementStatus.OFFERED]
        )
        .select_related("person", "requested_by")
        .order_by("requested_on", "id")[:200]
    )
    for row in rows:
        row.pending_days = row.days_pending(today)  # type: ignore[attr-defined]
    actions = list(
        Action.objects.filter(owner_agency_id=agency_id, status=ActionStatus.OPEN)
        .select_related("owner", "owner_agency", "person")
        .order_by("due_on", "id")[:200]
    )
    return AgencyRequests(rows, actions, today)


# --- A person's coordinated support ---------------------------------------------------------------------


@dataclass
class PersonSupport:
    person: Person
    episodes: list[SupportEpisode]
    open_episode: SupportEpisode | None
    referrals: list[Referral]
    plan: PlanVersion | None
    plan_versions: list[PlanVersion]
    contacts: list[Contact]
    services: list[ServiceInvolvement]
    actions: list[Action]
    safeguarding: list[SafeguardingConcern]
    assessments: list[NeedsAssessmentRequest]
    cpa: CpaRecord | None
    today: dt.date
    decisions: list[Decision] = field(default_factory=list)

    @property
    def is_return(self) -> bool:
        return self.open_episode is not None and len(self.episodes) > 1


def person_support(*, person: Person, today: dt.date, contacts_limit: int = 20) -> PersonSupport:
    episodes = list(
        SupportEpisode.objects.filter(person=person)
        .select_related("coordinator", "agreed_at")
        .prefetch_related(Prefetch("allocations", queryset=Allocation.objects.select_related("coordinator")))
        .order_by("-started_on", "-id")
    )
    versions = list(PlanVersion.objects.filter(person=person).prefetch_related("goals").select_related("created_by"))
    involvements = list(ServiceInvolvement.objects.filter(person=person).select_related("agency"))
    for row in involvements:
        row.pending_days = row.days_pending(today)  # type: ignore[attr-defined]
    return PersonSupport(
        person=person,
        episodes=episodes,
        open_episode=next((e for e in episodes if e.is_open), None),
        referrals=list(Referral.objects.filter(person=person).select_related("from_agency", "decided_at")),
        plan=versions[0] if versions else None,
        plan_versions=versions,
        contacts=list(Contact.objects.filter(person=person).select_related("recorded_by")[:contacts_limit]),
        services=involvements,
        actions=list(
            Action.objects.filter(person=person, status=ActionStatus.OPEN).select_related("owner", "owner_agency")
        ),
        safeguarding=list(SafeguardingConcern.objects.filter(person=person).select_related("to_agency")),
        assessments=list(NeedsAssessmentRequest.objects.filter(person=person).select_related("to_agency")),
        cpa=CpaRecord.objects.filter(person=person).first(),
        today=today,
        decisions=list(Decision.objects.filter(person=person).select_related("meeting")),
    )


def episode_get(*, person: Person) -> SupportEpisode:
    episode = SupportEpisode.objects.filter(person=person, ended_on__isnull=True).first()
    if episode is None:
        raise Http404("This person is not on the coordinated caseload.")
    return episode


# --- Meetings -------------------------------------------------------------------------------------------------


def meeting_list_for(*, user: Any) -> QuerySet[Meeting]:
    area_id = getattr(user, "area_id", None)
    if area_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(area_id=area_id).select_related("chair")


def meeting_get_for(*, user: Any, pk: int) -> Meeting:
    meeting = meeting_list_for(user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting in your area.")
    return meeting


@dataclass
class Agenda:
    meeting: Meeting
    new_referrals: list[Referral]
    new_alerts: list[Alert]
    overdue_actions: list[Action]
    open_declines: list[ServiceInvolvement]
    since: dt.date | None


def meeting_agenda(*, meeting: Meeting) -> Agenda:
    """The agenda builds itself: referrals waiting, people with new alerts, overdue actions, open declines."""
    previous = (
        Meeting.objects.filter(area_id=meeting.area_id, kind=meeting.kind, held_on__lt=meeting.held_on)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    alerts = Alert.objects.filter(person__area_id=meeting.area_id, created_at__date__lte=meeting.held_on)
    if previous is not None:
        alerts = alerts.filter(created_at__date__gt=previous)
    else:
        alerts = alerts.filter(created_at__date__gte=meeting.held_on - dt.timedelta(days=31))
    seen: set[int] = set()
    new_alerts = []
    for alert in alerts.select_related("person").order_by("-created_at")[:200]:
        if alert.person_id not in seen:
            seen.add(alert.person_id)
            new_alerts.append(alert)
    return Agenda(
        meeting=meeting,
        new_referrals=list(
            Referral.objects.filter(
                person__area_id=meeting.area_id, status=ReferralStatus.PENDING, received_on__lte=meeting.held_on
            ).select_related("person", "from_agency")
        ),
        new_alerts=new_alerts,
        overdue_actions=list(overdue_actions_for_area(meeting.area, today=meeting.held_on)),
        open_declines=list(
            ServiceInvolvement.objects.filter(
                person__area_id=meeting.area_id, status=InvolvementStatus.DECLINED, decline_resolved=False
            ).select_related("person", "agency")
        ),
        since=previous,
    )


# --- Overdue actions and declines (read by accountability) ---------------------------------------------------


def overdue_actions_for_area(area: Area, *, today: dt.date) -> QuerySet[Action]:
    """Open actions past their due date in ``area``, oldest first, with owner, agency and person loaded."""
    return (
        Action.objects.filter(area=area, status=ActionStatus.OPEN, due_on__lt=today)
        .select_related("owner", "owner_agency", "person", "meeting")
        .order_by("due_on", "id")
    )


def declines_by_agency(area: Area) -> list[dict[str, Any]]:
    """Declines counted per agency and coded reason, for the accountability figures."""
    rows = list(
        ServiceInvolvement.objects.filter(agency__area=area, status=InvolvementStatus.DECLINED)
        .values("agency_id", "agency__name", "decline_reason")
        .annotate(count=Count("id"))
        .order_by("agency__name", "decline_reason")
    )
    labels = dict(DeclineReason.choices)
    for row in rows:
        row["reason_label"] = labels.get(row["decline_reason"], row["decline_reason"])
    return rows


# --- Relationships and the timeline --------------------------------------------------------------------------


def relationship(user: Any, person: Any) -> str | None:
    """The user's legitimate relationship with the person, if coordination knows of one."""
    if not getattr(user, "is_authenticated", False) or getattr(person, "pk", None) is None:
        return None
    if SupportEpisode.objects.filter(person=person, coordinator=user, ended_on__isnull=True).exists():
        return "coordinator"
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return None
    involved = ServiceInvolvement.objects.filter(
        person=person,
        agency_id=agency_id,
        status__in=[InvolvementStatus.REQUESTED, InvolvementStatus.OFFERED, InvolvementStatus.INVOLVED],
    ).select_related("agency")
    row = involved.first()
    if row is None:
        return None
    if (
        Referral.objects.filter(person=person, sharing_basis=SharingBasis.CONSENT)
        .exclude(status=ReferralStatus.WITHDRAWN)
        .exists()
    ):
        return f"agency involved with consent: {row.agency.name}"
    today = timezone.localdate()
    under_agreement = (
        InformationSharingAgreement.objects.filter(agencies__id=agency_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exists()
    )
    if under_agreement:
        return f"agency involved under an information-sharing agreement: {row.agency.name}"
    return None


def timeline_entries(person: Any, user: Any) -> list[Entry]:
    """Referrals, group decisions, contacts, service requests and declines, and exits for the timeline.

    One query finds which kinds of record the person has, so a person coordination never touched
    costs the page a single query.
    """
    has = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            has_referrals=Exists(Referral.objects.filter(person=OuterRef("pk"))),
            has_decisions=Exists(Decision.objects.filter(person=OuterRef("pk"))),
            has_contacts=Exists(Contact.objects.filter(person=OuterRef("pk"))),
            has_services=Exists(ServiceInvolvement.objects.filter(person=OuterRef("pk"))),
            has_exits=Exists(SupportEpisode.objects.filter(person=OuterRef("pk"), ended_on__isnull=False)),
        )
        .values("has_referrals", "has_decisions", "has_contacts", "has_services", "has_exits")
        .first()
    )
    if not has or not any(has.values()):
        return []
    url = reverse("coordination:person", args=[person.pk])
    entries: list[Entry] = []
    if has["has_referrals"]:
        entries += [
            Entry(
                on=r.received_on,
                title=f"Referred for coordinated support by {r.referrer_label}",
                kind="referral",
                source=r.from_agency.name if r.from_agency else "",
                detail=f"Offer: {r.offer}" if r.offer else "",
                url=url,
            )
            for r in Referral.objects.filter(person=person).select_related("from_agency")
        ]
    if has["has_decisions"]:
        entries += [
            Entry(on=d.meeting.held_on, title=d.text[:200], kind="decision", source="Multi-agency group", url=url)
            for d in Decision.objects.filter(person=person).select_related("meeting")
        ]
    if has["has_contacts"]:
        labels = dict(ContactKind.choices)
        rows = Contact.objects.filter(person=person).values_list(
            "occurred_on", "kind", "note", "recorded_by__first_name", "recorded_by__last_name"
        )[:TIMELINE_CONTACTS]
        entries += [
            Entry(
                on=on,
                title=labels.get(kind, kind),
                kind="contact",
                source=f"{first or ''} {last or ''}".strip(),
                detail=note[:200],
                url=url,
            )
            for on, kind, note, first, last in rows
        ]
    if has["has_services"]:
        for s in ServiceInvolvement.objects.filter(person=person).select_related("agency"):
            title = f"{s.get_service_display()} requested"
            entries.append(Entry(on=s.requested_on, title=title, kind="service", source=s.agency.name, url=url))
            if s.declined_on:
                title = f"{s.get_service_display()} declined: {s.get_decline_reason_display()}"
                entries.append(Entry(on=s.declined_on, title=title, kind="decline", source=s.agency.name, url=url))
    if has["has_exits"]:
        for e in SupportEpisode.objects.filter(person=person, ended_on__isnull=False):
            assert e.ended_on is not None
            title = f"Coordinated support ended: {e.get_exit_destination_display()}"
            entries.append(Entry(on=e.ended_on, title=title, kind="exit", url=url))
    return entries


def overdue_level_label(level: int) -> str:
    return {rules.NONE: "", rules.MANAGER: "Escalated to manager", rules.OFFICER: "Escalated to accountable officer"}[
        level
    ]
