"""Reads of the identification room, with the visibility rules for the list, alerts and explanations."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tide.core.timeline import Entry
from tide.identification import caseload, listing, rules
from tide.identification import ndt as ndt_rules
from tide.identification.models import (
    Alert,
    Definition,
    ListChange,
    ListEntry,
    ListSettings,
    ListStatus,
    NdtAssessment,
    NdtWording,
    PopulationEstimate,
    ScreeningResult,
)
from tide.intake.summary import Effect
from tide.people.models import Ethnicity, Person, Sex
from tide.service_use.models import ServiceEvent

SORTS: dict[str, tuple[str, ...]] = {
    "gap": ("-gap_score", "person_id"),
    "name": ("person__family_name", "person__given_name", "person_id"),
    "identified": ("-first_identified_on", "person_id"),
    "last_event": ("-last_event_on", "person_id"),
    "ndt": ("-ndt_total", "person_id"),
    "status": ("status", "person_id"),
}


def alerts_for(user: Any, *, unseen_only: bool = False, limit: int | None = 50) -> QuerySet[Alert]:
    """The alerts addressed to ``user``, or to their team/agency, about people in their area; newest first."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "area_id", None):
        return Alert.objects.none()
    to_me = Q(recipient_id=user.pk)
    if getattr(user, "agency_id", None):
        to_me |= Q(recipient__isnull=True, agency_id=user.agency_id)
    alerts = (
        Alert.objects.filter(to_me, person__area_id=user.area_id)
        .select_related("person", "event", "event__agency")
        .order_by("seen_at", "-created_at", "-id")
    )
    if unseen_only:
        alerts = alerts.filter(seen_at__isnull=True)
    return alerts[:limit] if limit else alerts


ALERT_RELATIONSHIP_DAYS = 90


def relationship(user: Any, person: Any) -> str | None:
    """Relationship provider: Tide itself asked this user (or their team) to act on this person recently."""
    if not getattr(user, "is_authenticated", False) or getattr(person, "pk", None) is None:
        return None
    since = timezone.now() - dt.timedelta(days=ALERT_RELATIONSHIP_DAYS)
    to_me = Q(recipient_id=user.pk)
    if getattr(user, "agency_id", None):
        to_me |= Q(recipient__isnull=True, agency_id=user.agency_id)
    if Alert.objects.filter(to_me, person=person, created_at__gte=since).exists():
        return "alerted about this person by an identification trigger"
    return None


def alert_get_for(*, user: Any, pk: int) -> Alert | None:
    """The alert, if it is addressed to the user and they may see its person (need-to-know)."""
    from tide.core.access import person_access

    alert = alerts_for(user, limit=None).filter(pk=pk).first()
    return alert if alert is not None and person_access(user, alert.person).allowed else None


def alerts_visible_for(user: Any, *, limit: int = 200) -> tuple[list[Alert], int]:
    """The user's alerts about people they may see, and how many others were left out (an alert older
    than the relationship it gave, about a person nobody has asked them to see since)."""
    from tide.core.access import person_access

    rows = list(alerts_for(user, limit=limit))
    allowed: dict[int, bool] = {}
    for alert in rows:
        if alert.person_id not in allowed:
            allowed[alert.person_id] = person_access(user, alert.person).allowed
    shown = [a for a in rows if allowed[a.person_id]]
    return shown, len(rows) - len(shown)


def _has_definition(code: str) -> Q:
    return (
        Q(definitions=code)
        | Q(definitions__startswith=f"{code},")
        | Q(definitions__endswith=f",{code}")
        | Q(definitions__contains=f",{code},")
    )


def by_name_list(
    *,
    user: Any,
    status: str = "",
    definition: str = "",
    q: str = "",
    sort: str = "gap",
    on_list_only: bool = True,
) -> QuerySet[ListEntry]:
    """The by-name list of the user's area, filtered and sorted; only fields the list shows are loaded."""
    if not getattr(user, "area_id", None):
        return ListEntry.objects.none()
    entries = ListEntry.objects.filter(area_id=user.area_id).select_related("person")
    if status:
        entries = entries.filter(status=status)
    elif on_list_only:
        entries = entries.filter(status__in=[s.value for s in listing.ON_LIST])
    if definition:
        entries = entries.filter(_has_definition(definition))
    if q:
        for token in q.split()[:4]:
            entries = entries.filter(
                Q(person__given_name__icontains=token)
                | Q(person__family_name__icontains=token)
                | Q(person__known_as__icontains=token)
            )
    return entries.order_by(*SORTS.get(sort, SORTS["gap"])).only(
        "person_id",
        "status",
        "status_since",
        "first_identified_on",
        "last_event_on",
        "definitions",
        "domains_met",
        "ndt_total",
        "gap_score",
        "gap_detail",
        "person__given_name",
        "person__family_name",
        "person__known_as",
        "person__date_of_birth",
    )


