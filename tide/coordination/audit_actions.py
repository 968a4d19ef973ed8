"""The audit actions the coordination room writes: one constant per action, never a free-text string."""

ACTION_COMPLETED = "action.completed"
ACTION_CREATED = "action.created"
ACTION_ESCALATED = "action.escalated"
ATTENTION_SEEN = "attention.seen"
CONTACT_RECORDED = "contact.recorded"
COORDINATOR_ALLOCATED = "coordinator.allocated"
COORDINATOR_HANDOVER = "coordinator.handover"
CPA_RECORDED = "cpa.recorded"
DEATH_REVIEW_COMPLETED = "death_review.completed"
DECISION_RECORDED = "decision.recorded"
EPISODE_ENDED = "episode.ended"
EPISODE_STARTED = "episode.started"
MEETING_AGENDA_SENT = "meeting.agenda_sent"
MEETING_ATTENDANCE_RECORDED = "meeting.attendance_recorded"
MEETING_CREATED = "meeting.created"
NEEDS_ASSESSMENT_OUTCOME = "needs_assessment.outcome"
NEEDS_ASSESSMENT_REQUESTED = "needs_assessment.requested"
PLAN_COMMENT_ADDED = "plan.comment_added"
PLAN_COMMENTS_READ = "plan.comments_read"
PLAN_VERSION_CREATED = "plan.version_created"
REFERRAL_ACCEPTED = "referral.accepted"
REFERRAL_CREATED = "referral.created"
REFERRAL_NOT_ACCEPTED = "referral.not_accepted"
SAFEGUARDING_DECIDED = "safeguarding.decided"
SAFEGUARDING_RAISED = "safeguarding.raised"
SERVICE_DECLINE_RESOLVED = "service.decline_resolved"
SERVICE_DECLINED = "service.declined"
SERVICE_ENDED = "service.ended"
SERVICE_INVOLVED = "service.involved"
SERVICE_OFFERED = "service.offered"
SERVICE_REQUESTED = "service.requested"

# A service's status change, by the status it moves to.
SERVICE_STATUS_CHANGED = {
    "offered": SERVICE_OFFERED,
    "involved": SERVICE_INVOLVED,
    "declined": SERVICE_DECLINED,
    "ended": SERVICE_ENDED,
}
