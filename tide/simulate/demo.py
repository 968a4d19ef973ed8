"""The demo area: Tidemouth, its partnership and agencies, one persona per role, and a synthetic
population produced by :mod:`tide.simulate` loaded into the register and the ledger.

Everyone here is synthetic. The personas' names echo *Turning the Tide* (Jane, Charles) and are
invented; the population comes from the generator, never from real records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from tide.areas.models import Agency, Area, Role, Sector, User
from tide.areas.services import agency_create, area_create, area_set_accountable_officer, staff_create
from tide.coordination.demo import demo_coordination_load
from tide.coordination.models import SupportEpisode
from tide.core.audit import audit_record
from tide.finance.demo import demo_finance_load
from tide.identification.models import NDT_ITEMS, NdtAssessment
from tide.identification.services import definitions_install_shipped, screening_run
from tide.intake import feeds
from tide.people.models import AliasKind, IdentifierKind, Person
from tide.people.services import PersonInput, people_bulk_create
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.simulate.audit_actions import DEMO_LOADED

from .area import SyntheticArea, generate
from .config import SimConfig

AREA_CODE = "tidemouth"
DEMO_PASSWORD = "tide-demo-2026"  # noqa: S105 - printed for the demo; never used outside it

AGENCIES: dict[str, tuple[str, str]] = {
    # code: (name, sector). The simulator's agencies first, then the partnership's others.
    "police": ("Tidemouth Police", Sector.POLICE),
    "probation": ("Probation Service, Tidemouth", Sector.PROBATION),
    "prison": ("HMP Tidemouth", Sector.PRISON),
    "acute": ("Tidemouth General Hospital A&E", Sector.NHS_ACUTE),
    "ambulance": ("Coastal Ambulance Service", Sector.AMBULANCE),
    "mental_health": ("Tidemouth Mental Health Trust", Sector.MENTAL_HEALTH),
    "dat": ("Tidemouth Drug and Alcohol Service", Sector.DRUG_ALCOHOL),
    "outreach": ("Street Outreach Team", Sector.HOUSING),
    "housing": ("Tidemouth Council Housing Options", Sector.HOUSING),
    "da_service": ("Tidemouth Domestic Abuse Service", Sector.VOLUNTARY),
    "link": ("Tidemouth Link Service", Sector.VOLUNTARY),
    "asc": ("Tidemouth Adult Social Care", Sector.ADULT_SOCIAL_CARE),
    "dwp": ("Jobcentre Plus Tidemouth", Sector.DWP),
    "council": ("Tidemouth Council", Sector.OTHER),
}


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: str
    agency: str | None
    job_title: str


PERSONAS: tuple[Persona, ...] = (
    Persona("charles", "Charles", "Mensah", Role.COORDINATOR, "link", "Coordinator"),
    Persona("jane", "Jane", "Whitfield", Role.COORDINATOR, "link", "Coordinator"),
    Persona("priya", "Priya", "Shah", Role.PRACTITIONER, "acute", "A&E liaison nurse"),
    Persona("morgan", "Morgan", "Reid", Role.TEAM_MANAGER, "link", "Link Service manager"),
    Persona("helen", "Helen", "Carter", Role.ACCOUNTABLE_OFFICER, "council", "Director of Adult Social Services"),
    Persona("owen", "Owen", "Price", Role.COMMISSIONER, "council", "Commissioning lead"),
    Persona("ruth", "Ruth", "Adeyemi", Role.PRIVACY_OFFICER, "council", "Data protection officer"),
    Persona("dev", "Dev", "Kaur", Role.AUDITOR, "council", "Internal auditor"),
    Persona("admin", "Alex", "Morgan", Role.ADMINISTRATOR, "council", "Tide administrator"),
)

EXTRA_COORDINATORS = (
    "Sam Ellison",
    "Grace Achterberg",
    "Tom Nwosu",
    "Hannah Birch",
    "Ravi Menon",
    "Kate Doyle",
    "Ibrahim Sesay",
    "Lucy Farrant",
    "Megan Price",
    "Joel Hart",
    "Aisha Khan",
    "Ben Tranter",
    "Carys Lloyd",
    "Dan Mercer",
    "Esme Taylor",
    "Femi Ade",
    "Gwen Holt",
    "Harry Quinn",
    "Iris Vale",
    "Jon Stroud",
)


def _date(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _person_input(row: Any) -> PersonInput:
    identifiers: list[tuple[str, str, Agency | None]] = []
    for kind, column in (
        (IdentifierKind.NHS, "nhs_number"),
        (IdentifierKind.PNC, "pnc_id"),
        (IdentifierKind.PRISON, "prison_number"),
    ):
        if _text(getattr(row, column)):
            identifiers.append((kind, _text(getattr(row, column)), None))
    known_as = _text(row.known_as)
    return PersonInput(
        given_name=_text(row.given_name),
        family_name=_text(row.family_name),
        known_as=known_as,
        date_of_birth=_date(row.date_of_birth),
        sex=_text(row.sex) or "U",
        gender=_text(row.gender),
        ethnicity=_text(row.ethnicity) or "Z",
        address_line=_text(row.address_line),
        town=_text(row.town),
        postcode=_text(row.postcode),
        identifiers=identifiers,
        aliases=[(known_as, "", AliasKind.NICKNAME)] if known_as else [],
    )


def demo_exists() -> bool:
    return Area.objects.filter(code=AREA_CODE).exists()


@transaction.atomic
def demo_load(*, seed: int = 42, preset: str = "demo", say: Callable[[str], None] = print) -> Area:
    """Create the demo area with personas and a simulated population. Refuses if it already exists."""
    if demo_exists():
        raise ValueError("The demo area already exists; reset the database first (tide demo --reset).")
    say(f"Generating the synthetic area (preset {preset!r}, seed {seed})")
    sim = feeds_as_sent(generate(SimConfig.preset(preset, seed=seed)))
    actor = None
    area = area_create(
        name="Tidemouth",
        code=AREA_CODE,
        actor=actor,
        partnership_name="Tidemouth Multiple Disadvantage Partnership",
        vision="Everyone facing multiple disadvantage in Tidemouth has one trusted coordinator and services that say yes.",
    )
    agencies = {
        code: agency_create(area=area, name=name, code=code, sector=sector, actor=actor)
        for code, (name, sector) in AGENCIES.items()
    }
    staff = _create_staff(area, agencies)
    area_set_accountable_officer(area=area, officer=staff["helen"], actor=actor)
    say(f"Loading {len(sim.people):,} people, {len(sim.events):,} service events and {len(sim.ndt):,} NDT assessments")
    people = _load_people(area, sim)
    owner = _owners(sim)
    recent = _recent_records(sim, owner)
    say(f"Loading {len(sim.records) - len(recent):,} agency records, linked to the people they belong to")
    records = _load_records(area, sim, people, agencies, owner=owner, skip=recent)
    _load_events(sim, people, agencies, records)
    _load_ndt(sim, people)
    _load_support(sim, people, staff)
    say(f"Importing the latest extracts ({len(recent):,} new agency records) through the intake and linkage")
    _import_recent(sim, agencies, recent, actor=staff["admin"])
    _set_feeds(sim, agencies, actor=staff["admin"])
    say("Screening the ledger against the definitions (by-name list)")
    definitions_install_shipped(actor=actor)
    summary = screening_run(area_id=area.pk)
    say(f"  {summary.people:,} people screened")
    from tide.intake.services import feed_alerts_raise

    feed_alerts_raise(area=area, today=timezone.localdate(), actor=None)  # as the daily routine would
    say("Filling in coordinated support: referrals, meetings, plans, contacts, requests")
    demo_coordination_load(area=area, seed=seed, people=60, say=say)
    say("Setting up finance: pooled-budget scenarios and the business case")
    demo_finance_load(area=area, staff=staff, say=say)
    audit_record(actor=actor, action=DEMO_LOADED, target=area, detail={"seed": seed, "preset": preset})
    return area


def _create_staff(area: Area, agencies: dict[str, Agency]) -> dict[str, User]:
    staff: dict[str, User] = {}
    for persona in PERSONAS:
        staff[persona.username] = staff_create(
            area=area,
            username=persona.username,
            first_name=persona.first_name,
            last_name=persona.last_name,
            role=persona.role,
            password=DEMO_PASSWORD,
            actor=None,
            agency=agencies[persona.agency] if persona.agency else None,
            email=f"{persona.username}@tidemouth.example",
            job_title=persona.job_title,
        )
    manager = staff["morgan"]
    manager.manager = staff["helen"]
    manager.save(update_fields=["manager"])
    for i, name in enumerate(EXTRA_COORDINATORS, start=1):
        first, last = name.split(" ", 1)
        staff[f"coordinator{i:02d}"] = staff_create(
            area=area,
            username=f"coordinator{i:02d}",
            first_name=first,
            last_name=last,
            role=Role.COORDINATOR,
            password=DEMO_PASSWORD,
            actor=None,
            agency=agencies["link"],
            job_title="Coordinator",
            manager=manager,
        )
    # How people supported reach their coordinator (Ofcom's drama numbers: never a real line).
    hours = {"charles": "Monday to Friday, 9am to 5pm", "jane": "Tuesday to Saturday, 10am to 6pm"}
    for i, username in enumerate(("charles", "jane")):
        staff[username].manager = manager
        staff[username].phone = f"07700 900{401 + i}"
        staff[username].working_hours = hours[username]
        staff[username].save(update_fields=["manager", "phone", "working_hours"])
    link = agencies["link"]
    link.phone, link.hours = "0117 496 0400", "every day, 8am to 8pm"
    link.save(update_fields=["phone", "hours"])
    return staff


def _load_people(area: Area, sim: SyntheticArea) -> dict[str, Person]:
    rows = list(sim.people.itertuples(index=False))
    created = people_bulk_create(area=area, rows=[_person_input(r) for r in rows], actor=None, reason="demo area")
    by_id = {r.person_id: p for r, p in zip(rows, created, strict=True)}
    died = [(by_id[r.person_id], _date(r.died_on)) for r in rows if _date(r.died_on)]
    for person, died_on in died:
        person.died_on = died_on
    Person.objects.bulk_update([p for p, _ in died], ["died_on"], batch_size=2000)
    return by_id


# The demo's latest extracts (records first seen in the last RECENT_DAYS) arrive through the intake.
RECENT_DAYS = 90


def _owners(sim: SyntheticArea) -> dict[tuple[str, str], str]:
    """The person each agency record (agency, ref) truly belongs to."""
    keys = zip(sim.records["agency"], sim.records["record_ref"], strict=True)
    return dict(zip(keys, sim.records["person_id"], strict=True))


def _recent_records(sim: SyntheticArea, owner: dict[tuple[str, str], str]) -> set[tuple[str, str]]:
    """Records first seen in the last :data:`RECENT_DAYS` of their feed's data, of people who also have
    older records: the demo takes them in through the intake, so the model links them and the review queue
    has real pairs in it."""
    first = sim.events.groupby(["agency", "record_ref"])["event_date"].min()
    last = pd.Timestamp(sim.events["event_date"].max())
    ends = {code: min(last, pd.Timestamp(day)) for code, day in feed_ends(sim).items()}
    # each feed's own last RECENT_DAYS: a feed whose data stop early sent its latest file then
    cutoff = {code: end - pd.Timedelta(days=RECENT_DAYS) for code, end in ends.items()}
    recent = {key for key, day in first.items() if pd.Timestamp(day) >= cutoff.get(key[0], last)}
    known = {person for key, person in owner.items() if key not in recent}
    return {key for key in recent if owner[key] in known}


# The demo's feeds as the agencies sent them (issue 20): most sent their data to the end of the period,
# but the housing options team's data stop two months before it and the drug and alcohol service's one
# month before, each last file arriving a few days after its data end, so both feeds are late; the
# ambulance service sent a thin last month (one row in three). Figures that compare periods stop where
# the earliest feed's data stop (ADR 0016).
FEEDS_SHORT = {"housing": 2, "dat": 1}  # agency -> months its data stop before the period's end
THIN_LAST_MONTH = {"ambulance": 3}  # agency -> keep one row in this many of the last month
LAST_FILE_AFTER_DAYS = 5


def feed_ends(sim: SyntheticArea) -> dict[str, dt.date]:
    """The day each feed's data end in the demo."""
    end = feeds.month_of(sim.config.period_end)
    return {code: feeds.month_end(end - FEEDS_SHORT.get(code, 0)) for code in sim.extracts}


