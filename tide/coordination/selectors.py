"""Reads for coordinated support: the coordinator's home, a person's support, meeting agendas, overdue actions."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Area, InformationSharingAgreement
from tide.coordination.models import (
    Action,
    ActionStatus,
    AgendaSending,
    Allocation,
    Attendance,
    Contact,
    ContactKind,
    CpaRecord,
    DeathReview,
    Decision,
    DeclineReason,
    Escalation,
    InvolvementStatus,
    Meeting,
    NeedsAssessmentRequest,
    PlanComment,
    PlanVersion,
    Referral,
    ReferralStatus,
    SafeguardingConcern,
    ServiceInvolvement,
    SharingBasis,
    SupportEpisode,
)
from tide.core.timeline import Entry
from tide.identification.models import Alert, Definition, ListEntry, NdtAssessment
from tide.people.models import Person, RiskMarker

DUE_SOON_DAYS = 7
NEW_ALERT_DAYS = 14
FORMER_COORDINATOR_DAYS = 90  # closing work after support ends; a return is a new referral
LONG_WAIT_DAYS = 14  # a request unanswered this long goes on the group's agenda
TIMELINE_CONTACTS = 200  # the timeline shows 200 entries at most; older contacts stay on the record


# --- Coordinator home ------------------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    episode: SupportEpisode
    last_contact: dt.date | None
    review_due_on: dt.date | None
    open_actions: int
    allocated_on: dt.date | None = None  # when this coordinator was named

    @property
    def person(self) -> Person:
        return self.episode.person

    def days_since_contact(self, today: dt.date) -> int | None:
        return (today - self.last_contact).days if self.last_contact else None

    def not_seen(self, today: dt.date) -> bool:
        """No contact for a week, counted from the last contact or, before any, from the allocation:
        a person named to the coordinator minutes ago is new, not neglected."""
        since = max(d for d in (self.last_contact, self.allocated_on, self.episode.started_on) if d is not None)
        return (today - since).days >= NOT_SEEN_DAYS

    def is_new(self, today: dt.date) -> bool:
        return self.last_contact is None and not self.not_seen(today)


NOT_SEEN_DAYS = 7  # flag people the coordinator has not been in contact with for a week
NEW_ALLOCATION_DAYS = 14  # a new allocation is listed until opened, for two weeks at most
NEW_DECLINE_DAYS = 30  # a decline is listed until the coordinator opens the person's page, for a month at most


@dataclass
class Attention:
    """What needs the coordinator's attention: new since they last looked, or overdue."""

    new_allocations: list[Allocation]
    declines: list[ServiceInvolvement]
    plan_comments: list[PlanComment]
    alerts: list[Alert]
    overdue: list[Action]
    risk_reviews: list[Any]

    @property
    def count(self) -> int:
        return sum(
            len(x)
            for x in (
                self.new_allocations,
                self.declines,
                self.plan_comments,
                self.alerts,
                self.overdue,
                self.risk_reviews,
            )
        )


def _attention_querysets(user: Any, person_ids: Any, today: dt.date) -> dict[str, QuerySet[Any]]:
    return {
        "new_allocations": Allocation.objects.filter(
            coordinator=user,
            ended_on__isnull=True,
            seen_at__isnull=True,
            started_on__gte=today - dt.timedelta(days=NEW_ALLOCATION_DAYS),
        ).select_related("episode__person", "allocated_by"),
        "declines": ServiceInvolvement.objects.filter(
            person_id__in=person_ids,
            status=InvolvementStatus.DECLINED,
            decline_seen_at__isnull=True,
            declined_on__gte=today - dt.timedelta(days=NEW_DECLINE_DAYS),
        ).select_related("person", "agency"),
        "plan_comments": PlanComment.objects.filter(person_id__in=person_ids, read_at__isnull=True).select_related(
            "person"
        ),
        "risk_reviews": RiskMarker.objects.filter(
            person_id__in=person_ids, ended_on__isnull=True, review_on__lt=today
        ).select_related("person"),
    }


