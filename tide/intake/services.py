"""Writes of the intake room: extract formats, accepted files (all or nothing), agency API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Agency, Role, User
from tide.core.actors import actor_user
from tide.core.audit import audit_deferred, audit_record
from tide.core.bulk import insert_rows
from tide.intake import validation
from tide.intake.audit_actions import (
    INTAKE_FEED_ALERT_CLOSED,
    INTAKE_FEED_ALERT_RAISED,
    INTAKE_FEED_SETTING_SAVED,
    INTAKE_FILE_ACCEPTED,
    INTAKE_FILE_REFUSED,
    INTAKE_FORMAT_SAVED,
    INTAKE_TOKEN_CREATED,
    INTAKE_TOKEN_REVOKED,
)
from tide.intake.models import (
    AgencyToken,
    Channel,
    ExtractFile,
    ExtractFormat,
    FeedAlert,
    FeedLapse,
    FeedSetting,
    NewRecord,
)
from tide.intake.selectors import feed_health
from tide.linkage import services as linkage
from tide.messages.services import message_send
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record

SHIPPED_FORMATS = Path(__file__).parent / "formats"
Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str = "") -> None:
    return None


# --- formats ------------------------------------------------------------------------------------


@transaction.atomic
def format_save(*, spec: dict[str, Any], actor: Any) -> ExtractFormat:
    """Create or update a format from its declaration; a changed declaration gets the next version."""
    try:
        validation.check_format(spec)
    except validation.FormatError as exc:
        raise ValidationError({"spec": str(exc)}) from exc
    unknown = sorted({code for code in spec["event_type"]["map"].values() if not event_types.is_known(code)})
    if unknown:
        raise ValidationError(
            {
                "spec": f"The event type map names types Tide does not know: {', '.join(unknown)}. Add them as the "
                "area's own event types first."
            }
        )
    current = ExtractFormat.objects.filter(code=spec["code"]).first()
    user = actor_user(actor)
    if current is None:
        fmt = ExtractFormat.objects.create(
            code=spec["code"], name=spec["name"], version=int(spec.get("version", 1)), spec=spec, updated_by=user
        )
    elif current.spec == spec:
        return current
    else:
        current.version += 1
        current.name, current.spec, current.updated_by = spec["name"], {**spec, "version": current.version}, user
        current.save()
        fmt = current
    audit_record(actor=actor, action=INTAKE_FORMAT_SAVED, target=fmt, detail={"code": fmt.code, "version": fmt.version})
    return fmt


def formats_load_shipped(*, actor: Any) -> list[ExtractFormat]:
    """Load (or refresh) the formats shipped in ``tide/intake/formats/``."""
    return [
        format_save(spec=json.loads(path.read_text()), actor=actor) for path in sorted(SHIPPED_FORMATS.glob("*.json"))
    ]


# --- imports ------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    file: ExtractFile | None = None
    problems: list[validation.Problem] = field(default_factory=list)
    truncated: bool = False
    repeated: int = 0  # events of the file Tide had already received (ADR 0014)
    new_rows: int = 0  # events of the file it had not

    @property
    def accepted(self) -> bool:
        return self.file is not None

    @property
    def only_repeats_stand_in_the_way(self) -> bool:
        """Refused only because some events were already received, and some are new: the data lead may take
        just the new ones (``extract_import(..., only_new=True)``)."""
        return self.file is None and self.repeated > 0 and self.new_rows > 0

    def problems_json(self) -> list[dict[str, Any]]:
        return [{"row": p.row, "column": p.column, "message": p.message} for p in self.problems]


def _refuse(*, agency: Agency, filename: str, actor: Any, outcome: ImportOutcome, sha: str) -> ImportOutcome:
    audit_record(
        actor=actor,
        action=INTAKE_FILE_REFUSED,
        target=agency,
        detail={
            "filename": filename[:200],
            "sha256": sha,
            "problems": len(outcome.problems),
            "repeated": outcome.repeated,
            "new": outcome.new_rows,
        },
    )
    return outcome


def already_received(agency: Agency, event_ids: list[str]) -> set[str]:
    """Which of these event ids the ledger already holds for this agency."""
    found: set[str] = set()
    for start in range(0, len(event_ids), 5000):
        chunk = event_ids[start : start + 5000]
        found.update(ServiceEvent.objects.filter(agency=agency, event_id__in=chunk).values_list("event_id", flat=True))
    return found


def _repeat_problems(rows: list[dict[str, Any]], event_col: str, repeats: set[str]) -> tuple[list, bool]:
    """A whole-file problem saying how many events were already received, then one per repeated row."""
    new = len(rows) - len(repeats)
    if new:
        head = (
            f"{len(repeats):,} of the {len(rows):,} events in this file were already received in earlier files; "
            f"{new:,} {'is' if new == 1 else 'are'} new. Nothing was recorded. You can import only the new events."
        )
    else:
        head = (
            f"Every event in this file ({len(rows):,}) was already received in earlier files: "
            "nothing is new and nothing was recorded."
        )
    problems = [validation.Problem(None, event_col, head)]
    for row in rows:
        if row[event_col] in repeats:
            if len(problems) > validation.MAX_ERRORS:
                return problems, True
            problems.append(
                validation.Problem(
                    row["_line"], event_col, f"Event {row[event_col]} was already received in an earlier file."
                )
            )
    return problems, False


def _events_of(rows: list[dict[str, Any]], spec: dict[str, Any], agency: Agency, person_of_ref: dict[str, int]) -> list:
    mapping, type_col = spec["event_type"]["map"], spec["event_type"]["column"]
    event_col, ref_col, date_col = spec["event_id"], spec["record_ref"], spec["event_date"]
    return [
        ServiceEvent(
            person_id=person_of_ref[row[ref_col]],
            event_type=mapping[row[type_col]],
            occurred_on=row[date_col],
            agency=agency,
            event_id=row[event_col],
            record_ref=row[ref_col],
        )
        for row in rows
    ]


def _identity_filled(rows: list[dict[str, Any]], spec: dict[str, Any]) -> dict[str, list[int]]:
    """Per identity column, [rows with it filled in, rows]: the file's part of its feed's completeness."""
    columns = [c["name"] for c in spec["columns"] if c.get("identity")]
    return {name: [sum(1 for row in rows if row.get(name) not in (None, "")), len(rows)] for name in columns}


def _identities(rows: list[dict[str, Any]], spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each agency record of the file with its identity and the date of its first event in the file."""
    identity_of = {c["name"]: c["identity"] for c in spec["columns"] if c.get("identity")}
    ref_col, date_col = spec["record_ref"], spec["event_date"]
    identities: dict[str, dict[str, Any]] = {}
    for row in rows:
        ref, when = row[ref_col], row[date_col]
        if ref not in identities:
            identities[ref] = {identity_of[name]: row[name] for name in identity_of} | {"first_seen_on": when}
        elif when < identities[ref]["first_seen_on"]:
            identities[ref]["first_seen_on"] = when
    return identities


