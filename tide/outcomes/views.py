from __future__ import annotations

from typing import Any

import numpy as np
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from tide.areas.models import FRONTLINE_ROLES, Role
from tide.core.access import access
from tide.core.forms import form_post
from tide.core.jobs import job_enqueue
from tide.core.models import Job
from tide.outcomes import charts, cohort, exports, present, stats
from tide.outcomes.catalogue import BY_CODE, DOMAIN_LABELS, STATUS_KINDS
from tide.outcomes.forms import (
    FrameworkVersionForm,
    ReportFilterForm,
    StatusForm,
    default_quarter,
    equity_form,
    report_filter_form,
)
from tide.outcomes.jobs import KIND
from tide.outcomes.selectors import (
    FILTER_LABELS,
    FILTERS,
    NeedsPrecompute,
    apply_filters,
    cohort_report_cached,
    cohort_stamp,
    cohort_table,
    filter_options,
    framework_current,
    framework_history,
    person_picture,
)
from tide.outcomes.services import framework_version_create, outcome_status_record
from tide.people.selectors import person_get_for

REPORT_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER, Role.COMMISSIONER, Role.AUDITOR}
FRAMEWORK_ROLES = {Role.ACCOUNTABLE_OFFICER, Role.COMMISSIONER, Role.ADMINISTRATOR}
PERSON_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER}
BOOTSTRAP = 1000


def _area(request: HttpRequest) -> Any:
    area = getattr(request.user, "area", None)
    if area is None:
        raise Http404("Your account is not attached to an area.")
    return area


