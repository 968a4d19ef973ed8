from __future__ import annotations

from typing import Any

from django import forms

from tide.core.forms import TODAY, YEAR, GovukForm, date_field


class InquiryForm(GovukForm):
    requester_name = forms.CharField(label="Your name", max_length=200)
    requester_email = forms.EmailField(
        label="Your email address", help_text="We send the response here. It is never published."
    )
    requester_connection = forms.CharField(
        label="Your connection to the person (optional)",
        max_length=200,
        required=False,
        help_text="For example: sister, friend, neighbour, councillor, journalist.",
    )
    subject_name = forms.CharField(label="The person's name", max_length=200)
    subject_details = forms.CharField(
        label="What else helps us find the person",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example, their age or date of birth, where they lived or stayed, when you last saw them.",
    )
    question = forms.CharField(
        label="What do you want to know",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="For example: what support was offered to them in the last year, and by whom.",
    )
    # Honeypot: hidden from people by CSS and from assistive technology; bots fill it in.
    website = forms.CharField(label="Leave this blank", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["requester_email"].widget.attrs["autocomplete"] = "email"
        self.fields["requester_name"].widget.attrs["autocomplete"] = "name"

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class TriageForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept: answer it from the record"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    person = forms.ChoiceField(
        label="Which person in the register is this about",
        required=False,
        help_text="Needed to accept. Search results for the name given are listed.",
    )
    note = forms.CharField(
        label="Note (needed to decline: the reason is sent to the requester)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person")] + [(str(pk), label) for pk, label in candidates]
        self._errors = None  # GovukForm validated while styling the widgets, before the choices were set


class AnswerForm(GovukForm):
    response = forms.CharField(
        label="Full response to the requester",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50_000,
        help_text="Assembled from the record. Edit it to explain decisions, delays and what will change.",
    )
    public_summary = forms.CharField(
        label="Public version for the register",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
        help_text="Nothing that identifies the person: no name, date of birth, address or identifier.",
    )


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="The privacy officer is told straight away and reviews every use.",
    )


class BreakGlassReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Was the access justified?",
        choices=[("justified", "Yes, justified"), ("not_justified", "No: I am following it up")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)


class SharingChoiceForm(GovukForm):
    """One plain question about one service (ADR 0035): may they see the person's record?"""

    share = forms.ChoiceField(
        choices=[("yes", "Yes, they can see it"), ("no", "No, they cannot")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["share"].label = f"Your choice for {agency.name}"
        self.fields["share"].help_text = (
            "Your coordinator can always see it. If you say no, staff there see only that you have a coordinator, "
            "unless it is an emergency."
        )


class SarLogForm(GovukForm):
    person = forms.CharField(
        label="Who is asking",
        max_length=200,
        help_text="Their name, NHS number or Tide record number.",
    )
    received_on = date_field(
        "Date the request was received", earliest=-YEAR, latest=TODAY, latest_text="it cannot be in the future"
    )


class PersonAccountForm(GovukForm):
    username = forms.CharField(
        label="Username for them to sign in with",
        max_length=150,
        help_text="Something they will remember, such as their first name and a number. No spaces.",
        error_messages={"required": "Enter a username for them."},
    )


class PlanCommentForm(GovukForm):
    text = forms.CharField(
        label="What would you like to change or add?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="Your coordinator reads this and talks it through with you. Write it your way.",
        error_messages={"required": "Write what you would like to change or add."},
    )


class PasswordForgottenForm(GovukForm):
    username = forms.CharField(label="Your username", max_length=150, help_text="The one your coordinator gave you.")
    channel = forms.ChoiceField(
        label="How should we send the link?",
        choices=[("email", "By email"), ("sms", "By text message")],
        widget=forms.RadioSelect,
        help_text="We use the email address or mobile number on your record, and follow how you asked to be contacted.",
    )


class IdentifiedFilterForm(GovukForm):
    """Narrow the accountable officer's list of everyone identified (choices come from the area)."""

    status = forms.ChoiceField(label="Status", required=False)
    definition = forms.ChoiceField(label="Meets the definition", required=False)
    coordinator = forms.TypedChoiceField(label="Coordinator", required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        *args: Any,
        statuses: list[tuple[str, str]],
        definitions: list[tuple[str, str]],
        coordinators: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *statuses]  # type: ignore[attr-defined]
        self.fields["definition"].choices = [("", "Any definition"), *definitions]  # type: ignore[attr-defined]
        self.fields["coordinator"].choices = [("", "Any coordinator"), *coordinators]  # type: ignore[attr-defined]
        self._errors = None  # validate again now the choices exist