@dataclass(frozen=True)
class ListFigures:
    """The by-name list's headline figures for an area (ADR 0018): every page that shows them reads this.

    ``by_status`` counts everyone the list holds, each in exactly one status, so "identified" (everyone
    ever on the list) is the sum of "on the list now" and "off the list", and each of those the sum of
    its statuses. ``by_definition`` counts people meeting each list definition now; a person may meet
    several, so those counts add up to more than the list (the pages say so)."""

    by_status: dict[str, int]
    by_definition: list[tuple[str, int]]

    def _rows(self, statuses: frozenset[str]) -> list[tuple[str, str, int]]:
        return [(s, listing.STATUS_LABELS[s], n) for s, n in self.by_status.items() if s in statuses]

    @property
    def on_list_rows(self) -> list[tuple[str, str, int]]:
        return self._rows(listing.ON_LIST)

    @property
    def off_list_rows(self) -> list[tuple[str, str, int]]:
        return self._rows(listing.OFF_LIST)

    @property
    def on_list(self) -> int:
        return sum(n for _, _, n in self.on_list_rows)

    @property
    def off_list(self) -> int:
        return sum(n for _, _, n in self.off_list_rows)

    @property
    def identified(self) -> int:
        return self.on_list + self.off_list

    @property
    def died(self) -> int:
        return self.by_status.get(ListStatus.DIED, 0)

    @property
    def on_caseload(self) -> int:
        return self.by_status.get(ListStatus.CASELOAD, 0)


