"""The audit actions the intake room writes: one constant per action, never a free-text string."""

INTAKE_FILE_ACCEPTED = "intake.file_accepted"
INTAKE_FILE_REFUSED = "intake.file_refused"
INTAKE_FORMAT_SAVED = "intake.format_saved"
INTAKE_TOKEN_CREATED = "intake.token_created"
INTAKE_TOKEN_REVOKED = "intake.token_revoked"
INTAKE_ONLY_NEW_CONFIRMED = "intake.only_new_confirmed"
