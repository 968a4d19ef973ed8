from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils import timezone

from tide.areas.models import Agency, Role, User
from tide.coordination import eligibility
from tide.coordination.models import (
    ContactKind,
    CpaStatus,
    DeclineReason,
    ExitDestination,
    InvolvementStatus,
    MeetingKind,
    PlanDomain,
    ReferrerKind,
    SafeguardingDecision,
    ServiceKind,
    SharingBasis,
)
from tide.core.forms import TODAY, YEAR, GovukForm, date_field, date_of_birth_field
from tide.people.models import Person


class AreaForm(GovukForm):
    """A form whose agency, staff and people choices are limited to the user's area.

    The choices are narrowed before any cleaning (GovukForm reads ``errors`` while it styles widgets).
    """

    def __init__(self, *args: Any, area_id: int | None = None, people: Any = None, **kwargs: Any) -> None:
        self._area_id = area_id
        self._people = people
        super().__init__(*args, **kwargs)
        self._restrict()

    def _restrict(self) -> None:
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model  # type: ignore[union-attr]
                if model is Agency:
                    field.queryset = Agency.objects.filter(area_id=self._area_id, active=True)
                elif model is User:
                    field.queryset = self.base_fields[name].queryset.filter(  # type: ignore[attr-defined]
                        area_id=self._area_id, is_active=True
                    )
                elif model is Person:
                    base = self._people if self._people is not None else Person.objects.all()
                    field.queryset = base.filter(area_id=self._area_id)

    def full_clean(self) -> None:
        self._restrict()
        super().full_clean()


class FindPersonForm(GovukForm):
    """Both the name (or an identifier) and the date of birth: only someone who already knows the person
    finds them, and the results list no one else's name or date of birth (ADR 0064)."""

    q = forms.CharField(
        label="Name or identifier", max_length=200, error_messages={"required": "Enter a name or an identifier."}
    )
    date_of_birth = date_of_birth_field(required=True)


