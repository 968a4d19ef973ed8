from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tide.areas.models import FRONTLINE_ROLES, Role
from tide.core.access import access
from tide.core.audit import audit_record
from tide.core.exports import csv_streaming_response
from tide.core.forms import form_post
from tide.core.jobs import job_enqueue
from tide.identification import ndt as ndt_rules
from tide.identification.audit_actions import IDENTIFICATION_LIST_EXPORTED
from tide.identification.forms import (
    EquityForm,
    ListFilterForm,
    NdtForm,
    TriggerRuleForm,
    WordingUploadForm,
    definition_changes,
    definition_form_class,
    definition_initial,
)
from tide.identification.models import TriggerRule
from tide.identification.rules import RuleError
from tide.identification.selectors import (
    alert_get_for,
    alerts_for,
    alerts_visible_for,
    by_name_list,
    definition_get_for,
    definitions_enabled,
    definitions_for,
    equity_report,
    list_entry_of,
    list_flows_by_month,
    list_summary,
    ndt_advisory_threshold,
    ndt_history_for,
    ndt_item_changes,
    ndt_wording,
    person_explanations,
    screening_never_ran,
)
from tide.identification.services import (
    alert_mark_seen,
    definition_update,
    ndt_record,
    ndt_wording_load,
    trigger_rule_create,
    trigger_rule_set_active,
)
from tide.people.selectors import person_get_for

LIST_ROLES = {Role.COORDINATOR, Role.TEAM_MANAGER, Role.ACCOUNTABLE_OFFICER}
RECORD_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER, Role.PRIVACY_OFFICER}
ALERT_ROLES = FRONTLINE_ROLES | {Role.ACCOUNTABLE_OFFICER}
EQUITY_ROLES = LIST_ROLES | {Role.COMMISSIONER}
ADMIN_ROLES = {Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER}
PAGE_SIZE = 50
NEED_TO_KNOW = "Need-to-know: a relationship with the person (their coordinator, an agency involved, a recent alert) or break-glass"


def _definition_choices(user: object) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in definitions_enabled(area_id=getattr(user, "area_id", None))]


@access(roles=LIST_ROLES)
def by_name_list_view(request: HttpRequest) -> HttpResponse:
    definitions = _definition_choices(request.user)
    form = ListFilterForm(request.GET or None, definitions=definitions)
    filters = {"status": "", "definition": "", "q": "", "sort": "gap"}
    if form.is_bound and form.is_valid():
        filters.update({k: v for k, v in form.cleaned_data.items() if v})
    entries = by_name_list(user=request.user, **filters)
    if request.GET.get("format") == "csv" and not (form.is_bound and form.errors):
        return _csv(request, entries, filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(definitions)
    for entry in page.object_list:
        entry.definition_names = [names.get(code, code) for code in entry.definition_codes]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/list.html",
        {
            "form": form if form.is_bound and form.errors else None,
            "filter_form": form,
            "page": page,
            "summary": list_summary(user=request.user),
            "flows": list_flows_by_month(user=request.user),
            "definition_names": dict(definitions),
            "query": query.urlencode(),
            "never_screened": page.paginator.count == 0 and not filters["q"] and screening_never_ran(user=request.user),
            "can_screen": request.user.role in ADMIN_ROLES,  # type: ignore[union-attr]
            "copyright": ndt_rules.COPYRIGHT,
            "new_alerts": alerts_for(request.user, unseen_only=True, limit=None).count(),
        },
    )


