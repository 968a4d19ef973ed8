from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods, require_POST

from tide.areas.models import FRONTLINE_ROLES, Role
from tide.coordination import forms as f
from tide.coordination import minutes_docx as docx
from tide.coordination import selectors, services
from tide.coordination.models import (
    Action,
    ActionStatus,
    AssessmentOutcome,
    DeathReview,
    NeedsAssessmentRequest,
    Referral,
    ReferralStatus,
    SafeguardingConcern,
    ServiceInvolvement,
)
from tide.core.access import NeedToKnowRefused, access, person_access
from tide.core.concurrency import StaleEdit
from tide.core.exports import csv_writer
from tide.core.forms import add_validation_error, form_post
from tide.messages.selectors import messages_about
from tide.people.models import Person
from tide.people.selectors import person_get_for, person_list_for, person_search, risk_marker_panel

WORK_ROLES = FRONTLINE_ROLES
VIEW_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER}
HOME_ROLES = {Role.COORDINATOR, Role.TEAM_MANAGER}
OFFICER_ROLES = {Role.ACCOUNTABLE_OFFICER, Role.TEAM_MANAGER}
NEED_TO_KNOW = "Need-to-know: a relationship with the person (coordination, involvement) or break-glass"


def _area_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "area_id", None)


def _to_person(person: Person) -> HttpResponse:
    return redirect("coordination:person", pk=person.pk)


def _date_or_none(text: str) -> dt.date | None:
    try:
        return parse_date(text[:10])
    except ValueError:  # well formed but not a real date, such as 2020-02-31
        return None


STALE_ASK = "Check their change below. To apply yours on top of it, save again; to keep theirs, go back without saving."


def _stale_form(request: HttpRequest, form_class: type[Form], error: StaleEdit, field: str, **kwargs: Any) -> Form:
    """The user's own input again, now read at the current version, with the other change explained."""
    data = request.POST.copy()
    data[field] = str(error.current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, f"{error} {STALE_ASK}")
    return form


# --- Coordinator home -------------------------------------------------------------------------------


@access(roles=HOME_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    data = selectors.coordinator_home(user=request.user, today=timezone.localdate())
    return render(request, "coordination/home.html", {"home": data})


# --- Referral ---------------------------------------------------------------------------------------


@access(roles=WORK_ROLES)
def refer_start(request: HttpRequest) -> HttpResponse:
    form = f.FindPersonForm(request.GET or None)
    hits = None
    if form.is_bound and form.is_valid():
        born = form.cleaned_data["date_of_birth"]
        hits = [
            hit
            for hit in person_search(user=request.user, query=form.cleaned_data["q"])
            if hit.person.date_of_birth == born
        ]
    return render(request, "coordination/refer_start.html", {"form": form, "hits": hits})


@require_http_methods(["GET", "POST"])
@access(
    roles=WORK_ROLES,
    note="Shows only the person's name, as search does; the referral does not open the record (ADR 0064)",
)
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    # Referring needs no access to the record: the page shows only the name the search already showed.
    # Ids are sequential, so without access the page needs the date of birth the search matched
    # (``born``, carried into the POST by the URL); otherwise it is a 404, as for an unknown id.
    person = person_list_for(user=request.user).filter(pk=pk).first()
    born = _date_or_none(request.GET.get("born", ""))
    if person is None or not (
        (born is not None and person.date_of_birth == born) or person_access(request.user, person).allowed
    ):
        raise Http404("No such person in your area.")
    initial = {"from_agency": getattr(request.user, "agency_id", None)}
    form = f.ReferralForm(request.POST or None, initial=initial, area_id=_area_id(request))
    return form_post(
        request,
        form,
        on_valid=lambda data: services.referral_create(person=person, actor=request.user, **data),
        message=lambda _: (
            f"Referral of {person.display_name} sent to the multi-agency group. "
            "Its status and the group's decision appear under 'Referrals your agency made'."
        ),
        # Not the person's page: a referral does not give the referrer access to the record.
        success=lambda _: redirect(reverse("coordination:requests") + "#referrals"),
        template="coordination/form.html",
        context={"person": person, "title": "Refer for coordinated support", "button": "Send referral"},
        refusal_as_error=False,
    )


# --- A person's support -----------------------------------------------------------------------------


@access(roles=VIEW_ROLES, person_gate=True, note=NEED_TO_KNOW)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk)
    support = selectors.person_support(person=person, today=timezone.localdate())
    services.attention_seen(person=person, actor=request.user)  # opened: no longer "new" on their home
    # What Tide sent about the services' answers (a decline tells the coordinator), failures included.
    sent = messages_about(about=[f"coordination.serviceinvolvement:{s.pk}" for s in support.services])
    context = {
        "person": person,
        "support": support,
        "sent_messages": sent,
        **risk_marker_panel(user=request.user, person=person),
    }
    return render(request, "coordination/person.html", context)


