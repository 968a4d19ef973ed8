"""Finance pages for commissioners. Views check access, bind a form, call one service or selector."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tide.areas.models import FRONTLINE_ROLES, Area, Role
from tide.core.access import access
from tide.core.forms import form_post
from tide.finance import charts, exports, pooling, selectors, services, sib, spreadsheets
from tide.finance.cba import OPTIMISM_BIAS_BY_GRADE
from tide.finance.forms import (
    BusinessCaseForm,
    CompareForm,
    DecisionForm,
    FlexibleSpendForm,
    LibrarySearchForm,
    LocalCostForm,
    PriceRuleForm,
    PriceYearForm,
    RateCardForm,
    ReportOptionsForm,
    ScenarioForm,
    ServiceCostForm,
    SibForm,
    UploadForm,
)
from tide.finance.models import PoolScenario
from tide.finance.selectors import NoReferenceDataError
from tide.people.selectors import person_get_for
from tide.service_use.selectors import event_type_choices, event_types_for

VIEW_ROLES = {Role.COMMISSIONER, Role.ACCOUNTABLE_OFFICER}
EDIT_ROLES = {Role.COMMISSIONER}
REFERENCE_ROLES = {Role.COMMISSIONER, Role.ADMINISTRATOR}
GMCA_ATTRIBUTION = exports.GMCA_ATTRIBUTION


def _area(request: HttpRequest) -> Area:
    area = request.user.area  # type: ignore[union-attr]
    if area is None:
        raise Http404("Your account is not linked to an area.")
    return area


def _not_loaded(request: HttpRequest) -> HttpResponse:
    return render(request, "finance/not_loaded.html", status=503)


def _needs_reference_data(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Until unit costs and deflators are loaded, a finance page says so (503) instead of failing."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NoReferenceDataError:
            return _not_loaded(request)

    return wrapper


@dataclass(frozen=True)
class Options:
    form: ReportOptionsForm
    price_year: str
    window: int
    cohort: str


def _options(request: HttpRequest, area: Area, years: list[str], default_year: str) -> Options:
    keys = {"price_year", "window", "cohort"}
    data = request.GET if keys & set(request.GET) else None
    form = ReportOptionsForm(
        data,
        years=years,
        cohorts=selectors.cohort_years(area=area),
        initial={"price_year": default_year, "window": "365", "cohort": ""},
    )
    if data is not None and form.is_valid():
        data = form.cleaned_data
        return Options(form, data["price_year"] or default_year, data["window"], data["cohort"])
    return Options(form, default_year, 365, "")


def _report_context(request: HttpRequest) -> dict[str, Any]:
    area = _area(request)
    series = selectors.active_series()
    options = _options(request, area, series.years, selectors.default_price_year(series))
    year, window = options.price_year, options.window
    report = selectors.cost_report(area=area, target_year=year, window_days=window, cohort=options.cohort)
    return {
        "area": area,
        "series": series,
        "options": options.form,
        "price_year": year,
        "window": window,
        "report": report,
        "tables": report.tables,
        "labels": dict(event_type_choices(area_id=area.pk)),
        "attribution": GMCA_ATTRIBUTION,
        "deflators": selectors.active_series_record(),
        "query": request.GET.urlencode(),
        "carry": urlencode({"price_year": year, "window": window, "cohort": options.cohort}),
        "cohort": options.cohort,
    }


@access(roles=VIEW_ROLES | REFERENCE_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    return render(
        request,
        "finance/index.html",
        {
            "editions": selectors.editions_for(area=area),
            "deflators": selectors.active_series_record(),
            "rules": len(selectors.price_rule_records(area=area)),
            "standard_map": selectors.uses_standard_price_map(area=area),
            "scenarios": selectors.scenarios_for(area=area).count(),
            "attribution": GMCA_ATTRIBUTION,
        },
    )


# --- Unit cost library ---------------------------------------------------------------------------


@access(roles=VIEW_ROLES | REFERENCE_ROLES)
@_needs_reference_data
def library(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    series = selectors.active_series()
    costs = selectors.unit_costs_for(area=area)
    themes = sorted({t for t in costs.values_list("theme", flat=True).distinct() if t})
    default_year = selectors.default_price_year(series)
    form = LibrarySearchForm(
        request.GET or None, themes=themes, years=series.years, initial={"price_year": default_year}
    )
    year = default_year
    if form.is_bound and form.is_valid():
        q, theme = form.cleaned_data["q"].strip(), form.cleaned_data["theme"]
        year = form.cleaned_data["price_year"] or default_year
        if q:
            costs = costs.filter(Q(code__iexact=q) | Q(detail__icontains=q) | Q(agency_level_1__icontains=q))
        if theme:
            costs = costs.filter(theme=theme)
    page = Paginator(costs.order_by("edition__is_local", "edition_id", "id"), 50).get_page(request.GET.get("page"))
    rows = []
    for cost in page:
        uprated = None
        if cost.fiscal_cost is not None and cost.fiscal_price_year in series.points:
            uprated = series.uprate(cost.fiscal_cost, price_year=cost.fiscal_price_year, target_year=year)
        rows.append({"cost": cost, "uprated": uprated})
    return render(
        request,
        "finance/library.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "price_year": year,
            "attribution": GMCA_ATTRIBUTION,
            "total": paginator_count(costs),
        },
    )


def paginator_count(qs: Any) -> int:
    return int(qs.count())


@access(roles=VIEW_ROLES | REFERENCE_ROLES)
@_needs_reference_data
def unit_cost_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area = _area(request)
    cost = get_object_or_404(selectors.unit_costs_for(area=area), pk=pk)
    series = selectors.active_series()
    form = PriceYearForm(request.GET or None, years=series.years, initial={"price_year": series.latest_actual})
    year = form.cleaned_data["price_year"] if form.is_bound and form.is_valid() else series.latest_actual
    values = []
    for label, amount, price_year in (
        ("Fiscal cost", cost.fiscal_cost, cost.fiscal_price_year),
        ("Economic value", cost.economic_value, cost.economic_price_year),
        ("Social value", cost.social_value, cost.social_price_year),
    ):
        uprated = None
        if amount is not None and price_year in series.points:
            uprated = series.uprate(amount, price_year=price_year, target_year=year)
        values.append({"label": label, "amount": amount, "price_year": price_year, "uprated": uprated})
    rules = selectors.price_rules_for(area=area).filter(unit_cost=cost)
    return render(
        request,
        "finance/unit_cost_detail.html",
        {
            "cost": cost,
            "values": values,
            "form": form,
            "price_year": year,
            "rules": rules,
            "labels": dict(event_type_choices(area_id=area.pk)),
        },
    )


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
def unit_cost_create(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    return form_post(
        request,
        LocalCostForm(request.POST or None),
        on_valid=lambda data: services.unit_cost_create_local(area=area, actor=request.user, **data),
        message=lambda cost: f"Local cost {cost.code} added.",
        success=lambda cost: redirect("finance:unit-cost", pk=cost.pk),
        template="finance/form.html",
        context={"title": "Add a local unit cost", "multipart": False, "button": "Add cost", "back": "finance:library"},
    )


@require_http_methods(["GET", "POST"])
@access(roles=REFERENCE_ROLES)
def edition_import(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.cost_edition_import(
            name=data["name"],
            text=data["file"],
            licence=data["licence"],
            attribution=data["attribution"],
            source=request.FILES["file"].name,
            actor=request.user,
        )

    return form_post(
        request,
        UploadForm(request.POST or None, request.FILES or None),
        on_valid=save,
        message=lambda edition: f"{edition.name}: {edition.costs.count()} cost lines imported.",
        success="finance:library",
        template="finance/form.html",
        context={
            "title": "Import an edition of unit costs",
            "multipart": True,
            "button": "Import",
            "back": "finance:library",
        },
    )


@access(roles=VIEW_ROLES | REFERENCE_ROLES)
def deflators(request: HttpRequest) -> HttpResponse:
    record = selectors.active_series_record()
    years = list(record.years.all()) if record else []
    return render(request, "finance/deflators.html", {"series": record, "years": years})


@require_http_methods(["GET", "POST"])
@access(roles=REFERENCE_ROLES)
def deflators_import(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.deflator_series_import(
            name=data["name"],
            text=data["file"],
            source=request.FILES["file"].name,
            attribution=data["attribution"],
            actor=request.user,
        )

    return form_post(
        request,
        UploadForm(request.POST or None, request.FILES or None, initial={"licence": "Open Government Licence v3.0"}),
        on_valid=save,
        message=lambda series: f"{series.name} is now used for uprating.",
        success="finance:deflators",
        template="finance/form.html",
        context={
            "title": "Import a deflator series",
            "multipart": True,
            "button": "Import",
            "back": "finance:deflators",
            "hint": "Columns: financial_year, index (or index_1989_90_eq_100), forecast (yes/no). The new series replaces the one in use.",
        },
    )


# --- Price map -----------------------------------------------------------------------------------


@access(roles=VIEW_ROLES | REFERENCE_ROLES)
@_needs_reference_data
def price_map(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    series = selectors.active_series()
    form = PriceYearForm(request.GET or None, years=series.years, initial={"price_year": series.latest_actual})
    year = form.cleaned_data["price_year"] if form.is_bound and form.is_valid() else series.latest_actual
    prices = selectors.price_list(area=area, target_year=year)
    records = selectors.price_rule_records(area=area)
    missing = selectors.missing_prices()
    rows = []
    for t in event_types_for(area_id=area.pk):
        priced = prices.get(t.code, [])
        rules = [r for r in records if r.event_type == t.code and r.unit_cost.fiscal_cost is not None]
        rows.append(
            {
                "type": t,
                "priced": list(zip(rules, priced, strict=False)),
                "missing": missing.get(t.code, ""),
                "total": sum((p.unit_cost for p in priced), Decimal(0)),
            }
        )
    return render(
        request,
        "finance/price_map.html",
        {
            "rows": rows,
            "form": form,
            "price_year": year,
            "attribution": GMCA_ATTRIBUTION,
            "standard": selectors.uses_standard_price_map(area=area),
        },
    )


@require_POST
@access(roles=EDIT_ROLES)
def price_map_adopt(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    edition = selectors.shipped_edition()
    if edition is None:
        return _not_loaded(request)
    try:
        added = services.price_map_seed(area=area, edition=edition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{area.name} now has its own price map ({added} lines) that you can change.")
    return redirect("finance:price-map")


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
def price_rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    area = _area(request)
    rule = get_object_or_404(selectors.price_rules_for(area=area).select_related("unit_cost"), pk=pk) if pk else None
    initial = (
        {
            "event_type": rule.event_type,
            "unit_cost": rule.unit_cost.code,
            "multiplier": rule.multiplier,
            "divisor": rule.divisor,
            "note": rule.note,
            "bearer_level_1": rule.bearer_level_1,
            "bearer_level_2": rule.bearer_level_2,
        }
        if rule
        else {}
    )
    form = PriceRuleForm(request.POST or None, initial=initial, area_id=area.pk, lock_event_type=rule is not None)
    fields = ("unit_cost", "multiplier", "divisor", "note", "bearer_level_1", "bearer_level_2")

    def save(data: dict[str, Any]) -> Any:
        values = {key: data[key] for key in fields}
        if rule:
            return services.price_rule_update(rule=rule, actor=request.user, **values)
        return services.price_rule_create(area=area, event_type=data["event_type"], actor=request.user, **values)

    title = (
        f"Change the price of {dict(event_type_choices(area_id=area.pk))[rule.event_type]}"
        if rule
        else "Add a line to the price map"
    )
    return form_post(
        request,
        form,
        on_valid=save,
        message="The price map has been updated.",
        success="finance:price-map",
        template="finance/form.html",
        context={"title": title, "button": "Save", "back": "finance:price-map"},
    )


# --- Cost report ---------------------------------------------------------------------------------


@access(roles=VIEW_ROLES)
@_needs_reference_data
def cost_report(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    context["form"] = context["options"]
    return render(request, "finance/cost_report.html", context)


@access(roles=VIEW_ROLES, note="Shows one person's costs under a reference number, without their name")
@_needs_reference_data
def person_cost(request: HttpRequest, pk: int) -> HttpResponse:
    area = _area(request)
    person = get_object_or_404(selectors.people_for(area=area), pk=pk)
    series = selectors.active_series()
    options = _options(request, area, series.years, selectors.default_price_year(series))
    form, year, window = options.form, options.price_year, options.window
    report = selectors.cost_report(area=area, target_year=year, window_days=window, person_id=person.pk)
    return render(
        request,
        "finance/person_cost.html",
        {
            "ref": selectors.person_ref(person.pk),
            "report": report,
            "tables": report.tables,
            "options": form,
            "form": form,
            "price_year": year,
            "window": window,
            "labels": dict(event_type_choices(area_id=area.pk)),
            "attribution": GMCA_ATTRIBUTION,
        },
    )


@access(roles=VIEW_ROLES)
@_needs_reference_data
def cost_report_csv(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in {"services", "agencies", "people"}:
        raise Http404("No such export.")
    context = _report_context(request)
    return exports.cost_report_csv(kind, context)


# --- Pooled budget -------------------------------------------------------------------------------


def _evaluate(scenario: PoolScenario, changes: dict[str, Decimal]) -> pooling.ScenarioResult | str:
    try:
        return pooling.scenario_evaluate(
            name=scenario.name,
            method=scenario.method,
            budget=scenario.budget,
            changes=changes,
            shares={k: Decimal(v) for k, v in scenario.shares.items()},
        )
    except pooling.ScenarioError as error:
        return str(error)


def _result_item(scenario: PoolScenario, changes: dict[str, Decimal]) -> dict[str, Any]:
    result = _evaluate(scenario, changes)
    if isinstance(result, str):
        return {"scenario": scenario, "result": None, "error": result}
    return {"scenario": scenario, "result": result, "error": ""}


def _pooled_context(request: HttpRequest) -> dict[str, Any]:
    area = _area(request)
    context = _report_context(request)
    scenarios = list(selectors.scenarios_for(area=area))
    compare = CompareForm(
        request.GET if "a" in request.GET else None,
        scenarios=[(s.pk, s.name) for s in scenarios],
        initial={"a": scenarios[0].pk if scenarios else None, "b": scenarios[1].pk if len(scenarios) > 1 else None},
    )
    changes = selectors.expected_changes(context["report"])
    chosen = scenarios[:2]
    if compare.is_bound and compare.is_valid():
        by_pk = {s.pk: s for s in scenarios}
        chosen = [by_pk[int(compare.cleaned_data["a"])], by_pk[int(compare.cleaned_data["b"])]]
    results = [_result_item(s, changes) for s in chosen]
    agencies = sorted(set(changes) | {p.agency for item in results if item["result"] for p in item["result"].positions})
    rows = []
    for agency in agencies:
        cells = []
        for item in results:
            result = item["result"]
            cells.append(next((p for p in result.positions if p.agency == agency), None) if result else None)
        rows.append({"agency": agency, "change": changes.get(agency, Decimal(0)), "cells": cells})
    transfers, _ = pooling.in_year_transfers(changes)
    context.update(
        {
            "scenarios": scenarios,
            "compare": compare,
            "results": results,
            "rows": rows,
            "transfers": transfers,
            "form": compare if compare.is_bound else context["options"],
        }
    )
    return context


@access(roles=VIEW_ROLES)
@_needs_reference_data
def pooled(request: HttpRequest) -> HttpResponse:
    context = _pooled_context(request)
    return render(request, "finance/pooled.html", context)


@access(roles=VIEW_ROLES)
@_needs_reference_data
def pooled_csv(request: HttpRequest) -> HttpResponse:
    context = _pooled_context(request)
    return exports.pooled_csv(context)


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
@_needs_reference_data
def scenario_create(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    context = _report_context(request)
    changes = selectors.expected_changes(context["report"])
    form = ScenarioForm(request.POST or None, agencies=sorted(changes))
    return form_post(
        request,
        form,
        on_valid=lambda data: services.pool_scenario_create(
            area=area,
            name=data["name"],
            method=data["method"],
            budget=data["budget"],
            shares=form.shares(),
            changes=changes,
            notes=data["notes"],
            actor=request.user,
        ),
        message=lambda scenario: f"Scenario {scenario.name} saved.",
        success="finance:pooled",
        template="finance/scenario_form.html",
        context=context,
    )


# --- Outcome payments ----------------------------------------------------------------------------


@access(roles=VIEW_ROLES)
def outcomes(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    as_of = selectors.data_as_of(area=area)
    return render(
        request,
        "finance/outcomes.html",
        {
            "rates": selectors.outcome_rates_for(area=area),
            "terms": selectors.payment_terms(area=area),
            "claimable": selectors.claimable_outcomes(area=area, as_of=as_of, limit=50),
            "claims": selectors.claims_for(area=area),
            "selection": selectors.selection_report(area=area),
            "as_of": as_of,
            "decision_form": DecisionForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
def rate_card_edit(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    rates = list(selectors.outcome_rates_for(area=area))
    terms = selectors.payment_terms(area=area)
    initial: dict[str, Any] = {"cap_per_person": terms.cap_per_person, "ndt_reference": terms.ndt_reference}
    for rate in rates:
        initial[f"tariff_{rate.pk}"] = rate.tariff
        initial[f"active_{rate.pk}"] = rate.active
    form = RateCardForm(request.POST or None, initial=initial, rates=rates)
    return form_post(
        request,
        form,
        on_valid=lambda data: services.rate_card_update(
            area=area,
            cap_per_person=data["cap_per_person"],
            ndt_reference=data["ndt_reference"],
            tariffs=form.tariffs(),
            active=form.active(),
            actor=request.user,
        ),
        message="The rate card has been changed. Claims already made keep their amounts.",
        success="finance:outcomes",
        template="finance/form.html",
        context={"title": "Change the rate card", "button": "Save rate card", "back": "finance:outcomes"},
    )


@require_POST
@access(roles=EDIT_ROLES)
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    area = _area(request)
    scenario = get_object_or_404(selectors.scenarios_for(area=area), pk=pk)
    services.pool_scenario_delete(scenario=scenario, actor=request.user)
    messages.success(request, f"Scenario {scenario.name} deleted.")
    return redirect("finance:pooled")


@require_POST
@access(roles=EDIT_ROLES)
def rate_card_adopt(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    added = services.outcome_rate_card_seed(area=area, actor=request.user)
    if added:
        messages.success(request, f"The standard rate card ({added} outcomes) has been set up for {area.name}.")
    return redirect("finance:outcomes")


@require_POST
@access(roles=EDIT_ROLES)
def claim_create(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    try:
        person = get_object_or_404(selectors.people_for(area=area), pk=int(request.POST.get("person", "")))
        rate = get_object_or_404(selectors.outcome_rates_for(area=area), pk=int(request.POST.get("rate", "")))
    except ValueError:
        raise Http404("No such person or outcome.") from None
    try:
        claim = services.outcome_claim_create(
            person=person, rate=rate, as_of=selectors.data_as_of(area=area), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Claim for {claim.rate.label} ({selectors.person_ref(person.pk)}) submitted for verification."
        )
    return redirect("finance:outcomes")


@access(roles=VIEW_ROLES)
def claims_csv(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    return exports.claims_csv(selectors.claims_for(area=area))


@require_POST
@access(roles=EDIT_ROLES)
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    area = _area(request)
    claim = get_object_or_404(selectors.claims_in(area=area), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_claim_decide(
                claim=claim,
                approve=form.cleaned_data["decision"] == "verify",
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Decision recorded.")
    else:
        messages.error(request, "Choose verify or reject.")
    return redirect("finance:outcomes")


# --- Reinvestment, SIB and the board report ------------------------------------------------------


@access(roles=VIEW_ROLES)
@_needs_reference_data
def reinvestment(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    context = _report_context(request)
    sib_form = SibForm(
        request.GET if "investment" in request.GET else None,
        initial={"investment": 500000, "delivery_cost": 60000, "return_cap": "1.5", "quarters": 12},
    )
    data = (
        sib_form.cleaned_data
        if sib_form.is_bound and sib_form.is_valid()
        else {
            "investment": Decimal(500000),
            "delivery_cost": Decimal(60000),
            "return_cap": Decimal("1.5"),
            "quarters": 12,
        }
    )
    first = context["report"].first_start or selectors.data_as_of(area=area)
    source = request.GET.get("payments", "expected")
    if source == "claims":
        payments = selectors.quarterly_outcome_payments(area=area, start=first, quarters=data["quarters"])
    else:
        source = "expected"
        payments = selectors.expected_outcome_payments(
            area=area, start=first, quarters=data["quarters"], as_of=selectors.data_as_of(area=area)
        )
    cash = sib.sib_cashflow(
        investment=data["investment"],
        delivery_cost_per_quarter=data["delivery_cost"],
        outcome_payments=payments,
        return_cap=data["return_cap"],
    )
    context.update(
        {
            "sib_form": sib_form,
            "cash": cash,
            "payments_source": source,
            "sib_start": first,
            "form": sib_form if sib_form.is_bound else context["options"],
        }
    )
    return render(request, "finance/reinvestment.html", context)


@access(roles=VIEW_ROLES)
@_needs_reference_data
def board_report(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    context = _report_context(request)
    changes = selectors.expected_changes(context["report"])
    context["scenarios"] = [_result_item(s, changes) for s in selectors.scenarios_for(area=area)]
    context["selection"] = selectors.selection_report(area=area)
    context["claims"] = selectors.claims_for(area=area)
    context["claims_total"] = sum((c.amount for c in context["claims"] if c.status == "verified"), Decimal(0))
    return render(request, "finance/board_report.html", context)


# --- Business case (ADR 0052) --------------------------------------------------------------------


def _case_or_404(area: Area) -> Any:
    case = selectors.current_case(area=area)
    if case is None:
        raise Http404("No business case yet.")
    return case


@access(roles=VIEW_ROLES)
@_needs_reference_data
def business_case(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    case = selectors.current_case(area=area)
    context: dict[str, Any] = {
        "case": case,
        "versions": selectors.versions(area=area),
        "costs": selectors.service_costs(area=area),
        "flexible": selectors.flexible_by_year(area=area),
        "grades": OPTIMISM_BIAS_BY_GRADE,
        "attribution": GMCA_ATTRIBUTION,
    }
    if case is not None:
        result = selectors.analyse_case(area=area, case=case)
        context |= {"result": result, "charts": charts.business_case_charts(result)}
    return render(request, "finance/business_case.html", context)


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
@_needs_reference_data
def business_case_edit(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    series = selectors.active_series()
    case = selectors.current_case(area=area)
    year = case.price_year if case else selectors.default_price_year(series)
    report = selectors.cost_report(area=area, target_year=year)
    grades = selectors.agency_grades(area=area)
    agencies = [a.bearer for a in report.tables.agencies]
    form = BusinessCaseForm(
        request.POST or None,
        agencies=agencies,
        years=series.years,
        grade_sources=grades,
        initial=selectors.case_form_initial(case, report, grades, default_year=year),
    )
    return form_post(
        request,
        form,
        on_valid=lambda data: services.business_case_save(
            area=area,
            first_year=data["first_year"],
            years=data["years"],
            drop_off_percent=data["drop_off"],
            ramp_up=data["ramp_up"],
            price_year=data["price_year"],
            agencies=form.agency_values(),
            notes=data["notes"],
            actor=request.user,
        ),
        message=lambda saved: f"Business case version {saved.version} saved.",
        success="finance:business-case",
        template="finance/form.html",
        context={
            "title": "Assumptions of the business case",
            "back": "finance:business-case",
            "button": "Save as a new version",
        },
    )


@require_http_methods(["GET", "POST"])
@access(roles=EDIT_ROLES)
def service_cost_create(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    form = ServiceCostForm(request.POST or None)
    return form_post(
        request,
        form,
        on_valid=lambda data: services.service_cost_create(area=area, actor=request.user, **data),
        message=lambda cost: f"Cost of £{cost.amount:,.2f} for {cost.financial_year} recorded.",
        success="finance:business-case",
        template="finance/form.html",
        context={"title": "Record a cost of the service", "back": "finance:business-case", "button": "Record the cost"},
    )


@require_POST
@access(roles=VIEW_ROLES)
def business_case_agree(request: HttpRequest) -> HttpResponse:
    case = _case_or_404(_area(request))
    try:
        services.business_case_agree(case=case, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Version {case.version} agreed.")
    return redirect("finance:business-case")


@access(roles=VIEW_ROLES)
@_needs_reference_data
def business_case_export(request: HttpRequest, kind: str) -> HttpResponse:
    area = _area(request)
    case = _case_or_404(area)
    tables = spreadsheets.sheets(selectors.analyse_case(area=area, case=case))
    if kind == "ods":
        body, mime = spreadsheets.to_ods(tables), "application/vnd.oasis.opendocument.spreadsheet"
    elif kind == "xlsx":
        body, mime = spreadsheets.to_xlsx(tables), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404("Unknown format.")
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="business-case-v{case.version}.{kind}"'
    return response


@require_http_methods(["GET", "POST"])
@access(roles=FRONTLINE_ROLES, person_gate=True, note="Need-to-know: a relationship with the person or break-glass")
def flexible_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's flexible budget: what was bought, how much, when, approved by whom; add an item."""
    person = person_get_for(user=request.user, pk=pk, reason="see the flexible budget")
    form = FlexibleSpendForm(request.POST or None, approvers=selectors.approvers_for(area=person.area))
    return form_post(
        request,
        form,
        on_valid=lambda data: services.flexible_spend_create(person=person, actor=request.user, **data),
        message=lambda spend: f"£{spend.amount:,.2f} for {spend.what} recorded.",
        success=lambda spend: redirect("finance:flexible-budget", pk=person.pk),
        template="finance/flexible_budget.html",
        context={"person": person, "items": selectors.flexible_for(person=person)},
    )
