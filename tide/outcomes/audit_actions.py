"""The audit actions the outcomes room writes: one constant per action, never a free-text string."""

OUTCOMES_FRAMEWORK_VERSION_CREATED = "outcomes.framework_version_created"
OUTCOMES_STATUS_RECORDED = "outcomes.status_recorded"
