"""Writes for coordinated support. Each service is atomic and writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.formats import date_format

from tide.areas.models import Agency, Area, Role, User
from tide.coordination import eligibility
from tide.coordination import escalation as rules
from tide.coordination.audit_actions import (
    ACTION_COMPLETED,
    ACTION_CREATED,
    ACTION_ESCALATED,
    ATTENTION_SEEN,
    CONTACT_RECORDED,
    COORDINATOR_ALLOCATED,
    COORDINATOR_HANDOVER,
    CPA_RECORDED,
    DEATH_REVIEW_COMPLETED,
    DECISION_RECORDED,
    EPISODE_ENDED,
    EPISODE_STARTED,
    MEETING_AGENDA_SENT,
    MEETING_ATTENDANCE_RECORDED,
    MEETING_CREATED,
    NEEDS_ASSESSMENT_OUTCOME,
    NEEDS_ASSESSMENT_REQUESTED,
    PLAN_COMMENT_ADDED,
    PLAN_COMMENTS_READ,
    PLAN_VERSION_CREATED,
    REFERRAL_ACCEPTED,
    REFERRAL_CREATED,
    REFERRAL_NOT_ACCEPTED,
    SAFEGUARDING_DECIDED,
    SAFEGUARDING_RAISED,
    SERVICE_DECLINE_RESOLVED,
    SERVICE_REQUESTED,
    SERVICE_STATUS_CHANGED,
)
from tide.coordination.models import (
    Action,
    ActionStatus,
    AgendaSending,
    Allocation,
    AssessmentOutcome,
    Attendance,
    Contact,
    ContactKind,
    CpaRecord,
    DeathReview,
    Decision,
    DeclineReason,
    Escalation,
    ExitDestination,
    InvolvementStatus,
    Meeting,
    MeetingKind,
    NeedsAssessmentRequest,
    PlanComment,
    PlanDomain,
    PlanGoal,
    PlanVersion,
    Referral,
    ReferralStatus,
    ReferrerKind,
    SafeguardingConcern,
    SafeguardingDecision,
    ServiceInvolvement,
    ServiceKind,
    SupportEpisode,
)
from tide.core.access import NeedToKnowRefused, person_access
from tide.core.actors import actor_pk, actor_user
from tide.core.audit import audit_record
from tide.core.concurrency import check_version, last_change, save_versioned
from tide.people.models import Person

OFFER_REQUIRED = (
    "A referral from an agency must say what the agency will itself keep doing for the person (its offer). "
    "Referrals without an offer are not accepted."
)
DEATH_REVIEW_DAYS = 28


def _today() -> dt.date:
    return timezone.localdate()


def _long(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _same_area(person: Person, *things: Any) -> None:
    for thing in things:
        area_id = getattr(thing, "area_id", None)
        if thing is not None and area_id is not None and area_id != person.area_id:
            raise ValidationError(f"{thing} is not in {person.area}.")


def _not_future(day: dt.date, label: str) -> None:
    if day > _today():
        raise ValidationError({label: "The date cannot be in the future."})


def open_episode(person: Person) -> SupportEpisode | None:
    return SupportEpisode.objects.filter(person=person, ended_on__isnull=True).first()


# --- Authority: who may change a record others share (ADR 0064) ---------------------------------------
#
# A state-changing service checks two things itself, so that every caller (a view, the API, a job) is
# covered: the actor has authority over this record (owns it, was asked, coordinates the person), and
# the actor may still see the person (the same need-to-know decision as the person page). ``actor=None``
# is the system acting on its own account (imports, the demo, scheduled jobs); a signed-out user is not.


def _lock(instance: Any) -> None:
    """Lock the row for this transaction and reload the caller's object, so checks see what is stored."""
    list(type(instance).objects.select_for_update().filter(pk=instance.pk).values_list("pk", flat=True))
    instance.refresh_from_db()


def coordinates(actor: Any, person_id: int) -> bool:
    """The actor is the coordinator of the person's open support, or that coordinator's manager."""
    return (
        SupportEpisode.objects.filter(person_id=person_id, ended_on__isnull=True)
        .filter(Q(coordinator_id=actor.pk) | Q(coordinator__manager_id=actor.pk))
        .exists()
    )


def _same_agency(actor: Any, agency_id: int | None) -> bool:
    return agency_id is not None and getattr(actor, "agency_id", None) == agency_id


def _authorise(actor: Any, person: Person | None, *, allowed: bool, refusal: str) -> None:
    """Raise ``PermissionDenied`` unless ``allowed`` and the actor may see ``person`` (if any)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not allowed:
        raise PermissionDenied(refusal)
    if person is not None and not person_access(actor, person).allowed:
        raise NeedToKnowRefused(person.pk)


def action_may_complete(*, action: Action, actor: Any) -> bool:
    """The owner, the owner's manager, the chair of the meeting that agreed it, or someone it was escalated to."""
    pk = actor_pk(actor)
    if pk is None:
        return False
    if pk in (action.owner_id, getattr(action.owner, "manager_id", None)):
        return True
    if action.meeting_id is not None and action.meeting is not None and action.meeting.chair_id == pk:
        return True
    return Escalation.objects.filter(action_id=action.pk, to_user_id=pk).exists()


def action_authorise(*, action: Action, actor: Any) -> None:
    _authorise(
        actor,
        action.person,
        allowed=action_may_complete(action=action, actor=actor),
        refusal="Only the action's owner, their manager or the chair of the meeting can complete it.",
    )