def _person_form_view(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Form],
    title: str,
    button: str,
    save: Any,
    success: str,
    reason: str,
    form_kwargs: dict[str, Any] | None = None,
    needs_episode: bool = False,
    template: str = "coordination/form.html",
) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason=reason)
    episode = selectors.episode_get(person=person) if needs_episode else None
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            result = save(person=person, episode=episode, data=form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            warning = getattr(result, "warning", "")
            messages.success(request, success.format(person=person.display_name))
            if warning:
                messages.warning(request, warning)
            return _to_person(person)
    return render(request, template, {"form": form, "person": person, "title": title, "button": button})


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.contact_record(person=person, actor=request.user, **data)

    return _person_form_view(
        request,
        pk,
        form_class=f.ContactForm,
        title="Record a contact",
        button="Save contact",
        save=save,
        success="Contact with {person} recorded.",
        reason="record a contact",
    )


@require_POST
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def contact_quick(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap from the caseload list: a contact of the given kind, today."""
    person = person_get_for(user=request.user, pk=pk, reason="record a contact")
    kind = request.POST.get("kind", "")
    try:
        contact = services.contact_record(person=person, kind=kind, actor=request.user)
    except ValidationError:
        messages.warning(request, "Choose the kind of contact.")
    else:
        messages.success(request, f"{contact.get_kind_display()} with {person.display_name} recorded for today.")
    return redirect("coordination:home")


@access(roles=WORK_ROLES)
def requests(request: HttpRequest) -> HttpResponse:
    """What the user's agency is asked to do: service requests waiting for an answer and actions it owns."""
    data = selectors.agency_requests(user=request.user, today=timezone.localdate())
    return render(request, "coordination/requests.html", {"data": data})


@require_http_methods(["GET", "POST"])
@access(roles=HOME_ROLES, person_gate=True, note=NEED_TO_KNOW)
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.coordinator_allocate(episode=episode, actor=request.user, **data)

    previous = selectors.previous_coordinator(person_id=pk)
    started = selectors.open_support_started_on(person_id=pk)
    return _person_form_view(
        request,
        pk,
        form_class=f.AllocateForm,
        title="Name the coordinator",
        button="Allocate",
        save=save,
        success="Coordinator allocated for {person}.",
        reason="allocate a coordinator",
        form_kwargs={
            "area_id": _area_id(request),
            "initial": {"coordinator": previous.pk if previous else None},
            "support_started_on": started,
        },
        needs_episode=True,
    )


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="update the plan")
    latest = selectors.person_support(person=person, today=timezone.localdate()).plan
    initial: dict[str, Any] = {}
    if latest is not None:
        initial = {"in_their_words": latest.in_their_words, "agreed_with_person": latest.agreed_with_person}
        for i, goal in enumerate(list(latest.goals.all())[: f.GOAL_SLOTS], start=1):
            initial |= {f"goal_{i}_domain": goal.domain, f"goal_{i}_goal": goal.goal, f"goal_{i}_steps": goal.steps}
    initial["based_on"] = latest.number if latest is not None else 0
    form = f.PlanForm(request.POST or None, initial=initial)
    stale: StaleEdit | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_version_create(
                person=person,
                in_their_words=data["in_their_words"],
                goals=[services.GoalInput(d, g, s) for d, g, s in form.goals()],
                review_due_on=data["review_due_on"],
                agreed_with_person=data["agreed_with_person"],
                based_on=data["based_on"],
                actor=request.user,
            )
        except StaleEdit as error:
            stale = error
            form = _stale_form(request, f.PlanForm, error, "based_on")
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "A new version of the plan has been saved; earlier versions are kept.")
            return _to_person(person)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "person": person,
            "title": "Plan in their words",
            "button": "Save a new version",
            "stale": stale,
            "stale_plan": stale.instance if stale is not None else None,
        },
        status=409 if stale is not None else 200,
    )


