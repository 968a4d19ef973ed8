"""Writes of the identification room: screening, the by-name list, NDT assessments, wording, alerts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from tide.areas.models import Area, Role, User
from tide.core.access import NeedToKnowRefused, person_access
from tide.core.actors import actor_pk, actor_user
from tide.core.audit import audit_record
from tide.core.bulk import chunks
from tide.identification import caseload, listing, rules
from tide.identification import ndt as ndt_rules
from tide.identification.audit_actions import (
    ALERT_RAISED,
    ALERT_SEEN,
    IDENTIFICATION_DEFAULTS_INSTALLED,
    IDENTIFICATION_DEFINITION_CHANGED,
    IDENTIFICATION_POPULATION_LOADED,
    IDENTIFICATION_TRIGGER_CREATED,
    IDENTIFICATION_TRIGGER_OFF,
    IDENTIFICATION_TRIGGER_ON,
    NDT_RECORDED,
    NDT_WORDING_LOADED,
)
from tide.identification.models import (
    Alert,
    Definition,
    ListChange,
    ListEntry,
    ListSettings,
    NdtAssessment,
    NdtWording,
    PopulationEstimate,
    ScreeningResult,
    TriggerRule,
)
from tide.people.models import Person
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent
from tide.service_use.selectors import crisis_codes

CHUNK = 2000
RECENT_DAYS = 365  # the look-back for the support-gap score
TRIGGER_RECENT_DAYS = 14  # events older than this when they arrive (history loads) raise no alert
INCREMENTAL_LIMIT = 1000  # more people than this in one arrival: screen them in a background job


DeclinesProvider = Callable[[Sequence[int]], Mapping[int, int]]
_declines_providers: dict[str, DeclinesProvider] = {}


def register_declines_provider(name: str, provider: DeclinesProvider) -> None:
    """Rooms to the right (coordination) tell the support-gap score how many declines and no-shows each
    person had in the past year, without identification importing them: ``provider(person_ids) -> {id: n}``."""
    _declines_providers[name] = provider


def unregister_declines_provider(name: str) -> None:
    _declines_providers.pop(name, None)


def _declines(person_ids: Sequence[int]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for provider in _declines_providers.values():
        for pk, n in provider(person_ids).items():
            totals[pk] += n
    return totals


@dataclass(frozen=True)
class ScreenSummary:
    people: int
    meets: dict[str, int]
    near: dict[str, int]


DEFAULT_TRIGGERS = ("arrest", "prison_release", "rough_sleeping_contact", "ae_attendance", "eviction")


@transaction.atomic
def definitions_install_shipped(*, actor: Any, area: Area | None = None) -> int:
    """Copy any of the four shipped definitions an area lacks (every area when none is named) and add the
    default triggers that are missing; returns how many were added. Existing copies are left as edited."""
    added = 0
    for each in [area] if area is not None else Area.objects.all():
        for order, data in enumerate(rules.SHIPPED, start=1):
            _, created = Definition.objects.get_or_create(
                area=each,
                code=data["code"],
                defaults={
                    "name": data["name"],
                    "description": data["description"],
                    "criteria": data["criteria"],
                    "min_criteria": data["min_criteria"],
                    "near_margin": data["near_margin"],
                    "order": order * 10,
                },
            )
            added += created
    for event_type in DEFAULT_TRIGGERS:
        _, created = TriggerRule.objects.get_or_create(area=None, event_type=event_type)
        added += created
    if added:
        audit_record(actor=actor, action=IDENTIFICATION_DEFAULTS_INSTALLED, detail={"added": added})
    return added


def on_area_created(*, area: Area, actor: Any = None) -> None:
    """A new area starts with its own copy of the shipped definitions (registered in ``apps.py``)."""
    definitions_install_shipped(actor=actor, area=area)


@transaction.atomic
def definition_update(*, definition: Definition, changes: Mapping[str, Any], actor: Any) -> Definition:
    """Change a definition's threshold, switches or criteria; anything that would not work is refused whole.

    ``changes`` may hold ``min_criteria``, ``near_margin``, ``enabled``, ``puts_on_list`` and ``criteria``
    (a list of {code, label, event_types, min_count, window_days}). People are re-screened by the next run.
    """
    allowed = {"min_criteria", "near_margin", "enabled", "puts_on_list", "criteria", "name", "description"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(unknown)}.")
    before = {key: getattr(definition, key) for key in changes}
    for key, value in changes.items():
        setattr(definition, key, value)
    try:
        definition.full_clean()
    except ValidationError:
        definition.refresh_from_db()
        raise
    definition.save()
    audit_record(
        actor=actor,
        action=IDENTIFICATION_DEFINITION_CHANGED,
        target=definition,
        detail={"before": before, "after": {key: getattr(definition, key) for key in changes}},
    )
    return definition


@transaction.atomic
def trigger_rule_create(
    *,
    area: Any,
    event_type: str,
    applies_to: str,
    recipient: str,
    agency: Any = None,
    user: Any = None,
    actor: Any,
) -> TriggerRule:
    """Add an identification trigger for the area; a team or a person must be named when the rule needs one."""
    if agency is not None and agency.area_id != area.pk:
        raise ValidationError({"agency": "Choose a team or agency in your area."})
    if user is not None and user.area_id != area.pk:
        raise ValidationError({"user": "Choose a member of staff in your area."})
    rule = TriggerRule(
        area=area,
        event_type=event_type,
        applies_to=applies_to,
        recipient=recipient,
        agency=agency if recipient == TriggerRule.Recipient.AGENCY else None,
        user=user if recipient == TriggerRule.Recipient.USER else None,
    )
    if recipient == TriggerRule.Recipient.AGENCY and agency is None:
        raise ValidationError({"agency": "Choose the team or agency to alert."})
    if recipient == TriggerRule.Recipient.USER and user is None:
        raise ValidationError({"user": "Choose the member of staff to alert."})
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=IDENTIFICATION_TRIGGER_CREATED,
        target=rule,
        detail={"event_type": event_type, "recipient": recipient},
    )
    return rule


@transaction.atomic
def trigger_rule_set_active(*, rule: TriggerRule, active: bool, actor: Any) -> TriggerRule:
    if rule.active != active:
        rule.active = active
        rule.save(update_fields=["active"])
        audit_record(
            actor=actor, action=IDENTIFICATION_TRIGGER_ON if active else IDENTIFICATION_TRIGGER_OFF, target=rule
        )
    return rule


def enabled_definitions() -> list[tuple[Definition, rules.DefinitionSpec]]:
    """Every area's enabled definitions; each screens only the people of its own area."""
    return [(d, d.spec) for d in Definition.objects.filter(enabled=True)]