def _preparing(request: HttpRequest, area: Any) -> HttpResponse:
    """The cohort is too big for a web request: start (or find) the precompute job and say so."""
    job = (
        Job.objects.filter(kind=KIND, params__area=area.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .order_by("-created_at")
        .first()
    )
    if job is None:
        job = job_enqueue(kind=KIND, params={"area": area.pk}, actor=request.user)
    return render(request, "outcomes/preparing.html", {"job": job}, status=202)


def _filtered(request: HttpRequest) -> tuple[Any, Any, ReportFilterForm, dict[str, str], int]:
    area = _area(request)
    spec = framework_current(area=area)
    table = cohort_table(area=area, spec=spec, stamp=_stamp(request, area))
    follow_up = spec.window.follow_up_quarters
    form = report_filter_form(request.GET or None, options=filter_options(table), follow_up=follow_up)
    filters: dict[str, str] = {}
    k = default_quarter(follow_up)
    if form.is_bound and form.is_valid():
        filters = {f: form.cleaned_data.get(f) or "" for f in FILTERS if form.cleaned_data.get(f)}
        k = form.cleaned_data.get("quarter") or k
    return spec, apply_filters(table, filters), form, filters, k


def _stamp(request: HttpRequest, area: Any) -> str:
    """The ledger's stamp, worked out once per request (the table and the report are both kept under it)."""
    if not hasattr(request, "_outcomes_stamp"):
        request._outcomes_stamp = cohort_stamp(area_id=area.pk)  # type: ignore[attr-defined]
    return request._outcomes_stamp  # type: ignore[attr-defined, no-any-return]


def _report(request: HttpRequest, spec: Any, filters: dict[str, str], table: Any) -> cohort.CohortReport:
    area = _area(request)
    stamp = _stamp(request, area)
    return cohort_report_cached(area_id=area.pk, spec=spec, stamp=stamp, filters=filters, table=table, n_boot=BOOTSTRAP)


def _chart_for(report: cohort.CohortReport, table: cohort.PersonQuarters, code: str) -> str:
    measure = BY_CODE[code]
    m = [x.code for x in table.measures].index(code)
    scale = 100.0 if measure.proportion else 1.0
    base = table.baseline[:, m]
    bars = [charts.Bar("Baseline", float(np.nanmean(base)) * scale if np.isfinite(base).any() else None, muted=True)]
    for k in report.quarters():
        change = report.figure(code, k).change
        value = change.mean_after * scale if change.n else None
        bars.append(charts.Bar(f"Q{k}", value, muted=change.n < present.FEW))
    unit = "% of people" if measure.proportion else measure.unit
    described = "; ".join(f"{b.label}: {present.number(b.value)}" for b in bars)
    return charts.bar_chart(
        chart_id=f"chart-{code}",
        title=f"{measure.label}: baseline and each quarter of support",
        description=f"{unit}. {described}. The number of people differs by quarter; see the table.",
        bars=bars,
        unit=unit,
    )


@require_GET
@access(roles=REPORT_ROLES)
def report(request: HttpRequest) -> HttpResponse:
    try:
        spec, table, form, filters, k = _filtered(request)
    except NeedsPrecompute:
        return _preparing(request, _area(request))
    result = _report(request, spec, filters, table)
    if request.GET.get("format") == "csv":
        return exports.cohort_csv(result)
    rows = present.report_rows(result, k)
    for row in rows:
        row["domain_label"] = DOMAIN_LABELS[row["domain"]]
    headline = [c for c in ("rough_sleeping", "ae_attendance") if c in spec.measures]
    context = {
        "spec": spec,
        "form": form if form.errors else None,
        "filter_form": form,
        "filters": {FILTER_LABELS[f]: v for f, v in filters.items()},
        "k": k,
        "rows": rows,
        "people": result.people,
        "charts": [(BY_CODE[c], mark_safe(_chart_for(result, table, c))) for c in headline],  # noqa: S308 - built from escaped parts
        "query": request.GET.urlencode(),
        "printing": request.GET.get("print") == "1",
        "n_boot": BOOTSTRAP,
        "window_note": present.window_note(table),
    }
    return render(request, "outcomes/report.html", context)


@require_GET
@access(roles=REPORT_ROLES)
def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        spec, table, _form, filters, k = _filtered(request)
    except NeedsPrecompute:
        return _preparing(request, _area(request))
    if code not in spec.measures:
        raise Http404("That measure is not in the current framework.")
    result = _report(request, spec, filters, table)
    figures = [result.figure(code, q) for q in result.quarters()]
    measure = BY_CODE[code]
    m = [x.code for x in table.measures].index(code)
    after = table.follow[:, m, k - 1]
    valid = np.isfinite(table.baseline[:, m]) & np.isfinite(after) & (table.reason[:, k - 1] == "")
    step = {"count": 1.0, "ndt": 5.0}.get(measure.source, 0.5)
    bands = stats.change_histogram(after[valid] - table.baseline[valid, m], step=step)
    histogram = charts.bar_chart(
        chart_id=f"spread-{code}",
        title=f"How each person's {measure.label.lower()} changed by quarter {k}",
        description="; ".join(f"{label}: {n} people" for label, n in bands),
        bars=[charts.Bar(f"{i + 1}", float(n), muted=label == "no change") for i, (label, n) in enumerate(bands)],
        unit="people (bands 1 to 7 are named in the table)",
    )
    if request.GET.get("format") == "csv":
        return exports.measure_csv(code, figures)
    context = {
        "spec": spec,
        "measure": measure,
        "rows": [present.figure_row(f) for f in figures],
        "k": k,
        "bands": bands,
        "histogram": mark_safe(histogram),  # noqa: S308 - built from escaped parts
        "chart": mark_safe(_chart_for(result, table, code)),  # noqa: S308 - built from escaped parts
        "filters": {FILTER_LABELS[f]: v for f, v in filters.items()},
        "people": result.people,
        "query": request.GET.urlencode(),
    }
    return render(request, "outcomes/measure.html", context)


@require_GET
@access(roles=REPORT_ROLES)
def equity(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    spec = framework_current(area=area)
    try:
        table = cohort_table(area=area, spec=spec)
    except NeedsPrecompute:
        return _preparing(request, area)
    initial = {"measure": spec.measures[0], "quarter": default_quarter(spec.window.follow_up_quarters), "group": "sex"}
    groups = [g for g in FILTERS if g in filter_options(table)] or ["sex"]
    form = equity_form(
        request.GET or initial, measures=list(spec.measures), follow_up=spec.window.follow_up_quarters, groups=groups
    )
    rows: list[dict[str, Any]] = []
    chart = ""
    measure = None
    if form.is_valid():
        measure = BY_CODE[form.cleaned_data["measure"]]
        k, group = form.cleaned_data["quarter"], form.cleaned_data["group"]
        only = present.measure_only(table, measure)
        figures = []
        for value in filter_options(table).get(group, []):
            part = apply_filters(only, {group: value})
            figures.append((value, cohort.cohort_report(part, quarters=[k], n_boot=BOOTSTRAP).figure(measure.code, k)))
        for (value, figure), p in zip(figures, stats.holm_adjust([f.change.p_value for _, f in figures]), strict=True):
            figure.p_adjusted = p
            rows.append({"group": value, **present.figure_row(figure)})
        chart = present.equity_chart(rows, measure_label=measure.label, group_label=FILTER_LABELS[group], k=k)
        if request.GET.get("format") == "csv":
            return exports.equity_csv(group, figures)
    context = {
        "form": form,
        "rows": rows,
        "chart": mark_safe(chart),  # noqa: S308 - built from escaped parts
        "measure": measure,
        "spec": spec,
        "query": request.GET.urlencode(),
        "few": present.FEW,
    }
    return render(request, "outcomes/equity.html", context)


@require_GET
@access(roles=REPORT_ROLES)
def framework(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    spec = framework_current(area=area)
    history = framework_history(area=area)
    if request.GET.get("format") == "csv":
        return exports.framework_csv(history)
    domains = [
        (label, [BY_CODE[c] for c in spec.measures if BY_CODE[c].domain == code])
        for code, label in DOMAIN_LABELS.items()
    ]
    can_change = getattr(request.user, "role", "") in FRAMEWORK_ROLES
    return render(
        request,
        "outcomes/framework.html",
        {"spec": spec, "history": history, "domains": [d for d in domains if d[1]], "can_change": can_change},
    )


@require_http_methods(["GET", "POST"])
@access(roles=FRAMEWORK_ROLES)
def framework_new(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    spec = framework_current(area=area)
    initial = {
        "measures": list(spec.measures),
        "baseline_quarters": spec.window.baseline_quarters,
        "follow_up_quarters": spec.window.follow_up_quarters,
    }
    keys = ("measures", "baseline_quarters", "follow_up_quarters", "change_summary", "agreed_by", "agreed_on")
    return form_post(
        request,
        FrameworkVersionForm(request.POST or None, initial=initial),
        on_valid=lambda data: framework_version_create(area=area, actor=request.user, **{k: data[k] for k in keys}),
        message=lambda version: f"Version {version.number} of the outcomes framework has been recorded.",
        success="outcomes:framework",
        template="outcomes/framework_form.html",
        context={"spec": spec},
    )


@require_GET
@access(roles=PERSON_ROLES, person_gate=True)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    subject = person_get_for(user=request.user, pk=pk, reason="outcomes picture")
    allowed = getattr(getattr(subject, "access", None), "sensitive", frozenset({"health", "criminal"}))
    picture = person_picture(person=subject, allowed=allowed)
    use = present.service_use(picture)
    if request.GET.get("format") == "csv":
        return exports.person_csv(pk, request.GET.get("table"), picture, use)
    statuses = [(STATUS_KINDS[kind][0], items) for kind, items in picture.statuses.items()]
    context = {
        "person": subject,
        "picture": picture,
        "headers": [h.split("|") for h in use.headers],
        "rows": use.rows,
        "ndt_chart": mark_safe(present.ndt_chart(picture)),  # noqa: S308 - built from escaped parts
        "crisis_chart": mark_safe(present.crisis_chart(picture)),  # noqa: S308 - built from escaped parts
        "statuses": statuses,
        "summary": present.crisis_summary(picture, timezone.localdate()),
        "show_ndt": "health" in allowed,
        "can_record": getattr(request.user, "role", "") in FRONTLINE_ROLES,
    }
    return render(request, "outcomes/person.html", context)


@require_http_methods(["GET", "POST"])
@access(roles=FRONTLINE_ROLES, person_gate=True)
def status_new(request: HttpRequest, pk: int) -> HttpResponse:
    subject = person_get_for(user=request.user, pk=pk, reason="record an outcome status")
    return form_post(
        request,
        StatusForm(request.POST or None),
        on_valid=lambda data: outcome_status_record(
            person=subject,
            kind=data["kind"],
            value=data["value"],
            recorded_on=data["recorded_on"],
            in_their_words=data["in_their_words"],
            actor=request.user,
        ),
        message="Status recorded.",
        success=lambda _: redirect("outcomes:person", pk=subject.pk),
        template="outcomes/status_form.html",
        context={"person": subject},
    )