@require_POST
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def plan_comments_read(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="read their comments on the plan")
    if services.plan_comments_read(person=person, actor=request.user):
        messages.success(request, "Their comments are marked as read.")
    return _to_person(person)


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def service_request(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.service_request(person=person, actor=request.user, **data)

    return _person_form_view(
        request,
        pk,
        form_class=f.ServiceRequestForm,
        title="Request a service",
        button="Record the request",
        save=save,
        success="Request recorded; the days-pending clock has started.",
        reason="request a service",
        form_kwargs={"area_id": _area_id(request)},
    )


def _involvement(request: HttpRequest, pk: int) -> ServiceInvolvement:
    row = (
        ServiceInvolvement.objects.select_related("person", "agency")
        .filter(pk=pk, person__area_id=_area_id(request))
        .first()
    )
    if row is None:
        raise Http404("No such service request in your area.")
    return row


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def service_update(request: HttpRequest, pk: int) -> HttpResponse:
    row = _involvement(request, pk)
    person = person_get_for(user=request.user, pk=row.person_id, reason="update a service")
    services.service_authorise(involvement=row, actor=request.user)
    form = f.ServiceUpdateForm(request.POST or None, initial={"version": row.version})
    stale: StaleEdit | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(involvement=row, actor=request.user, **form.cleaned_data)
        except StaleEdit as error:
            stale = error
            row.refresh_from_db()
            form = _stale_form(request, f.ServiceUpdateForm, error, "version")
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{row.get_service_display()} updated.")
            return _to_person(person)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "person": person,
            "title": f"{row.get_service_display()}: {row.agency}",
            "button": "Save",
            "stale": stale,
            "intro": f"Now: {row.get_status_display()}." if stale is not None else "",
        },
        status=409 if stale is not None else 200,
    )


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def safeguarding_create(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.safeguarding_raise(person=person, actor=request.user, **data)

    return _person_form_view(
        request,
        pk,
        form_class=f.SafeguardingForm,
        title="Raise a safeguarding concern (Care Act s.42)",
        button="Raise the concern",
        save=save,
        success="Safeguarding concern raised for {person}.",
        reason="raise a safeguarding concern",
        form_kwargs={"area_id": _area_id(request)},
    )


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def safeguarding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    concern = SafeguardingConcern.objects.filter(pk=pk, person__area_id=_area_id(request)).first()
    if concern is None:
        raise Http404("No such safeguarding concern in your area.")
    person = person_get_for(user=request.user, pk=concern.person_id, reason="record a safeguarding decision")
    services.safeguarding_authorise(concern=concern, actor=request.user)
    form = f.SafeguardingDecisionForm(request.POST or None)
    return form_post(
        request,
        form,
        on_valid=lambda data: services.safeguarding_decide(concern=concern, actor=request.user, **data),
        message=lambda _: f"Decision recorded: {concern.get_decision_display()}.",
        success=lambda _: _to_person(person),
        template="coordination/form.html",
        context={"person": person, "title": "The local authority's decision on the concern", "button": "Save"},
        refusal_as_error=False,
    )


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.needs_assessment_request(person=person, actor=request.user, **data)

    return _person_form_view(
        request,
        pk,
        form_class=f.NeedsAssessmentForm,
        title="Request a needs assessment (Care Act s.9)",
        button="Request the assessment",
        save=save,
        success="Needs assessment requested for {person}.",
        reason="request a needs assessment",
        form_kwargs={"area_id": _area_id(request)},
    )


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def assessment_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    row = NeedsAssessmentRequest.objects.filter(pk=pk, person__area_id=_area_id(request)).first()
    if row is None:
        raise Http404("No such assessment request in your area.")
    person = person_get_for(user=request.user, pk=row.person_id, reason="record an assessment outcome")
    services.assessment_authorise(request=row, actor=request.user)
    if row.outcome != AssessmentOutcome.PENDING:
        messages.info(request, "The outcome of this assessment is already recorded.")
        return _to_person(person)
    form = f.NeedsOutcomeForm(request.POST or None)
    return form_post(
        request,
        form,
        on_valid=lambda data: services.needs_assessment_outcome(
            request=row,
            outcomes_not_achieved=data["outcomes_not_achieved"],
            significant_impact=data["significant_impact"],
            assessed_on=data["assessed_on"],
            refused=data["refused"],
            actor=request.user,
        ),
        message=lambda _: f"Assessment outcome: {row.get_outcome_display()}.",
        success=lambda _: _to_person(person),
        template="coordination/form.html",
        context={"person": person, "title": "Needs assessment outcome", "button": "Save the outcome"},
        refusal_as_error=False,
    )


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, person_gate=True, note=NEED_TO_KNOW)
def cpa_create(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.cpa_record(person=person, actor=request.user, **data)

    return _person_form_view(
        request,
        pk,
        form_class=f.CpaForm,
        title="Care Programme Approach status",
        button="Save",
        save=save,
        success="CPA status recorded.",
        reason="record CPA status",
    )


@require_http_methods(["GET", "POST"])
@access(roles=HOME_ROLES, person_gate=True, note=NEED_TO_KNOW)
def exit_create(request: HttpRequest, pk: int) -> HttpResponse:
    def save(person: Person, episode: Any, data: dict[str, Any]) -> Any:
        return services.episode_exit(episode=episode, actor=request.user, **data)

    return _person_form_view(
        request,
        pk,
        form_class=f.ExitForm,
        title="End coordinated support",
        button="End support",
        save=save,
        success="Coordinated support for {person} has ended. Their history stays if they return.",
        reason="end coordinated support",
        needs_episode=True,
    )


@require_http_methods(["GET", "POST"])
@access(roles=HOME_ROLES | {Role.ACCOUNTABLE_OFFICER}, person_gate=True, note=NEED_TO_KNOW)
def death_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = (
        DeathReview.objects.select_related("episode__person")
        .filter(pk=pk, episode__person__area_id=_area_id(request))
        .first()
    )
    if review is None:
        raise Http404("No such review in your area.")
    person = person_get_for(user=request.user, pk=review.episode.person_id, reason="death review")
    if request.method == "POST":
        services.death_review_authorise(review=review, actor=request.user)
    form = f.DeathReviewForm(request.POST or None)
    return form_post(
        request,
        form,
        on_valid=lambda data: services.death_review_complete(
            review=review, findings=data["findings"], actor=request.user
        ),
        message="The review is complete.",
        success=lambda _: _to_person(person),
        template="coordination/death_review.html",
        context={"person": person, "review": review},
        refusal_as_error=False,
    )


# --- Meetings ---------------------------------------------------------------------------------------


MEETING_GROUP = "Members of the meeting's group: chair, coordinators, team managers, attending agencies"


@require_http_methods(["GET", "POST"])
@access(roles=VIEW_ROLES)
def meetings(request: HttpRequest) -> HttpResponse:
    form = f.MeetingForm(request.POST or None)
    if request.method == "POST":
        if request.user.role not in WORK_ROLES:  # type: ignore[union-attr]
            raise PermissionDenied("Meetings are scheduled by coordinators, practitioners and managers.")
        if form.is_valid():
            meeting = services.meeting_create(
                area=request.user.area,
                chair=request.user,
                actor=request.user,  # type: ignore[union-attr]
                **form.cleaned_data,
            )
            messages.success(request, "Meeting scheduled; its agenda builds itself.")
            return redirect("coordination:meeting", pk=meeting.pk)
    rows = selectors.meeting_list_for(user=request.user)[:50]
    return render(request, "coordination/meetings.html", {"form": form, "meetings": rows})


@access(roles=VIEW_ROLES, note=MEETING_GROUP)
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    agenda = selectors.meeting_agenda_for(user=request.user, meeting=meeting)
    may_send = selectors.agenda_may_send(user=request.user, meeting=meeting)
    return render(
        request,
        "coordination/meeting.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "may_send_agenda": may_send,
            "agenda_open": meeting.held_on >= timezone.localdate(),
            **selectors.agenda_sending_state(meeting=meeting),
            "sent_messages": messages_about(about=selectors.meeting_message_abouts(meeting=meeting))
            if may_send
            else [],
            "attendance": meeting.attendance.select_related("agency"),
            **selectors.meeting_record_for(user=request.user, meeting=meeting),
            "attendance_form": f.AttendanceForm(area_id=meeting.area_id),
            "decision_form": f.DecisionForm(),
        },
    )