def screen_people(*, person_ids: Iterable[int], as_of: dt.date | None = None, progress: Any = None) -> ScreenSummary:
    """Screen people against every enabled definition and refresh their place on the by-name list."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(person_ids))
    definitions = enabled_definitions()
    meets: dict[str, int] = defaultdict(int)
    near: dict[str, int] = defaultdict(int)
    for done, chunk in enumerate(chunks(ids, CHUNK)):
        with transaction.atomic():
            _screen_chunk(chunk, definitions, as_of, meets, near)
            list_refresh(person_ids=chunk, today=as_of)
        if progress is not None:
            progress(
                min((done + 1) * CHUNK, len(ids)) / max(len(ids), 1),
                f"Screened {min((done + 1) * CHUNK, len(ids))} people",
            )
    return ScreenSummary(len(ids), dict(meets), dict(near))


def _screen_chunk(
    chunk: Sequence[int],
    definitions: list[tuple[Definition, rules.DefinitionSpec]],
    as_of: dt.date,
    meets: dict[str, int],
    near: dict[str, int],
) -> None:
    rows = list(
        ServiceEvent.objects.filter(person_id__in=chunk, occurred_on__lte=as_of).values_list(
            "person_id", "event_type", "occurred_on"
        )
    )
    index = {pk: i for i, pk in enumerate(chunk)}
    area_of = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "area_id"))
    import numpy as np

    kinds = rules.code_index_with(r[1] for r in rows)  # an area's own event types count like the shipped
    ledger = rules.Ledger(
        person=np.fromiter((index[r[0]] for r in rows), dtype=np.int64, count=len(rows)),
        kind=np.fromiter((kinds[r[1]] for r in rows), dtype=np.int64, count=len(rows)),
        day=np.fromiter(((r[2] - dt.date(1970, 1, 1)).days for r in rows), dtype=np.int64, count=len(rows)),
        n_people=len(chunk),
        codes=kinds,
    )
    grouped: dict[int, list[rules.Evidence]] | None = None

    def rows_by_person(pk: int) -> list[rules.Evidence]:
        nonlocal grouped
        if grouped is None:
            grouped = defaultdict(list)
            for person_id, code, on in rows:
                grouped[person_id].append(rules.Evidence(on, code))
        return grouped.get(pk, [])

    existing = {
        (r.person_id, r.definition_id): r
        for r in ScreeningResult.objects.filter(person_id__in=chunk, definition__in=[d for d, _ in definitions])
    }
    to_create, to_update, to_delete = [], [], []
    for definition, spec in definitions:
        screened = rules.screen_ledger(spec, ledger, as_of=as_of)
        codes = [c.code for c in spec.criteria]
        for pk, i in index.items():
            if area_of.get(pk) != definition.area_id:
                continue  # a definition screens only the people of its own area
            is_met, is_near = bool(screened["meets"][i]), bool(screened["near"][i])
            n_met = int(screened["n_met"][i])
            old = existing.get((pk, definition.pk))
            if not is_met and not is_near and n_met == 0:
                if old is not None:
                    to_delete.append(old.pk)
                continue
            met_codes = [c for c in codes if screened[c][i]]
            meets[spec.code] += is_met
            near[spec.code] += is_near
            if old is None:
                to_create.append(
                    ScreeningResult(
                        person_id=pk,
                        definition=definition,
                        as_of=as_of,
                        n_met=n_met,
                        meets=is_met,
                        near=is_near,
                        criteria_met=met_codes,
                        first_met_on=_met_since(spec, rows_by_person(pk), as_of) if is_met else None,
                    )
                )
            else:
                old.as_of, old.n_met, old.meets, old.near, old.criteria_met = as_of, n_met, is_met, is_near, met_codes
                if is_met and old.first_met_on is None:
                    old.first_met_on = _met_since(spec, rows_by_person(pk), as_of)
                to_update.append(old)
    if to_delete:
        ScreeningResult.objects.filter(pk__in=to_delete).delete()
    ScreeningResult.objects.bulk_create(to_create, batch_size=1000)
    ScreeningResult.objects.bulk_update(
        to_update, ["as_of", "n_met", "meets", "near", "criteria_met", "first_met_on", "updated_at"], batch_size=1000
    )


def _met_since(spec: rules.DefinitionSpec, events: list[rules.Evidence], as_of: dt.date) -> dt.date:
    return rules.evaluate(spec, events, as_of=as_of).met_since or as_of


def _settings_for(area_id: int) -> listing.Settings:
    found = ListSettings.objects.filter(area_id=area_id).first()
    return found.as_rules() if found else listing.Settings()


def list_refresh(*, person_ids: Sequence[int], today: dt.date | None = None) -> int:
    """Recompute the by-name list status, support gap and flows for these people; returns changes written."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=RECENT_DAYS - 1)
    ids = list(person_ids)
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).only("pk", "area_id", "died_on")}
    results: dict[int, list[ScreeningResult]] = defaultdict(list)
    for r in ScreeningResult.objects.filter(
        person_id__in=ids, meets=True, definition__puts_on_list=True, definition__enabled=True
    ).select_related("definition"):
        results[r.person_id].append(r)
    entries = {e.person_id: e for e in ListEntry.objects.filter(person_id__in=ids)}
    events = ServiceEvent.objects.filter(person_id__in=ids, occurred_on__lte=today)
    last_event = dict(events.values("person_id").annotate(m=Max("occurred_on")).values_list("person_id", "m"))
    recent = events.filter(occurred_on__gte=since)
    crises = dict(
        recent.filter(event_type__in=crisis_codes())
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    planned = dict(
        recent.filter(event_type__in=listing.PLANNED)
        .values("person_id")
        .annotate(n=Count("agency", distinct=True))
        .values_list("person_id", "n")
    )
    domains: dict[int, set[str]] = defaultdict(set)
    for pk, code in recent.values_list("person_id", "event_type").distinct():
        domain = event_types.get(code).domain
        if domain != event_types.Domain.HEALTH:
            domains[pk].add(domain.value)
    open_episodes = caseload.open_on(ids, today)
    last_exit = caseload.last_exits(ids)
    ndt_totals: dict[int, int | None] = {}
    for pk, total in (
        NdtAssessment.objects.filter(person_id__in=ids).order_by("assessed_on", "id").values_list("person_id", "total")
    ):
        ndt_totals[pk] = total
    declines = _declines(ids)
    settings_cache: dict[int, listing.Settings] = {}
    creates, updates, changes = [], [], []
    for pk in ids:
        person = people.get(pk)
        met = results.get(pk, [])
        entry = entries.get(pk)
        if person is None or (entry is None and not met):
            continue
        s = settings_cache.get(person.area_id) or settings_cache.setdefault(
            person.area_id, _settings_for(person.area_id)
        )
        first_identified = min((r.first_met_on or today for r in met), default=None)
        if entry is not None:
            first_identified = min(entry.first_identified_on, first_identified or entry.first_identified_on)
        assert first_identified is not None
        exit_destination, exit_on = last_exit.get(pk, ("", None))
        status, returned_on = listing.status_of(
            listing.StatusInput(
                today=today,
                first_identified_on=first_identified,
                last_event_on=last_event.get(pk),
                previous=entry.status if entry else None,
                returned_on=entry.returned_on if entry else None,
                meets_now=bool(met),
                on_caseload=pk in open_episodes,
                last_exit=exit_destination,
                last_exit_on=exit_on,
                died_on=person.died_on,
            ),
            s,
        )
        gap = listing.support_gap(
            domains_met=len(domains.get(pk, ())),
            ndt_total=ndt_totals.get(pk),
            crisis_events=crises.get(pk, 0),
            planned_agencies=planned.get(pk, 0),
            declines=declines.get(pk, 0),
        )
        values = {
            "area_id": person.area_id,
            "status": status.value,
            "first_identified_on": first_identified,
            "returned_on": returned_on,
            "last_event_on": last_event.get(pk),
            "definitions": ",".join(sorted(r.definition.code for r in met)),
            "domains_met": len(domains.get(pk, ())),
            "ndt_total": ndt_totals.get(pk),
            "gap_score": gap.score,
            "gap_detail": gap.describe()[:200],
        }
        before = entry.status if entry else None
        if entry is None:
            entry = ListEntry(person_id=pk, status_since=today, **values)
            creates.append(entry)
        else:
            if entry.status != status:
                entry.status_since = today
            for key, value in values.items():
                setattr(entry, key, value)
            updates.append(entry)
        if before != status.value:
            changes.append(
                ListChange(
                    person_id=pk,
                    area_id=person.area_id,
                    on=today if before is not None else first_identified,
                    before=before or "",
                    after=status.value,
                    inflow=listing.is_inflow(before, status),
                    outflow=listing.is_outflow(before, status),
                )
            )
    ListEntry.objects.bulk_create(creates, batch_size=1000)
    ListEntry.objects.bulk_update(
        updates,
        [
            "area_id",
            "status",
            "status_since",
            "first_identified_on",
            "returned_on",
            "last_event_on",
            "definitions",
            "domains_met",
            "ndt_total",
            "gap_score",
            "gap_detail",
            "updated_at",
        ],
        batch_size=1000,
    )
    ListChange.objects.bulk_create(changes, batch_size=1000)
    return len(changes)


def screening_run(*, as_of: dt.date | None = None, area_id: int | None = None, progress: Any = None) -> ScreenSummary:
    """Screen everyone with a ledger event (and everyone already on the list) in one area or all areas."""
    people = Person.objects.all()
    if area_id is not None:
        people = people.filter(area_id=area_id)
    with_events = set(ServiceEvent.objects.filter(person__in=people).values_list("person_id", flat=True).distinct())
    listed = set(ListEntry.objects.filter(person__in=people).values_list("person_id", flat=True))
    return screen_people(person_ids=with_events | listed, as_of=as_of, progress=progress)


def screening_job(job: Any, progress: Any) -> dict[str, Any]:
    """The whole ledger (optionally one area), or the people a large arrival of events was about, then
    the alerts those recent events trigger."""
    as_of = dt.date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None
    if "person_ids" in job.params:
        summary = screen_people(person_ids=job.params["person_ids"], as_of=as_of, progress=progress)
    else:
        summary = screening_run(as_of=as_of, area_id=job.params.get("area_id"), progress=progress)
    alerts = _alerts_for_recent(job.params.get("event_ids", []))
    return {"people": summary.people, "meets": summary.meets, "near": summary.near, "alerts": len(alerts)}


# --- Incremental screening and triggers ------------------------------------------------------------------------


def on_events_recorded(event_ids: Sequence[int]) -> None:
    """Ledger listener: re-screen the people the new events are about, then raise the alerts they trigger."""
    person_ids = set(ServiceEvent.objects.filter(pk__in=event_ids).values_list("person_id", flat=True))
    if len(person_ids) > INCREMENTAL_LIMIT:
        from tide.core.jobs import job_enqueue

        since = timezone.localdate() - dt.timedelta(days=TRIGGER_RECENT_DAYS)
        recent = list(
            ServiceEvent.objects.filter(pk__in=event_ids, occurred_on__gte=since).values_list("pk", flat=True)
        )
        job_enqueue(
            kind="identification.screen",
            params={"person_ids": sorted(person_ids), "event_ids": recent},
            actor=None,
        )
        return
    screen_people(person_ids=person_ids, as_of=timezone.localdate())
    _alerts_for_recent(event_ids)


def on_events_moved(person_ids: Sequence[int]) -> None:
    """Ledger listener: events moved between people (linkage relinked a record), so re-screen them all.
    Moved events are not new arrivals: they raise no alerts."""
    if len(person_ids) > INCREMENTAL_LIMIT:
        from tide.core.jobs import job_enqueue

        job_enqueue(kind="identification.screen", params={"person_ids": sorted(person_ids)}, actor=None)
        return
    screen_people(person_ids=person_ids, as_of=timezone.localdate())


def _alerts_for_recent(event_ids: Sequence[int]) -> list[Alert]:
    since = timezone.localdate() - dt.timedelta(days=TRIGGER_RECENT_DAYS)
    events = list(ServiceEvent.objects.filter(pk__in=event_ids, occurred_on__gte=since).select_related("person"))
    return alerts_raise(events=events)


def _rules_for(event_type: str, area_id: int, rules_list: list[TriggerRule]) -> list[TriggerRule]:
    return [r for r in rules_list if r.event_type == event_type and r.area_id in (None, area_id)]


def _alert_targets(
    rule: TriggerRule, event: ServiceEvent, coordinators: Mapping[int, int], area_coordinators: Mapping[int, list[int]]
) -> list[tuple[int | None, int | None]]:
    """Who a rule's alert about ``event`` goes to: (user id, agency id) each. A rule for the person's
    coordinator goes to every coordinator of the area when the person has none."""
    if rule.recipient == TriggerRule.Recipient.AGENCY:
        return [(None, rule.agency_id)]
    if rule.recipient == TriggerRule.Recipient.USER:
        return [(rule.user_id, None)]
    if rule.recipient == TriggerRule.Recipient.COORDINATOR and event.person_id in coordinators:
        return [(coordinators[event.person_id], None)]
    return [(pk, None) for pk in area_coordinators.get(event.person.area_id, [])]


@transaction.atomic
def alerts_raise(*, events: Sequence[ServiceEvent]) -> list[Alert]:
    """Alerts for new events that match an active trigger rule, about people who meet or nearly meet a definition."""
    if not events:
        return []
    active = list(TriggerRule.objects.filter(active=True, event_type__in={e.event_type for e in events}))
    if not active:
        return []
    person_ids = {e.person_id for e in events}
    status: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"meets": [], "near": []})
    for r in ScreeningResult.objects.filter(person_id__in=person_ids, definition__enabled=True).select_related(
        "definition"
    ):
        if r.meets:
            status[r.person_id]["meets"].append(r.definition.name)
        elif r.near:
            status[r.person_id]["near"].append(r.definition.name)
    coordinators = caseload.coordinators(person_ids)
    area_coordinators: dict[int, list[int]] = defaultdict(list)
    for pk, area_id in User.objects.filter(
        role=Role.COORDINATOR, is_active=True, area_id__in={e.person.area_id for e in events}
    ).values_list("pk", "area_id"):
        area_coordinators[area_id].append(pk)
    existing: set[tuple[int | None, int | None, int | None]] = set(
        Alert.objects.filter(event__in=events).values_list("event_id", "recipient_id", "agency_id")
    )
    created: list[Alert] = []
    for event in events:
        state = status.get(event.person_id)
        if state is None:
            continue
        label = event_types.get(event.event_type).label
        for rule in _rules_for(event.event_type, event.person.area_id, active):
            if not state["meets"] and not (rule.applies_to == TriggerRule.AppliesTo.MEETS_OR_NEAR and state["near"]):
                continue
            why = f"meets {', '.join(state['meets'])}" if state["meets"] else f"is close to {', '.join(state['near'])}"
            message = f"{label} on {event.occurred_on:%-d %B %Y} for {event.person.display_name}, who {why}."
            for recipient_id, agency_id in _alert_targets(rule, event, coordinators, area_coordinators):
                if (event.pk, recipient_id, agency_id) in existing:
                    continue
                existing.add((event.pk, recipient_id, agency_id))
                created.append(
                    Alert(
                        person_id=event.person_id,
                        event=event,
                        recipient_id=recipient_id,
                        agency_id=agency_id,
                        kind=f"trigger.{event.event_type}",
                        message=message[:1000],
                    )
                )
    Alert.objects.bulk_create(created)
    for person_id in {a.person_id for a in created}:
        audit_record(
            actor=None,
            action=ALERT_RAISED,
            person_id=person_id,
            detail={"count": sum(1 for a in created if a.person_id == person_id)},
        )
    return created


