"""Reads of the intake room, with who may see what."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.http import Http404
from django.utils import timezone

from tide.areas.models import Agency, Role
from tide.core.access import person_access
from tide.core.models import Job
from tide.intake import feeds
from tide.intake import summary as effects
from tide.intake.models import AgencyToken, ExtractFile, ExtractFormat, FeedAlert, FeedLapse, FeedSetting, NewRecord
from tide.linkage.models import PersonLink
from tide.people.models import Person
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent

IMPORT_KIND = "intake.import"


def files_for(*, user: Any) -> QuerySet[ExtractFile]:
    return ExtractFile.objects.filter(area_id=user.area_id).select_related("agency", "received_by", "format")


def file_get_for(*, user: Any, pk: int) -> ExtractFile:
    file = files_for(user=user).filter(pk=pk).first()
    if file is None:
        raise Http404("No such file in your area.")
    return file


def import_job_for(*, user: Any, pk: int) -> Job:
    """An import job the user started (administrators see every import job of their area)."""
    job = Job.objects.filter(pk=pk, kind=IMPORT_KIND).first()
    if job is None:
        raise Http404("No such upload.")
    if job.created_by_id != user.pk and getattr(user, "role", "") != Role.ADMINISTRATOR:
        raise Http404("No such upload.")
    return job


def formats_all() -> QuerySet[ExtractFormat]:
    return ExtractFormat.objects.all()


def format_get(*, code: str) -> ExtractFormat:
    fmt = ExtractFormat.objects.filter(code=code).first()
    if fmt is None:
        raise Http404("No such format.")
    return fmt


def tokens_for(*, user: Any) -> QuerySet[AgencyToken]:
    return AgencyToken.objects.filter(agency__area_id=user.area_id).select_related("agency", "created_by")


# --- the import summary -------------------------------------------------------------------------

SUMMARY_ROWS = 200  # new records listed one by one; the rest are counted


@dataclass(frozen=True)
class NewRecordRow:
    """A record the file brought, the person it is linked to (named only to a user who may see them) and
    how sure Tide is of the link."""

    record_ref: str
    person: Person | None  # None: linked to a person this user may not see, or not linked
    linked: bool
    method: str
    probability: float | None

    @property
    def probability_text(self) -> str:
        return "–" if self.probability is None else f"{self.probability:.0%}"


@dataclass(frozen=True)
class EffectView:
    heading: str
    count: int
    people: list[Person]  # those this user may see
    hidden: int  # the others, counted only


@dataclass
class FileSummary:
    file: ExtractFile
    new_records: list[NewRecordRow] = field(default_factory=list)
    new_records_not_listed: int = 0
    events_by_type: list[tuple[str, int]] = field(default_factory=list)
    effects: list[EffectView] = field(default_factory=list)


def _visible(user: Any, people: list[Person], cache: dict[int, bool]) -> list[Person]:
    """The people a user may see (need-to-know gate per person), each asked once."""
    for person in people:
        if person.pk not in cache:
            cache[person.pk] = person_access(user, person).allowed
    return [p for p in people if cache[p.pk]]


def _event_type_label(code: str) -> str:
    try:
        return event_types.get(code).label
    except KeyError:
        return code


def file_summary(*, user: Any, file: ExtractFile) -> FileSummary:
    """What an accepted file brought and changed, as this user may see it."""
    result = FileSummary(file=file)
    allowed: dict[int, bool] = {}
    news = list(NewRecord.objects.filter(file=file).select_related("record").order_by("record__record_ref"))
    shown = news[:SUMMARY_ROWS]
    result.new_records_not_listed = len(news) - len(shown)
    links = {
        link.record_id: link
        for link in PersonLink.objects.filter(
            record_id__in=[n.record_id for n in shown], ended_at__isnull=True
        ).select_related("person")
    }
    visible = {p.pk for p in _visible(user, [link.person for link in links.values()], allowed)}
    own_agency = getattr(user, "agency_id", None)
    for entry in shown:
        link = links.get(entry.record_id)
        # Need-to-know for a record (ADR 0063): its reference only to the agency that holds it, or to
        # those who may see the person it is linked to.
        ref_shown = entry.record.agency_id == own_agency or (link is not None and link.person_id in visible)
        result.new_records.append(
            NewRecordRow(
                record_ref=entry.record.record_ref if ref_shown else "",
                person=link.person if link and link.person_id in visible else None,
                linked=link is not None,
                method=link.get_method_display() if link else "",
                probability=link.probability if link else None,
            )
        )
    by_type = sorted(file.events_by_type.items(), key=lambda item: (-item[1], item[0]))
    result.events_by_type = [(_event_type_label(code), n) for code, n in by_type]
    for effect in effects.effects_of(file, list(file.person_ids)):
        people = list(Person.objects.filter(pk__in=effect.person_ids[:SUMMARY_ROWS]).order_by("family_name"))
        seen = _visible(user, people, allowed)
        result.effects.append(
            EffectView(effect.heading, len(effect.person_ids), seen, len(effect.person_ids) - len(seen))
        )
    return result


# --- feed health and the date each feed's data are complete to (ADR 0015) -----------------------


@dataclass(frozen=True)
class FeedHealth:
    """One feed of the area at a glance: when it last sent a file, its rows per month against its own
    usual, how complete its identity fields are, the date its data are complete to, and its cadence."""

    agency: Agency
    setting: FeedSetting
    last_file: ExtractFile | None
    last_received_on: dt.date | None  # the last file, or the last data of any channel
    first_event_on: dt.date | None
    last_event_on: dt.date | None
    complete_to: dt.date | None
    months: list[feeds.MonthRows]
    completeness: list[tuple[str, float, int]]  # identity column, share filled, rows it rests on
    late: bool
    due_by: dt.date | None

    @property
    def latest_month(self) -> feeds.MonthRows | None:
        return self.months[-1] if self.months else None

    @property
    def thin(self) -> bool:
        latest = self.latest_month
        return latest is not None and (latest.thin or latest.gap)

    @property
    def flagged_months(self) -> list[feeds.MonthRows]:
        return [m for m in self.months if m.thin or m.gap]

    @property
    def healthy(self) -> bool:
        return not (self.late or self.thin)


def feed_settings(*, area: Any) -> QuerySet[FeedSetting]:
    """The area's feeds: the agencies it expects extracts from."""
    return FeedSetting.objects.filter(agency__area=area).select_related("agency", "updated_by")