@require_POST
@access(roles=WORK_ROLES, note="The meeting's chair (a coordinator or team manager if it has none)")
def meeting_agenda_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    try:
        sending = services.meeting_agenda_send(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        what = "The changed agenda" if sending.changed else "The agenda"
        messages.success(
            request,
            f"{what} is on its way to {sending.recipients} attendee{pluralize(sending.recipients)}. "
            "Below, see whether each message was sent.",
        )
    return redirect(reverse("coordination:meeting", args=[meeting.pk]) + "#agenda-sending")


@require_POST
@access(roles=WORK_ROLES, note=MEETING_GROUP)
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    form = f.AttendanceForm(request.POST, area_id=meeting.area_id)
    if form.is_valid():
        data = form.cleaned_data
        services.attendance_record(
            meeting=meeting,
            agency=data["agency"],
            attendee_name=data["attendee_name"],
            present=data["present"] == "yes",
            actor=request.user,
        )
        messages.success(request, f"Attendance recorded for {data['agency']}.")
    else:
        messages.warning(request, "Choose an agency to record attendance.")
    return redirect("coordination:meeting", pk=meeting.pk)


@require_POST
@access(roles=WORK_ROLES, note=MEETING_GROUP)
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    form = f.DecisionForm(request.POST)
    if form.is_valid():
        services.decision_record(meeting=meeting, text=form.cleaned_data["text"], actor=request.user)
        messages.success(request, "Decision recorded.")
    else:
        messages.warning(request, "Enter the decision.")
    return redirect("coordination:meeting", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, note=MEETING_GROUP)
def decide(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    referral = (
        Referral.objects.select_related("person", "from_agency")
        .filter(pk=referral_pk, person__area_id=meeting.area_id)
        .first()
    )
    if referral is None:
        raise Http404("No such referral in this area.")
    if not person_access(request.user, referral.person).allowed:
        raise NeedToKnowRefused(referral.person_id)
    form = f.DecideForm(request.POST or None, meeting_on=meeting.held_on)

    def decided(decision: Any) -> HttpResponse:
        # Accepted: the confirmation, one click from naming the coordinator. Not accepted: the group no
        # longer considers the person, so back to the meeting (the record is not theirs to see).
        if decision.referral.status == ReferralStatus.ACCEPTED:
            return redirect("coordination:decide", pk=meeting.pk, referral_pk=referral.pk)
        return redirect("coordination:meeting", pk=meeting.pk)

    return form_post(
        request,
        form,
        on_valid=lambda data: services.referral_decide(
            referral=referral,
            meeting=meeting,
            accept=data["accept"] == "yes",
            reason=data["reason"],
            starts_on=data["starts_on"],
            actor=request.user,
        ),
        message=lambda _: f"Decision on {referral.person.display_name} recorded.",
        success=decided,
        template="coordination/decide.html",
        context={"meeting": meeting, "referral": referral, "brief": selectors.referral_brief(referral=referral)},
        refusal_as_error=False,
    )


@require_POST
@access(roles=WORK_ROLES, note=MEETING_GROUP)
def decline_resolve(request: HttpRequest, pk: int, involvement_pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    row = _involvement(request, involvement_pk)
    if not person_access(request.user, row.person).allowed:
        raise NeedToKnowRefused(row.person_id)
    try:
        services.decline_resolve(involvement=row, meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, "Decline marked as dealt with.")
    return redirect("coordination:meeting", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@access(roles=WORK_ROLES, note=MEETING_GROUP)
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    people = (
        person_list_for(user=request.user)
        .filter(
            Q(support_episodes__ended_on__isnull=True, support_episodes__isnull=False)
            | Q(referrals__status=ReferralStatus.PENDING)
        )
        .distinct()
    )
    people = people.filter(
        pk__in=selectors.people_visible(user=request.user, person_ids=people.values_list("pk", flat=True))
    )
    form = f.ActionForm(request.POST or None, area_id=meeting.area_id, people=people)
    return form_post(
        request,
        form,
        on_valid=lambda data: services.action_create(area=meeting.area, meeting=meeting, actor=request.user, **data),
        message="Action recorded.",
        success=lambda _: redirect("coordination:meeting", pk=meeting.pk),
        template="coordination/form.html",
        context={"meeting": meeting, "title": "Add an action", "button": "Add action"},
        refusal_as_error=False,
    )


@access(roles=VIEW_ROLES, note=MEETING_GROUP)
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    return render(
        request,
        "coordination/minutes.html",
        {
            "meeting": meeting,
            "attendance": meeting.attendance.select_related("agency"),
            **selectors.meeting_record_for(user=request.user, meeting=meeting),
        },
    )


def _hidden_note(count: int) -> str:
    return f"{count} {'item' if count == 1 else 'items'} about people you have no working relationship with not shown."


@access(roles=VIEW_ROLES, note=MEETING_GROUP)
def minutes_csv(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.held_on:%Y-%m-%d}.csv"'
    writer = csv_writer(response)
    writer.writerow(["section", "item", "agency", "owner", "due", "status"])
    for row in meeting.attendance.select_related("agency"):
        writer.writerow(
            [
                "attendance",
                row.attendee_name or "",
                row.agency.name,
                "",
                "",
                "present" if row.present else "apologies",
            ]
        )
    record = selectors.meeting_record_for(user=request.user, meeting=meeting)
    for decision in record["decisions"]:
        writer.writerow(["decision", decision.text, "", "", "", ""])
    for action in record["actions"]:
        writer.writerow(
            [
                "action",
                action.description,
                action.owner_agency.name,
                action.owner.get_full_name(),
                action.due_on.isoformat(),
                action.status,
            ]
        )
    if record["hidden"]:
        writer.writerow(["not shown", _hidden_note(record["hidden"]), "", "", "", ""])
    return response


@access(roles=VIEW_ROLES, note=MEETING_GROUP)
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    attendance = list(meeting.attendance.select_related("agency"))
    record = selectors.meeting_record_for(user=request.user, meeting=meeting)
    blocks: list[docx.Block] = [
        docx.Heading(f"Minutes: {meeting}", size=36),
        docx.Para(f"{meeting.area}" + (f", chaired by {meeting.chair.get_full_name()}" if meeting.chair else "")),
        docx.Heading("Present"),
        *[
            docx.Para(f"{a.agency}" + (f" ({a.attendee_name})" if a.attendee_name else ""))
            for a in attendance
            if a.present
        ],
        docx.Heading("Apologies"),
        *[docx.Para(str(a.agency)) for a in attendance if not a.present],
        docx.Heading("Decisions"),
        *[docx.Para(f"{i}. {d.text}") for i, d in enumerate(record["decisions"], start=1)],
        docx.Heading("Actions"),
        docx.Table(
            ["Action", "Owner", "Agency", "Due", "Status"],
            [
                [
                    a.description,
                    a.owner.get_full_name(),
                    str(a.owner_agency),
                    f"{a.due_on:%d %b %Y}",
                    a.get_status_display(),
                ]
                for a in record["actions"]
            ],
        ),
        *([docx.Para(_hidden_note(record["hidden"]))] if record["hidden"] else []),
        docx.Para("Official-sensitive. Produced by Tide."),
    ]
    response = HttpResponse(
        docx.docx_bytes(blocks),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.held_on:%Y-%m-%d}.docx"'
    return response


@require_POST
@access(roles=WORK_ROLES | {Role.ACCOUNTABLE_OFFICER})
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = Action.objects.filter(pk=pk, area_id=_area_id(request)).first()
    if action is None:
        raise Http404("No such action in your area.")
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else None
    try:
        services.action_complete(action=action, actor=request.user, version=version)
    except StaleEdit as error:
        state = "done" if Action.objects.get(pk=action.pk).status == ActionStatus.DONE else "still open"
        messages.warning(request, f"{error} The action is {state}.")
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked as done.")
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "coordination:home")


# --- Accountable officer ------------------------------------------------------------------------------


@access(roles=OFFICER_ROLES)
def overdue(request: HttpRequest) -> HttpResponse:
    area = request.user.area  # type: ignore[union-attr]
    if area is None:
        raise Http404("Your account is not linked to an area.")
    today = timezone.localdate()
    rows, hidden = selectors.only_visible(user=request.user, rows=selectors.overdue_actions_for_area(area, today=today))
    escalations = selectors.escalation_abouts(actions=rows)  # the emails they sent, failures included
    return render(
        request,
        "coordination/overdue.html",
        {
            "actions": rows,
            "hidden": hidden,
            "today": today,
            "declines": selectors.declines_by_agency(area),
            "sent_messages": messages_about(about=escalations),
        },
    )
