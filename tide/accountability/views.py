from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tide.accountability import selectors, services
from tide.accountability.forms import (
    AnswerForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    IdentifiedFilterForm,
    InquiryForm,
    PasswordForgottenForm,
    PersonAccountForm,
    PlanCommentForm,
    SarLogForm,
    SharingChoiceForm,
    TriageForm,
)
from tide.accountability.models import InquiryStatus, PersonAccount, SarStatus
from tide.accountability.statistics import published_figures
from tide.areas.models import FRONTLINE_ROLES, Agency, Area, Role
from tide.coordination.models import PlanVersion
from tide.coordination.selectors import coordinator_contact
from tide.coordination.services import plan_comment_add
from tide.core.access import PUBLIC, access, policy_table
from tide.core.forms import add_validation_error, form_post
from tide.core.paging import page_of
from tide.core.request_context import client_ip
from tide.messages.selectors import messages_about
from tide.people.models import Person
from tide.people.selectors import person_get_for, person_list_for, person_search

OFFICER = {Role.ACCOUNTABLE_OFFICER}
PRIVACY = {Role.PRIVACY_OFFICER}
SAR_ROLES = {Role.PRIVACY_OFFICER, Role.ACCOUNTABLE_OFFICER}
POLICY_ROLES = {Role.PRIVACY_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER}
BREAK_GLASS_ROLES = {Role.COORDINATOR, Role.PRACTITIONER, Role.TEAM_MANAGER}


def _public_area(request: HttpRequest) -> Area:
    """The area a public page is about: ?area=code, or the only area of this deployment."""
    code = request.GET.get("area", "")
    areas = Area.objects.filter(code=code) if code else Area.objects.all()
    area = areas.order_by("pk").first()
    if area is None:
        raise Http404("No such area.")
    return area


# --- Public pages ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access(roles={PUBLIC}, note="Anyone: the right of inquiry needs no account; rate limited by address")
def inquiry_ask(request: HttpRequest) -> HttpResponse:
    area = _public_area(request)
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            return redirect("accountability:inquiry-sent")
        data = form.cleaned_data
        try:
            inquiry = services.inquiry_submit(
                area=area,
                requester_name=data["requester_name"],
                requester_email=data["requester_email"],
                requester_connection=data["requester_connection"],
                subject_name=data["subject_name"],
                subject_details=data["subject_details"],
                question=data["question"],
                ip_address=client_ip(request),
            )
        except services.TooManyRequestsError:
            form.add_error(None, "Too many inquiries have been sent from your connection in the last hour. Try later.")
            return render(request, "accountability/inquiry_ask.html", {"form": form, "area": area}, status=429)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            request.session["inquiry_sent"] = {"reference": inquiry.reference, "due_on": inquiry.due_on.isoformat()}
            return redirect("accountability:inquiry-sent")
    return render(request, "accountability/inquiry_ask.html", {"form": form, "area": area})


@require_http_methods(["GET", "POST"])
@access(roles={PUBLIC}, note="Anyone: says the same whether or not the account exists; rate limited by address")
def password_forgotten(request: HttpRequest) -> HttpResponse:
    form = PasswordForgottenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_password_reset_request(
                username=form.cleaned_data["username"],
                channel=form.cleaned_data["channel"],
                ip_address=client_ip(request),
            )
        except services.TooManyRequestsError:
            form.add_error(None, "Too many requests have been sent from your connection in the last hour. Try later.")
            return render(request, "accountability/password_forgotten.html", {"form": form}, status=429)
        return redirect("accountability:password-forgotten-sent")
    return render(request, "accountability/password_forgotten.html", {"form": form})


@access(roles={PUBLIC})
def password_forgotten_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accountability/password_forgotten_sent.html")


@access(roles={PUBLIC})
def inquiry_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.pop("inquiry_sent", None)
    if sent:  # kept in the session as ISO text; shown the one way dates are written
        sent["due_on"] = dt.date.fromisoformat(sent["due_on"])
    return render(request, "accountability/inquiry_sent.html", {"sent": sent})


@access(roles={PUBLIC})
def inquiry_register(request: HttpRequest) -> HttpResponse:
    return render(request, "accountability/register.html", {"inquiries": selectors.inquiry_register()})


@access(roles={PUBLIC})
def inquiry_published(request: HttpRequest, reference: str) -> HttpResponse:
    inquiry = selectors.inquiry_register().filter(reference=reference).first()
    if inquiry is None:
        raise Http404("No published inquiry with that reference.")
    # Checked again on every view: an identifier may have reached the record since it was published.
    index = selectors.identifier_index_cached(area_id=inquiry.area_id)
    withheld = bool(selectors.publication_check(inquiry.public_summary, area_id=inquiry.area_id, index=index))
    return render(request, "accountability/published.html", {"inquiry": inquiry, "withheld": withheld})