@transaction.atomic
def alert_mark_seen(*, alert: Alert, actor: Any) -> Alert:
    """Mark an alert seen: only by the user it is addressed to, or their agency's staff when it is
    addressed to the agency, and only while they may see the person (ADR 0064)."""
    if actor is not None:
        addressed = alert.recipient_id == actor_pk(actor) or (
            alert.recipient_id is None and alert.agency_id is not None and alert.agency_id == actor.agency_id
        )
        if not getattr(actor, "is_authenticated", False) or not addressed:
            raise PermissionDenied("This alert is not addressed to you.")
        if not person_access(actor, alert.person).allowed:
            raise NeedToKnowRefused(alert.person_id)
    if alert.seen_at is None:
        alert.seen_at = timezone.now()
        alert.save(update_fields=["seen_at"])
        audit_record(actor=actor, action=ALERT_SEEN, target=alert, person_id=alert.person_id)
    return alert


# --- NDT ------------------------------------------------------------------------------------------------------


@transaction.atomic
def ndt_record(
    *, person: Person, assessed_on: dt.date, values: Mapping[str, Any], notes: str = "", actor: Any
) -> NdtAssessment:
    """Record an NDT assessment; out-of-range or wrong-step ratings are refused and nothing is written."""
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The date of the assessment cannot be in the future."})
    try:
        checked = ndt_rules.validate(values)
    except ndt_rules.NdtError as error:
        raise ValidationError(error.problems) from None
    if ndt_rules.rated_count(checked) == 0:
        raise ValidationError("Rate at least one item.")
    assessment = NdtAssessment(
        person=person,
        assessed_on=assessed_on,
        assessor=actor_user(actor),
        total=ndt_rules.total(checked),
        notes=notes,
        **checked,
    )
    assessment.full_clean()
    assessment.save()
    audit_record(
        actor=actor,
        action=NDT_RECORDED,
        target=assessment,
        person_id=person.pk,
        detail={"total": assessment.total, "rated": ndt_rules.rated_count(checked)},
    )
    list_refresh(person_ids=[person.pk])
    return assessment