def _asked_asker_or_coordinator(actor: Any, *, agency_id: int | None, asker_id: int | None, person_id: int) -> bool:
    """Staff of the agency asked, whoever asked, or the person's coordinator (or their manager)."""
    return actor is not None and (
        _same_agency(actor, agency_id) or asker_id == actor.pk or coordinates(actor, person_id)
    )


def service_authorise(*, involvement: ServiceInvolvement, actor: Any) -> None:
    """The agency asked answers; whoever asked, and the person's coordinator or their manager, record it."""
    allowed = _asked_asker_or_coordinator(
        actor, agency_id=involvement.agency_id, asker_id=involvement.requested_by_id, person_id=involvement.person_id
    )
    _authorise(
        actor,
        involvement.person,
        allowed=allowed,
        refusal="Only the agency asked, whoever asked it, or the person's coordinator can update this service.",
    )


def safeguarding_authorise(*, concern: SafeguardingConcern, actor: Any) -> None:
    allowed = _asked_asker_or_coordinator(
        actor, agency_id=concern.to_agency_id, asker_id=concern.raised_by_id, person_id=concern.person_id
    )
    _authorise(
        actor,
        concern.person,
        allowed=allowed,
        refusal="Only the local authority, whoever raised the concern, or the person's coordinator records its decision.",
    )


def assessment_authorise(*, request: NeedsAssessmentRequest, actor: Any) -> None:
    allowed = _asked_asker_or_coordinator(
        actor, agency_id=request.to_agency_id, asker_id=request.requested_by_id, person_id=request.person_id
    )
    _authorise(
        actor,
        request.person,
        allowed=allowed,
        refusal="Only the agency asked, whoever asked it, or the person's coordinator records the outcome.",
    )


def death_review_authorise(*, review: DeathReview, actor: Any) -> None:
    """The manager of the coordinator whose support ended, or the area's accountable officer."""
    episode = review.episode
    person = episode.person
    allowed = actor is not None and (
        (episode.coordinator is not None and episode.coordinator.manager_id == actor.pk)
        or person.area.accountable_officer_id == actor.pk
    )
    _authorise(
        actor,
        person,
        allowed=allowed,
        refusal="Only the coordinator's manager or the accountable officer carries out a death review.",
    )


# --- Referrals ---------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    person: Person,
    referrer_kind: str,
    reasons: str,
    sharing_basis: str,
    from_agency: Agency | None = None,
    referrer_name: str = "",
    offer: str = "",
    strengths: str = "",
    hopes: str = "",
    received_on: dt.date | None = None,
    actor: Any,
) -> Referral:
    """Refer a person for coordinated support. An agency's referral without an offer is refused."""
    offer = (offer or "").strip()
    if referrer_kind == ReferrerKind.AGENCY:
        if from_agency is None:
            raise ValidationError({"from_agency": "Choose the agency that is referring."})
        if not offer:
            raise ValidationError({"offer": OFFER_REQUIRED})
    elif referrer_kind == ReferrerKind.CLOSE and not referrer_name.strip():
        raise ValidationError({"referrer_name": "Enter the name of the person making the referral."})
    _same_area(person, from_agency)
    if open_episode(person) is not None:
        raise ValidationError(f"{person.display_name} is already on the coordinated caseload.")
    if Referral.objects.filter(person=person, status=ReferralStatus.PENDING).exists():
        raise ValidationError(f"{person.display_name} already has a referral waiting for the group.")
    referral = Referral(
        person=person,
        referrer_kind=referrer_kind,
        from_agency=from_agency if referrer_kind == ReferrerKind.AGENCY else None,
        referrer_name=referrer_name.strip(),
        offer=offer,
        reasons=(reasons or "").strip(),
        strengths=(strengths or "").strip(),
        hopes=(hopes or "").strip(),
        sharing_basis=sharing_basis,
        received_on=received_on or _today(),
        created_by=actor_user(actor),
    )
    _not_future(referral.received_on, "received_on")
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, action=REFERRAL_CREATED, target=referral, person_id=person.pk)
    return referral


# --- Meetings ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, area: Area, held_on: dt.date, kind: str = MeetingKind.OPERATIONAL, chair: User | None = None, actor: Any
) -> Meeting:
    meeting = Meeting(area=area, held_on=held_on, kind=kind, chair=chair)
    meeting.full_clean()
    meeting.save()
    audit_record(actor=actor, action=MEETING_CREATED, target=meeting)
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, agency: Agency, attendee_name: str = "", present: bool = True, actor: Any
) -> Attendance:
    if agency.area_id != meeting.area_id:
        raise ValidationError("That agency is not part of this area.")
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting, agency=agency, defaults={"attendee_name": attendee_name.strip(), "present": present}
    )
    audit_record(actor=actor, action=MEETING_ATTENDANCE_RECORDED, target=meeting, detail={"agency": agency.pk})
    return row


def _when(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.day} {local:%B %Y at %H:%M}"