@access(roles={PUBLIC}, note="Anyone: figures pass disclosure control")
def statistics(request: HttpRequest) -> HttpResponse:
    area = _public_area(request)
    figures = published_figures(area_id=area.pk)
    return render(
        request,
        "accountability/statistics.html",
        {"area": area, "tables": figures.tables, "waiting": figures.waiting, "withheld": figures.withheld},
    )


@access(roles={PUBLIC}, note="Anyone: the accessibility statement")
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accountability/accessibility.html", {"area": _public_area(request)})


@access(roles={PUBLIC}, note="Anyone: the privacy notice, from the area's own settings")
def privacy_notice(request: HttpRequest) -> HttpResponse:
    facts = selectors.privacy_facts(area=_public_area(request))
    return render(request, "accountability/privacy.html", {"facts": facts, "area": facts.area})


@access(roles={PUBLIC}, note="Anyone: the cookies Tide sets")
def cookies(request: HttpRequest) -> HttpResponse:
    context = {
        "session_hours": settings.TIDE_SESSION_ABSOLUTE_SECONDS // 3600,
        "idle_minutes": settings.TIDE_SESSION_IDLE_SECONDS // 60,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    return render(request, "accountability/cookies.html", context)


# --- Accountable officer --------------------------------------------------------------------------


@access(roles=OFFICER)
def overview(request: HttpRequest) -> HttpResponse:
    overview = selectors.officer_overview(user=request.user)
    form = IdentifiedFilterForm(
        request.GET or None, **selectors.identified_filter_choices(area_id=request.user.area_id)
    )
    rows = overview.identified_people
    if form.is_bound and form.is_valid():
        filters = selectors.IdentifiedFilters(**{k: v for k, v in form.cleaned_data.items() if v})
        rows = selectors.identified_filter(rows, area_id=request.user.area_id, filters=filters)
    page = page_of(request, rows, per_page=50)
    return render(request, "accountability/overview.html", {"o": overview, "form": form, "page": page})


@access(roles=OFFICER)
def inquiry_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accountability/inquiry_list.html",
        {"inquiries": page_of(request, selectors.inquiry_list_for(user=request.user)), "today": timezone.localdate()},
    )


