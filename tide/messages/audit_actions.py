"""The audit actions the messages room writes: one constant per action, never a free-text string."""

MESSAGE_WITHHELD = "message.withheld"
MESSAGE_QUEUED = "message.queued"
MESSAGE_STAFF_CHOICES_SET = "message.staff_choices_set"
MESSAGE_RETRY_REQUESTED = "message.retry_requested"
MESSAGE_SENDING = "message.sending"
MESSAGE_SENT = "message.sent"
MESSAGE_DELIVERED = "message.delivered"
MESSAGE_FAILED = "message.failed"

# A message's delivery status change, by the status it moves to (retrying is not audited).
MESSAGE_STATUS_CHANGED = {
    "queued": MESSAGE_QUEUED,
    "sending": MESSAGE_SENDING,
    "sent": MESSAGE_SENT,
    "delivered": MESSAGE_DELIVERED,
    "failed": MESSAGE_FAILED,
    "withheld": MESSAGE_WITHHELD,
}