def _agenda_changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Plain-English lines on how each section changed, in counts only (the items name people)."""
    from tide.coordination.selectors import AGENDA_SECTIONS

    lines = []
    for name, label in AGENDA_SECTIONS:
        old, new = before.get(name, {}), after[name]
        if old.get("digest") == new["digest"]:
            continue
        if old.get("count") == new["count"]:
            lines.append(f"- {label}: still {new['count']}, but not the same ones")
        else:
            lines.append(f"- {label}: {new['count']}, was {old.get('count', 0)}")
    return "\n".join(lines) or "- The date of the meeting"


@transaction.atomic
def meeting_agenda_send(*, meeting: Meeting, actor: Any, today: dt.date | None = None) -> AgendaSending:
    """The chair sends the agenda to the attendees (:func:`selectors.agenda_recipients`) by email,
    through the messages room, as each has chosen (by email or only in Tide). The message gives the
    meeting, how many items each section holds and a link: who the items are about stays in Tide, where
    each attendee sees only the people they may. Sent again after the agenda changed, it says what changed."""
    from django.conf import settings
    from django.urls import reverse

    from tide.coordination import selectors
    from tide.messages.services import message_send

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # one sending at a time
    sender = actor_user(actor)
    if not selectors.agenda_may_send(user=sender, meeting=meeting):
        raise PermissionDenied("The meeting's chair sends its agenda.")
    if meeting.held_on < (today or _today()):
        raise ValidationError("This meeting has been held, so its agenda is not sent: the minutes are its record.")
    recipients = selectors.agenda_recipients(meeting=meeting, exclude=sender)
    if not recipients:
        raise ValidationError(
            "There is nobody to send it to. Record the agencies attending first: the agenda goes to their staff."
        )
    sections, fingerprint = selectors.agenda_summary(selectors.meeting_agenda(meeting=meeting))
    last = AgendaSending.objects.filter(meeting=meeting).first()
    changed = last is not None and last.fingerprint != fingerprint
    sending = AgendaSending.objects.create(
        meeting=meeting,
        sent_at=timezone.now(),
        sent_by=sender,
        sections=sections,
        fingerprint=fingerprint,
        recipients=len(recipients),
        changed=changed,
    )
    context = {
        "meeting": meeting.get_kind_display().lower(),
        "held_on": f"{meeting.held_on:%A} {meeting.held_on.day} {meeting.held_on:%B %Y}",
        "items": "\n".join(f"- {label}: {sections[name]['count']}" for name, label in selectors.AGENDA_SECTIONS),
        "link": settings.TIDE_SITE_URL + reverse("coordination:meeting", args=[meeting.pk]),
        "choices_link": settings.TIDE_SITE_URL + reverse("messages:choices"),
        "changed": "yes" if changed else "",
        "last_sent": _when(last.sent_at) if last else "",
        "changes": _agenda_changes(last.sections, sections) if changed and last else "",
    }
    for recipient in recipients:
        message_send(
            kind="meeting_agenda",
            to_user=recipient,
            context=context,
            actor=actor,
            about=f"coordination.meeting:{meeting.pk}",
        )
    audit_record(
        actor=actor,
        action=MEETING_AGENDA_SENT,
        target=meeting,
        detail={"recipients": len(recipients), "changed": changed, "sending": sending.pk},
    )
    return sending


@transaction.atomic
def decision_record(*, meeting: Meeting, text: str, person: Person | None = None, actor: Any) -> Decision:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the decision."})
    if person is not None and person.area_id != meeting.area_id:
        raise ValidationError("That person is not in this area.")
    decision = Decision.objects.create(meeting=meeting, person=person, text=text, recorded_by=actor_user(actor))
    audit_record(actor=actor, action=DECISION_RECORDED, target=decision, person_id=person.pk if person else None)
    return decision


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    meeting: Meeting,
    accept: bool,
    reason: str,
    starts_on: dt.date | None = None,
    actor: Any,
) -> Decision:
    """The operational group decides, at a meeting and with a reason, whether the person joins the caseload.

    Support starts on the meeting's date unless the chair chooses another (ADR 0031): deciding ahead of
    a meeting dated in the future, the chair may start support today so a coordinator can be named now.
    """
    referral = Referral.objects.select_for_update().select_related("person").get(pk=referral.pk)
    person = referral.person
    reason = (reason or "").strip()
    starts_on = starts_on or meeting.held_on
    if not reason:
        raise ValidationError({"reason": "Record the group's reason for the decision."})
    if accept and starts_on != meeting.held_on and starts_on < referral.received_on:
        raise ValidationError(
            {"starts_on": f"Support cannot start before the referral was received, {_long(referral.received_on)}."}
        )
    if meeting.kind != MeetingKind.OPERATIONAL:
        raise ValidationError("The caseload is agreed by the operational multi-agency group.")
    if meeting.area_id != person.area_id:
        raise ValidationError("This meeting is for another area.")
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError("The group has already decided on this referral.")
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.NOT_ACCEPTED
    referral.decided_at = meeting
    referral.decision_reason = reason
    referral.save(update_fields=["status", "decided_at", "decision_reason"])
    verb = "Agreed to offer coordinated support to" if accept else "Did not accept onto the caseload:"
    decision = Decision.objects.create(
        meeting=meeting,
        person=person,
        referral=referral,
        text=f"{verb} {person.display_name}. Reason: {reason}",
        recorded_by=actor_user(actor),
    )
    if accept:
        if open_episode(person) is not None:
            raise ValidationError(f"{person.display_name} is already on the coordinated caseload.")
        episode = SupportEpisode.objects.create(
            person=person, started_on=starts_on, referral=referral, agreed_at=meeting
        )
        audit_record(actor=actor, action=EPISODE_STARTED, target=episode, person_id=person.pk)
        if referral.from_agency_id is not None:
            # No dumping: the referring agency stays involved, doing what it offered.
            ServiceInvolvement.objects.create(
                person=person,
                agency_id=referral.from_agency_id,
                service=ServiceKind.REFERRER_OFFER,
                detail=referral.offer[:300],
                status=InvolvementStatus.INVOLVED,
                requested_on=referral.received_on,
                involved_on=max(starts_on, referral.received_on),
                requested_by=actor_user(actor),
            )
    audit_record(
        actor=actor,
        action=REFERRAL_ACCEPTED if accept else REFERRAL_NOT_ACCEPTED,
        target=referral,
        person_id=person.pk,
        reason=reason,
    )
    _tell_referrer(referral, accept=accept, actor=actor)
    return decision


# --- Messages (through the messages room; kept apart so the flows above read on their own) -----------


def _tell_referrer(referral: Referral, *, accept: bool, actor: Any) -> None:
    """Tell the member of staff who made the referral what the group decided. The person's name and
    the group's reason stay in Tide, behind its gates; the message links there."""
    from django.conf import settings
    from django.urls import reverse

    from tide.messages.services import message_send

    referrer = referral.created_by
    if referrer is None or referrer.pk == actor_pk(actor):
        return
    message_send(
        kind="referral_decided",
        to_user=referrer,
        context={
            "reference": f"R-{referral.pk}",
            "decision": "agreed to offer coordinated support" if accept else "did not accept",
            "link": settings.TIDE_SITE_URL + reverse("coordination:person", args=[referral.person_id]),
        },
        actor=actor,
        about=f"coordination.referral:{referral.pk}",
    )


