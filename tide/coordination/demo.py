"""Bring the demo area's coordinated support to life: recent contacts, plans, services asked for and
declined, last month's meeting with its actions (some overdue and escalated), the next meeting's
agenda and a few referrals waiting for it.

Run after the demo area is loaded (``manage.py coordination_demo``). Everything goes through the
room's services, so every row is audited and obeys the same rules as a user's work. Everyone is
synthetic. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from tide.areas.models import Agency, Area, Role, Sector, User
from tide.coordination import services
from tide.coordination.models import (
    Allocation,
    ContactKind,
    DeclineReason,
    InvolvementStatus,
    Meeting,
    PlanDomain,
    ReferrerKind,
    ServiceKind,
    SharingBasis,
    SupportEpisode,
)
from tide.people.models import Person, RiskKind, RiskMarker
from tide.people.services import risk_marker_set

WORDS = [
    "I want a door I can lock.",
    "Just get me off the streets before winter, then we'll talk.",
    "I want to see my kids again, properly, not in a contact centre.",
    "Stop sending me to places that kick me out.",
    "I'd like to be clean for my mum's birthday.",
    "Somewhere quiet. No one shouting.",
]
GOALS = {
    PlanDomain.HOUSING: "Move from the hostel to a flat of their own",
    PlanDomain.SUBSTANCES: "Start a script and keep the appointments",
    PlanDomain.MENTAL_HEALTH: "Get a mental health assessment that leads to support",
    PlanDomain.RELATIONSHIPS: "Supervised contact with their children",
    PlanDomain.MONEY: "Universal Credit claim sorted and a bank account",
}
PROVIDERS = {
    ServiceKind.HOSTEL: Sector.HOUSING,
    ServiceKind.MH_ASSESSMENT: Sector.MENTAL_HEALTH,
    ServiceKind.DRUG_TREATMENT: Sector.DRUG_ALCOHOL,
    ServiceKind.CARE_ACT_ASSESSMENT: Sector.ADULT_SOCIAL_CARE,
    ServiceKind.BENEFITS: Sector.DWP,
}
DECLINES = [DeclineReason.BEHAVIOUR, DeclineReason.THRESHOLD, DeclineReason.NO_DIAGNOSIS, DeclineReason.NO_CAPACITY]
REFERRERS = [Sector.POLICE, Sector.NHS_ACUTE, Sector.PROBATION, Sector.HOUSING]


def demo_coordination_load(
    *, area: Area, seed: int = 42, people: int = 60, say: Callable[[str], None] = print
) -> dict[str, int]:
    if Meeting.objects.filter(area=area).exists():
        say("Coordination demo already loaded; nothing to do.")
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        counts = _load(area, rng, today, people)
    made = services.actions_escalate(today=today, area=area)
    counts["escalations"] = len(made)
    say("Coordination demo: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return counts


def _by_sector(area: Area) -> dict[str, list[Agency]]:
    found: dict[str, list[Agency]] = {}
    for agency in Agency.objects.filter(area=area, active=True):
        found.setdefault(agency.sector, []).append(agency)
    return found


def _load(area: Area, rng: random.Random, today: dt.date, limit: int) -> dict[str, int]:
    sectors = _by_sector(area)
    staff = list(User.objects.filter(area=area, is_active=True, agency__isnull=False).select_related("agency"))
    chair = next((u for u in staff if u.role == Role.TEAM_MANAGER), None) or next(
        (u for u in staff if u.role == Role.COORDINATOR), None
    )
    episodes = list(
        SupportEpisode.objects.filter(person__area=area, ended_on__isnull=True, coordinator__isnull=False)
        .select_related("person", "coordinator")
        .order_by("started_on", "id")[:limit]
    )
    counts = dict.fromkeys(["episodes", "contacts", "plans", "service requests", "declines", "actions"], 0)
    last = services.meeting_create(area=area, held_on=today - dt.timedelta(days=28), chair=chair, actor=None)
    upcoming = services.meeting_create(area=area, held_on=today + dt.timedelta(days=3), chair=chair, actor=None)
    for agencies in list(sectors.values())[:8]:
        services.attendance_record(meeting=last, agency=agencies[0], present=rng.random() < 0.85, actor=None)
    for episode in episodes:
        person, coordinator = episode.person, episode.coordinator
        assert coordinator is not None
        counts["episodes"] += 1
        if not episode.allocations.exists():
            Allocation.objects.create(episode=episode, coordinator=coordinator, started_on=episode.started_on)
        for days_ago in range(21, -1, -1):
            if rng.random() < 0.45:
                services.contact_record(
                    person=person,
                    kind=rng.choice([ContactKind.VISIT] * 4 + list(ContactKind.values)),
                    occurred_on=today - dt.timedelta(days=days_ago),
                    actor=coordinator,
                )
                counts["contacts"] += 1
        domains = rng.sample(list(GOALS), 2)
        services.plan_version_create(
            person=person,
            in_their_words=rng.choice(WORDS),
            goals=[services.GoalInput(d, GOALS[d]) for d in domains],
            review_due_on=today + dt.timedelta(days=rng.randint(2, 90)),
            agreed_with_person=rng.random() < 0.8,
            actor=coordinator,
        )
        counts["plans"] += 1
        for kind in rng.sample(list(PROVIDERS), rng.randint(0, 2)):
            providers = sectors.get(PROVIDERS[kind])
            if not providers:
                continue
            requested_on = today - dt.timedelta(days=rng.randint(1, 50))
            row = services.service_request(
                person=person, agency=providers[0], service=kind, requested_on=requested_on, actor=coordinator
            )
            counts["service requests"] += 1
            answer_on = min(requested_on + dt.timedelta(days=rng.randint(1, 20)), today)
            roll = rng.random()
            if roll < 0.3:
                services.service_update(
                    involvement=row,
                    status=InvolvementStatus.DECLINED,
                    on=answer_on,
                    decline_reason=rng.choice(DECLINES),
                    actor=coordinator,
                )
                counts["declines"] += 1
            elif roll < 0.7:
                services.service_update(involvement=row, status=InvolvementStatus.INVOLVED, on=answer_on, actor=None)
        if rng.random() < 0.35:
            owners = [u for u in staff if u.agency_id and u.role in (Role.PRACTITIONER, Role.COORDINATOR)]
            owner = rng.choice(owners) if owners else coordinator
            services.action_create(
                area=area,
                meeting=last,
                person=person,
                description=rng.choice(
                    [
                        f"Find {person.given_name or person.known_as} a GP who will register them",
                        f"Review the hostel exclusion of {person.given_name or person.known_as}",
                        "Arrange a joint visit with the mental health team",
                        "Chase the Universal Credit claim",
                    ]
                ),
                owner=owner,
                due_on=today + dt.timedelta(days=rng.randint(-25, 20)),
                actor=None,
            )
            counts["actions"] += 1
    # Both on one coordinator's caseload (the first by username: Charles in the demo), so their page
    # shows a current marker and an overdue review.
    first = min(episodes, key=lambda e: e.coordinator.username).coordinator_id if episodes else None  # type: ignore[union-attr]
    counts["risk markers"] = _risk_markers([e for e in episodes if e.coordinator_id == first][:2], today)
    on_caseload = SupportEpisode.objects.filter(person__area=area, ended_on__isnull=True).values("person_id")
    referrers = [a for s in REFERRERS for a in sectors.get(s, [])]
    waiting = Person.objects.filter(area=area, died_on__isnull=True).exclude(pk__in=on_caseload).order_by("pk")
    candidates = list(waiting[:200])
    chosen = candidates[:: max(1, len(candidates) // 4)][:4]
    for person in chosen:
        agency = rng.choice(referrers) if referrers else None
        services.referral_create(
            person=person,
            referrer_kind=ReferrerKind.AGENCY if agency else ReferrerKind.SELF,
            from_agency=agency,
            offer="We will keep working with them and share what we see." if agency else "",
            reasons="Repeated contact with our service and sleeping rough; nothing has stuck.",
            strengths="Knows what they want; good with people.",
            hopes="Somewhere to live and to see family.",
            sharing_basis=SharingBasis.CONSENT,
            received_on=today - dt.timedelta(days=rng.randint(0, 10)),
            actor=None,
        )
    counts["referrals waiting"] = len(chosen)
    counts["meetings"] = 2 if upcoming.pk else 1
    return counts


def _risk_markers(episodes: list[SupportEpisode], today: dt.date) -> int:
    """Two safety markers on the first coordinator's caseload: one current, one whose review is overdue."""
    if len(episodes) < 2 or episodes[0].coordinator is None or episodes[1].coordinator is None:
        return 0
    risk_marker_set(
        person=episodes[0].person,
        kind=RiskKind.DO_NOT_VISIT_ALONE,
        reason="Threatened an outreach worker with a bottle by the river. Visit in pairs; meet at the day centre.",
        review_on=today + dt.timedelta(days=60),
        actor=episodes[0].coordinator,
    )
    # Set six months ago and not reviewed since: the coordinator's "Needs your attention" shows it.
    RiskMarker.objects.create(
        person=episodes[1].person,
        kind=RiskKind.RISK_TO_SELF,
        reason="Two overdoses this spring. Check in daily after any loss; carry naloxone.",
        set_by=episodes[1].coordinator,
        set_on=today - dt.timedelta(days=180),
        review_on=today - dt.timedelta(days=3),
    )
    return 2