def _csv(request: HttpRequest, entries, filters: dict[str, str]) -> StreamingHttpResponse:  # type: ignore[no-untyped-def]
    audit_record(actor=request.user, action=IDENTIFICATION_LIST_EXPORTED, reason="by-name list CSV", detail=filters)
    header = [
        "person_id",
        "name",
        "date_of_birth",
        "status",
        "status_since",
        "first_identified_on",
        "last_event_on",
        "definitions",
        "domains_with_evidence",
        "ndt_total",
        "support_gap",
    ]

    def rows():  # type: ignore[no-untyped-def]
        yield header
        for e in entries.iterator(chunk_size=2000):
            yield [
                e.person_id,
                e.person.display_name,
                e.person.date_of_birth or "",
                e.status_label,
                e.status_since,
                e.first_identified_on,
                e.last_event_on or "",
                e.definitions.replace(",", " "),
                e.domains_met,
                "" if e.ndt_total is None else e.ndt_total,
                e.gap_score,
            ]

    return csv_streaming_response(f"by-name-list-{timezone.localdate():%Y-%m-%d}.csv", rows())


@access(roles=LIST_ROLES)
def support_gap_view(request: HttpRequest) -> HttpResponse:
    entries = by_name_list(user=request.user, sort="gap")[:PAGE_SIZE]
    return render(request, "identification/support_gap.html", {"entries": entries, "copyright": ndt_rules.COPYRIGHT})


@access(roles=RECORD_ROLES, person_gate=True, note=NEED_TO_KNOW)
def person_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="identification: why on the list")
    explanations = person_explanations(person=person)
    history = ndt_history_for(person=person)
    return render(
        request,
        "identification/person.html",
        {
            "person": person,
            "explanations": explanations,
            "entry": list_entry_of(person),
            "latest_ndt": history[-1] if history else None,
            "ndt_threshold": ndt_advisory_threshold(area_id=person.area_id),
            "copyright": ndt_rules.COPYRIGHT,
            "advisory": ndt_rules.ADVISORY,
        },
    )


@require_http_methods(["GET", "POST"])
@access(roles=RECORD_ROLES, person_gate=True, note=NEED_TO_KNOW)
def ndt_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for(user=request.user, pk=pk, reason="NDT assessments")
    can_record = request.user.role in FRONTLINE_ROLES  # type: ignore[union-attr]
    form = NdtForm(request.POST or None, wording=ndt_wording()) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only frontline staff record NDT assessments.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                ndt_record(
                    person=person,
                    assessed_on=data["assessed_on"],
                    values={code: data.get(code) for code in ndt_rules.CODES},
                    notes=data["notes"],
                    actor=request.user,
                )
            except ValidationError as error:
                for field, errors in (
                    error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
                ):
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "NDT assessment recorded.")
                return redirect("identification:ndt", pk=person.pk)
    history = ndt_history_for(person=person)
    return render(
        request,
        "identification/ndt.html",
        {
            "person": person,
            "form": form,
            "history": list(reversed(history)),
            "changes": ndt_item_changes(history),
            "copyright": ndt_rules.COPYRIGHT,
            "advisory": ndt_rules.ADVISORY,
            "items": ndt_rules.ITEMS,
        },
    )


@access(roles=ALERT_ROLES)
def alerts_view(request: HttpRequest) -> HttpResponse:
    alerts, hidden = alerts_visible_for(request.user, limit=200)
    return render(request, "identification/alerts.html", {"alerts": alerts, "hidden": hidden})


@require_POST
@access(roles=ALERT_ROLES)
def alert_open(request: HttpRequest, pk: int) -> HttpResponse:
    alert = alert_get_for(user=request.user, pk=pk)
    if alert is None:
        raise Http404("No such alert for you.")
    alert_mark_seen(alert=alert, actor=request.user)
    return redirect("identification:person", pk=alert.person_id)


@access(roles=EQUITY_ROLES)
def equity_view(request: HttpRequest) -> HttpResponse:
    definitions = _definition_choices(request.user)
    form = EquityForm(request.GET or None, definitions=definitions)
    by, definition = "ethnicity", ""
    if form.is_bound and form.is_valid():
        by = form.cleaned_data["by"] or "ethnicity"
        definition = form.cleaned_data["definition"]
    report = equity_report(user=request.user, by=by, definition=definition)
    return render(
        request,
        "identification/equity.html",
        {
            "form": form if form.errors else None,
            "filter_form": form,
            "report": report,
            "definition_name": dict(definitions).get(definition, "any definition"),
        },
    )