def feed_setting_get(*, area: Any, pk: int) -> FeedSetting:
    setting = feed_settings(area=area).filter(pk=pk).first()
    if setting is None:
        raise Http404("No such feed in your area.")
    return setting


def _ledger_spans(agency_ids: list[int]) -> dict[int, tuple[dt.date, dt.date, dt.date]]:
    """Agency -> (first event, last event, day the last data arrived), from the ledger."""
    rows = (
        ServiceEvent.objects.filter(agency_id__in=agency_ids)
        .values("agency_id")
        .annotate(first=Min("occurred_on"), last=Max("occurred_on"), arrived=Max("recorded_at"))
        .values_list("agency_id", "first", "last", "arrived")
        .order_by()
    )
    return {a: (first, last, timezone.localdate(arrived)) for a, first, last, arrived in rows}


def _last_files(agency_ids: list[int]) -> dict[int, ExtractFile]:
    latest: dict[int, ExtractFile] = {}
    for file in ExtractFile.objects.filter(agency_id__in=agency_ids).order_by("agency_id", "-received_at", "-id"):
        latest.setdefault(file.agency_id, file)
    return latest


def _monthly_rows(agency_ids: list[int], since: dt.date) -> dict[int, dict[int, int]]:
    # Grouped by day in the database (no per-row date function, which SQLite runs in Python), by month here.
    rows = (
        ServiceEvent.objects.filter(agency_id__in=agency_ids, occurred_on__gte=since)
        .values("agency_id", "occurred_on")
        .annotate(n=Count("id"))
        .values_list("agency_id", "occurred_on", "n")
        .order_by()
    )
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for agency_id, day, n in rows:
        counts[agency_id][feeds.month_of(day)] += n
    return counts


def _completeness(agency_id: int, last: ExtractFile | None) -> list[tuple[str, float, int]]:
    """Each identity column's share filled in, over the files received in the 90 days up to the last."""
    if last is None:
        return []
    since = last.received_at - dt.timedelta(days=RECENT_FILES_DAYS)
    filled: dict[str, int] = defaultdict(int)
    rows: dict[str, int] = defaultdict(int)
    for file in ExtractFile.objects.filter(agency_id=agency_id, received_at__gte=since).only("identity_filled"):
        for column, (n_filled, n_rows) in file.identity_filled.items():
            filled[column] += n_filled
            rows[column] += n_rows
    return [(column, filled[column] / rows[column], rows[column]) for column in rows if rows[column]]


RECENT_FILES_DAYS = 90


def _assess(setting: FeedSetting, span: Any, last_file: ExtractFile | None, counts: dict[int, int], today: dt.date):
    first_on, last_on, arrived = span if span else (None, None, None)
    received = timezone.localdate(last_file.received_at) if last_file else arrived
    done = feeds.complete_to(last_event_on=last_on, last_received_on=arrived) if last_on and arrived else None
    months: list[feeds.MonthRows] = []
    if done is not None and first_on is not None:
        last_month = feeds.month_of(done) if done == feeds.month_end(feeds.month_of(done)) else feeds.month_of(done) - 1
        first_month = feeds.month_of(first_on) + (0 if first_on.day == 1 else 1)  # a part month is not judged
        window_start = last_month - feeds.LOOK_BACK_MONTHS - feeds.USUAL_MONTHS + 1
        assessed = feeds.months_assessed(counts, first=max(first_month, window_start), last=last_month)
        months = assessed[-feeds.LOOK_BACK_MONTHS :]
    every, grace = setting.expected_every_days, setting.grace_days
    return FeedHealth(
        agency=setting.agency,
        setting=setting,
        last_file=last_file,
        last_received_on=received,
        first_event_on=first_on,
        last_event_on=last_on,
        complete_to=min(done, today) if done else None,
        months=months,
        completeness=_completeness(setting.agency_id, last_file),
        late=feeds.is_late(last_received_on=received, today=today, every_days=every, grace_days=grace),
        due_by=feeds.due_by(last_received_on=received, every_days=every, grace_days=grace),
    )