def feeds_as_sent(sim: SyntheticArea) -> SyntheticArea:
    """The simulated area with each feed's events cut where the agency's data stop (and thinned)."""
    ends = feed_ends(sim)
    last_month = feeds.month_start(feeds.month_of(sim.config.period_end))
    dropped: set[str] = set()
    for code, extract in sim.extracts.items():
        days = pd.to_datetime(extract["event_date"]).dt.date
        cut = days > ends[code]
        if code in THIN_LAST_MONTH:
            last = (days >= last_month).to_numpy()
            keep_one_in = THIN_LAST_MONTH[code]
            cut |= last & (np.cumsum(last) % keep_one_in != 0)
        dropped.update(extract.loc[cut, "event_id"])
    if not dropped:
        return sim
    events = sim.events[~sim.events["event_id"].isin(dropped)].reset_index(drop=True)
    extracts = {
        code: extract[~extract["event_id"].isin(dropped)].reset_index(drop=True)
        for code, extract in sim.extracts.items()
    }
    sent = {(code, ref) for code, extract in extracts.items() for ref in extract["record_ref"]}
    keys = zip(sim.records["agency"], sim.records["record_ref"], strict=True)
    records = sim.records[[key in sent for key in keys]].reset_index(drop=True)
    return dataclasses.replace(sim, events=events, extracts=extracts, records=records)


