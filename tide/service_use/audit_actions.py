"""The audit actions the service_use room writes: one constant per action, never a free-text string."""

LEDGER_EVENTS_MOVED = "ledger.events_moved"
LEDGER_EVENTS_RECORDED = "ledger.events_recorded"
LEDGER_EVENT_TYPE_ADDED = "ledger.event_type_added"
LEDGER_EVENT_TYPE_CHANGED = "ledger.event_type_changed"