def feed_health(*, area: Any, today: dt.date | None = None) -> list[FeedHealth]:
    """Every feed of the area, assessed as of ``today``."""
    today = today or timezone.localdate()
    settings = list(feed_settings(area=area))
    ids = [s.agency_id for s in settings]
    spans = _ledger_spans(ids)
    since = feeds.month_start(
        feeds.month_of(max((s[1] for s in spans.values()), default=today)) - feeds.LOOK_BACK_MONTHS - feeds.USUAL_MONTHS
    )
    counts = _monthly_rows(ids, since)
    files = _last_files(ids)
    return [
        _assess(s, spans.get(s.agency_id), files.get(s.agency_id), counts.get(s.agency_id, {}), today) for s in settings
    ]


@dataclass(frozen=True)
class FeedCounts:
    feeds: int
    late: int
    thin: int
    open_alerts: int


def feed_counts(*, area: Any) -> FeedCounts:
    """The landing panel's figures, from the open alerts the daily routine keeps (cheap on every sign-in):
    how many feeds are late or thin, of how many."""
    open_alerts = list(
        FeedAlert.objects.filter(area=area, closed_on__isnull=True).values_list("agency_id", "kind").order_by()
    )
    return FeedCounts(
        feeds=feed_settings(area=area).count(),
        late=len({a for a, kind in open_alerts if kind == FeedLapse.LATE}),
        thin=len({a for a, kind in open_alerts if kind == FeedLapse.THIN}),
        open_alerts=len(open_alerts),
    )


def feed_alerts_open(*, area: Any) -> QuerySet[FeedAlert]:
    return FeedAlert.objects.filter(area=area, closed_on__isnull=True).select_related("agency")


# --- honest windows: the day figures comparing periods may run to ------------------------------


@dataclass(frozen=True)
class DataCoverage:
    """The last day every feed a figure draws on has complete data for, and the feeds that set it.

    ``complete_to`` is None when the area has no feed with data (figures then fall back to the
    ledger's last day, and say so)."""

    complete_to: dt.date | None
    limited_by: list[str]  # names of the feeds whose data stop there
    by_agency: dict[str, dt.date]  # every feed drawn on: name -> complete to

    @property
    def limited_by_text(self) -> str:
        names = self.limited_by
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def coverage_of(health: list[FeedHealth]) -> DataCoverage:
    """:func:`data_complete_to` over feeds already assessed (the feed health page has read the ledger once)."""
    by_agency = {h.agency.name: h.complete_to for h in health if h.agency.active and h.complete_to is not None}
    if not by_agency:
        return DataCoverage(None, [], {})
    earliest = min(by_agency.values())
    limited = sorted(name for name, day in by_agency.items() if day == earliest)
    return DataCoverage(earliest, limited, dict(sorted(by_agency.items(), key=lambda item: (item[1], item[0]))))


def data_complete_to(*, area: Any, event_types: list[str] | None = None, today: dt.date | None = None) -> DataCoverage:
    """Per feed of the area, the date its data are complete to, and the earliest of them: the end of
    any window that compares periods. ``event_types`` limits the feeds to those that send them (the
    feeds a figure draws on); by default every feed with data in the ledger."""
    today = today or timezone.localdate()
    settings = list(feed_settings(area=area).filter(agency__active=True))  # a retired agency limits nothing
    ids = [s.agency_id for s in settings]
    if event_types is not None:
        ids = list(
            ServiceEvent.objects.filter(agency_id__in=ids, event_type__in=event_types)
            .values_list("agency_id", flat=True)
            .distinct()
            .order_by()
        )
    names = {s.agency_id: s.agency.name for s in settings}
    by_agency = {
        names[a]: min(feeds.complete_to(last_event_on=last, last_received_on=arrived), today)
        for a, (_first, last, arrived) in _ledger_spans(ids).items()
    }
    if not by_agency:
        return DataCoverage(None, [], {})
    earliest = min(by_agency.values())
    limited = sorted(name for name, day in by_agency.items() if day == earliest)
    return DataCoverage(earliest, limited, dict(sorted(by_agency.items(), key=lambda item: (item[1], item[0]))))


def feeds_panel(user: Any) -> dict[str, Any] | None:
    """The data lead's landing panel: how many feeds are late or thin (None when the area has none)."""
    area = getattr(user, "area", None)
    if area is None or not feed_settings(area=area).exists():
        return None
    return {"counts": feed_counts(area=area)}


def agency_for_feed(*, area: Any, pk: int) -> Agency:
    agency = Agency.objects.filter(area=area, pk=pk).first()
    if agency is None:
        raise Http404("No such agency in your area.")
    return agency