def _inquiry(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    inquiry = selectors.inquiry_get_for(user=request.user, pk=pk)
    if inquiry is None:
        raise Http404("No such inquiry.")
    return inquiry


@require_http_methods(["GET", "POST"])
@access(roles=OFFICER)
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry(request, pk)
    hits = person_search(user=request.user, query=inquiry.subject_name, limit=10)
    candidates = [
        (
            h.person.pk,
            f"{h.person.display_name}, born {h.person.date_of_birth:%d/%m/%Y}"
            if h.person.date_of_birth
            else h.person.display_name,
        )
        for h in hits
    ]
    form = TriageForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and inquiry.status == InquiryStatus.RECEIVED and form.is_valid():
        person = None
        if form.cleaned_data["person"]:
            person = person_list_for(user=request.user).filter(pk=int(form.cleaned_data["person"])).first()
        try:
            services.inquiry_triage(
                inquiry=inquiry,
                accept=form.cleaned_data["decision"] == "accept",
                person=person,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Inquiry {inquiry.reference} triaged.")
            return redirect("accountability:inquiry-detail", pk=inquiry.pk)
    days_left = inquiry.days_left(timezone.localdate()) if inquiry.is_open else None
    sent_messages = messages_about(about=f"accountability.inquiry:{inquiry.pk}")
    return render(
        request,
        "accountability/inquiry_detail.html",
        {"inquiry": inquiry, "form": form, "days_left": days_left, "sent_messages": sent_messages},
    )


@require_http_methods(["GET", "POST"])
@access(roles=OFFICER, person_gate=True, note="The inquiry's person: oversight relationship, audited")
def inquiry_answer(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry(request, pk)
    if inquiry.person is None or inquiry.status not in {InquiryStatus.ACCEPTED, InquiryStatus.ANSWERED}:
        messages.info(request, "Accept the inquiry and choose the person before answering it.")
        return redirect("accountability:inquiry-detail", pk=inquiry.pk)
    person = person_get_for(user=request.user, pk=inquiry.person.pk, reason=f"answering inquiry {inquiry.reference}")
    draft = selectors.inquiry_draft(inquiry=inquiry, user=request.user)
    initial = {
        "response": inquiry.response or draft.response,
        "public_summary": inquiry.public_summary or draft.public_summary,
    }
    return form_post(
        request,
        AnswerForm(request.POST or None, initial=initial),
        on_valid=lambda data: services.inquiry_answer(
            inquiry=inquiry, response=data["response"], public_summary=data["public_summary"], actor=request.user
        ),
        message="Response saved. Check the public version, then publish it.",
        success=lambda _: redirect("accountability:inquiry-detail", pk=inquiry.pk),
        template="accountability/inquiry_answer.html",
        refusal_as_error=False,
        context={"inquiry": inquiry, "person": person, "draft": draft},
    )


@require_POST
@access(roles=OFFICER)
def inquiry_publish(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry(request, pk)
    try:
        services.inquiry_publish(inquiry=inquiry, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accountability:inquiry-detail", pk=inquiry.pk)
    messages.success(request, f"Inquiry {inquiry.reference} is published in the register.")
    return redirect("accountability:inquiry-published", reference=inquiry.reference)


# --- Break-glass ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access(roles=BREAK_GLASS_ROLES, note="Gate 3: the person must be in the user's area")
def break_glass(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = person_list_for(user=request.user).filter(pk=person_pk).first()
    if person is None:
        raise Http404("No such person in your area.")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_open(person=person, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.info(request, "You have broken the glass. The privacy officer has been told.")
            # Back to the page that asked for the reason (a linkage pair, say), when it is one of ours.
            back = request.GET.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("people:detail", pk=person.pk)
    return render(request, "accountability/break_glass.html", {"form": form, "person_pk": person.pk})


@access(roles=PRIVACY)
def break_glass_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accountability/break_glass_list.html",
        {
            "page": page_of(request, selectors.break_glass_alerts(user=request.user)),
            "unrelated": selectors.unrelated_views(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@access(roles=PRIVACY)
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.break_glass_get(user=request.user, pk=pk)
    if grant is None:
        raise Http404("No such break-glass access.")
    return form_post(
        request,
        BreakGlassReviewForm(request.POST or None),
        on_valid=lambda data: services.break_glass_review(
            grant=grant, outcome=data["outcome"], note=data["note"], actor=request.user
        ),
        message="Review recorded.",
        success="accountability:break-glass-list",
        template="accountability/break_glass_review.html",
        refusal_as_error=False,
        context={"grant": grant},
    )


# --- The person's own record -----------------------------------------------------------------------


def _own_person(request: HttpRequest) -> Person:
    person = selectors.person_for_account(user=request.user)
    if person is None:
        raise PermissionDenied("Your sign-in is not linked to a record. Ask your coordinator.")
    return person


@require_http_methods(["GET", "POST"])
@access(roles={Role.PERSON}, note="Only their own record")
def my_contact(request: HttpRequest) -> HttpResponse:
    """The person records how Tide may contact them (safe contact), on their own pages."""
    from django.urls import reverse

    from tide.people.forms import ContactPreferenceForm
    from tide.people.views import contact_preference_initial, contact_preference_save

    person = _own_person(request)
    form = ContactPreferenceForm(request.POST or None, initial=contact_preference_initial(person))
    if request.method == "POST" and form.is_valid() and contact_preference_save(request, person, form):
        messages.success(request, "How we may contact you is saved.")
        return redirect("accountability:my-record")
    return render(
        request,
        "people/contact_preference.html",
        {"person": person, "form": form, "own": True, "back": reverse("accountability:my-record")},
    )


@access(roles={Role.PERSON}, note="Only their own record")
def my_record(request: HttpRequest) -> HttpResponse:
    """Who looked, grouped by day and service in plain English, and one line per service on sharing."""
    person = _own_person(request)
    current = selectors.sharing_choices(person=person)
    agencies = Agency.objects.filter(area_id=person.area_id, active=True).order_by("name")
    sharing = [(agency, current.get(agency.pk)) for agency in agencies]
    days = page_of(request, selectors.person_views_by_day(person=person), per_page=7)
    return render(request, "accountability/my_record.html", {"person": person, "days": days, "sharing": sharing})


@require_http_methods(["GET", "POST"])
@access(roles={Role.PERSON}, note="Only their own record")
def my_sharing(request: HttpRequest, agency_pk: int) -> HttpResponse:
    person = _own_person(request)
    agency = get_object_or_404(Agency, pk=agency_pk, area_id=person.area_id, active=True)
    current = selectors.sharing_choices(person=person).get(agency.pk)
    initial = {True: "yes", False: "no"}.get(current)  # type: ignore[call-overload]
    data = request.POST if request.method == "POST" else None  # an empty answer is still an answer
    form = SharingChoiceForm(data, agency=agency, initial={"share": initial})
    return form_post(
        request,
        form,
        on_valid=lambda data: services.sharing_choice_set(
            person=person, agency=agency, share=data["share"] == "yes", actor=request.user
        ),
        success="accountability:my-record",
        message=f"Your choice about {agency.name} is saved.",
        template="accountability/my_sharing.html",
        context={"agency": agency, "current": current},
    )


@require_http_methods(["GET", "POST"])
@access(roles={Role.PERSON}, note="Only their own plan")
def my_plan(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = PlanCommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan_comment_add(person=person, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Thank you. Your coordinator will see what you wrote.")
            return redirect("accountability:my-plan")
    versions = list(PlanVersion.objects.filter(person=person).prefetch_related("goals"))
    return render(
        request,
        "accountability/my_plan.html",
        {
            "person": person,
            "plan": versions[0] if versions else None,
            "earlier": versions[1:],
            "comments": person.plan_comments.select_related("version", "read_by"),
            "contact": coordinator_contact(person=person),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@access(roles=FRONTLINE_ROLES, person_gate=True, note="Need to know; the link is shown once")
def person_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="manage their own sign-in")
    account = PersonAccount.objects.filter(person=person).select_related("user").first()
    form = PersonAccountForm(request.POST or None) if account is None else None
    link = ""
    if request.method == "POST":
        if form is not None and form.is_valid():
            try:
                services.person_account_create(
                    person=person, username=form.cleaned_data["username"], actor=request.user
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                account = PersonAccount.objects.select_related("user").get(person=person)
                form = None
        elif account is not None and request.POST.get("do") in {"turn-off", "turn-on"}:
            services.person_account_set_active(
                account=account, active=request.POST["do"] == "turn-on", actor=request.user
            )
            return redirect("accountability:person-sign-in", pk=person.pk)
        if account is not None and account.user.is_active:
            link = request.build_absolute_uri(services.person_set_password_link(account=account, actor=request.user))
    return render(
        request,
        "accountability/person_sign_in.html",
        {
            "person": person,
            "account": account,
            "form": form,
            "link": link,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


# --- Subject access -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access(roles=SAR_ROLES)
def sar_list(request: HttpRequest) -> HttpResponse:
    def log(data: dict[str, Any]) -> Any:
        person, problem = _find_one_person(request, data["person"])
        if person is None:
            raise ValidationError({"person": problem})
        return services.sar_log(person=person, received_on=data["received_on"], actor=request.user)

    return form_post(
        request,
        SarLogForm(request.POST or None),
        on_valid=log,
        message=lambda sar: f"Request logged. It is due by {date_format(sar.due_on)}.",
        success=lambda sar: redirect("accountability:sar-detail", pk=sar.pk),
        template="accountability/sar_list.html",
        context={"sars": page_of(request, selectors.sar_list_for(user=request.user))},
        refusal_as_error=False,
    )


def _find_one_person(request: HttpRequest, query: str) -> tuple[Person | None, str]:
    query = query.strip()
    if query.isdigit() and len(query) < 10:
        person = person_list_for(user=request.user).filter(pk=int(query)).first()
        return person, "" if person else "There is no person with that record number in your area."
    hits = person_search(user=request.user, query=query, limit=6)
    if len(hits) == 1:
        return hits[0].person, ""
    if not hits:
        return None, "Nobody in the register matches. Check the spelling or use the NHS number."
    listed = "; ".join(f"{h.person.display_name} (record {h.person.pk})" for h in hits[:5])
    return None, f"More than one person matches: {listed}. Enter the record number."


def _sar(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    sar = selectors.sar_list_for(user=request.user).filter(pk=pk).first()
    if sar is None:
        raise Http404("No such request.")
    return sar


@access(roles=SAR_ROLES)
def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = _sar(request, pk)
    return render(request, "accountability/sar_detail.html", {"sar": sar, "SarStatus": SarStatus})


@require_POST
@access(roles=SAR_ROLES)
def sar_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    sar = _sar(request, pk)
    action = {"prepare": services.sar_prepare, "approve": services.sar_approve}.get(step)
    if action is None:
        raise Http404("No such step.")
    try:
        action(sar=sar, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Export prepared." if step == "prepare" else "Approved and released.")
    return redirect("accountability:sar-detail", pk=sar.pk)


@access(roles=SAR_ROLES, note="Only once released (second approval)")
def sar_download(request: HttpRequest, pk: int) -> HttpResponse:
    sar = _sar(request, pk)
    export = services.sar_export_issue(sar=sar, actor=request.user)
    response = HttpResponse(json.dumps(export, indent=2, default=str), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.json"'
    return response


# --- Access policy --------------------------------------------------------------------------------


@access(roles=POLICY_ROLES)
def access_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "accountability/access_policy.html", {"rows": policy_table()})