def _tell_coordinator_of_decline(involvement: ServiceInvolvement, *, actor: Any) -> None:
    """Tell the person's coordinator that a service declined; the reason and the person stay in Tide."""
    from django.conf import settings
    from django.urls import reverse

    from tide.coordination.selectors import current_coordinator
    from tide.messages.services import message_send

    coordinator = current_coordinator(person=involvement.person)
    if coordinator is None or coordinator.pk == actor_pk(actor):
        return
    message_send(
        kind="service_declined",
        to_user=coordinator,
        context={
            "agency": involvement.agency.name,
            "link": settings.TIDE_SITE_URL + reverse("coordination:person", args=[involvement.person_id]),
        },
        actor=actor,
        about=f"coordination.serviceinvolvement:{involvement.pk}",
    )


# --- Coordinator allocation -------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationResult:
    allocation: Allocation
    caseload: int
    limit: int
    warning: str


def caseload_of(coordinator: Any) -> int:
    return SupportEpisode.objects.filter(coordinator=coordinator, ended_on__isnull=True).count()


@transaction.atomic
def coordinator_allocate(
    *, episode: SupportEpisode, coordinator: User, handover_note: str = "", on: dt.date | None = None, actor: Any
) -> AllocationResult:
    """Name the person's coordinator, closing the previous allocation (a handover), within the caseload limit."""
    episode = SupportEpisode.objects.select_for_update().select_related("person__area").get(pk=episode.pk)
    area = episode.person.area
    on = on or max(_today(), episode.started_on)  # the form's default: the earliest valid date (ADR 0031)
    if not episode.is_open:
        raise ValidationError("This period of support has ended; the person must be referred again.")
    if coordinator.role != Role.COORDINATOR or coordinator.area_id != area.pk or not coordinator.is_active:
        raise ValidationError({"coordinator": "Choose an active coordinator in this area."})
    if episode.coordinator_id == coordinator.pk:
        raise ValidationError({"coordinator": f"{coordinator.get_full_name()} is already the coordinator."})
    if on < episode.started_on:
        raise ValidationError(
            {
                "on": f"The coordinator can be named from {_long(episode.started_on)}, when support started. "
                "Choose that date or later."
            }
        )
    after = caseload_of(coordinator) + 1
    name = coordinator.get_full_name() or coordinator.get_username()
    warning = ""
    if after > area.caseload_limit:
        if area.caseload_limit_is_hard:
            raise ValidationError(
                {
                    "coordinator": f"{name} already holds {after - 1} people, the area's limit of "
                    f"{area.caseload_limit}. Choose another coordinator."
                }
            )
        warning = f"{name} now holds {after} people, over the area's limit of {area.caseload_limit}."
    elif after == area.caseload_limit:
        warning = f"{name} now holds {after} people, the area's limit."
    previous = episode.allocations.filter(ended_on__isnull=True).first()
    if previous is None and episode.coordinator is not None:
        # Named before allocations were recorded (an import or the demo): keep them in the history.
        previous = Allocation(episode=episode, coordinator=episode.coordinator, started_on=episode.started_on)
    if previous is not None:
        previous.ended_on = on
        previous.save()
    allocation = Allocation.objects.create(
        episode=episode,
        coordinator=coordinator,
        started_on=on,
        handover_note=handover_note.strip(),
        allocated_by=actor_user(actor),
    )
    episode.coordinator = coordinator
    episode.save(update_fields=["coordinator"])
    audit_record(
        actor=actor,
        action=COORDINATOR_HANDOVER if previous else COORDINATOR_ALLOCATED,
        target=allocation,
        person_id=episode.person_id,
        detail={"coordinator": coordinator.pk, "caseload": after, "warning": warning},
    )
    return AllocationResult(allocation, after, area.caseload_limit, warning)