def _set_feeds(sim: SyntheticArea, agencies: dict[str, Agency], *, actor: User) -> None:
    """Every agency that sends an extract is a feed, expected monthly."""
    from tide.intake.services import feed_setting_save

    for code in sim.extracts:
        feed_setting_save(agency=agencies[code], expected_every_days=31, grace_days=7, actor=actor)


def _received_at(end: dt.date) -> dt.datetime:
    """When a feed whose data end on ``end`` sent its last file: a few days later (never in the future)."""
    sent = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=LAST_FILE_AFTER_DAYS), dt.time(9)))
    return min(sent, timezone.now())


def _import_recent(
    sim: SyntheticArea, agencies: dict[str, Agency], recent: set[tuple[str, str]], *, actor: User
) -> None:
    import pyarrow.csv as pacsv

    from tide.intake.models import Channel
    from tide.intake.services import extract_import, formats_load_shipped

    from .writer import to_table

    formats_load_shipped(actor=None)
    ends = feed_ends(sim)
    for code, extract in sim.extracts.items():
        rows = extract[[(code, ref) in recent for ref in extract["record_ref"]]]
        if rows.empty:
            continue
        content = io.BytesIO()
        pacsv.write_csv(to_table(rows), content, write_options=pacsv.WriteOptions(quoting_style="needed"))
        outcome = extract_import(
            agency=agencies[code],
            content=content.getvalue(),
            filename=f"{code}-latest.csv",
            channel=Channel.COMMAND,
            actor=actor,
            received_at=_received_at(ends[code]) if code in FEEDS_SHORT else None,
        )
        if not outcome.accepted:
            raise ValueError(f"The demo's {code} extract was refused: {outcome.problems[0].message}")


