from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tide.areas.models import FRONTLINE_ROLES, Role
from tide.core.access import access
from tide.core.forms import add_validation_error, form_post
from tide.core.jobs import job_enqueue
from tide.linkage import selectors
from tide.linkage.forms import DecisionForm, KnownSearchForm, ReviewFilterForm, SplitForm, ThresholdForm
from tide.linkage.jobs import TRAIN
from tide.linkage.models import Decision, LinkMethod, MatchCandidate, PersonLink
from tide.linkage.services import candidate_decide, link_undo, model_thresholds_set, record_split

REVIEW_ROLES = {Role.ADMINISTRATOR, Role.TEAM_MANAGER}
PAGE_SIZE = 50
MODEL_ROLES = {Role.ADMINISTRATOR, Role.TEAM_MANAGER, Role.COMMISSIONER, Role.AUDITOR, Role.PRIVACY_OFFICER}
SEARCH_ROLES = FRONTLINE_ROLES | {Role.ADMINISTRATOR}


# The banner after a decision: what was done, and nothing about whom (the next pair may be anybody's).
DECIDED = {
    Decision.LINK: "Pair {pk} linked: the two records are now one person.",
    Decision.NO_MATCH: "Pair {pk} kept apart: these are two people, and no pair of their records will be proposed again.",
    Decision.UNSURE: "Pair {pk} marked unsure: the records stay apart and the pair stays in the queue.",
}


def _next_pair(request: HttpRequest, after: MatchCandidate | None) -> HttpResponse:
    """To the next waiting pair the reviewer may open, or to the end of the queue."""
    following = selectors.candidate_next(user=request.user, after=after)
    return redirect("linkage:pair", pk=following.pk) if following else redirect("linkage:done")


@require_GET
@access(roles=REVIEW_ROLES)
def review(request: HttpRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET or None, area_id=request.user.area_id)  # type: ignore[union-attr]
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    candidates = selectors.candidates_open(
        user=request.user, status=filters.get("status", ""), agency=filters.get("agency")
    )
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "counts": selectors.queue_counts(user=request.user),
        "meanwhile": selectors.candidates_linked_meanwhile(list(page.object_list)),
        "visible": selectors.candidates_visible_to(request.user, list(page.object_list)),
    }
    return render(request, "linkage/review.html", context)


@require_http_methods(["GET", "POST"])
@access(roles=REVIEW_ROLES, person_gate=True)
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_decide(
                candidate=candidate,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, DECIDED[form.cleaned_data["decision"]].format(pk=candidate.pk))
            return _next_pair(request, candidate)
    links = {"a": selectors.current_link(candidate.record_a), "b": selectors.current_link(candidate.record_b)}
    following = selectors.candidate_next(user=request.user, after=candidate)
    return render(
        request,
        "linkage/pair.html",
        {
            "candidate": candidate,
            "form": form,
            "rows": selectors.pair_rows(candidate),
            "links": links,
            "meanwhile": next((link for link in links.values() if link and link.method == LinkMethod.BEST), None),
            "decisions": selectors.pair_decisions(candidate),
            "explanation": selectors.pair_explanation(candidate),
            "contradictions": selectors.pair_contradictions(candidate, links),
            "events": [
                selectors.record_events(user=request.user, record=r) for r in (candidate.record_a, candidate.record_b)
            ],
            "skip_to": following,
        },
    )


@require_GET
@access(roles=REVIEW_ROLES)
def first(request: HttpRequest) -> HttpResponse:
    """Start reviewing: the first waiting pair the reviewer may open."""
    return _next_pair(request, None)


@require_GET
@access(roles=REVIEW_ROLES)
def done(request: HttpRequest) -> HttpResponse:
    """The end of the flow: no pair waits that the reviewer may open."""
    counts = selectors.queue_counts(user=request.user)
    return render(request, "linkage/done.html", {"counts": counts})


@require_http_methods(["GET", "POST"])
@access(roles=REVIEW_ROLES, person_gate=True)
def record(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.record_get(user=request.user, pk=pk)
    history = selectors.record_history(source)
    current = next((link for link in history if link.ended_at is None), None)
    return form_post(
        request,
        SplitForm(request.POST or None),
        on_valid=lambda data: record_split(record=source, actor=request.user, reason=data["reason"]),
        message="The record is split into a person of its own and will stay split.",
        success=lambda person: redirect("people:detail", pk=person.pk),
        template="linkage/record.html",
        context={"record": source, "history": history, "current": current},
        refusal_as_error=False,
    )


@require_POST
@access(roles=REVIEW_ROLES, person_gate=True)
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.record_get(user=request.user, pk=pk)
    link = PersonLink.objects.filter(record=source, ended_at__isnull=True).first()
    if link is None:
        messages.info(request, "This record has no current link to undo.")
        return redirect("linkage:record", pk=source.pk)
    try:
        restored = link_undo(link=link, actor=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("linkage:record", pk=source.pk)
    messages.success(request, "Undone: the record is back with the person it was linked to before.")
    return redirect("people:detail", pk=restored.person_id)


@require_http_methods(["GET", "POST"])
@access(roles=MODEL_ROLES)
def model_page(request: HttpRequest) -> HttpResponse:
    version = selectors.model_current(user=request.user)
    can_change = getattr(request.user, "role", "") == Role.ADMINISTRATOR
    initial = {"upper": version.upper, "lower": version.lower} if version else None
    form = ThresholdForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_change or version is None:
            messages.info(request, "Only an administrator can change the thresholds.")
            return redirect("linkage:model")
        if form.is_valid():
            try:
                model_thresholds_set(
                    version=version,
                    upper=form.cleaned_data["upper"],
                    lower=form.cleaned_data["lower"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, "Thresholds saved. They apply to records linked from now on.")
                return redirect("linkage:model")
    return render(
        request,
        "linkage/model.html",
        {
            "version": version,
            "description": selectors.model_description(version) if version else None,
            "history": selectors.model_history(user=request.user)[:20],
            "counts": selectors.queue_counts(user=request.user),
            "form": form if can_change else None,
            "can_change": can_change,
        },
    )


@require_POST
@access(roles={Role.ADMINISTRATOR})
def model_train_view(request: HttpRequest) -> HttpResponse:
    job = job_enqueue(kind=TRAIN, params={"area": request.user.area_id}, actor=request.user)  # type: ignore[union-attr]
    return redirect("job-detail", pk=job.pk)


@require_GET
@access(roles=SEARCH_ROLES)
def known(request: HttpRequest) -> HttpResponse:
    form = KnownSearchForm(request.GET or None)
    hits = None
    if form.is_bound and form.is_valid():
        hits = selectors.known_search(user=request.user, query=form.cleaned_data)
    return render(request, "linkage/known.html", {"form": form, "hits": hits})