@transaction.atomic
def attention_seen(*, person: Person, actor: Any) -> int:
    """The coordinator opened the person's page: their new allocation and the services' declines are seen.
    Only the person's current coordinator marks them; anyone else's visit changes nothing."""
    if getattr(actor, "role", "") != Role.COORDINATOR:
        return 0
    now = timezone.now()
    allocations = Allocation.objects.filter(
        episode__person=person, coordinator_id=actor.pk, ended_on__isnull=True, seen_at__isnull=True
    ).update(seen_at=now)
    mine = SupportEpisode.objects.filter(person=person, coordinator_id=actor.pk, ended_on__isnull=True)
    declines = ServiceInvolvement.objects.filter(
        Exists(mine), person=person, status=InvolvementStatus.DECLINED, decline_seen_at__isnull=True
    ).update(decline_seen_at=now)
    if allocations or declines:
        audit_record(
            actor=actor,
            action=ATTENTION_SEEN,
            target=person,
            person_id=person.pk,
            detail={"allocations": allocations, "declines": declines},
        )
    return allocations + declines


# --- Actions and their escalation ----------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    area: Area,
    description: str,
    owner: User,
    due_on: dt.date,
    owner_agency: Agency | None = None,
    meeting: Meeting | None = None,
    person: Person | None = None,
    actor: Any,
    _checked: bool = False,
) -> Action:
    """Record an action. ``_checked`` is for this module's own callers that already established the
    actor's standing (ending support opens a death review action for the accountable officer)."""
    description = (description or "").strip()
    owner_agency = owner_agency or owner.agency
    if not description:
        raise ValidationError({"description": "Describe the action."})
    if owner_agency is None or owner_agency.area_id != area.pk or owner.area_id != area.pk:
        raise ValidationError({"owner": "Choose an owner who works for an agency in this area."})
    if person is not None and person.area_id != area.pk:
        raise ValidationError("That person is not in this area.")
    if person is not None and not _checked:
        # Owning an open action about someone is a relationship: only someone who may see the person
        # can create one (and so hand it on), never as a way to let oneself in (ADR 0064).
        _authorise(actor, person, allowed=True, refusal="")
    action = Action.objects.create(
        area=area,
        description=description,
        owner=owner,
        owner_agency=owner_agency,
        due_on=due_on,
        meeting=meeting,
        person=person,
        created_by=actor_user(actor),
    )
    audit_record(actor=actor, action=ACTION_CREATED, target=action, person_id=person.pk if person else None)
    return action


@transaction.atomic
def action_complete(*, action: Action, actor: Any, on: dt.date | None = None, version: int | None = None) -> Action:
    """Mark an action done. ``version`` is the one the user saw: if it changed since, nothing is saved."""
    _lock(action)
    action_authorise(action=action, actor=actor)
    check_version(action, read_version=version, current_version=action.version)
    if action.status == ActionStatus.DONE:
        raise ValidationError("This action is already done.")
    action.status = ActionStatus.DONE
    action.completed_on = on or _today()
    save_versioned(action, read_version=action.version, fields=["status", "completed_on"])
    audit_record(actor=actor, action=ACTION_COMPLETED, target=action, person_id=action.person_id)
    return action


def actions_escalate(
    *,
    today: dt.date,
    area: Area | None = None,
    policy: rules.EscalationPolicy = rules.DEFAULT_POLICY,
    actor: Any = None,
) -> list[Escalation]:
    """Escalate every open overdue action as far as ``policy`` says by ``today``; safe to run repeatedly."""
    made: list[Escalation] = []
    overdue = Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today, escalation_level__lt=rules.OFFICER)
    if area is not None:
        overdue = overdue.filter(area=area)
    for action_id in list(overdue.values_list("pk", flat=True)):
        made.extend(_escalate_one(action_id, today, policy, actor))
    return made


@transaction.atomic
def _escalate_one(action_id: int, today: dt.date, policy: rules.EscalationPolicy, actor: Any) -> list[Escalation]:
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("owner__manager", "area__accountable_officer")
        .get(pk=action_id)
    )
    made = []
    for level in rules.levels_to_record(action.escalation_level, action.due_on, today, policy):
        to_user = action.owner.manager if level == rules.MANAGER else action.area.accountable_officer
        if to_user is None and level == rules.MANAGER:
            to_user = action.area.accountable_officer  # nobody in between: straight to the officer
        if to_user is None:
            break
        made.append(Escalation.objects.create(action=action, level=level, to_user=to_user, escalated_on=today))
        _tell_escalated(made[-1], days_overdue=rules.days_overdue(action.due_on, today), actor=actor)
        action.escalation_level = level
        audit_record(
            actor=actor,
            action=ACTION_ESCALATED,
            target=action,
            person_id=action.person_id,
            detail={"level": level, "to": to_user.pk, "days_overdue": rules.days_overdue(action.due_on, today)},
        )
    if made:
        action.save(update_fields=["escalation_level"])
    return made


def _tell_escalated(escalation: Escalation, *, days_overdue: int, actor: Any) -> None:
    """Email the person an action is escalated to (messages room). The action's words may name the
    person supported, so the message says only how late it is and links to Tide."""
    from django.conf import settings
    from django.urls import reverse

    from tide.messages.services import message_send

    message_send(
        kind="action_escalated",
        to_user=escalation.to_user,
        context={
            "days_overdue": days_overdue,
            "to_role": "accountable officer" if escalation.level == rules.OFFICER else "team manager",
            "link": settings.TIDE_SITE_URL + reverse("coordination:home"),
        },
        actor=actor,
        about=f"coordination.escalation:{escalation.pk}",
    )


# --- Contacts and the plan ------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *, person: Person, kind: str, occurred_on: dt.date | None = None, note: str = "", actor: Any
) -> Contact:
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    if kind not in ContactKind.values:
        raise ValidationError({"kind": "Choose the kind of contact."})
    occurred_on = occurred_on or _today()
    _not_future(occurred_on, "occurred_on")
    contact = Contact.objects.create(
        person=person, kind=kind, occurred_on=occurred_on, note=(note or "").strip(), recorded_by=actor_user(actor)
    )
    audit_record(actor=actor, action=CONTACT_RECORDED, target=contact, person_id=person.pk)
    return contact