class ReferralForm(AreaForm):
    referrer_kind = forms.ChoiceField(
        label="Who is referring?", choices=ReferrerKind.choices, widget=forms.RadioSelect, initial=ReferrerKind.AGENCY
    )
    from_agency = forms.ModelChoiceField(label="Referring agency", queryset=Agency.objects.none(), required=False)
    referrer_name = forms.CharField(
        label="Name of the person referring (if not an agency)", max_length=200, required=False
    )
    offer = forms.CharField(
        label="Your agency's offer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What your agency will itself keep doing for the person. Required for an agency's referral.",
    )
    reasons = forms.CharField(
        label="Why coordinated support?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The problems the person faces and what has not worked.",
        error_messages={"required": "Say why the person needs coordinated support."},
    )
    strengths = forms.CharField(label="Strengths", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    hopes = forms.CharField(
        label="Hopes and aspirations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In the person's own words if you can.",
    )
    sharing_basis = forms.ChoiceField(
        label="Basis for sharing their information",
        choices=SharingBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the basis for sharing the person's information."},
    )


class ContactForm(GovukForm):
    kind = forms.ChoiceField(
        label="What happened?",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        initial=ContactKind.VISIT,
        error_messages={"required": "Choose what kind of contact it was."},
    )
    occurred_on = date_field(
        "Date",
        required=False,
        help_text="Leave blank for today.",
        earliest=-2 * YEAR,
        latest=TODAY,
        latest_text="it cannot be in the future",
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CoordinatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        held = getattr(obj, "open_caseload", None)
        return f"{name} (holds {held})" if held is not None else name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name}, {obj.agency}" if obj.agency_id else name


class AllocateForm(AreaForm):
    coordinator = CoordinatorChoiceField(
        label="Coordinator",
        help_text="The number is how many people each coordinator holds now.",
        queryset=User.objects.filter(role=Role.COORDINATOR).annotate(
            open_caseload=Count("support_episodes", filter=Q(support_episodes__ended_on__isnull=True))
        ),
        error_messages={"required": "Choose a coordinator."},
    )
    handover_note = forms.CharField(
        label="Handover note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a handover: where the person is now (tenancy, hospital, prison) and what is in hand.",
    )
    on = date_field("Coordinator from", required=False)

    def __init__(self, *args: Any, support_started_on: dt.date | None = None, **kwargs: Any) -> None:
        """``support_started_on``: the open support's start; the allocation may not start before it."""
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        earliest = max(today, support_started_on) if support_started_on else today
        self.fields["on"].initial = earliest
        if support_started_on and support_started_on > today:
            self.fields["on"].help_text = (
                f"Support starts on {support_started_on:%d/%m/%Y}, the date the group agreed, so the coordinator "
                "is named from that date or later."
            )
        elif support_started_on:
            self.fields["on"].help_text = (
                f"Usually today. Support started on {support_started_on:%d/%m/%Y}; the coordinator can be named "
                "from that date. For example, 27/03/2026."
            )


GOAL_SLOTS = 3


class _PlanFormBase(GovukForm):
    in_their_words = forms.CharField(
        label="What matters to them, in their own words",
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
        help_text="Write it as they said it.",
        error_messages={"required": "Write down what matters to the person, in their words."},
    )
    review_due_on = date_field(
        "Review date", earliest=TODAY, latest=YEAR, earliest_text="not in the past", latest_text="within a year"
    )
    agreed_with_person = forms.BooleanField(label="The person has agreed this plan", required=False)
    # The version the user started from: a newer one saved meanwhile is shown, never overwritten (ADR 0064).
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def goals(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (data[f"goal_{i}_domain"], data[f"goal_{i}_goal"], data[f"goal_{i}_steps"])
            for i in range(1, GOAL_SLOTS + 1)
            if data.get(f"goal_{i}_goal")
        ]


def _goal_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for i in range(1, GOAL_SLOTS + 1):
        fields[f"goal_{i}_domain"] = forms.ChoiceField(
            label=f"Goal {i}: area of life", choices=PlanDomain.choices, required=False
        )
        fields[f"goal_{i}_goal"] = forms.CharField(label=f"Goal {i}", required=False, max_length=500)
        fields[f"goal_{i}_steps"] = forms.CharField(
            label=f"Goal {i}: next steps, who does what", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    return fields


PlanForm = type("PlanForm", (_PlanFormBase,), {"__module__": __name__, **_goal_fields()})


class ServiceRequestForm(AreaForm):
    agency = forms.ModelChoiceField(
        label="Service provider",
        queryset=Agency.objects.none(),
        error_messages={"required": "Choose the agency asked."},
    )
    service = forms.ChoiceField(
        label="What was asked for",
        choices=[c for c in ServiceKind.choices if c[0] != ServiceKind.REFERRER_OFFER],  # recorded by the decision
    )
    detail = forms.CharField(label="Detail (optional)", max_length=300, required=False)
    requested_on = date_field(
        "Date requested",
        required=False,
        help_text="Leave blank for today.",
        earliest=-2 * YEAR,
        latest=TODAY,
        latest_text="it cannot be in the future",
    )


class ServiceUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="What happened?",
        choices=[(s.value, s.label) for s in InvolvementStatus if s != InvolvementStatus.REQUESTED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the service did."},
    )
    on = date_field(
        "Date",
        required=False,
        help_text="Leave blank for today.",
        earliest=-2 * YEAR,
        latest=TODAY,
        latest_text="it cannot be in the future",
    )
    decline_reason = forms.ChoiceField(
        label="Reason given for declining", choices=[("", "Choose a reason"), *DeclineReason.choices], required=False
    )
    decline_detail = forms.CharField(
        label="Detail of the decline (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SafeguardingForm(AreaForm):
    to_agency = forms.ModelChoiceField(label="Local authority safeguarding team", queryset=Agency.objects.none())
    has_care_and_support_needs = forms.BooleanField(label="The adult has needs for care and support", required=False)
    experiencing_or_at_risk_of_abuse = forms.BooleanField(
        label="The adult is experiencing, or is at risk of, abuse or neglect", required=False
    )
    unable_to_protect_self = forms.BooleanField(
        label="As a result of those needs the adult is unable to protect themself", required=False
    )
    concern = forms.CharField(
        label="The concern",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the concern."},
    )


class SafeguardingDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="What did the local authority decide?",
        choices=[c for c in SafeguardingDecision.choices if c[0] != SafeguardingDecision.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the local authority decided."},
    )
    decided_on = date_field("Date of the decision", earliest=-2 * YEAR, latest=2 * YEAR)
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NeedsAssessmentForm(AreaForm):
    to_agency = forms.ModelChoiceField(label="Local authority adult social care", queryset=Agency.objects.none())
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NeedsOutcomeForm(GovukForm):
    outcomes_not_achieved = forms.MultipleChoiceField(
        label="Outcomes the adult cannot achieve",
        choices=eligibility.OUTCOMES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    significant_impact = forms.BooleanField(label="There is a significant impact on their wellbeing", required=False)
    refused = forms.BooleanField(label="The local authority refused to assess", required=False)
    assessed_on = date_field(
        "Date of the assessment or refusal", earliest=-2 * YEAR, latest=TODAY, latest_text="it cannot be in the future"
    )


class CpaForm(GovukForm):
    status = forms.ChoiceField(label="Care Programme Approach", choices=CpaStatus.choices, widget=forms.RadioSelect)
    care_coordinator = forms.CharField(
        label="Mental health care coordinator (optional)", max_length=200, required=False
    )


class ExitForm(GovukForm):
    destination = forms.ChoiceField(
        label="Where did the person go?",
        choices=ExitDestination.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the person went."},
    )
    ended_on = date_field(
        "Date support ended", earliest=-2 * YEAR, latest=TODAY, latest_text="it cannot be in the future"
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(GovukForm):
    held_on = date_field(
        "Date of the meeting",
        earliest=-5 * YEAR,
        latest=2 * YEAR,
        earliest_text="no more than 5 years ago",
        latest_text="no more than 2 years ahead",
    )
    kind = forms.ChoiceField(label="Meeting", choices=MeetingKind.choices, initial=MeetingKind.OPERATIONAL)


class AttendanceForm(AreaForm):
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none())
    attendee_name = forms.CharField(label="Name of who attended (optional)", max_length=200, required=False)
    present = forms.ChoiceField(
        label="Attendance", choices=[("yes", "Present"), ("no", "Apologies")], widget=forms.RadioSelect, initial="yes"
    )


class DecideForm(GovukForm):
    accept = forms.ChoiceField(
        label="Does the group agree to add this person to the coordinated caseload?",
        choices=[("yes", "Yes, agree to offer coordinated support"), ("no", "No, do not accept")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the group agrees."},
    )
    reason = forms.CharField(
        label="The group's reasons",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record the group's reasons."},
    )
    starts_on = date_field(
        "Support starts on",
        required=False,
        help_text="If the group agrees. Usually the meeting's date; if you decide ahead of the meeting, "
        "today, so a coordinator can be named now. For example, 27/03/2026.",
    )

    def __init__(self, *args: Any, meeting_on: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if meeting_on is not None:
            self.fields["starts_on"].initial = meeting_on


class DecisionForm(GovukForm):
    text = forms.CharField(
        label="Decision", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the decision."}
    )


class ActionForm(AreaForm):
    description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Describe the action."}
    )
    owner = StaffChoiceField(
        label="Owner",
        queryset=User.objects.exclude(agency__isnull=True).select_related("agency"),
        error_messages={"required": "Choose who owns the action."},
    )
    due_on = date_field("Due date", earliest=-YEAR, latest=2 * YEAR, latest_text="no more than 2 years ahead")
    person = forms.ModelChoiceField(label="About (optional)", queryset=Person.objects.none(), required=False)

    def clean_due_on(self) -> dt.date:
        value = self.cleaned_data["due_on"]
        if value < timezone.localdate() - dt.timedelta(days=365):
            raise forms.ValidationError("The due date is more than a year ago.")
        return value


class DeathReviewForm(GovukForm):
    findings = forms.CharField(
        label="What the review found",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What each service did and did not do, and what should change.",
        error_messages={"required": "Record what the review found."},
    )