@dataclass(frozen=True)
class _Incoming:
    agency: Agency
    fmt: ExtractFormat
    filename: str
    sha: str
    size: int
    channel: str
    actor: Any
    skipped: int
    received_at: dt.datetime | None = None


@transaction.atomic
def _take_in(incoming: _Incoming, rows: list[dict[str, Any]], progress: Progress) -> ExtractFile:
    """Record a checked file: its provenance, its records (linked) and its events, in one transaction.

    Its audit rows join the chain at the end, so the chain's lock (which every audited page view takes)
    is held for the commit only, not for the whole import (a million rows take minutes)."""
    with audit_deferred():
        return _take_in_rows(incoming, rows, progress)


def _take_in_rows(incoming: _Incoming, rows: list[dict[str, Any]], progress: Progress) -> ExtractFile:
    agency, actor, spec = incoming.agency, incoming.actor, incoming.fmt.spec
    file = ExtractFile.objects.create(
        area=agency.area,
        agency=agency,
        format=incoming.fmt,
        format_version=incoming.fmt.version,
        filename=incoming.filename[:255],
        sha256=incoming.sha,
        size_bytes=incoming.size,
        channel=incoming.channel,
        received_by=actor_user(actor),
        row_count=len(rows) + incoming.skipped,
        skipped_count=incoming.skipped,
    )
    if incoming.received_at is not None:  # a file of the area's history, received before Tide took it in
        ExtractFile.objects.filter(pk=file.pk).update(received_at=incoming.received_at)
        file.received_at = incoming.received_at
    identities = _identities(rows, spec)
    progress(0.4, f"Linking {len(identities):,} agency records")
    record_of, new = linkage.records_upsert(area=agency.area, agency=agency, identities=identities)
    insert_rows(NewRecord, ["file", "record"], ((file.pk, int(pk)) for pk in new["id"]))
    linkage.records_link(area=agency.area, records=new, actor=actor, progress=lambda f, m: progress(0.4 + 0.4 * f, m))
    person_of = linkage.current_person_ids(record_of.values())
    progress(0.85, f"Recording {len(rows):,} events in the ledger")
    events = _events_of(rows, spec, agency, {ref: person_of[pk] for ref, pk in record_of.items()})
    events_record(events=events, actor=actor, reason=f"extract {file.pk} from {agency.code}")
    file.record_count, file.new_record_count, file.event_count = len(record_of), len(new), len(events)
    file.events_by_type = dict(sorted(Counter(e.event_type for e in events).items()))
    file.person_ids = sorted({e.person_id for e in events})
    dates = [e.occurred_on for e in events]
    file.first_event_on, file.last_event_on = (min(dates), max(dates)) if dates else (None, None)
    file.identity_filled = _identity_filled(rows, spec)
    file.save(
        update_fields=[
            "record_count",
            "new_record_count",
            "event_count",
            "events_by_type",
            "person_ids",
            "first_event_on",
            "last_event_on",
            "identity_filled",
        ]
    )
    FeedSetting.objects.get_or_create(agency=agency)  # the agency is a feed from its first file (ADR 0015)
    detail = {"agency": agency.code, "rows": file.row_count, "sha256": incoming.sha, "channel": incoming.channel}
    if incoming.skipped:
        detail |= {"only_new": True, "already_received_left_out": incoming.skipped}
    audit_record(actor=actor, action=INTAKE_FILE_ACCEPTED, target=file, detail=detail)
    return file