@dataclass(frozen=True)
class GoalInput:
    domain: str
    goal: str
    steps: str = ""


@transaction.atomic
def plan_version_create(
    *,
    person: Person,
    in_their_words: str,
    goals: Sequence[GoalInput],
    review_due_on: dt.date,
    agreed_with_person: bool,
    based_on: int | None = None,
    actor: Any,
) -> PlanVersion:
    """Save a new version of the person's plan; earlier versions stay exactly as they were.

    ``based_on`` is the version number the user started from (0 for none). When someone saved a newer
    version meanwhile, nothing is saved and :class:`~tide.core.concurrency.StaleEdit` carries that
    version (``instance``), so the page can show it and ask.
    """
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    if not (in_their_words or "").strip():
        raise ValidationError({"in_their_words": "Write down what matters to the person, in their words."})
    goals = [g for g in goals if g.goal.strip()]
    if not goals:
        raise ValidationError({"goals": "Add at least one goal."})
    for goal in goals:
        if goal.domain not in PlanDomain.values:
            raise ValidationError({"goals": f"Unknown plan domain {goal.domain!r}."})
    if review_due_on <= _today():
        raise ValidationError({"review_due_on": "The review date must be in the future."})
    Person.objects.select_for_update().filter(pk=person.pk).first()  # serialise version numbers
    latest = PlanVersion.objects.filter(person=person).select_related("created_by").order_by("-number").first()
    if latest is not None:
        check_version(latest, read_version=based_on, current_version=latest.number, change=last_change(latest))
    elif based_on:
        raise ValidationError("The plan you started from is no longer there. Open the plan again.")
    number = (latest.number if latest is not None else 0) + 1
    version = PlanVersion.objects.create(
        person=person,
        number=number,
        in_their_words=in_their_words,  # kept as they said it: not trimmed or reworded
        review_due_on=review_due_on,
        agreed_with_person=agreed_with_person,
        created_by=actor_user(actor),
        created_on=_today(),
    )
    PlanGoal.objects.bulk_create(
        PlanGoal(version=version, domain=g.domain, goal=g.goal.strip(), steps=g.steps.strip()) for g in goals
    )
    audit_record(actor=actor, action=PLAN_VERSION_CREATED, target=version, person_id=person.pk)
    return version


PLAN_COMMENT_MAX = 2000


@transaction.atomic
def plan_comment_add(*, person: Person, text: str, actor: Any) -> PlanComment:
    """The person's own words about their current plan, from their sign-in; kept as they wrote them."""
    version = PlanVersion.objects.filter(person=person).order_by("-number").first()
    if version is None:
        raise ValidationError({"text": "You do not have a plan yet. Your coordinator will write it with you."})
    if not (text or "").strip():
        raise ValidationError({"text": "Write what you would like to change or add."})
    if len(text) > PLAN_COMMENT_MAX:
        raise ValidationError({"text": f"Keep it to {PLAN_COMMENT_MAX:,} characters or fewer."})
    comment = PlanComment.objects.create(
        person=person, version=version, text=text, written_by=actor, written_at=timezone.now()
    )
    audit_record(actor=actor, action=PLAN_COMMENT_ADDED, target=comment, person_id=person.pk)
    return comment


@transaction.atomic
def plan_comments_read(*, person: Person, actor: Any) -> int:
    """Mark the person's unread comments on their plan as read by ``actor``; returns how many."""
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    count = PlanComment.objects.filter(person=person, read_at__isnull=True).update(
        read_by=actor_user(actor), read_at=timezone.now()
    )
    if count:
        audit_record(actor=actor, action=PLAN_COMMENTS_READ, person_id=person.pk, detail={"comments": count})
    return count


# --- Services involved and declines ---------------------------------------------------------------------


@transaction.atomic
def service_request(
    *,
    person: Person,
    agency: Agency,
    service: str,
    detail: str = "",
    requested_on: dt.date | None = None,
    actor: Any,
) -> ServiceInvolvement:
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    _same_area(person, agency)
    requested_on = requested_on or _today()
    _not_future(requested_on, "requested_on")
    row = ServiceInvolvement(
        person=person,
        agency=agency,
        service=service,
        detail=(detail or "").strip(),
        requested_on=requested_on,
        requested_by=actor_user(actor),
    )
    row.full_clean()
    row.save()
    audit_record(actor=actor, action=SERVICE_REQUESTED, target=row, person_id=person.pk)
    return row


_NEXT = {
    InvolvementStatus.REQUESTED: {InvolvementStatus.OFFERED, InvolvementStatus.INVOLVED, InvolvementStatus.DECLINED},
    InvolvementStatus.OFFERED: {InvolvementStatus.INVOLVED, InvolvementStatus.DECLINED},
    InvolvementStatus.INVOLVED: {InvolvementStatus.ENDED},
    InvolvementStatus.DECLINED: set(),
    InvolvementStatus.ENDED: set(),
}


_SERVICE_STATE_FIELDS = (
    "status",
    "offered_on",
    "involved_on",
    "declined_on",
    "decline_reason",
    "decline_detail",
    "ended_on",
)


