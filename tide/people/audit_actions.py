"""The audit actions the people room writes: one constant per action, never a free-text string."""

PEOPLE_BULK_CREATED = "people.bulk_created"
PERSON_CREATED = "person.created"
PERSON_IDENTIFIER_ADDED = "person.identifier_added"
PERSON_VIEW_REFUSED = "person.view_refused"
PERSON_VIEWED = "person.viewed"
PERSON_CONTACT_PREFERENCE_SET = "person.contact_preference_set"