def _refusal(problem: str) -> ImportOutcome:
    return ImportOutcome(problems=[validation.Problem(None, "", problem)])


def _earlier_copy(agency: Agency, sha: str) -> str:
    earlier = ExtractFile.objects.filter(agency=agency, sha256=sha).first()
    if earlier is None:
        return ""
    return (
        f"This file was already accepted on {timezone.localtime(earlier.received_at):%d %B %Y at %H:%M} "
        f"as “{earlier.filename}”: the same file is not taken twice."
    )


def extract_import(
    *,
    agency: Agency,
    content: bytes,
    filename: str,
    channel: str,
    actor: Any,
    progress: Progress = _no_progress,
    only_new: bool = False,
    received_at: dt.datetime | None = None,
) -> ImportOutcome:
    """Validate an extract and, only when every row is good, take all of it in; else write nothing.

    Events whose agency event id the ledger already holds are refused with the file (each named). With
    ``only_new`` (the data lead's confirmed choice after such a refusal) the file is checked again whole
    and, when nothing but repeats stood in the way, only its new events are taken in, in one transaction;
    a file with no new event is refused either way. ``received_at`` says when a file of the area's
    history was really received (loading that history, as the demo does); by default, now."""
    sha = hashlib.sha256(content).hexdigest()
    fmt = ExtractFormat.objects.filter(code=agency.code).first()
    problem = f"No extract format is declared for {agency}." if fmt is None else _earlier_copy(agency, sha)
    if fmt is None or problem:
        return _refuse(agency=agency, filename=filename, actor=actor, outcome=_refusal(problem), sha=sha)
    progress(0.02, "Checking the file")
    result = validation.validate(
        content,
        filename=filename,
        spec=fmt.spec,
        today=timezone.localdate(),
        stop=lambda n: progress(min(0.35, 0.02 + n / 3_000_000), f"Checked {n:,} rows"),
    )
    if not result.ok:
        outcome = ImportOutcome(problems=result.problems, truncated=result.truncated)
        return _refuse(agency=agency, filename=filename, actor=actor, outcome=outcome, sha=sha)
    event_col = fmt.spec["event_id"]
    repeats = already_received(agency, [row[event_col] for row in result.rows])
    rows = [row for row in result.rows if row[event_col] not in repeats]
    if repeats and not (only_new and rows):
        problems, truncated = _repeat_problems(result.rows, event_col, repeats)
        outcome = ImportOutcome(problems=problems, truncated=truncated, repeated=len(repeats), new_rows=len(rows))
        return _refuse(agency=agency, filename=filename, actor=actor, outcome=outcome, sha=sha)
    incoming = _Incoming(
        agency, fmt, filename, sha, len(content), channel, actor, skipped=len(repeats), received_at=received_at
    )
    try:
        file = _take_in(incoming, rows, progress)
    except IntegrityError:  # another file brought some of the same events in meanwhile
        outcome = _refusal(
            "Some of these events reached Tide from another file while this one was checked: send it again."
        )
        return _refuse(agency=agency, filename=filename, actor=actor, outcome=outcome, sha=sha)
    progress(1.0, "Accepted")
    return ImportOutcome(file=file, repeated=len(repeats), new_rows=len(rows))


# --- feeds: the expected cadence and late or thin feed alerts (ADR 0015) -------------------------


@transaction.atomic
def feed_setting_save(*, agency: Agency, expected_every_days: int, grace_days: int, actor: Any) -> FeedSetting:
    """Set how often the area expects the agency's extract (making it a feed if it was not)."""
    if not 1 <= expected_every_days <= 366:
        raise ValidationError({"expected_every_days": "Enter a number of days from 1 to 366."})
    if not 0 <= grace_days <= 90:
        raise ValidationError({"grace_days": "Enter a number of days from 0 to 90."})
    setting, _ = FeedSetting.objects.get_or_create(agency=agency)
    before = {"expected_every_days": setting.expected_every_days, "grace_days": setting.grace_days}
    setting.expected_every_days, setting.grace_days = expected_every_days, grace_days
    setting.updated_by = actor_user(actor)
    setting.full_clean()
    setting.save()
    after = {"expected_every_days": expected_every_days, "grace_days": grace_days}
    audit_record(
        actor=actor,
        action=INTAKE_FEED_SETTING_SAVED,
        target=setting,
        detail={"agency": agency.code, "before": before, "after": after},
    )
    return setting