@require_POST
@access(roles=ADMIN_ROLES)
def screening_start(request: HttpRequest) -> HttpResponse:
    job = job_enqueue(
        kind="identification.screen",
        params={"area_id": request.user.area_id},
        actor=request.user,  # type: ignore[union-attr]
    )
    messages.success(request, "Screening of the whole ledger has started.")
    return redirect("job-detail", pk=job.pk)


@require_http_methods(["GET", "POST"])
@access(roles={Role.ADMINISTRATOR})
def ndt_wording_view(request: HttpRequest) -> HttpResponse:
    def load(data: dict[str, Any]) -> int:
        upload = data["file"]
        try:
            text = upload.read(1_000_000).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": "The file must be UTF-8 text (CSV or JSON)."}) from None
        try:
            return ndt_wording_load(text=text, filename=upload.name, actor=request.user)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None

    return form_post(
        request,
        WordingUploadForm(request.POST or None, request.FILES or None),
        on_valid=load,
        message=lambda rows: f"Loaded {rows} wording rows.",
        success="identification:ndt-wording",
        template="identification/ndt_wording.html",
        context={"copyright": ndt_rules.COPYRIGHT},
    )


@access(roles=LIST_ROLES | ADMIN_ROLES | {Role.COMMISSIONER})
def definitions_view(request: HttpRequest) -> HttpResponse:
    definitions = definitions_for(user=request.user)
    specs = []
    for d in definitions:
        try:
            specs.append((d, d.spec))
        except RuleError:
            specs.append((d, None))
    return render(
        request,
        "identification/definitions.html",
        {"definitions": specs, "can_edit": request.user.role == Role.ADMINISTRATOR},  # type: ignore[union-attr]
    )


@require_http_methods(["GET", "POST"])
@access(roles={Role.ADMINISTRATOR})
def definition_edit(request: HttpRequest, code: str) -> HttpResponse:
    definition = definition_get_for(user=request.user, code=code)
    form_class = definition_form_class(definition)

    def save(data: dict[str, Any]) -> Any:
        try:
            return definition_update(
                definition=definition, changes=definition_changes(definition, data), actor=request.user
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None  # shown above the form, as a list

    return form_post(
        request,
        form_class(request.POST or None, initial=definition_initial(definition)),
        on_valid=save,
        message=lambda saved: (
            f"{saved.name} saved. Run screening to apply it to everyone now; new events use it at once."
        ),
        success="identification:definitions",
        template="identification/definition_edit.html",
        context={"definition": definition},
    )


@require_http_methods(["GET", "POST"])
@access(roles={Role.ADMINISTRATOR})
def triggers_view(request: HttpRequest) -> HttpResponse:
    area_id = request.user.area_id  # type: ignore[union-attr]
    form = TriggerRuleForm(request.POST or None, area_id=area_id)
    keys = ("event_type", "applies_to", "recipient", "agency", "user")
    rules = TriggerRule.objects.filter(Q(area_id=area_id) | Q(area__isnull=True)).select_related("agency", "user")
    return form_post(
        request,
        form,
        on_valid=lambda data: trigger_rule_create(
            area=request.user.area,  # type: ignore[union-attr]
            actor=request.user,
            **{k: data[k] for k in keys},
        ),
        message="Trigger added.",
        success="identification:triggers",
        template="identification/triggers.html",
        context={"rules": rules},
    )


@require_POST
@access(roles={Role.ADMINISTRATOR})
def trigger_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    area_id = request.user.area_id  # type: ignore[union-attr]
    rule = get_object_or_404(TriggerRule.objects.filter(Q(area_id=area_id) | Q(area__isnull=True)), pk=pk)
    trigger_rule_set_active(rule=rule, active=not rule.active, actor=request.user)
    messages.success(request, f"Trigger {'switched on' if rule.active else 'switched off'}.")
    return redirect("identification:triggers")