@transaction.atomic
def service_update(
    *,
    involvement: ServiceInvolvement,
    status: str,
    on: dt.date | None = None,
    decline_reason: str = "",
    decline_detail: str = "",
    version: int | None = None,
    actor: Any,
) -> ServiceInvolvement:
    """Move a service along requested → offered → involved → ended, or to declined with a coded reason.

    ``version`` is the one the user's form was read at: if someone saved since, nothing changes and
    :class:`~tide.core.concurrency.StaleEdit` says who, when and what.
    """
    row = ServiceInvolvement.objects.select_for_update(of=("self",)).select_related("person").get(pk=involvement.pk)
    service_authorise(involvement=row, actor=actor)
    check_version(row, read_version=version, current_version=row.version)
    on = on or _today()
    _not_future(on, "on")
    if status not in _NEXT[InvolvementStatus(row.status)]:
        raise ValidationError(
            {"status": f"A service that is {row.get_status_display().lower()} cannot become {status}."}
        )
    if on < row.requested_on:
        raise ValidationError({"on": "The date cannot be before the request."})
    if status == InvolvementStatus.DECLINED:
        if decline_reason not in DeclineReason.values:
            raise ValidationError({"decline_reason": "Choose the reason the service gave for declining."})
        if decline_reason == DeclineReason.OTHER and not decline_detail.strip():
            raise ValidationError({"decline_detail": "Describe the reason when it is 'Other'."})
        row.decline_reason, row.decline_detail, row.declined_on = decline_reason, decline_detail.strip(), on
    elif status == InvolvementStatus.OFFERED:
        row.offered_on = on
    elif status == InvolvementStatus.INVOLVED:
        row.involved_on = on
    elif status == InvolvementStatus.ENDED:
        row.ended_on = on
    row.status = status
    row.full_clean()
    save_versioned(row, read_version=row.version, fields=[*_SERVICE_STATE_FIELDS])
    audit_record(
        actor=actor,
        action=SERVICE_STATUS_CHANGED[status],
        target=row,
        person_id=row.person_id,
        detail={"reason": decline_reason} if decline_reason else None,
    )
    if status == InvolvementStatus.DECLINED:
        _tell_coordinator_of_decline(row, actor=actor)
    return row


@transaction.atomic
def decline_resolve(*, involvement: ServiceInvolvement, meeting: Meeting, actor: Any) -> ServiceInvolvement:
    """The group has dealt with a decline: it leaves the agenda and the minutes say so."""
    _lock(involvement)
    if involvement.status != InvolvementStatus.DECLINED:
        raise ValidationError("Only a declined service can be marked as dealt with.")
    if involvement.decline_resolved:
        raise ValidationError("This decline has already been dealt with.")
    involvement.decline_resolved = True
    save_versioned(involvement, read_version=involvement.version, fields=["decline_resolved"])
    decision_record(
        meeting=meeting,
        person=involvement.person,
        text=f"Decline of {involvement.get_service_display().lower()} by {involvement.agency} dealt with.",
        actor=actor,
    )
    audit_record(actor=actor, action=SERVICE_DECLINE_RESOLVED, target=involvement, person_id=involvement.person_id)
    return involvement


# --- Safeguarding, s.9, CPA --------------------------------------------------------------------------------

S42_CONDITIONS = {
    "has_care_and_support_needs": "has needs for care and support",
    "experiencing_or_at_risk_of_abuse": "is experiencing, or is at risk of, abuse or neglect",
    "unable_to_protect_self": "as a result of those needs is unable to protect themself",
}


@transaction.atomic
def safeguarding_raise(
    *,
    person: Person,
    to_agency: Agency,
    concern: str,
    has_care_and_support_needs: bool,
    experiencing_or_at_risk_of_abuse: bool,
    unable_to_protect_self: bool,
    actor: Any,
) -> SafeguardingConcern:
    """Raise a Care Act s.42 concern: refused unless all three conditions are recorded."""
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    given = {
        "has_care_and_support_needs": has_care_and_support_needs,
        "experiencing_or_at_risk_of_abuse": experiencing_or_at_risk_of_abuse,
        "unable_to_protect_self": unable_to_protect_self,
    }
    missing = {field: text for field, text in S42_CONDITIONS.items() if not given[field]}
    if missing:
        raise ValidationError(
            {
                field: f"A s.42 concern needs reasonable cause to suspect that the adult {text}."
                for field, text in missing.items()
            }
        )
    if not (concern or "").strip():
        raise ValidationError({"concern": "Describe the concern."})
    _same_area(person, to_agency)
    row = SafeguardingConcern.objects.create(
        person=person,
        to_agency=to_agency,
        concern=concern.strip(),
        raised_on=_today(),
        raised_by=actor_user(actor),
        **given,
    )
    audit_record(actor=actor, action=SAFEGUARDING_RAISED, target=row, person_id=person.pk)
    return row


@transaction.atomic
def safeguarding_decide(
    *, concern: SafeguardingConcern, decision: str, decided_on: dt.date, note: str = "", actor: Any
) -> SafeguardingConcern:
    """Record what the local authority decided about a concern (an enquiry, other action or none)."""
    _lock(concern)
    safeguarding_authorise(concern=concern, actor=actor)
    if decision not in SafeguardingDecision.values or decision == SafeguardingDecision.PENDING:
        raise ValidationError({"decision": "Choose what the local authority decided."})
    if concern.decision != SafeguardingDecision.PENDING:
        raise ValidationError("The local authority's decision is already recorded.")
    _not_future(decided_on, "decided_on")
    if decided_on < concern.raised_on:
        raise ValidationError({"decided_on": "The decision cannot be before the concern was raised."})
    concern.decision, concern.decided_on, concern.decision_note = decision, decided_on, note.strip()
    concern.save(update_fields=["decision", "decided_on", "decision_note"])
    audit_record(
        actor=actor,
        action=SAFEGUARDING_DECIDED,
        target=concern,
        person_id=concern.person_id,
        detail={"decision": decision},
    )
    return concern