def _load_records(
    area: Area,
    sim: SyntheticArea,
    people: dict[str, Person],
    agencies: dict[str, Agency],
    *,
    owner: dict[tuple[str, str], str],
    skip: set[tuple[str, str]],
) -> dict[tuple[str, str], int]:
    """Each agency's records with their identities as received (typos, nicknames and all), linked to
    the person each truly belongs to: the demo starts where an area's linkage has been done and
    checked. Records in ``skip`` are left for the intake. Extracts uploaded later link against these
    records with the model."""
    from tide.linkage.models import LinkMethod
    from tide.linkage.services import identities_of, model_active, records_link_known, records_upsert
    from tide.simulate.default_model import agency_records

    ids: dict[tuple[str, str], int] = {}
    for code, extract in sim.extracts.items():
        rows = agency_records(extract)
        rows = rows[[(code, ref) not in skip for ref in rows["record_ref"]]]
        by_ref, _ = records_upsert(area=area, agency=agencies[code], identities=identities_of(rows))
        ids.update({(code, ref): record_id for ref, record_id in by_ref.items()})
    records_link_known(
        links={record_id: people[owner[key]].pk for key, record_id in ids.items()}, method=LinkMethod.DEMO, actor=None
    )
    model_active(area=area)  # the shipped model, as an area's first import would set it
    return ids


