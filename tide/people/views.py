from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tide.areas.models import FRONTLINE_ROLES, Role
from tide.core.access import access, filter_sensitive
from tide.core.forms import add_validation_error, form_post
from tide.core.paging import PAGE_SIZE, page_of
from tide.core.timeline import timeline_for
from tide.people.forms import (
    ContactPreferenceForm,
    IdentifierForm,
    PersonForm,
    PersonSearchForm,
    RiskMarkerForm,
    RiskReviewForm,
)
from tide.people.models import ContactPreference, IdentifierKind, RiskMarker
from tide.people.selectors import person_get_for, person_search, risk_marker_panel
from tide.people.services import (
    PersonInput,
    contact_preference_set,
    identifier_add,
    person_create,
    risk_marker_review,
    risk_marker_set,
)

SEARCH_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER, Role.PRIVACY_OFFICER}
RECORD_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER, Role.PRIVACY_OFFICER}
EDIT_ROLES = FRONTLINE_ROLES


@access(roles=SEARCH_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = page_of(request, person_search(user=request.user, query=form.cleaned_data["q"], limit=None))
    return render(request, "people/search.html", {"form": form, "page": page, "page_size": PAGE_SIZE})


@access(roles=RECORD_ROLES, person_gate=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk)
    timeline = filter_sensitive(timeline_for(person, request.user), person.access.sensitive)  # type: ignore[attr-defined]
    context = {"person": person, "timeline": timeline, **risk_marker_panel(user=request.user, person=person)}
    return render(request, "people/detail.html", context)


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
def create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person_input = PersonInput(
            given_name=data["given_name"],
            family_name=data["family_name"],
            known_as=data["known_as"],
            date_of_birth=data["date_of_birth"],
            dob_precision=data["dob_precision"],
            sex=data["sex"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            postcode=data["postcode"],
            identifiers=[(IdentifierKind.NHS, data["nhs_number"], None)] if data["nhs_number"] else [],
        )
        try:
            person = person_create(area=request.user.area, data=person_input, actor=request.user)  # type: ignore[union-attr]
        except ValidationError as error:
            if hasattr(error, "error_dict") and "value" in error.error_dict:
                form.add_error("nhs_number", error.error_dict["value"])
            else:
                add_validation_error(form, error)
        else:
            messages.success(request, f"{person.display_name} has been added to the register.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES, person_gate=True)
def identifier_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="add an identifier")
    return form_post(
        request,
        IdentifierForm(request.POST or None, area_id=request.user.area_id),  # type: ignore[union-attr]
        on_valid=lambda data: identifier_add(
            person=person, kind=data["kind"], value=data["value"], agency=data["agency"], actor=request.user
        ),
        message="Identifier added.",
        success=lambda _: redirect("people:detail", pk=person.pk),
        template="people/identifier_form.html",
        context={"person": person},
    )


def contact_preference_initial(person: Any) -> dict[str, Any]:
    preference = ContactPreference.objects.filter(person=person).first()
    if preference is None:
        return {"channel": "email", "never_text": False, "may_say_from": False}
    return {
        "channel": preference.channel,
        "never_text": preference.never_text,
        "may_say_from": preference.may_say_from,
        "safe_from": preference.safe_from,
        "safe_until": preference.safe_until,
        "note": preference.note,
    }


def contact_preference_save(request: HttpRequest, person: Any, form: ContactPreferenceForm) -> bool:
    """Save the form through the service; a refusal becomes form errors (used by the person's own page too)."""
    data = form.cleaned_data
    try:
        contact_preference_set(
            person=person,
            channel=data["channel"],
            never_text=data["never_text"],
            may_say_from=data["may_say_from"],
            safe_from=data["safe_from"],
            safe_until=data["safe_until"],
            note=data["note"],
            actor=request.user,
        )
    except ValidationError as error:
        add_validation_error(form, error)
        return False
    return True


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES, person_gate=True, note="Recorded with the person, by staff who work with them")
def contact_preference(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk)
    form = ContactPreferenceForm(request.POST or None, initial=contact_preference_initial(person))
    if request.method == "POST" and form.is_valid() and contact_preference_save(request, person, form):
        messages.success(request, "How Tide may contact them is saved.")
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/contact_preference.html",
        {"person": person, "form": form, "own": False, "back": reverse("people:detail", args=[person.pk])},
    )


MARKER_NOTE = "Anyone with a reason to see the person (need-to-know) sets, reviews and ends a marker"


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES, person_gate=True, note=MARKER_NOTE)
def risk_marker_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="set a risk marker")
    return form_post(
        request,
        RiskMarkerForm(request.POST or None),
        on_valid=lambda data: risk_marker_set(person=person, actor=request.user, **data),
        message=lambda marker: f"Risk marker '{marker.label}' set. Review it by {marker.review_on:%d/%m/%Y}.",
        success=lambda _: redirect(reverse("people:detail", args=[person.pk]) + "#risk-markers"),
        template="people/risk_marker_form.html",
        context={"person": person, "title": "Set a risk or safety marker", "button": "Set the marker"},
    )


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES, person_gate=True, note=MARKER_NOTE)
def risk_marker_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    marker = get_object_or_404(RiskMarker.objects.select_related("person"), pk=pk, ended_on__isnull=True)
    person = person_get_for(user=request.user, pk=marker.person_id, reason="review a risk marker")
    return form_post(
        request,
        RiskReviewForm(request.POST or None),
        on_valid=lambda data: risk_marker_review(
            marker=marker,
            keep=data["outcome"] == "keep",
            note=data["note"],
            review_on=data["review_on"],
            actor=request.user,
        ),
        message=lambda m: f"Risk marker '{m.label}' {'ended' if m.ended_on else 'reviewed'}.",
        success=lambda _: redirect(reverse("people:detail", args=[person.pk]) + "#risk-markers"),
        template="people/risk_marker_form.html",
        context={"person": person, "marker": marker, "title": "Review a risk marker", "button": "Save the review"},
    )