@transaction.atomic
def needs_assessment_request(
    *, person: Person, to_agency: Agency, notes: str = "", actor: Any
) -> NeedsAssessmentRequest:
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    _same_area(person, to_agency)
    row = NeedsAssessmentRequest.objects.create(
        person=person, to_agency=to_agency, requested_on=_today(), requested_by=actor_user(actor), notes=notes.strip()
    )
    audit_record(actor=actor, action=NEEDS_ASSESSMENT_REQUESTED, target=row, person_id=person.pk)
    return row


@transaction.atomic
def needs_assessment_outcome(
    *,
    request: NeedsAssessmentRequest,
    outcomes_not_achieved: Iterable[str],
    significant_impact: bool,
    assessed_on: dt.date,
    refused: bool = False,
    actor: Any,
) -> NeedsAssessmentRequest:
    """Record the assessment: eligibility follows from the ten outcomes, not from a free choice."""
    _lock(request)
    assessment_authorise(request=request, actor=actor)
    codes = sorted(set(outcomes_not_achieved))
    if unknown := eligibility.unknown_outcomes(codes):
        raise ValidationError({"outcomes_not_achieved": f"Unknown outcomes: {', '.join(unknown)}."})
    if request.outcome != AssessmentOutcome.PENDING:
        raise ValidationError("The outcome of this request is already recorded.")
    _not_future(assessed_on, "assessed_on")
    if assessed_on < request.requested_on:
        raise ValidationError({"assessed_on": "The assessment cannot be before the request."})
    if refused:
        request.outcome = AssessmentOutcome.REFUSED
    else:
        eligible = eligibility.is_eligible(codes, significant_impact=significant_impact)
        request.outcome = AssessmentOutcome.ELIGIBLE if eligible else AssessmentOutcome.NOT_ELIGIBLE
    request.outcomes_not_achieved = codes
    request.significant_impact_on_wellbeing = significant_impact
    request.assessed_on = assessed_on
    request.save()
    audit_record(
        actor=actor,
        action=NEEDS_ASSESSMENT_OUTCOME,
        target=request,
        person_id=request.person_id,
        detail={"outcome": request.outcome},
    )
    return request


@transaction.atomic
def cpa_record(*, person: Person, status: str, care_coordinator: str = "", actor: Any) -> CpaRecord:
    _authorise(actor, person, allowed=True, refusal="")  # need-to-know for every caller (ADR 0064)
    row = CpaRecord(
        person=person,
        status=status,
        care_coordinator=care_coordinator.strip(),
        recorded_on=_today(),
        recorded_by=actor_user(actor),
    )
    row.full_clean()
    row.save()
    audit_record(actor=actor, action=CPA_RECORDED, target=row, person_id=person.pk)
    return row


# --- Exits and returns ---------------------------------------------------------------------------------


@transaction.atomic
def episode_exit(
    *, episode: SupportEpisode, ended_on: dt.date, destination: str, note: str = "", actor: Any
) -> SupportEpisode:
    """End a period of support with its destination. A death opens a review and an action to carry it out."""
    episode = SupportEpisode.objects.select_for_update().select_related("person__area").get(pk=episode.pk)
    if not episode.is_open:
        raise ValidationError("This period of support has already ended.")
    if destination not in ExitDestination.values:
        raise ValidationError({"destination": "Choose where the person went."})
    if ended_on < episode.started_on:
        raise ValidationError({"ended_on": "The end cannot be before the support started."})
    _not_future(ended_on, "ended_on")
    episode.ended_on, episode.exit_destination, episode.exit_note = ended_on, destination, note.strip()
    episode.save(update_fields=["ended_on", "exit_destination", "exit_note"])
    episode.allocations.filter(ended_on__isnull=True).update(ended_on=ended_on)
    person = episode.person
    if destination == ExitDestination.DIED:
        if person.died_on is None:
            Person.objects.filter(pk=person.pk).update(died_on=ended_on)
        DeathReview.objects.create(episode=episode, died_on=person.died_on or ended_on, opened_on=_today())
        officer = person.area.accountable_officer
        owner = officer if officer is not None and officer.agency_id else episode.coordinator
        if owner is not None and owner.agency_id:
            action_create(
                area=person.area,
                description=f"Review the death of {person.display_name}: what services did and what should change.",
                owner=owner,
                due_on=_today() + dt.timedelta(days=DEATH_REVIEW_DAYS),
                person=person,
                actor=actor,
                _checked=True,  # the actor ended this support; the action is the review it requires
            )
    audit_record(
        actor=actor, action=EPISODE_ENDED, target=episode, person_id=person.pk, detail={"destination": destination}
    )
    return episode


@transaction.atomic
def death_review_complete(*, review: DeathReview, findings: str, actor: Any) -> DeathReview:
    """Record what the review found: what services did, what should change."""
    _lock(review)
    death_review_authorise(review=review, actor=actor)
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "Record what the review found."})
    if review.completed_on is not None:
        raise ValidationError("This review is already complete.")
    review.findings, review.completed_on = findings, _today()
    review.save(update_fields=["findings", "completed_on"])
    audit_record(actor=actor, action=DEATH_REVIEW_COMPLETED, target=review, person_id=review.episode.person_id)
    return review