def _load_events(
    sim: SyntheticArea, people: dict[str, Person], agencies: dict[str, Agency], records: dict[tuple[str, str], int]
) -> None:
    """The events of the records loaded (the latest extracts bring the rest)."""
    events = [
        ServiceEvent(
            person=people[r.person_id],
            event_type=r.event_type,
            occurred_on=_date(r.event_date),
            agency=agencies[r.agency],
            event_id=_text(r.event_id),
            record_ref=_text(r.record_ref),
        )
        for r in sim.events.itertuples(index=False)
        if (r.agency, r.record_ref) in records
    ]
    events_record(events=events, actor=None, reason="demo area", notify=False)


def _load_ndt(sim: SyntheticArea, people: dict[str, Person]) -> None:
    NdtAssessment.objects.bulk_create(
        [
            NdtAssessment(
                person=people[r.person_id],
                assessed_on=_date(r.assessed_on),
                total=int(r.total),
                **{item: int(getattr(r, item)) for item in NDT_ITEMS},
            )
            for r in sim.ndt.itertuples(index=False)
        ],
        batch_size=5000,
    )


def _load_support(sim: SyntheticArea, people: dict[str, Person], staff: dict[str, User]) -> None:
    coordinators = [u for u in staff.values() if u.role == Role.COORDINATOR]
    supported = sim.people[sim.people["support_start"].notna()].sort_values(["support_start", "person_id"])
    episodes = []
    open_counts = {u.pk: 0 for u in coordinators}
    limit = coordinators[0].area.caseload_limit if coordinators else 15
    for i, row in enumerate(supported.itertuples(index=False)):
        ended_on = _date(row.exit_on)
        coordinator = coordinators[i % len(coordinators)]
        if ended_on is None:
            # Fill caseloads in turn without passing the area's limit.
            candidates = [u for u in coordinators if open_counts[u.pk] < limit]
            coordinator = candidates[i % len(candidates)] if candidates else None
            if coordinator is not None:
                open_counts[coordinator.pk] += 1
        episodes.append(
            SupportEpisode(
                person=people[row.person_id],
                coordinator=coordinator,
                started_on=_date(row.support_start),
                ended_on=ended_on,
                exit_destination=_text(row.exit_reason) if ended_on else "",
            )
        )
    SupportEpisode.objects.bulk_create(episodes, batch_size=2000)
