"""Coordinated support. ``SupportEpisode`` is the contract later rooms read: who is on the coordinated
caseload, from when, until when, and how they left."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from tide.people.models import Person


class ExitDestination(models.TextChoices):
    MOVED_ON_SUPPORT = "moved_on_support", "Moved to other support"
    NO_LONGER_NEEDS = "no_longer_needs", "No longer needs support"
    DISENGAGED = "disengaged", "Disengaged"
    PRISON = "prison", "Prison"
    HOSPITAL = "hospital", "Hospital"
    DIED = "died", "Died"
    MOVED_OUT = "moved_out", "Moved out of area"
    EXCLUDED = "excluded", "Excluded"
    OTHER = "other", "Other"


class SupportEpisode(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_episodes")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="support_episodes"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    exit_destination = models.CharField(max_length=30, choices=ExitDestination.choices, blank=True)
    exit_note = models.TextField(blank=True)
    referral = models.ForeignKey(
        "coordination.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    agreed_at = models.ForeignKey(
        "coordination.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="episodes_agreed"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["person", "started_on"]), models.Index(fields=["coordinator", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | ~models.Q(exit_destination=""),
                name="episode_end_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"Support for {self.person_id} from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


# --- Referrals and the caseload --------------------------------------------------------------------


class ReferrerKind(models.TextChoices):
    AGENCY = "agency", "An agency"
    SELF = "self", "The person themself"
    CLOSE = "close", "Someone close to the person"


class SharingBasis(models.TextChoices):
    CONSENT = "consent", "The person consents to information being shared"
    AGREEMENT = "agreement", "Shared under the area's information-sharing agreement"
    SAFEGUARDING = "safeguarding", "Safeguarding of an individual at risk (DPA 2018 Sch. 1 para 18)"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the group"
    ACCEPTED = "accepted", "Accepted onto the caseload"
    NOT_ACCEPTED = "not_accepted", "Not accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Referral(models.Model):
    """A request for coordinated support. An agency's referral carries its offer: what it will keep doing."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    referrer_kind = models.CharField(max_length=10, choices=ReferrerKind.choices)
    from_agency = models.ForeignKey(
        "areas.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=200, blank=True, help_text="Who referred, when not an agency.")
    offer = models.TextField(blank=True, help_text="What the referring agency will itself keep doing.")
    reasons = models.TextField(help_text="Why coordinated support: the problems and what has not worked.")
    strengths = models.TextField(blank=True)
    hopes = models.TextField(blank=True, help_text="Hopes and aspirations, in the person's own words if possible.")
    sharing_basis = models.CharField(max_length=20, choices=SharingBasis.choices)
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    received_on = models.DateField()
    decided_at = models.ForeignKey(
        "coordination.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="referral_decisions"
    )
    decision_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["person", "received_on"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(referrer_kind="agency")
                | (models.Q(from_agency__isnull=False) & ~models.Q(offer="")),
                name="agency_referral_has_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person_id} on {self.received_on:%d %b %Y}"

    @property
    def referrer_label(self) -> str:
        if self.referrer_kind == ReferrerKind.AGENCY and self.from_agency_id:
            return str(self.from_agency)
        return f"{self.get_referrer_kind_display()}{': ' + self.referrer_name if self.referrer_name else ''}"


class Allocation(models.Model):
    """Who coordinated a person's support, when: the handover history that follows the person."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="allocations")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    handover_note = models.TextField(blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the coordinator first opened the person's page after being named."
    )

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.coordinator} from {self.started_on:%d %b %Y}"


# --- Meetings, decisions, actions --------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    OPERATIONAL = "operational", "Operational multi-agency group"
    STRATEGIC = "strategic", "Strategic board"


class Meeting(models.Model):
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.OPERATIONAL)
    held_on = models.DateField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["area", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.held_on:%d %B %Y}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("areas.Agency", on_delete=models.PROTECT, related_name="+")
    attendee_name = models.CharField(max_length=200, blank=True)
    present = models.BooleanField(default=True, help_text="False records apologies.")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="one_attendance_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} at {self.meeting_id}"


class AgendaSending(models.Model):
    """One sending of a meeting's agenda to its attendees: when, by whom, to how many, and what the
    agenda held then (counts per section and a fingerprint of its items), so a later sending can say
    whether and how it changed. The items themselves are about people and stay in Tide."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_sendings")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sections = models.JSONField(
        default=dict, help_text="Per agenda section: its item count and a SHA-256 digest of its item ids."
    )
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the sections' digests.")
    recipients = models.PositiveIntegerField(default=0)
    changed = models.BooleanField(default=False, help_text="The agenda differed from the one sent before.")

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Agenda for meeting {self.meeting_id} sent {self.sent_at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every save; a stale edit is refused (ADR 0064)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Action(models.Model):
    """Something an agency agreed to do, owned by a named person, with a due date."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner_agency = models.ForeignKey("areas.Agency", on_delete=models.PROTECT, related_name="actions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="0 none, 1 manager, 2 accountable officer."
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every save; a stale edit is refused (ADR 0064)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["area", "status", "due_on"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(completed_on__isnull=False), name="done_action_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def days_overdue(self, today: dt.date) -> int:
        return max((today - self.due_on).days, 0) if self.status == ActionStatus.OPEN else 0


class Escalation(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations")
    escalated_on = models.DateField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-escalated_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["action", "level"], name="one_escalation_per_level")]

    def __str__(self) -> str:
        return f"Action {self.action_id} escalated to level {self.level}"


# --- The plan and contacts ------------------------------------------------------------------------------


class PlanDomain(models.TextChoices):
    HOUSING = "housing", "A home"
    HEALTH = "health", "Physical health"
    MENTAL_HEALTH = "mental_health", "Mental health and wellbeing"
    SUBSTANCES = "substances", "Drugs and alcohol"
    SAFETY = "safety", "Safety"
    MONEY = "money", "Money and benefits"
    RELATIONSHIPS = "relationships", "Family, friends and relationships"
    MEANINGFUL_USE_OF_TIME = "meaningful_time", "Meaningful use of time, learning and work"
    JUSTICE = "justice", "Offending and the justice system"


class PlanVersion(models.Model):
    """One version of a co-produced support plan; versions are never edited, a new one is made."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField()
    in_their_words = models.TextField(help_text="What matters to the person, as they said it.")
    review_due_on = models.DateField()
    agreed_with_person = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_on = models.DateField()

    class Meta:
        ordering = ["person", "-number"]
        constraints = [models.UniqueConstraint(fields=["person", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"Plan v{self.number} for {self.person_id}"


class PlanGoal(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(max_length=20, choices=PlanDomain.choices)
    goal = models.TextField()
    steps = models.TextField(blank=True, help_text="Who does what next.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.goal[:60]


class PlanComment(models.Model):
    """What the person says about their plan, in their words, from their own sign-in: what to change,
    add or drop. The coordinator sees it on the person's page and marks it read when the plan is
    next reviewed with them."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_comments")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Comment on plan v{self.version.number} by person {self.person_id}"


class ContactKind(models.TextChoices):
    VISIT = "visit", "Visit"
    CALL = "call", "Phone call"
    ACCOMPANIED = "accompanied", "Accompanied to an appointment"
    OUTREACH = "outreach", "Outreach attempt (not found)"
    NO_SHOW = "no_show", "Did not attend"
    MESSAGE = "message", "Text or message"


class Contact(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    occurred_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["person", "occurred_on"]), models.Index(fields=["recorded_by", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on:%d %b %Y}"


# --- Services involved and declines --------------------------------------------------------------------


class ServiceKind(models.TextChoices):
    HOSTEL = "hostel", "Hostel or supported accommodation place"
    CARE_ACT_ASSESSMENT = "care_act_assessment", "Care Act needs assessment"
    MH_ASSESSMENT = "mh_assessment", "Mental health assessment"
    GP_REGISTRATION = "gp_registration", "GP registration"
    DRUG_TREATMENT = "drug_treatment", "Drug or alcohol treatment"
    HOUSING_APPLICATION = "housing_application", "Housing application"
    BENEFITS = "benefits", "Benefits claim"
    REFERRER_OFFER = "referrer_offer", "What the referrer offered to keep doing"
    OTHER = "other", "Other service"


class InvolvementStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    OFFERED = "offered", "Offered"
    INVOLVED = "involved", "Involved"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


class DeclineReason(models.TextChoices):
    THRESHOLD = "threshold", "Threshold not met"
    NO_DIAGNOSIS = "no_diagnosis", "No diagnosis"
    BEHAVIOUR = "behaviour", "Excluded for behaviour"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    NO_CAPACITY = "no_capacity", "No capacity in the service"
    OUT_OF_AREA = "out_of_area", "Out of area / no local connection"
    PERSON_DECLINED = "person_declined", "Person declined"
    NO_RESPONSE = "no_response", "No response from the service"
    RISK = "risk", "Risk too high for the service"
    OTHER = "other", "Other"


class ServiceInvolvement(models.Model):
    """One service in a person's register: requested → offered → involved → ended, or declined."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="service_involvements")
    agency = models.ForeignKey("areas.Agency", on_delete=models.PROTECT, related_name="involvements")
    service = models.CharField(max_length=30, choices=ServiceKind.choices)
    detail = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=InvolvementStatus.choices, default=InvolvementStatus.REQUESTED)
    requested_on = models.DateField()
    offered_on = models.DateField(null=True, blank=True)
    involved_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decline_detail = models.TextField(blank=True)
    decline_resolved = models.BooleanField(default=False, help_text="The group has dealt with this decline.")
    decline_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person's coordinator opened their page after the decline."
    )
    ended_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every save; a stale edit is refused (ADR 0064)."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["agency", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined")
                | (~models.Q(decline_reason="") & models.Q(declined_on__isnull=False)),
                name="decline_has_coded_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} ({self.agency})"

    def days_pending(self, today: dt.date) -> int | None:
        """Days since the request while no answer has come; ``None`` once the service has answered."""
        if self.status != InvolvementStatus.REQUESTED:
            return None
        return (today - self.requested_on).days

    @property
    def days_to_answer(self) -> int | None:
        answered = self.offered_on or self.involved_on or self.declined_on
        return (answered - self.requested_on).days if answered else None


# --- Safeguarding, needs assessment, CPA ----------------------------------------------------------------


class SafeguardingDecision(models.TextChoices):
    PENDING = "pending", "Waiting for the local authority"
    S42_ENQUIRY = "s42_enquiry", "Section 42 enquiry started"
    OTHER_ENQUIRY = "other_enquiry", "Non-statutory (other) enquiry"
    OTHER_ACTION = "other_action", "No enquiry; other support or advice"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class SafeguardingConcern(models.Model):
    """A Care Act 2014 s.42 concern: raised only when all three conditions are recorded."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    to_agency = models.ForeignKey("areas.Agency", on_delete=models.PROTECT, related_name="+")
    has_care_and_support_needs = models.BooleanField()
    experiencing_or_at_risk_of_abuse = models.BooleanField()
    unable_to_protect_self = models.BooleanField()
    concern = models.TextField()
    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        max_length=20, choices=SafeguardingDecision.choices, default=SafeguardingDecision.PENDING
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    has_care_and_support_needs=True, experiencing_or_at_risk_of_abuse=True, unable_to_protect_self=True
                ),
                name="s42_all_three_conditions",
            ),
        ]

    def __str__(self) -> str:
        return f"s.42 concern for {self.person_id} on {self.raised_on:%d %b %Y}"


class AssessmentOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for the assessment"
    ELIGIBLE = "eligible", "Eligible needs"
    NOT_ELIGIBLE = "not_eligible", "No eligible needs"
    REFUSED = "refused", "Assessment refused by the local authority"


class NeedsAssessmentRequest(models.Model):
    """A Care Act 2014 s.9 needs-assessment request and its outcome against the ten eligibility outcomes."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="needs_assessments")
    to_agency = models.ForeignKey("areas.Agency", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, default=AssessmentOutcome.PENDING)
    outcomes_not_achieved = models.JSONField(default=list, blank=True, help_text="Codes from eligibility.OUTCOMES.")
    significant_impact_on_wellbeing = models.BooleanField(default=False)
    assessed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"s.9 request for {self.person_id} on {self.requested_on:%d %b %Y}"


class CpaStatus(models.TextChoices):
    ON_CPA = "on_cpa", "On the Care Programme Approach"
    NOT_ON_CPA = "not_on_cpa", "Not on CPA"
    UNKNOWN = "unknown", "Not known"


class CpaRecord(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cpa_records")
    status = models.CharField(max_length=20, choices=CpaStatus.choices)
    care_coordinator = models.CharField(max_length=200, blank=True, help_text="The mental health care coordinator.")
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return self.get_status_display()


class DeathReview(models.Model):
    """A death while supported prompts a review: what did services do, what should change."""

    episode = models.OneToOneField(SupportEpisode, on_delete=models.PROTECT, related_name="death_review")
    died_on = models.DateField()
    opened_on = models.DateField()
    findings = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Death review for episode {self.episode_id}"
