from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from tide.areas.models import FRONTLINE_ROLES, Role
from tide.core.access import access
from tide.core.exports import csv_response
from tide.core.jobs import job_enqueue
from tide.core.models import Job
from tide.outcomes import charts, cohort, present, stats
from tide.outcomes.catalogue import BY_CODE, CRISIS_MEASURES, DOMAIN_LABELS, STATUS_KINDS
from tide.outcomes.forms import FrameworkVersionForm, ReportFilterForm, StatusForm, equity_form, report_filter_form
from tide.outcomes.jobs import KIND
from tide.outcomes.selectors import (
    FILTER_LABELS,
    FILTERS,
    NeedsPrecompute,
    apply_filters,
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


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    return csv_response(filename, [header, *rows])


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
    table = cohort_table(area=area, spec=spec)
    follow_up = spec.window.follow_up_quarters
    form = report_filter_form(request.GET or None, options=filter_options(table), follow_up=follow_up)
    filters: dict[str, str] = {}
    k = min(4, follow_up)
    if form.is_bound and form.is_valid():
        filters = {f: form.cleaned_data.get(f) or "" for f in FILTERS if form.cleaned_data.get(f)}
        k = form.cleaned_data.get("quarter") or k
    return spec, apply_filters(table, filters), form, filters, k


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
    result = cohort.cohort_report(table, seed=0, n_boot=BOOTSTRAP)
    if request.GET.get("format") == "csv":
        rows = [present.figure_csv_row(result.figure(m.code, q)) for m in result.measures for q in result.quarters()]
        return _csv("outcomes-cohort.csv", present.CSV_HEADER, rows)
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
    result = cohort.cohort_report(table, seed=0, n_boot=BOOTSTRAP)
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
        return _csv(f"outcomes-{code}.csv", present.CSV_HEADER, [present.figure_csv_row(f) for f in figures])
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
    initial = {"measure": spec.measures[0], "quarter": min(4, spec.window.follow_up_quarters), "group": "sex"}
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
        only = cohort.PersonQuarters(
            people=table.people,
            measures=[measure],
            window=table.window,
            quarterly=table.quarterly[:, [table.measures.index(measure)], :],
            baseline=table.baseline[:, [table.measures.index(measure)]],
            follow=table.follow[:, [table.measures.index(measure)], :],
            reason=table.reason,
            first_q=table.first_q,
            last_q=table.last_q,
        )
        figures = []
        for value in filter_options(table).get(group, []):
            part = apply_filters(only, {group: value})
            figures.append((value, cohort.cohort_report(part, quarters=[k], n_boot=BOOTSTRAP).figure(measure.code, k)))
        adjusted = stats.holm_adjust([f.change.p_value for _, f in figures])
        for (value, figure), p in zip(figures, adjusted, strict=True):
            figure.p_adjusted = p
            rows.append({"group": value, **present.figure_row(figure)})
        bars = [
            charts.Bar(r["group"], (100.0 * r["better"] / r["n"]) if r["n"] else None, muted=r["few"]) for r in rows
        ]
        chart = charts.bar_chart(
            chart_id="equity",
            title=f"Share of people better in quarter {k}: {measure.label}, by {FILTER_LABELS[group].lower()}",
            description="; ".join(
                f"{r['group']}: {present.number(b.value, 0)}% of {r['n']} people"
                for r, b in zip(rows, bars, strict=True)
            ),
            bars=bars,
            unit="% of people better than at baseline",
        )
        if request.GET.get("format") == "csv":
            return _csv(
                "outcomes-equity.csv",
                ["group_by", "group", *present.CSV_HEADER],
                [[group, value, *present.figure_csv_row(f)] for value, f in figures],
            )
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
        return _csv(
            "outcomes-framework-versions.csv",
            [
                "version",
                "agreed_on",
                "agreed_by",
                "measures",
                "baseline_quarters",
                "follow_up_quarters",
                "change_summary",
                "recorded_by",
            ],
            [
                [
                    v.number,
                    v.agreed_on.isoformat(),
                    v.agreed_by,
                    " ".join(v.measures),
                    v.baseline_quarters,
                    v.follow_up_quarters,
                    v.change_summary,
                    v.recorded_by.get_username(),
                ]
                for v in history
            ],
        )
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
    form = FrameworkVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = framework_version_create(
                area=area,
                measures=data["measures"],
                baseline_quarters=data["baseline_quarters"],
                follow_up_quarters=data["follow_up_quarters"],
                change_summary=data["change_summary"],
                agreed_by=data["agreed_by"],
                agreed_on=data["agreed_on"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Version {version.number} of the outcomes framework has been recorded.")
            return redirect("outcomes:framework")
    return render(request, "outcomes/framework_form.html", {"form": form, "spec": spec})


def _service_use_rows(picture: Any) -> tuple[list[str], list[dict[str, Any]]]:
    table = picture.table
    start_q = int(table.people["start_q"].iloc[0])
    b_q = table.window.baseline_quarters
    headers = []
    for q in picture.quarter_numbers:
        rel = q - start_q
        name = "Before support" if rel < 0 else ("Support started" if rel == 0 else f"Quarter {rel} of support")
        if picture.started_on is None:
            name = "Earlier" if rel < 0 else "This quarter"
        headers.append(f"{name}|{cohort.quarter_label(q)}")
    rows = []
    for m, measure in enumerate(table.measures):
        values = []
        for q in picture.quarter_numbers:
            v = table.quarterly[0, m, q - start_q + b_q]
            values.append("" if not np.isfinite(v) else f"{v:.0f}")
        base = table.baseline[0, m]
        rows.append(
            {
                "label": measure.label,
                "values": values,
                "baseline": present.number(base, 1) if np.isfinite(base) else "–",
            }
        )
    return headers, rows


@require_GET
@access(roles=PERSON_ROLES, person_gate=True)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    subject = person_get_for(user=request.user, pk=pk, reason="outcomes picture")
    allowed = getattr(getattr(subject, "access", None), "sensitive", frozenset({"health", "criminal"}))
    picture = person_picture(person=subject, allowed=allowed)
    headers, rows = _service_use_rows(picture)
    table_name = request.GET.get("table")
    if request.GET.get("format") == "csv":
        if table_name == "ndt":
            return _csv(
                f"person-{pk}-ndt.csv",
                ["assessed_on", "total"],
                [[a.assessed_on.isoformat(), a.total] for a in picture.ndt],
            )
        if table_name == "statuses":
            return _csv(
                f"person-{pk}-statuses.csv",
                ["kind", "value", "recorded_on", "in_their_words"],
                [
                    [s.kind, s.value, s.recorded_on.isoformat(), s.in_their_words]
                    for items in picture.statuses.values()
                    for s in items
                ],
            )
        return _csv(
            f"person-{pk}-service-use.csv",
            ["measure", "baseline_mean", *[h.replace("|", " ") for h in headers]],
            [[r["label"], r["baseline"], *r["values"]] for r in rows],
        )
    complete = [a for a in picture.ndt if a.total is not None]
    ndt_chart = ""
    if complete:
        ndt_chart = charts.line_chart(
            chart_id="ndt",
            title="NDT assessment totals over time (0–48; lower is better)",
            description="; ".join(f"{a.assessed_on:%d %b %Y}: {a.total}" for a in complete),
            points=[(f"{a.assessed_on:%b %y}", float(a.total or 0)) for a in complete],
            y_max=48,
            unit="NDT total (0–48)",
        )
    crisis_codes = CRISIS_MEASURES
    crisis_idx = [i for i, m in enumerate(picture.table.measures) if m.code in crisis_codes]
    start_q = int(picture.table.people["start_q"].iloc[0])
    b_q = picture.table.window.baseline_quarters
    bars = []
    for q in picture.quarter_numbers:
        vals = picture.table.quarterly[0, crisis_idx, q - start_q + b_q]
        bars.append(
            charts.Bar(
                cohort.quarter_label(q).split("–")[1],
                float(np.nansum(vals)) if np.isfinite(vals).any() else None,
                muted=q < start_q,
            )
        )
    summary = _crisis_summary(picture, crisis_idx) if crisis_idx else ""
    crisis_chart = (
        ""
        if not crisis_idx
        else charts.bar_chart(
            chart_id="crisis",
            title="Crisis contacts each quarter: A&E, emergency admissions, ambulance call-outs and arrests",
            description="; ".join(f"{b.label}: {present.number(b.value, 0)}" for b in bars)
            + ". Grey bars are before support.",
            bars=bars,
            unit="contacts in the quarter (grey: before support; blue: since support started)",
        )
    )
    statuses = [(STATUS_KINDS[kind][0], items) for kind, items in picture.statuses.items()]
    context = {
        "person": subject,
        "picture": picture,
        "headers": [h.split("|") for h in headers],
        "rows": rows,
        "ndt_chart": mark_safe(ndt_chart),  # noqa: S308 - built from escaped parts
        "crisis_chart": mark_safe(crisis_chart),  # noqa: S308 - built from escaped parts
        "statuses": statuses,
        "summary": summary,
        "show_ndt": "health" in allowed,
        "can_record": getattr(request.user, "role", "") in FRONTLINE_ROLES,
    }
    return render(request, "outcomes/person.html", context)


def _crisis_summary(picture: Any, crisis_idx: list[int]) -> str:
    """One plain sentence comparing the latest finished quarter of support with before support."""
    table = picture.table
    if picture.started_on is None:
        return ""
    start_q = int(table.people["start_q"].iloc[0])
    b_q = table.window.baseline_quarters
    before = table.quarterly[0, crisis_idx, :b_q]
    if not np.isfinite(before).all():
        return ""
    finished = [q for q in picture.quarter_numbers if start_q < q < cohort.quarter_of(timezone.localdate())]
    if not finished:
        return "Support started recently: the first full quarter of support has not finished yet."
    latest = finished[-1]
    now = float(np.nansum(table.quarterly[0, crisis_idx, latest - start_q + b_q]))
    then = float(before.sum(axis=0).mean())
    return (
        f"In {cohort.quarter_label(latest)} there {'was' if now == 1 else 'were'} {now:.0f} crisis "
        f"contact{'' if now == 1 else 's'}, against an average of {then:.1f} a quarter in the "
        f"{b_q} quarter{'' if b_q == 1 else 's'} before support."
    )


@require_http_methods(["GET", "POST"])
@access(roles=FRONTLINE_ROLES, person_gate=True)
def status_new(request: HttpRequest, pk: int) -> HttpResponse:
    subject = person_get_for(user=request.user, pk=pk, reason="record an outcome status")
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome_status_record(
                person=subject,
                kind=data["kind"],
                value=data["value"],
                recorded_on=data["recorded_on"],
                in_their_words=data["in_their_words"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Status recorded.")
            return redirect("outcomes:person", pk=subject.pk)
    return render(request, "outcomes/status_form.html", {"form": form, "person": subject})