def list_figures(*, area_id: int | None) -> ListFigures:
    counts = Counter(
        dict(
            ListEntry.objects.filter(area_id=area_id or 0)
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    )
    definitions = (
        Definition.objects.filter(area_id=area_id or 0, enabled=True, puts_on_list=True)
        .annotate(n=Count("results__person_id", filter=Q(results__meets=True), distinct=True))
        .order_by("order", "name")
        .values_list("name", "n")
    )
    return ListFigures(
        {s.value: counts.get(s.value, 0) for s in ListStatus},
        list(definitions),
    )


@dataclass(frozen=True)
class ListSummary:
    month_start: dt.date
    month_end: dt.date
    inflow: int
    outflow: int
    figures: ListFigures

    @property
    def on_list(self) -> int:
        return self.figures.on_list


def list_summary(*, user: Any, month: dt.date | None = None) -> ListSummary:
    start, end = listing.month_bounds(month or timezone.localdate())
    area_id: int = getattr(user, "area_id", None) or 0
    flows = ListChange.objects.filter(area_id=area_id, on__gte=start, on__lte=end).aggregate(
        inflow=Count("person_id", filter=Q(inflow=True), distinct=True),
        outflow=Count("person_id", filter=Q(outflow=True), distinct=True),
    )
    return ListSummary(start, end, flows["inflow"], flows["outflow"], list_figures(area_id=area_id))


def list_flows_by_month(*, user: Any, months: int = 6, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Inflow and outflow of the by-name list for each of the last ``months`` calendar months, newest first."""
    today = today or timezone.localdate()
    starts = [listing.month_bounds(today)[0]]
    for _ in range(months - 1):
        starts.append(listing.month_bounds(starts[-1] - dt.timedelta(days=1))[0])
    area_id: int = getattr(user, "area_id", None) or 0
    flows: dict[dt.date, dict[str, set[int]]] = {m: {"inflow": set(), "outflow": set()} for m in starts}
    for person_id, on, inflow, outflow in ListChange.objects.filter(area_id=area_id, on__gte=starts[-1]).values_list(
        "person_id", "on", "inflow", "outflow"
    ):
        month = on.replace(day=1)
        if month in flows:
            if inflow:
                flows[month]["inflow"].add(person_id)
            if outflow:
                flows[month]["outflow"].add(person_id)
    return [
        {
            "month": m,
            "inflow": len(flows[m]["inflow"]),
            "outflow": len(flows[m]["outflow"]),
            "net": len(flows[m]["inflow"]) - len(flows[m]["outflow"]),
        }
        for m in starts
    ]


def screening_never_ran(*, user: Any) -> bool:
    """True when the area has ledger events but nobody has been screened (e.g. just after a bulk load)."""
    area_id = getattr(user, "area_id", None) or 0
    return (
        not ScreeningResult.objects.filter(person__area_id=area_id).exists()
        and ServiceEvent.objects.filter(person__area_id=area_id).exists()
    )


def definitions_enabled(*, area_id: int | None) -> list[Definition]:
    """The enabled definitions of one area (each area holds its own copies, ADR 0007)."""
    return list(Definition.objects.filter(enabled=True, area_id=area_id or 0))


def definitions_using(area_id: int, code: str) -> list[str]:
    """The area's definitions (and their criteria) that count events of type ``code``."""
    uses = []
    for definition in Definition.objects.filter(area_id=area_id).order_by("name"):
        labels = [c.get("label", "") for c in definition.criteria if code in (c.get("event_types") or [])]
        if labels:
            uses.append(f"Definition: {definition.name} ({', '.join(labels)})")
    return uses


def definitions_for(*, user: Any) -> list[Definition]:
    """Every definition of the user's area, enabled or not."""
    return list(Definition.objects.filter(area_id=getattr(user, "area_id", None) or 0))


def definition_get_for(*, user: Any, code: str) -> Definition:
    """One definition of the user's area; another area's copy is not found."""
    return get_object_or_404(Definition, area_id=getattr(user, "area_id", None) or 0, code=code)


@dataclass(frozen=True)
class Explanation:
    definition: Definition
    result: rules.Result


def person_explanations(*, person: Person, as_of: dt.date | None = None) -> list[Explanation]:
    """Why a person meets (or does not meet) each enabled definition, evaluated now from their ledger."""
    as_of = as_of or timezone.localdate()
    events = [
        rules.Evidence(on, code, pk)
        for pk, code, on in ServiceEvent.objects.filter(person=person, occurred_on__lte=as_of).values_list(
            "pk", "event_type", "occurred_on"
        )
    ]
    return [
        Explanation(d, rules.evaluate(d.spec, events, as_of=as_of)) for d in definitions_enabled(area_id=person.area_id)
    ]


def list_entry_of(person: Person) -> ListEntry | None:
    return ListEntry.objects.filter(person=person).first()


def ndt_advisory_threshold(*, area_id: int) -> int | None:
    """The area's advisory NDT threshold, if it set one (no published threshold exists)."""
    return ListSettings.objects.filter(area_id=area_id).values_list("ndt_advisory_threshold", flat=True).first()


def ndt_wording() -> dict[tuple[str, int], str]:
    return {(w.item, w.level): w.text for w in NdtWording.objects.all()}


def ndt_history_for(*, person: Person) -> list[dict[str, Any]]:
    """The person's NDT assessments, oldest first, each with its total and distance travelled."""
    assessments = list(NdtAssessment.objects.filter(person=person).select_related("assessor"))
    rows = ndt_rules.history([{code: getattr(a, code) for code in ndt_rules.CODES} for a in assessments])
    wording = ndt_wording()
    for a, row in zip(assessments, rows, strict=True):
        row["assessment"] = a
        row["items"] = [
            {
                "item": item,
                "value": getattr(a, item.code),
                "text": ndt_rules.level_text(item.code, getattr(a, item.code), wording),
            }
            for item in ndt_rules.ITEMS
        ]
    return rows


def ndt_item_changes(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per item: first and latest rating and the change between them (negative = fewer problems)."""
    if len(history) < 2:
        return []
    first, last = history[0]["values"], history[-1]["values"]
    changes, _ = ndt_rules.distance(first, last)
    return [
        {"item": ndt_rules.BY_CODE[c.code], "before": c.before, "after": c.after, "change": c.change} for c in changes
    ]


# --- Equity -------------------------------------------------------------------------------------------------

NDT_SHORT_CREDIT = "NDT © South West London and St George's Mental Health NHS Trust"

DIMENSIONS = {"sex": "Sex", "ethnicity": "Ethnic group", "age": "Age band"}


def equity_report(*, user: Any, by: str, definition: str = "", today: dt.date | None = None) -> dict[str, Any]:
    """Identified and caseload rates by group against everyone the area's services know (the register), and
    each group's share of those identified against its share of residents when the area loaded estimates."""
    today = today or timezone.localdate()
    by = by if by in DIMENSIONS else "ethnicity"
    area_id: int = getattr(user, "area_id", None) or 0
    people = Person.objects.filter(area_id=area_id).values_list("pk", "sex", "ethnicity", "date_of_birth")
    listed = ListEntry.objects.filter(area_id=area_id)
    if definition:
        listed = listed.filter(_has_definition(definition))
    identified = set(listed.values_list("person_id", flat=True))
    supported = caseload.ever_supported(area_id)
    age_bands = [b[0] for b in listing.AGE_BANDS] + ["Under 18", "Not known"]
    labels: dict[str, str] = {
        "sex": {str(k): str(v) for k, v in Sex.choices},
        "ethnicity": {str(k): str(v) for k, v in Ethnicity.choices},
        "age": {b: b for b in age_bands},
    }[by]

    def group(sex: str, ethnicity: str, dob: dt.date | None) -> str:
        if by == "sex":
            return sex
        if by == "ethnicity":
            return ethnicity
        age = None if dob is None else today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        return listing.age_band(age)

    rows, overall = listing.equity_rows(
        ((group(sex, eth, dob), pk in identified, pk in supported) for pk, sex, eth, dob in people), order=list(labels)
    )
    residents = dict(PopulationEstimate.objects.filter(area_id=area_id, dimension=by).values_list("group", "count"))
    total_residents = sum(residents.values())
    shown = []
    for row in rows:
        if not row.population and row.group not in residents:
            continue
        share_identified = row.identified / overall.identified if overall.identified else None
        share_residents = residents[row.group] / total_residents if row.group in residents and total_residents else None
        small = row.identified <= 7
        shown.append(
            {
                "group": labels.get(row.group, row.group),
                "population": listing.suppress(row.population),
                "identified": listing.suppress(row.identified),
                "caseload": listing.suppress(row.caseload),
                "identified_rate": None if small else row.identified_rate,
                "caseload_rate": None if row.caseload <= 7 else row.caseload_rate,
                "identified_ratio": None
                if small
                else listing.relative_rate(row.identified_rate, overall.identified_rate),
                "caseload_ratio": None
                if row.caseload <= 7
                else listing.relative_rate(row.caseload_rate, overall.caseload_rate),
                "residents": residents.get(row.group),
                "share_residents": share_residents,
                "share_identified": None if small else share_identified,
                "representation": None
                if small or not share_residents or share_identified is None
                else share_identified / share_residents,
            }
        )
    source = (
        PopulationEstimate.objects.filter(area_id=area_id, dimension=by)
        .exclude(source="")
        .values_list("source", flat=True)
        .first()
    )
    return {
        "rows": shown,
        "overall": overall,
        "by": by,
        "label": DIMENSIONS[by],
        "has_residents": bool(residents),
        "residents_total": total_residents,
        "residents_source": source or "",
    }


# --- Timeline ----------------------------------------------------------------------------------------------


def timeline_entries(person: Any, user: Any) -> list[Entry]:
    """Identification (first met a definition) and NDT assessments, in one query for the person's timeline."""
    from django.urls import reverse

    text: CharField[str, str] = CharField()
    identified = (
        ScreeningResult.objects.filter(person=person, meets=True, first_met_on__isnull=False)
        .order_by()
        .values_list(Value("identified", output_field=text), "first_met_on", "definition__name", "n_met")
    )
    ndt_rows = (
        NdtAssessment.objects.filter(person=person)
        .order_by()
        .values_list(Value("ndt", output_field=text), "assessed_on", Value("", output_field=text), "total")
    )
    why, ndt_url = reverse("identification:person", args=[person.pk]), reverse("identification:ndt", args=[person.pk])
    entries = []
    for kind, on, name, number in identified.union(ndt_rows, all=True):
        if kind == "identified":
            entries.append(
                Entry(
                    on=on,
                    title=f"Identified: meets {name}",
                    kind="identification",
                    source="Identification",
                    detail=f"{number} criteria met",
                    url=why,
                )
            )
        else:
            entries.append(
                Entry(
                    on=on,
                    title="NDT assessment",
                    kind="assessment",
                    source="Identification",
                    detail=(f"total {number} of 48" if number is not None else "incomplete: no total")
                    + f". {NDT_SHORT_CREDIT}",
                    sensitive="health",
                    url=ndt_url,
                )
            )
    return entries


def newly_identified_after_import(file: Any, person_ids: list[int]) -> Effect:
    """For the intake's import summary: of the people an extract's events were recorded for, those who
    first joined the by-name list on or after the day it arrived."""
    since = timezone.localtime(file.received_at).date()
    joined: list[int] = []
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start : start + 5000]
        joined += ListChange.objects.filter(
            area_id=file.area_id, person_id__in=chunk, before="", inflow=True, on__gte=since
        ).values_list("person_id", flat=True)
    return Effect("Newly identified on the by-name list", sorted(set(joined)))