def attention_count(*, user: Any, today: dt.date | None = None) -> int:
    """How many things need the coordinator's attention (the count in the navigation), in a few queries."""
    if getattr(user, "role", "") != "coordinator":
        return 0
    today = today or timezone.localdate()
    mine = SupportEpisode.objects.filter(coordinator=user, ended_on__isnull=True).values("person_id")
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=NEW_ALERT_DAYS), dt.time.min))
    parts = [
        *_attention_querysets(user, mine, today).values(),
        Alert.objects.filter(
            Q(recipient=user) | Q(person_id__in=mine, recipient__isnull=True),
            seen_at__isnull=True,
            created_at__gte=since,
        ),
        Action.objects.filter(Q(owner=user) | Q(person_id__in=mine), status=ActionStatus.OPEN, due_on__lt=today),
    ]
    # One query for the whole count (UNION ALL of each kind's ids): it runs on every page a coordinator opens.
    first, *rest = [qs.order_by().values_list("pk") for qs in parts]
    return first.union(*rest, all=True).count()


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
    attention: Attention | None = None

    @property
    def caseload(self) -> int:
        return len(self.people)

    @property
    def not_seen(self) -> list[CaseloadRow]:
        return [r for r in self.people if r.not_seen(self.today)]

    @property
    def new_people(self) -> list[CaseloadRow]:
        return [r for r in self.people if r.is_new(self.today)]


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
            allocated_on=Subquery(
                Allocation.objects.filter(episode_id=OuterRef("pk"), coordinator=user, ended_on__isnull=True)
                .order_by("-started_on")
                .values("started_on")[:1]
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
        CaseloadRow(
            e,
            e.last_contact,  # type: ignore[attr-defined]
            review_dates.get(e.person_id),
            action_counts.get(e.person_id, 0),
            e.allocated_on,  # type: ignore[attr-defined]
        )
        for e in episodes
    ]
    open_actions = list(
        Action.objects.filter(Q(owner=user) | Q(person_id__in=person_ids), status=ActionStatus.OPEN)
        .filter(due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("person", "owner_agency", "owner", "meeting")
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
    overdue = [a for a in open_actions if a.due_on < today]
    found = {name: list(qs[:50]) for name, qs in _attention_querysets(user, person_ids, today).items()}
    return CoordinatorHome(
        attention=Attention(alerts=alerts, overdue=overdue, **found),
        people=rows,
        due=[a for a in open_actions if a.due_on >= today],
        overdue=overdue,
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
    referrals: list[Referral] = field(default_factory=list)  # made by the user or their agency: status only
    hidden: int = 0  # requests and actions about people the user may not see: counted, not shown


def agency_requests(*, user: Any, today: dt.date) -> AgencyRequests:
    """Requests waiting for the user's agency to answer, oldest first, the open actions it owns, and the
    referrals it made with their status and the group's decision (a referral does not open the record)."""
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
        .select_related("owner", "owner_agency", "person", "meeting")
        .order_by("due_on", "id")[:200]
    )
    referrals = list(
        Referral.objects.filter(Q(from_agency_id=agency_id) | Q(created_by_id=user.pk))
        .filter(person__area_id=getattr(user, "area_id", None) or 0)
        .select_related("person", "decided_at")
        .only(
            "pk",
            "person_id",
            "decided_at_id",
            "person__given_name",
            "person__family_name",
            "person__known_as",
            "status",
            "received_on",
            "decided_at__held_on",
            "decision_reason",
        )
        .order_by("-received_on", "-id")[:100]
    )
    # One need-to-know decision per person, however many of the three lists they appear on.
    person_ids = [r.person_id for r in rows] + [a.person_id for a in actions] + [r.person_id for r in referrals]
    visible = people_visible(user=user, person_ids=person_ids)
    shown_rows = [r for r in rows if r.person_id is None or r.person_id in visible]
    shown_actions = [a for a in actions if a.person_id is None or a.person_id in visible]
    hidden = len(rows) - len(shown_rows) + len(actions) - len(shown_actions)
    rows, actions = shown_rows, shown_actions
    # A referral shows its referrer the status and decision, not who the person is on Tide's record:
    # the name only to those who may see the person, initials to the rest (the referrer knows whom).
    for referral in referrals:
        referral.person_visible = referral.person_id in visible  # type: ignore[attr-defined]
    return AgencyRequests(rows, actions, today, referrals, hidden)


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
    plan_comments: list[PlanComment] = field(default_factory=list)  # the person's own, newest first

    @property
    def unread_plan_comments(self) -> int:
        return sum(1 for c in self.plan_comments if c.read_at is None)

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
        plan_comments=list(PlanComment.objects.filter(person=person).select_related("version", "read_by")[:50]),
        contacts=list(Contact.objects.filter(person=person).select_related("recorded_by")[:contacts_limit]),
        services=involvements,
        actions=list(
            Action.objects.filter(person=person, status=ActionStatus.OPEN).select_related(
                "owner", "owner_agency", "meeting"
            )
        ),
        safeguarding=list(SafeguardingConcern.objects.filter(person=person).select_related("to_agency")),
        assessments=list(NeedsAssessmentRequest.objects.filter(person=person).select_related("to_agency")),
        cpa=CpaRecord.objects.filter(person=person).first(),
        today=today,
        decisions=list(Decision.objects.filter(person=person).select_related("meeting")),
    )


@dataclass
class ReferralBrief:
    """What the group weighs when deciding a referral: definitions met, NDT and what support is missing."""

    definitions: list[str]
    on_list: bool
    ndt_total: int | None
    ndt_on: dt.date | None
    gap_score: float | None
    gap_detail: str
    declined: list[ServiceInvolvement]
    waiting: list[ServiceInvolvement]
    involved: list[ServiceInvolvement]


def referral_brief(*, referral: Referral) -> ReferralBrief:
    """The brief for the decision page. The caller has checked that the user may see the person."""
    person_id = referral.person_id
    entry = ListEntry.objects.filter(person_id=person_id).first()
    codes = entry.definition_codes if entry else []
    names = dict(Definition.objects.filter(area_id=referral.person.area_id, code__in=codes).values_list("code", "name"))
    ndt = NdtAssessment.objects.filter(person_id=person_id, total__isnull=False).order_by("-assessed_on", "-id").first()
    services = list(ServiceInvolvement.objects.filter(person_id=person_id).select_related("agency"))
    return ReferralBrief(
        definitions=[names.get(code, code) for code in codes],
        on_list=entry is not None,
        ndt_total=ndt.total if ndt else None,
        ndt_on=ndt.assessed_on if ndt else None,
        gap_score=entry.gap_score if entry else None,
        gap_detail=entry.gap_detail if entry else "",
        declined=[s for s in services if s.status == InvolvementStatus.DECLINED],
        waiting=[s for s in services if s.status == InvolvementStatus.REQUESTED],
        involved=[s for s in services if s.status in (InvolvementStatus.OFFERED, InvolvementStatus.INVOLVED)],
    )


def open_support_started_on(*, person_id: int) -> dt.date | None:
    """When the person's open support started (the earliest a coordinator can be named from)."""
    return (
        SupportEpisode.objects.filter(person_id=person_id, ended_on__isnull=True)
        .values_list("started_on", flat=True)
        .first()
    )


def current_coordinator(*, person: Person) -> Any:
    """The coordinator of the person's open support episode, if one is named."""
    episode = SupportEpisode.objects.filter(person=person, ended_on__isnull=True).select_related("coordinator").first()
    return episode.coordinator if episode else None


@dataclass(frozen=True)
class CoordinatorContact:
    """How a person supported reaches their coordinator, and their team when the coordinator is away."""

    name: str
    phone: str
    email: str
    when: str
    team: str
    team_phone: str
    team_hours: str


def coordinator_contact(*, person: Person) -> CoordinatorContact | None:
    episode = (
        SupportEpisode.objects.filter(person=person, ended_on__isnull=True, coordinator__isnull=False)
        .select_related("coordinator__agency")
        .first()
    )
    if episode is None or episode.coordinator is None:
        return None
    c = episode.coordinator
    team = c.agency
    return CoordinatorContact(
        name=c.get_full_name() or c.get_username(),
        phone=c.phone,
        email=c.email,
        when=c.working_hours,
        team=team.name if team else "",
        team_phone=team.phone if team else "",
        team_hours=team.hours if team else "",
    )


def previous_coordinator(*, person_id: int) -> Any:
    """For a person who returns: the coordinator who last worked with them, if still an active coordinator."""
    last = (
        SupportEpisode.objects.filter(person_id=person_id, ended_on__isnull=False, coordinator__isnull=False)
        .select_related("coordinator")
        .order_by("-ended_on")
        .first()
    )
    if last is None or last.coordinator is None:
        return None
    coordinator = last.coordinator
    return coordinator if coordinator.is_active and coordinator.role == "coordinator" else None


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


MEETING_OVERSIGHT_ROLES = frozenset({"accountable_officer"})


def chair_landing(user: Any) -> str:
    """A team manager (the group's chair) lands on the next meeting of their area, else the meetings list."""
    upcoming = (
        Meeting.objects.filter(area_id=getattr(user, "area_id", None) or 0, held_on__gte=timezone.localdate())
        .order_by("held_on", "id")
        .values_list("pk", flat=True)
        .first()
    )
    if upcoming is None:
        return reverse("coordination:meetings")
    return reverse("coordination:meeting", args=[upcoming])


def meeting_member(*, user: Any, meeting: Meeting) -> bool:
    """Who belongs to a meeting's group (ADR 0063): its chair, the area's coordinators and team managers
    (the operational group), the accountable officer, and staff of agencies on its attendance list."""
    role = getattr(user, "role", "")
    if user.pk == meeting.chair_id or role in GROUP_ROLES or role in MEETING_OVERSIGHT_ROLES:
        return True
    agency_id = getattr(user, "agency_id", None)
    if not agency_id:
        return False
    return Attendance.objects.filter(meeting=meeting, agency_id=int(agency_id)).exists()


def meeting_get_for(*, user: Any, pk: int) -> Meeting:
    """The meeting, for members of its group only: others are refused (need-to-know, finding 3 of issue 18)."""
    meeting = meeting_list_for(user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting in your area.")
    if not meeting_member(user=user, meeting=meeting):
        raise PermissionDenied(
            "This meeting is for its group: the chair, coordinators and team managers, and staff of the "
            "agencies on its attendance list. Ask the chair to add your agency if you are taking part."
        )
    return meeting


@dataclass
class Agenda:
    meeting: Meeting
    new_referrals: list[Referral]
    new_alerts: list[Alert]
    overdue_actions: list[Action]
    open_declines: list[ServiceInvolvement]
    long_waits: list[ServiceInvolvement]
    since: dt.date | None
    hidden: int = 0  # items about people the viewer has no working relationship with: counted, not shown


def people_visible(*, user: Any, person_ids: Any) -> set[int]:
    """Which of ``person_ids`` the user may see: the person page's need-to-know decision, for each."""
    from tide.core.access import person_access

    ids = {i for i in person_ids if i}
    people = list(Person.objects.filter(pk__in=ids))
    # Coordination's own relationships for all of them in one query; the full decision (every room's
    # relationships, break-glass) one by one only for the rest. Same answer as person_access for each.
    related = relationships_of(user=user, people=people)
    return {p.pk for p in people if related.get(p.pk) or person_access(user, p).allowed}


def only_visible(*, user: Any, rows: Any) -> tuple[list[Any], int]:
    """Rows about nobody in particular or about a person the user may see, and how many were left out."""
    rows = list(rows)
    visible = people_visible(user=user, person_ids=[r.person_id for r in rows])
    shown = [r for r in rows if r.person_id is None or r.person_id in visible]
    return shown, len(rows) - len(shown)


def meeting_agenda_for(*, user: Any, meeting: Meeting) -> Agenda:
    """The agenda as this user may see it: each person only if they may see them, the rest counted."""
    agenda = meeting_agenda(meeting=meeting)
    hidden = 0
    for name in ("new_referrals", "new_alerts", "overdue_actions", "open_declines", "long_waits"):
        shown, left_out = only_visible(user=user, rows=getattr(agenda, name))
        setattr(agenda, name, shown)
        hidden += left_out
    agenda.hidden = hidden
    return agenda


# --- Sending the agenda (messages room) -------------------------------------------------------------------

AGENDA_SECTIONS = (
    ("new_referrals", "New referrals"),
    ("new_alerts", "People with new alerts"),
    ("overdue_actions", "Overdue actions"),
    ("open_declines", "Open declines"),
    ("long_waits", "Requests waiting more than two weeks"),
)
AGENDA_SENDER_ROLES = frozenset({"coordinator", "team_manager"})
AGENDA_RECIPIENT_ROLES = frozenset({"coordinator", "practitioner", "team_manager"})


def agenda_summary(agenda: Agenda) -> tuple[dict[str, dict[str, Any]], str]:
    """What an agenda holds without saying who it is about: per section, how many items and a digest
    of their ids; and one fingerprint of the lot. Two sendings with the same fingerprint sent the same agenda."""
    sections: dict[str, dict[str, Any]] = {}
    for name, _label in AGENDA_SECTIONS:
        ids = sorted(row.pk for row in getattr(agenda, name))
        digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
        sections[name] = {"count": len(ids), "digest": digest}
    joined = "|".join(f"{name}:{sections[name]['digest']}" for name, _ in AGENDA_SECTIONS)
    return sections, hashlib.sha256(f"{agenda.meeting.held_on}|{joined}".encode()).hexdigest()


def agenda_may_send(*, user: Any, meeting: Meeting) -> bool:
    """The chair sends the agenda; a meeting with no chair may be sent by a coordinator or team manager."""
    if user is None or getattr(user, "area_id", None) != meeting.area_id:
        return False
    if meeting.chair_id is not None:
        return bool(user.pk == meeting.chair_id)
    return getattr(user, "role", "") in AGENDA_SENDER_ROLES


def agenda_recipients(*, meeting: Meeting, exclude: Any = None) -> list[Any]:
    """The attendees: active frontline staff of the agencies on the attendance list (present or with
    apologies; all are in the meeting's group and may open it), and the chair; never the sender."""
    from tide.areas.models import User

    agencies = Attendance.objects.filter(meeting=meeting).values("agency_id")
    users = User.objects.filter(
        Q(agency_id__in=agencies, role__in=AGENDA_RECIPIENT_ROLES) | Q(pk=meeting.chair_id or 0),
        area_id=meeting.area_id,
        is_active=True,
    )
    if exclude is not None and getattr(exclude, "pk", None):
        users = users.exclude(pk=exclude.pk)
    return list(users.order_by("last_name", "first_name", "pk"))


def meeting_message_abouts(*, meeting: Meeting) -> list[str]:
    """What the meeting's messages are about: its agenda, and the referrals decided at it (the referrer is told)."""
    referrals = meeting.decisions.filter(referral__isnull=False).values_list("referral_id", flat=True)
    return [f"coordination.meeting:{meeting.pk}", *(f"coordination.referral:{pk}" for pk in referrals)]


def agenda_sending_state(*, meeting: Meeting) -> dict[str, Any]:
    """The last sending of the agenda and whether the agenda has changed since."""
    last = AgendaSending.objects.filter(meeting=meeting).select_related("sent_by").first()
    if last is None:
        return {"last_sending": None, "agenda_changed": False}
    _sections, fingerprint = agenda_summary(meeting_agenda(meeting=meeting))
    return {"last_sending": last, "agenda_changed": fingerprint != last.fingerprint}


def meeting_record_for(*, user: Any, meeting: Meeting) -> dict[str, Any]:
    """A meeting's decisions and actions as this user may see them, with the count of those left out."""
    decisions, hidden_decisions = only_visible(user=user, rows=meeting.decisions.select_related("person"))
    actions, hidden_actions = only_visible(
        user=user, rows=meeting.actions.select_related("owner", "owner_agency", "person")
    )
    return {"decisions": decisions, "actions": actions, "hidden": hidden_decisions + hidden_actions}


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
        long_waits=list(
            ServiceInvolvement.objects.filter(
                person__area_id=meeting.area_id,
                status=InvolvementStatus.REQUESTED,
                requested_on__lte=meeting.held_on - dt.timedelta(days=LONG_WAIT_DAYS),
            )
            .select_related("person", "agency")
            .order_by("requested_on", "id")
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


@dataclass(frozen=True)
class AgencyResponse:
    agency: str
    requests: int
    pending: int
    longest_pending_days: int | None
    declined: int
    median_days_to_answer: float | None

    @property
    def decline_share(self) -> float | None:
        answered = self.requests - self.pending
        return self.declined / answered if answered else None


def service_response_by_agency(area: Area, *, today: dt.date) -> list[AgencyResponse]:
    """How each agency answered requests made to it: how many, how fast, how often it declined."""
    rows = ServiceInvolvement.objects.filter(agency__area=area).values_list(
        "agency__name", "status", "requested_on", "offered_on", "involved_on", "declined_on"
    )
    by_agency: dict[str, list[tuple[str, dt.date, dt.date | None]]] = {}
    for name, status, requested, offered, involved, declined in rows:
        answered = min([d for d in (offered, involved, declined) if d is not None], default=None)
        by_agency.setdefault(name, []).append((status, requested, answered))
    result = []
    for name in sorted(by_agency):
        items = by_agency[name]
        waits = [(today - requested).days for status, requested, _ in items if status == InvolvementStatus.REQUESTED]
        answer_days = [(answered - requested).days for _, requested, answered in items if answered is not None]
        result.append(
            AgencyResponse(
                agency=name,
                requests=len(items),
                pending=len(waits),
                longest_pending_days=max(waits) if waits else None,
                declined=sum(1 for status, _, _ in items if status == InvolvementStatus.DECLINED),
                median_days_to_answer=statistics.median(answer_days) if answer_days else None,
            )
        )
    return result


def caseload_size(*, area_id: int) -> int:
    """The coordinated caseload's headline figure (ADR 0018): people of the area with a support episode
    open now. Every page that shows the caseload of an area reads this."""
    return (
        SupportEpisode.objects.filter(person__area_id=area_id, ended_on__isnull=True)
        .values("person_id")
        .distinct()
        .count()
    )


def caseload_open_on(person_ids: Iterable[int], today: dt.date) -> set[int]:
    """People with a support episode open on ``today`` (identification's caseload registry reads this)."""
    return set(
        SupportEpisode.objects.filter(
            person_id__in=list(person_ids), ended_on__isnull=True, started_on__lte=today
        ).values_list("person_id", flat=True)
    )


def caseload_last_exits(person_ids: Iterable[int]) -> dict[int, tuple[str, dt.date | None]]:
    """Each person's latest ended support episode: (exit destination, ended on)."""
    last: dict[int, tuple[str, dt.date | None]] = {}
    for pk, ended, destination in (
        SupportEpisode.objects.filter(person_id__in=list(person_ids), ended_on__isnull=False)
        .order_by("ended_on")
        .values_list("person_id", "ended_on", "exit_destination")
    ):
        last[pk] = (destination, ended)
    return last


def caseload_coordinators(person_ids: Iterable[int]) -> dict[int, int]:
    """Each person's coordinator on their latest open support episode that has one."""
    return dict(
        SupportEpisode.objects.filter(person_id__in=list(person_ids), ended_on__isnull=True, coordinator__isnull=False)
        .order_by("started_on")
        .values_list("person_id", "coordinator_id")
    )


def caseload_ever_supported(area_id: int) -> set[int]:
    """Everyone of the area who has ever had a support episode."""
    return set(SupportEpisode.objects.filter(person__area_id=area_id).values_list("person_id", flat=True))


def declines_and_no_shows(person_ids: Sequence[int], *, today: dt.date | None = None) -> dict[int, int]:
    """Declines by services and missed appointments per person in the past year (identification's
    support-gap score reads this through its declines-provider hook)."""
    since = (today or timezone.localdate()) - dt.timedelta(days=365)
    totals: dict[int, int] = {}
    declines = (
        ServiceInvolvement.objects.filter(person_id__in=person_ids, declined_on__gte=since)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    no_shows = (
        Contact.objects.filter(person_id__in=person_ids, kind=ContactKind.NO_SHOW, occurred_on__gte=since)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    for person_id, n in [*declines, *no_shows]:
        totals[person_id] = totals.get(person_id, 0) + n
    return totals


# --- Relationships and the timeline --------------------------------------------------------------------------


GROUP_ROLES = frozenset({"coordinator", "team_manager"})


def relationship(user: Any, person: Any) -> str | None:
    """The user's legitimate relationship with the person, if coordination knows of one.

    - the person's current coordinator, and that coordinator's manager;
    - the coordinator (or their manager) of support that ended in the last 90 days, and the
      manager reviewing a death;
    - the operational group's coordinators and managers while the group is considering the person
      (a referral waiting for a decision, except for whoever made it, or support agreed but no
      coordinator named yet);
    - the owner of an open action about the person;
    - staff of an agency asked for, offering or giving a service, with the person's consent on a
      referral the group accepted, or under a current information-sharing agreement.

    Referring is not a relationship (ADR 0064): the referrer sees its referral's status and decision
    on "Asked of us", not the record. Consent ticked on a referral form is the referrer's own claim
    until the group accepts the referral; only then does it open the record to agencies involved.
    An agency whose referral is accepted becomes involved (doing what it offered), which is.

    One query answers all of it (two when an information-sharing agreement has to be checked).
    """
    if not getattr(user, "is_authenticated", False) or getattr(person, "pk", None) is None:
        return None
    if getattr(user, "area_id", None) != getattr(person, "area_id", None):
        return None
    facts = _relationship_facts(user, [person.pk]).get(person.pk)
    return None if facts is None else _relationship_from(user, facts, _AgreementCheck(user))


def relationships_of(*, user: Any, people: Iterable[Any]) -> dict[int, str | None]:
    """:func:`relationship` for many people of the user's area in one query (two with an agreement check)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    ids = [p.pk for p in people if p.pk is not None and p.area_id == getattr(user, "area_id", None)]
    agreement = _AgreementCheck(user)
    return {pk: _relationship_from(user, facts, agreement) for pk, facts in _relationship_facts(user, ids).items()}


class _AgreementCheck:
    """Whether the user's agency is under a current information-sharing agreement, asked at most once."""

    def __init__(self, user: Any) -> None:
        self.agency_id = getattr(user, "agency_id", None) or 0
        self._answer: bool | None = None

    def __call__(self) -> bool:
        if self._answer is None:
            today = timezone.localdate()
            self._answer = (
                InformationSharingAgreement.objects.filter(agencies__id=self.agency_id, starts_on__lte=today)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
                .exists()
            )
        return self._answer


def _relationship_facts(user: Any, person_ids: list[int]) -> dict[int, dict[str, Any]]:
    agency_id = getattr(user, "agency_id", None) or 0
    me = OuterRef("pk")
    open_ep = SupportEpisode.objects.filter(person=me, ended_on__isnull=True)
    pending = Referral.objects.filter(person=me, status=ReferralStatus.PENDING)
    active = [InvolvementStatus.REQUESTED, InvolvementStatus.OFFERED, InvolvementStatus.INVOLVED]
    since = timezone.localdate() - dt.timedelta(days=FORMER_COORDINATOR_DAYS)
    rows = (
        Person.objects.filter(pk__in=person_ids)
        .annotate(
            coordinator=Exists(open_ep.filter(coordinator=user)),
            manager=Exists(open_ep.filter(coordinator__manager=user)),
            former=Exists(
                SupportEpisode.objects.filter(person=me, ended_on__gte=since).filter(
                    Q(coordinator=user) | Q(coordinator__manager=user)
                )
            ),
            reviewing=Exists(
                DeathReview.objects.filter(
                    episode__person=me, completed_on__isnull=True, episode__coordinator__manager=user
                )
            ),
            # A referral lets the group consider the person, not its own author: no self-granted access.
            considering=Exists(open_ep.filter(coordinator__isnull=True))
            | Exists(pending.exclude(created_by_id=getattr(user, "pk", None))),
            action_owner=Exists(Action.objects.filter(person=me, owner=user, status=ActionStatus.OPEN)),
            involved_as=Subquery(
                ServiceInvolvement.objects.filter(person=me, agency_id=agency_id, status__in=active).values(
                    "agency__name"
                )[:1]
            ),
            consent=Exists(
                Referral.objects.filter(person=me, sharing_basis=SharingBasis.CONSENT, status=ReferralStatus.ACCEPTED)
            ),
        )
        .values(
            "pk",
            "coordinator",
            "manager",
            "former",
            "reviewing",
            "considering",
            "action_owner",
            "involved_as",
            "consent",
        )
    )
    return {row["pk"]: row for row in rows}


def _relationship_from(user: Any, facts: dict[str, Any], under_agreement: Callable[[], bool]) -> str | None:
    """The relationship the facts make, in order of precedence."""
    if facts["coordinator"]:
        return "coordinator"
    if facts["manager"]:
        return "manager of the person's coordinator"
    if facts["former"]:
        return "coordinated their support, which ended recently"
    if facts["reviewing"]:
        return "death review"
    if facts["considering"] and getattr(user, "role", "") in GROUP_ROLES:
        return "operational group: considering coordinated support"
    if not getattr(user, "agency_id", None):
        return None
    if facts["action_owner"]:
        return "owner of an action for this person"
    agency_name = facts["involved_as"]
    if not agency_name:
        return None
    if facts["consent"]:
        return f"agency involved with consent: {agency_name}"
    if under_agreement():
        return f"agency involved under an information-sharing agreement: {agency_name}"
    return None


def _service_entries(person: Any, url: str) -> list[Entry]:
    """Each service asked of an agency for the person, and its decline if the agency declined."""
    entries: list[Entry] = []
    for s in ServiceInvolvement.objects.filter(person=person).select_related("agency"):
        title = f"{s.get_service_display()} requested"
        entries.append(Entry(on=s.requested_on, title=title, kind="service", source=s.agency.name, url=url))
        if s.declined_on:
            title = f"{s.get_service_display()} declined: {s.get_decline_reason_display()}"
            entries.append(Entry(on=s.declined_on, title=title, kind="decline", source=s.agency.name, url=url))
    return entries


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
            has_plans=Exists(PlanVersion.objects.filter(person=OuterRef("pk"))),
            has_plan_comments=Exists(PlanComment.objects.filter(person=OuterRef("pk"))),
            has_concerns=Exists(SafeguardingConcern.objects.filter(person=OuterRef("pk"))),
        )
        .values(
            "has_referrals",
            "has_decisions",
            "has_contacts",
            "has_services",
            "has_exits",
            "has_plans",
            "has_plan_comments",
            "has_concerns",
        )
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
        entries += _service_entries(person, url)
    if has["has_exits"]:
        for e in SupportEpisode.objects.filter(person=person, ended_on__isnull=False):
            assert e.ended_on is not None
            title = f"Coordinated support ended: {e.get_exit_destination_display()}"
            entries.append(Entry(on=e.ended_on, title=title, kind="exit", url=url))
    if has["has_plans"]:
        for v in PlanVersion.objects.filter(person=person).only("number", "created_on", "agreed_with_person"):
            agreed = " and agreed with them" if v.agreed_with_person else ""
            entries.append(
                Entry(on=v.created_on, title=f"Plan version {v.number} written{agreed}", kind="plan", url=url)
            )
    if has["has_plan_comments"]:
        for pc in PlanComment.objects.filter(person=person).only("written_at", "text"):
            entries.append(
                Entry(
                    on=timezone.localdate(pc.written_at),
                    title="Said what they would change in their plan",
                    kind="plan",
                    source="Their own sign-in",
                    detail=pc.text[:200],
                    url=url,
                )
            )
    if has["has_concerns"]:
        for c in SafeguardingConcern.objects.filter(person=person).select_related("to_agency"):
            entries.append(
                Entry(
                    on=c.raised_on,
                    title="Safeguarding concern raised (Care Act s.42)",
                    kind="safeguarding",
                    source=c.to_agency.name,
                    sensitive="health",
                    url=url,
                )
            )
    return entries


def escalation_abouts(*, actions: Iterable[Any]) -> list[str]:
    """The messages room's ``about`` keys of the escalations of ``actions`` (for their emails' status)."""
    from tide.coordination.models import Escalation

    ids = Escalation.objects.filter(action__in=[a.pk for a in actions]).values_list("pk", flat=True)
    return [f"coordination.escalation:{pk}" for pk in ids]