def _lapses(health: Any) -> list[tuple[str, str, str]]:
    """(kind, lapse key, summary) of each way a feed is not healthy today; the key names the lapse, so
    the same lapse is raised once however many days it lasts."""
    found: list[tuple[str, str, str]] = []
    if health.late:
        since = health.last_received_on.isoformat() if health.last_received_on else "never"
        day = health.last_received_on
        last = f"{day.day} {day:%B %Y}" if day else "never"
        found.append(
            (
                FeedLapse.LATE,
                f"since-{since}",
                f"No file from {health.agency.name} since {last}; one was expected every "
                f"{health.setting.expected_every_days} days.",
            )
        )
    if health.thin:
        month = health.latest_month
        what = "no rows" if month.gap else f"{month.rows:,} rows against a usual {month.usual:,.0f}"
        found.append((FeedLapse.THIN, f"month-{month.label}", f"{health.agency.name} sent {what} for {month.label}."))
    return found


def feed_alerts_raise(*, area: Any, today: dt.date, actor: Any = None) -> list[FeedAlert]:
    """Raise an alert for each late or thin feed of the area not already raised for the same lapse,
    tell the area's data leads (in Tide, and by message unless they chose Tide only), and close the
    alerts of feeds that are healthy again. Safe to run every day."""
    raised: list[FeedAlert] = []
    for health in feed_health(area=area, today=today):
        current = _lapses(health)
        with transaction.atomic():
            keys = {(kind, lapse) for kind, lapse, _ in current}
            for alert in FeedAlert.objects.select_for_update().filter(agency=health.agency, closed_on__isnull=True):
                if (alert.kind, alert.lapse) not in keys:
                    alert.closed_on = today
                    alert.save(update_fields=["closed_on"])
                    audit_record(actor=actor, action=INTAKE_FEED_ALERT_CLOSED, target=alert)
            for kind, lapse, summary in current:
                alert, made = FeedAlert.objects.get_or_create(
                    agency=health.agency,
                    kind=kind,
                    lapse=lapse,
                    defaults={"area": area, "summary": summary[:300], "raised_on": today},
                )
                if made:
                    audit_record(
                        actor=actor,
                        action=INTAKE_FEED_ALERT_RAISED,
                        target=alert,
                        detail={"agency": health.agency.code, "kind": kind},
                    )
                    _tell_data_leads(alert, actor=actor)
                    raised.append(alert)
    return raised


DATA_LEAD_ROLES = (Role.ADMINISTRATOR, Role.TEAM_MANAGER)  # who may see the intake pages


def _tell_data_leads(alert: FeedAlert, *, actor: Any) -> None:
    """A message to each data lead of the area (messages room; their staff choices are honoured there).
    A feed alert names an agency and a month, never a person."""
    for lead in User.objects.filter(area=alert.area, role__in=DATA_LEAD_ROLES, is_active=True).order_by("pk"):
        message_send(
            kind="feed_lapsed",
            to_user=lead,
            context={
                "agency": alert.agency.name,
                "lapse": alert.get_kind_display().lower(),
                "summary": alert.summary,
                "link": settings.TIDE_SITE_URL + reverse("intake:feeds"),
            },
            actor=actor,
            about=f"intake.feedalert:{alert.pk}",
        )


# --- agency API tokens --------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, agency: Agency, label: str, actor: Any) -> tuple[AgencyToken, str]:
    """Issue a token for an agency system; the secret is returned once and only its hash is kept."""
    if not label.strip():
        raise ValidationError({"label": "Give the token a label, such as the system that will use it."})
    secret = f"tide_{secrets.token_urlsafe(32)}"
    token = AgencyToken.objects.create(
        agency=agency, label=label.strip()[:200], token_hash=token_hash(secret), created_by=actor
    )
    audit_record(actor=actor, action=INTAKE_TOKEN_CREATED, target=token, detail={"agency": agency.code})
    return token, secret


@transaction.atomic
def token_revoke(*, token: AgencyToken, actor: Any) -> AgencyToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=INTAKE_TOKEN_REVOKED, target=token)
    return token


def token_agency(secret: str) -> Agency | None:
    """The agency a presented token belongs to, or ``None`` when it is unknown or revoked."""
    if not secret:
        return None
    token = (
        AgencyToken.objects.select_related("agency__area")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    AgencyToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.agency


__all__ = ["Channel", "ImportOutcome", "extract_import", "format_save", "formats_load_shipped"]