@transaction.atomic
def ndt_wording_load(*, text: str, filename: str = "", actor: Any) -> int:
    """Replace the licensed NDT wording with the contents of a file; a bad file changes nothing."""
    try:
        wording = ndt_rules.parse_wording(text, filename=filename)
    except ndt_rules.NdtError as error:
        raise ValidationError(list(error.problems.values())) from None
    NdtWording.objects.all().delete()
    NdtWording.objects.bulk_create(NdtWording(item=code, level=level, text=t) for (code, level), t in wording.items())
    audit_record(actor=actor, action=NDT_WORDING_LOADED, detail={"rows": len(wording), "file": filename})
    return len(wording)


# --- Population estimates (equity) ----------------------------------------------------------------------------


def _population_groups() -> dict[str, set[str]]:
    from tide.people.models import Ethnicity, Sex

    return {
        "sex": {str(code) for code, _ in Sex.choices},
        "ethnicity": {str(code) for code, _ in Ethnicity.choices},
        "age": {band for band, _, _ in listing.AGE_BANDS} | {"Under 18"},
    }


@transaction.atomic
def population_load(*, area: Any, text: str, actor: Any) -> int:
    """Replace the area's resident estimates from CSV ``dimension,group,count[,source]``; refused whole if wrong."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or {"dimension", "group", "count"} - {f.strip() for f in reader.fieldnames}:
        raise ValidationError("The CSV needs a header row with the columns dimension, group and count (and source).")
    groups = _population_groups()
    problems: list[str] = []
    rows: dict[tuple[str, str], tuple[int, str]] = {}
    for line, row in enumerate(reader, start=2):
        dimension = (row.get("dimension") or "").strip()
        group = (row.get("group") or "").strip()
        if dimension not in groups:
            problems.append(f"Line {line}: dimension {dimension!r} must be sex, ethnicity or age.")
            continue
        if group not in groups[dimension]:
            problems.append(
                f"Line {line}: {group!r} is not a {dimension} group; use one of {', '.join(sorted(groups[dimension]))}."
            )
            continue
        try:
            count = int((row.get("count") or "").strip())
        except ValueError:
            problems.append(f"Line {line}: the count must be a whole number.")
            continue
        if count < 0:
            problems.append(f"Line {line}: the count cannot be negative.")
            continue
        if (dimension, group) in rows:
            problems.append(f"Line {line}: {dimension} {group} is given twice.")
        rows[(dimension, group)] = (count, (row.get("source") or "").strip()[:200])
    if not rows and not problems:
        problems.append("The file has no rows.")
    if problems:
        raise ValidationError(problems[:20])
    dimensions = {d for d, _ in rows}
    PopulationEstimate.objects.filter(area=area, dimension__in=dimensions).delete()
    PopulationEstimate.objects.bulk_create(
        PopulationEstimate(area=area, dimension=d, group=g, count=c, source=src) for (d, g), (c, src) in rows.items()
    )
    audit_record(
        actor=actor,
        action=IDENTIFICATION_POPULATION_LOADED,
        target=area,
        detail={"rows": len(rows), "dimensions": sorted(dimensions)},
    )
    return len(rows)
