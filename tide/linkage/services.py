"""Writes of the linkage room: source records, soft links to people, review decisions, model versions.

Linking is incremental: new records are scored against each other and against records already
linked, with the area's active model, and never move a record that is already linked. People decide
the uncertain band; their decisions are remembered (a rejected pair is never proposed again, a split
stays split) and every change of a link ends one row and starts another, so it can be undone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from tide.areas.models import Agency, Area
from tide.core.actors import actor_pk, actor_user
from tide.core.audit import audit_record
from tide.core.bulk import allocate_ids, chunks, insert_rows, now_stored
from tide.linkage import engine, grouping, linking, model
from tide.linkage.audit_actions import (
    LINKAGE_LINK_UNDONE,
    LINKAGE_MODEL_TRAINED,
    LINKAGE_PAIR_DECIDED,
    LINKAGE_RECORD_SPLIT,
    LINKAGE_RECORDS_EXPORTED,
    LINKAGE_RECORDS_LINKED,
    LINKAGE_THRESHOLDS_SET,
)
from tide.linkage.models import (
    Decision,
    LinkMethod,
    MatchCandidate,
    ModelVersion,
    PairDecision,
    PersonLink,
    SourceRecord,
)
from tide.linkage.normalise import linkage_frame, present, stated_year
from tide.people.models import DobPrecision, IdentifierKind, Person, PersonIdentifier
from tide.people.services import PersonInput, people_bulk_create, person_create
from tide.service_use.services import events_move

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "initials",
    "date_of_birth",
    "birth_year",
    "estimated_age",
    "first_seen_on",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "pnc_id",
    "prison_number",
)
RECORD_COLUMNS = ("id", "record_ref", *IDENTITY_FIELDS)
# A SourceRecord, or a row of an identity frame: the same field names either way.
Record = Any
Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str = "") -> None:
    return None


_pair = linking.ordered_pair


# --- source records -----------------------------------------------------------------------------


def _identity_values(identity: dict[str, Any]) -> tuple[Any, ...]:
    """An agency record's identity as stored: text trimmed to its field, numbers as ints, blanks empty."""

    def text(key: str, limit: int, upper: bool = False) -> str:
        value = identity.get(key)
        value = str(value).strip()[:limit] if present(value) else ""
        return value.upper() if upper else value

    def number(key: str) -> int | None:
        value: Any = identity.get(key)
        return int(float(value)) if present(value) else None

    def date(key: str) -> dt.date | None:
        value = identity.get(key)
        if not present(value) or not isinstance(value, dt.date):
            return None
        return value.date() if isinstance(value, dt.datetime) else value  # a timestamp: its day

    return (
        text("given_name", 100),
        text("family_name", 100),
        text("initials", 5),
        date("date_of_birth"),
        number("birth_year"),
        number("estimated_age"),
        date("first_seen_on"),
        text("sex", 1),
        text("address", 200),
        text("postcode", 10, upper=True),
        text("nhs_number", 10),
        text("pnc_id", 20, upper=True),
        text("prison_number", 10, upper=True),
    )


def identities_of(records: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Identities by record ref from a frame of one row per record (``record_ref`` and any of the
    :data:`IDENTITY_FIELDS`; other columns are ignored), as :func:`records_upsert` takes them."""
    fields = [c for c in records.columns if c in IDENTITY_FIELDS]
    rows = records[fields].itertuples(index=False)
    return {
        ref: dict(zip(fields, values, strict=True)) for ref, values in zip(records["record_ref"], rows, strict=True)
    }


def identity_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """Records as a frame: ``id``, ``record_ref`` and the :data:`IDENTITY_FIELDS`, values as stored."""
    return pd.DataFrame(list(rows), columns=list(RECORD_COLUMNS), dtype=object)


def records_upsert(
    *, area: Area, agency: Agency, identities: dict[str, dict[str, Any]]
) -> tuple[dict[str, int], pd.DataFrame]:
    """Every record of ``identities`` by ref → record id (existing or new), and the new records'
    identity frame (:func:`identity_frame`).

    A record already known keeps the identity it first arrived with: a later file describing it
    differently does not rewrite history (the agency's record is the same record). Rows are written
    without building model instances: a whole area's first load is a million records.
    """
    refs = list(identities)
    ids: dict[str, int] = {}
    for chunk in chunks(refs):
        ids.update(SourceRecord.objects.filter(agency=agency, record_ref__in=chunk).values_list("record_ref", "id"))
    new_refs = [ref for ref in refs if ref not in ids]
    values = [_identity_values(identities[ref]) for ref in new_refs]
    new_ids = allocate_ids(SourceRecord, len(new_refs))
    ops = connection.ops
    dates = [IDENTITY_FIELDS.index(f) for f in ("date_of_birth", "first_seen_on")]
    now = now_stored()
    family = IDENTITY_FIELDS.index("family_name")
    insert_rows(
        SourceRecord,
        [*RECORD_COLUMNS, "family_key", "area", "agency", "created_at"],
        (
            (
                record_id,
                ref,
                *(ops.adapt_datefield_value(v) if i in dates else v for i, v in enumerate(row)),
                SourceRecord.family_key_for(row[family]),
                area.pk,
                agency.pk,
                now,
            )
            for record_id, ref, row in zip(new_ids, new_refs, values, strict=True)
        ),
    )
    ids.update(zip(new_refs, new_ids, strict=True))
    return ids, identity_frame((i, ref, *row) for i, ref, row in zip(new_ids, new_refs, values, strict=True))


def _links_insert(rows: Iterable[tuple[int, int, str, float | None, int | None]], actor: Any) -> int:
    """Write first links: (record id, person id, method, probability, model version id) each."""
    now, user = now_stored(), actor_pk(actor)
    return insert_rows(
        PersonLink,
        ["record", "person", "method", "probability", "model", "created_by", "created_at", "pinned", "end_reason"],
        ((*row, user, now, False, "") for row in rows),
    )


def records_link_known(*, links: dict[int, int], method: str, actor: Any) -> int:
    """Link records to people already decided elsewhere (record id → person id), e.g. a demo area's
    ground truth; later records link against them with the model. Returns the number of links."""
    return _links_insert(((record_id, person_id, method, None, None) for record_id, person_id in links.items()), actor)


# --- model versions -----------------------------------------------------------------------------


def model_active(*, area: Area) -> ModelVersion:
    """The area's active model; the first time, the shipped model trained on the synthetic area."""
    current = ModelVersion.objects.filter(area=area, active=True).first()
    if current is not None:
        return current
    shipped = json.loads(model.DEFAULT_MODEL_PATH.read_text())
    return ModelVersion.objects.create(
        area=area,
        name=model.MODEL_NAME,
        trained=shipped["trained"],
        term_frequencies=shipped.get("term_frequencies", {}),
        upper=model.DEFAULT_UPPER,
        lower=model.DEFAULT_LOWER,
        trained_on=shipped.get("trained_on", 0),
        note="Shipped starting parameters, estimated from Tide's synthetic demo area. Retrain on the area's own records.",
        active=True,
    )


@transaction.atomic
def model_thresholds_set(*, version: ModelVersion, upper: float, lower: float, actor: Any) -> ModelVersion:
    if not (0.5 <= lower <= upper < 1.0):
        raise ValidationError("Thresholds need 0.5 ≤ lower ≤ upper < 1.")
    old = {"upper": version.upper, "lower": version.lower}
    version.upper, version.lower = upper, lower
    version.save(update_fields=["upper", "lower"])
    audit_record(
        actor=actor,
        action=LINKAGE_THRESHOLDS_SET,
        target=version,
        detail={"old": old, "upper": upper, "lower": lower},
    )
    return version


def _frame(records: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The linkage frame of records given as an identity frame."""
    return engine.typed(linkage_frame(records["id"].to_numpy(dtype="int64"), records, today=today))


# The known records of an area as a linkage frame, kept between runs in this process. Every change of
# a link adds a PersonLink row (ending one starts another), so the newest link id is the signature.
_known_cache: dict[int, tuple[int, pd.DataFrame, dict[int, int]]] = {}


def _links_signature() -> int:
    return PersonLink.objects.aggregate(newest=Max("id"))["newest"] or 0


def known_frame(*, area: Area, signature: int | None = None) -> tuple[pd.DataFrame, dict[int, int]]:
    """Every currently linked record of the area as a linkage frame, and record id → person id.

    ``signature`` is the newest link id when the caller has just read it.
    """
    signature = _links_signature() if signature is None else signature
    cached = _known_cache.get(area.pk)
    if cached is not None and cached[0] == signature:
        return cached[1], cached[2]
    links = dict(
        PersonLink.objects.filter(record__area=area, ended_at__isnull=True).values_list("record_id", "person_id")
    )
    # An area's first load has no links yet, so none of its records need be read (a million take seconds).
    rows = (
        SourceRecord.objects.filter(area=area).values_list(*RECORD_COLUMNS).iterator(chunk_size=20000) if links else ()
    )
    frame = _frame(identity_frame(row for row in rows if row[0] in links), timezone.localdate())
    transaction.on_commit(lambda: _known_cache.__setitem__(area.pk, (signature, frame, links)))
    return frame, links


def _known_cache_extend(
    area: Area, new: pd.DataFrame, assignment: dict[int, int], before: tuple[pd.DataFrame, dict[int, int]], since: int
) -> None:
    """After a run that only added links, grow the cache by the new records instead of rebuilding it.

    Only when nobody else changed links meanwhile: the links added since ``since`` are this run's.
    """
    frame, links = before
    if PersonLink.objects.filter(id__gt=since).count() != len(assignment):
        _known_cache.pop(area.pk, None)
        return
    added = new[new["unique_id"].isin(assignment)]
    both = pd.concat([frame, added], ignore_index=True) if not frame.empty else added.reset_index(drop=True)
    grown = (_links_signature(), both, {**links, **assignment})
    transaction.on_commit(lambda: _known_cache.__setitem__(area.pk, grown))


@transaction.atomic
def model_train(*, area: Area, actor: Any, progress: Progress = _no_progress) -> ModelVersion:
    """Estimate the model's parameters from the area's records and make it the active version."""
    frame, _ = known_frame(area=area)
    return model_train_on(area=area, frame=frame, actor=actor, progress=progress)


@transaction.atomic
def model_train_on(*, area: Area, frame: pd.DataFrame, actor: Any, progress: Progress = _no_progress) -> ModelVersion:
    """Estimate the parameters from the given linkage frame (a first load trains on its own records)."""
    if len(frame) < 500:
        raise ValidationError("At least 500 linked records are needed to estimate the model's parameters.")
    progress(0.2, f"Estimating parameters from {len(frame):,} records")
    placeholders = engine.placeholder_dobs(frame["dob"])
    trained = engine.train(engine.blank_placeholders(frame, placeholders))
    previous = ModelVersion.objects.filter(area=area, active=True).first()
    ModelVersion.objects.filter(area=area, active=True).update(active=False)
    version = ModelVersion.objects.create(
        area=area,
        name=model.MODEL_NAME,
        trained=trained,
        upper=previous.upper if previous else model.DEFAULT_UPPER,
        lower=previous.lower if previous else model.DEFAULT_LOWER,
        placeholder_dobs=sorted(placeholders),
        term_frequencies=engine.term_frequencies(frame),
        trained_on=len(frame),
        note="Estimated from the area's own records.",
        active=True,
        created_by=actor_user(actor),
    )
    audit_record(actor=actor, action=LINKAGE_MODEL_TRAINED, target=version, detail={"records": len(frame)})
    progress(1.0, "Model trained")
    return version


# --- linking ------------------------------------------------------------------------------------


@dataclass
class LinkSummary:
    records: int = 0
    to_known: int = 0
    new_people: int = 0
    queued_for_review: int = 0
    best_matches: int = 0  # records left alone, linked meanwhile to their likeliest person (engine.likely_people)
    mapping: dict[int, int] = field(default_factory=dict)  # record id → person id


def _blocked_pairs(record_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Pairs whose latest human decision is 'not the same person'."""
    latest: dict[tuple[int, int], str] = {}
    if not PairDecision.objects.exists():
        return set()
    for chunk in chunks(record_ids):
        for a, b, decision in (
            PairDecision.objects.filter(Q(record_a__in=chunk) | Q(record_b__in=chunk))
            .order_by("decided_at", "id")
            .values_list("record_a_id", "record_b_id", "decision")
        ):
            latest[(a, b)] = decision
    return {pair for pair, decision in latest.items() if decision == Decision.NO_MATCH}


def _people_asked_about(area: Area, person_of: dict[int, int]) -> set[tuple[int, int]]:
    """The pairs of people that a review candidate already asks about, whatever its status (a decided
    one that left them apart is a "not the same person")."""
    asked = set()
    for a, b in MatchCandidate.objects.filter(area=area).values_list("record_a_id", "record_b_id").iterator():
        x, y = person_of.get(a), person_of.get(b)
        if x is not None and y is not None and x != y:
            asked.add(_pair(x, y))
    return asked


def _person_input(record: Record, today: dt.date) -> PersonInput:
    dob = record.date_of_birth
    precision = DobPrecision.EXACT
    if dob is not None and (dob.year < 1901 or dob > today):
        dob = None
    if dob is None and record.birth_year:
        dob, precision = dt.date(record.birth_year, 7, 1), DobPrecision.YEAR
    elif dob is None and record.estimated_age:
        born = stated_year(record.first_seen_on, today) - record.estimated_age
        dob, precision = dt.date(born, 7, 1), DobPrecision.ESTIMATED
    given = record.given_name or record.initials
    family = record.family_name
    return PersonInput(
        given_name=given.title() if given.isupper() else given,
        family_name=family.title() if family.isupper() else family,
        known_as="" if given or family else record.record_ref,
        date_of_birth=dob,
        dob_precision=precision,
        sex=record.sex if record.sex in ("F", "M") else "U",
        postcode=record.postcode,
    )


def _completeness(record: Record) -> int:
    return sum(
        bool(v)
        for v in (record.given_name, record.family_name, record.date_of_birth, record.postcode, record.nhs_number)
    )


def _identifiers_for(records: list[Record], taken: set[tuple[str, str]]) -> list[tuple[str, str, Agency | None]]:
    found: list[tuple[str, str, Agency | None]] = []
    for record in records:
        for kind, value in (
            (IdentifierKind.NHS, record.nhs_number),
            (IdentifierKind.PNC, record.pnc_id),
            (IdentifierKind.PRISON, record.prison_number),
        ):
            if value and (kind, value) not in taken:
                taken.add((kind, value))
                found.append((kind, value, None))
    return found


def _unlinked(records: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, Record]]:
    """The records of ``records`` that have no current link yet, and each of them by id, as a light row
    with the record's field names."""
    # Records just added have the highest ids: when no link reaches that far, none of them is linked.
    first = int(records["id"].min()) if len(records) else 0
    linked_already = (
        current_person_ids(records["id"]) if PersonLink.objects.filter(record_id__gte=first).exists() else {}
    )
    if linked_already:
        records = records[~records["id"].isin(linked_already)]
    return records, {int(r.id): r for r in records.itertuples(index=False, name="Record")}


def _scored_pairs(
    *,
    new: pd.DataFrame,
    known: pd.DataFrame,
    new_ids: Collection[int],
    known_person: dict[int, int],
    version: ModelVersion,
    pairs: pd.DataFrame | None,
    progress: Progress,
) -> pd.DataFrame:
    """The pairs that count for the new records, scored here or (``pairs``) on Spark, less those a
    person decided are not the same person."""
    floor = model.evidence_floor(version.lower)  # weaker pairs count too, for records left alone
    if pairs is None:
        progress(0.2, f"Scoring {len(new):,} new records against {len(known):,} known")
        # How common a name is: among the area's records once there are more of them than the model was
        # trained on, until then among the training records (a handful would make any name common).
        tf = None if len(known) + len(new) >= version.trained_on else version.term_frequencies
        pairs = engine.predict_new(new, known, version.trained, threshold=floor, tf=tf)
    else:
        pairs = linking.pairs_between(pairs, new=new_ids, known=known_person, floor=floor)
    return linking.without_blocked(pairs, _blocked_pairs(new_ids))


def _group(
    *, new: pd.DataFrame, known: pd.DataFrame, pairs: pd.DataFrame, known_person: dict[int, int], version: ModelVersion
) -> tuple[pd.Series, pd.DataFrame]:
    """New records join each other and known people by strong pairs that do not contradict each other;
    then each record left alone joins the person it most probably belongs to (engine.people)."""
    n_known = len(known_person)  # a million records' dict: np.fromiter is five times faster than pd.Series(dict)
    person_of = pd.Series(
        np.fromiter(known_person.values(), "int64", n_known), index=np.fromiter(known_person.keys(), "int64", n_known)
    )
    checked = ["unique_id", *grouping.CHECKED]
    return engine.people(
        pd.concat([new[checked], known[checked]]) if not known.empty else new[checked],
        pairs,
        upper=version.upper,
        lower=version.lower,
        person_of=person_of,
    )


def _people_for(groups: list[list[Record]], *, area: Area, today: dt.date, actor: Any) -> dict[int, int]:
    """A new person for each group of new records, from its most complete record, with the group's
    identifiers that no person holds yet. Returns record id → new person id."""
    values = [v for group in groups for r in group for v in (r.nhs_number, r.pnc_id, r.prison_number) if v]
    taken: set[tuple[str, str]] = set()
    for chunk in chunks(values):
        taken.update(
            PersonIdentifier.objects.filter(
                kind__in=[IdentifierKind.NHS, IdentifierKind.PNC, IdentifierKind.PRISON], value__in=chunk
            ).values_list("kind", "value")
        )
    inputs = []
    for group in groups:
        data = _person_input(max(group, key=_completeness), today)
        data.identifiers = _identifiers_for(group, taken)
        inputs.append(data)
    people = people_bulk_create(area=area, rows=inputs, actor=actor, reason="linkage: new people from agency records")
    return {int(record.id): person.pk for group, person in zip(groups, people, strict=True) for record in group}


def _queue_for_review(
    *,
    area: Area,
    pairs: pd.DataFrame,
    joins: pd.DataFrame,
    person_of: dict[int, int],
    known_person: dict[int, int],
    version: ModelVersion,
) -> int:
    """The uncertain band (and strong pairs that the grouping left apart) go to review, one question for
    each two people: their strongest pair of records, unless the two people have been asked about
    already. Each record left alone that joined its likeliest person, linked meanwhile, goes too, by
    its strongest pair with them: a reviewer confirms it or separates it. Returns how many were queued."""
    uncertain = pairs[pairs["match_probability"] >= version.lower]
    strongest = linking.strongest_between_people(uncertain, person_of=person_of)
    asked = _people_asked_about(area, known_person) if strongest and known_person else set()
    candidates = linking.review_questions(strongest, joins, asked=asked)
    now = now_stored()
    return insert_rows(
        MatchCandidate,
        ["area", "record_a", "record_b", "probability", "model", "status", "created_at"],
        ((area.pk, a, b, p, version.pk, MatchCandidate.Status.OPEN, now) for (a, b), p in candidates.items()),
    )


@transaction.atomic
def records_link(
    *,
    area: Area,
    records: pd.DataFrame,
    actor: Any,
    progress: Progress = _no_progress,
    pairs: pd.DataFrame | None = None,
) -> LinkSummary:
    """Link records that have no current link: to a known person, to each other, or to a new person.

    ``records`` is an identity frame, as :func:`records_upsert` returns for the records it adds.
    ``pairs`` (record ids ``unique_id_l``, ``unique_id_r`` and ``match_probability``) are pairs the
    active model scored elsewhere, on Spark: given, they are used instead of scoring here; only those
    between these records, or between one of them and a linked record, count.
    """
    summary = LinkSummary()
    records, new_records = _unlinked(records)
    summary.records = len(new_records)
    if not new_records:
        return summary
    today = timezone.localdate()
    version = model_active(area=area)
    progress(0.05, "Reading the people already known")
    since = _links_signature()
    known_before = known_frame(area=area, signature=since)
    known, known_person = known_before
    new_raw = _frame(records, today)
    placeholders = set(version.placeholder_dobs) | engine.placeholder_dobs(
        pd.concat([known["dob"], new_raw["dob"]]) if not known.empty else new_raw["dob"]
    )
    known, new = engine.blank_placeholders(known, placeholders), engine.blank_placeholders(new_raw, placeholders)
    pairs = _scored_pairs(
        new=new,
        known=known,
        new_ids=new_records,
        known_person=known_person,
        version=version,
        pairs=pairs,
        progress=progress,
    )
    progress(0.5, "Grouping records into people")
    label_of, joins = _group(new=new, known=known, pairs=pairs, known_person=known_person, version=version)
    summary.best_matches = len(joins)
    progress(0.6, "Writing links")
    assignment, groups = linking.split_groups(label_of)  # record id → person id, for known people first
    summary.to_known = len(assignment)
    created = _people_for([[new_records[i] for i in g] for g in groups], area=area, today=today, actor=actor)
    assignment.update(created)
    summary.new_people = len(groups)
    everyone = {**known_person, **assignment}
    best = dict(zip((int(i) for i in joins.index), joins["probability"], strict=True))
    strong = pairs[pairs["match_probability"] >= version.upper]
    probability_of = linking.link_probabilities(strong, best, person_of=everyone, new=new_records)

    def method(record_id: int) -> str:
        if record_id in best:
            return LinkMethod.BEST
        return LinkMethod.MODEL if record_id in probability_of else LinkMethod.NEW

    _links_insert(
        (
            (record_id, person_id, method(record_id), probability_of.get(record_id), version.pk)
            for record_id, person_id in assignment.items()
        ),
        actor,
    )
    summary.queued_for_review = _queue_for_review(
        area=area, pairs=pairs, joins=joins, person_of=everyone, known_person=known_person, version=version
    )
    summary.mapping = assignment
    _known_cache_extend(area, new_raw, assignment, known_before, since)
    audit_record(
        actor=actor,
        action=LINKAGE_RECORDS_LINKED,
        detail={
            "records": summary.records,
            "to_known": summary.to_known,
            "new_people": summary.new_people,
            "best_matches": summary.best_matches,
            "queued_for_review": summary.queued_for_review,
            "model": version.pk,
        },
    )
    progress(1.0, "Linked")
    return summary


def current_person_ids(record_ids: Iterable[int]) -> dict[int, int]:
    result: dict[int, int] = {}
    for chunk in chunks(record_ids):
        result.update(
            PersonLink.objects.filter(record_id__in=chunk, ended_at__isnull=True).values_list("record_id", "person_id")
        )
    return result


# --- human decisions ----------------------------------------------------------------------------


def _relink(*, record: SourceRecord, person: Person, method: str, actor: Any, reason: str, pinned: bool) -> PersonLink:
    """End the record's current link and start a new one; its events follow it."""
    current = PersonLink.objects.select_for_update().filter(record=record, ended_at__isnull=True).first()
    user = actor_user(actor)
    if current is not None:
        current.ended_at, current.ended_by, current.end_reason = timezone.now(), user, reason[:200]
        current.save(update_fields=["ended_at", "ended_by", "end_reason"])
    link = PersonLink.objects.create(
        record=record, person=person, method=method, pinned=pinned, replaces=current, created_by=user
    )
    events_move(agency_id=record.agency_id, record_ref=record.record_ref, person=person, actor=actor, reason=reason)
    return link


@transaction.atomic
def candidate_decide(*, candidate: MatchCandidate, decision: str, note: str, actor: Any) -> MatchCandidate:
    """Record a reviewer's decision; 'link' brings the second record's person's records to the first."""
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose link, not a match or unsure."})
    candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status == MatchCandidate.Status.DECIDED:
        raise ValidationError("This pair has already been decided.")
    PairDecision.objects.create(
        record_a=candidate.record_a,
        record_b=candidate.record_b,
        decision=decision,
        note=note,
        decided_by=actor_user(actor),
    )
    persons = current_person_ids([candidate.record_a_id, candidate.record_b_id])
    moved = 0
    if decision == Decision.NO_MATCH and persons.get(candidate.record_a_id) == persons.get(candidate.record_b_id):
        # Linked meanwhile (or through other records): the record linked meanwhile leaves, else the
        # record that joined last.
        links = PersonLink.objects.filter(
            record__in=[candidate.record_a_id, candidate.record_b_id], ended_at__isnull=True
        ).select_related("record")
        latest = max(links, key=lambda link: (link.method == LinkMethod.BEST, link.created_at, link.pk), default=None)
        if latest is not None:
            record_split(record=latest.record, actor=actor, reason=f"not a match on review of pair {candidate.pk}")
            moved = 1
    if decision == Decision.LINK:
        keep, leave = persons.get(candidate.record_a_id), persons.get(candidate.record_b_id)
        if keep is None or leave is None:
            raise ValidationError("One of these records is not linked to anybody.")
        if keep != leave:
            target = Person.objects.get(pk=keep)
            for link in PersonLink.objects.filter(person_id=leave, ended_at__isnull=True).select_related("record"):
                _relink(
                    record=link.record,
                    person=target,
                    method=LinkMethod.REVIEW,
                    actor=actor,
                    reason=f"linked on review of pair {candidate.pk}",
                    pinned=True,
                )
                moved += 1
    candidate.status = MatchCandidate.Status.UNSURE if decision == Decision.UNSURE else MatchCandidate.Status.DECIDED
    candidate.save(update_fields=["status"])
    answered = _answer_same_question(candidate, decision, actor) if decision != Decision.UNSURE else 0
    audit_record(
        actor=actor,
        action=LINKAGE_PAIR_DECIDED,
        target=candidate,
        person_id=persons.get(candidate.record_a_id),
        detail={"decision": decision, "records_moved": moved, "pairs_answered_with_it": answered},
    )
    return candidate


def _answer_same_question(candidate: MatchCandidate, decision: str, actor: Any) -> int:
    """Close the other waiting pairs between the two people that ``candidate``'s records now belong to:
    a link made them one person; "not a match" keeps the two people apart, and is remembered for each
    of their pairs. Returns how many were closed."""
    persons = current_person_ids([candidate.record_a_id, candidate.record_b_id])
    people = {persons.get(candidate.record_a_id), persons.get(candidate.record_b_id)} - {None}
    person_of = dict(
        PersonLink.objects.filter(person_id__in=people, ended_at__isnull=True).values_list("record_id", "person_id")
    )
    waiting = [
        c
        for c in MatchCandidate.objects.select_for_update()
        .filter(
            record_a__in=list(person_of),
            record_b__in=list(person_of),
            status__in=[MatchCandidate.Status.OPEN, MatchCandidate.Status.UNSURE],
        )
        .exclude(pk=candidate.pk)
        if decision == Decision.LINK or person_of[c.record_a_id] != person_of[c.record_b_id]
    ]
    if decision == Decision.NO_MATCH:
        user = actor_user(actor)
        note = f"decided with pair {candidate.pk}: the same two people"
        PairDecision.objects.bulk_create(
            PairDecision(
                record_a_id=c.record_a_id, record_b_id=c.record_b_id, decision=decision, note=note, decided_by=user
            )
            for c in waiting
        )
    MatchCandidate.objects.filter(pk__in=[c.pk for c in waiting]).update(status=MatchCandidate.Status.DECIDED)
    return len(waiting)


@transaction.atomic
def link_undo(*, link: PersonLink, actor: Any) -> PersonLink:
    """Put a record back with the person it was linked to before this link."""
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.ended_at is not None:
        raise ValidationError("Only a current link can be undone.")
    if link.replaces is None:
        raise ValidationError("This is the record's first link: there is nothing to go back to.")
    previous = link.replaces
    restored = _relink(
        record=link.record,
        person=previous.person,
        method=LinkMethod.UNDO,
        actor=actor,
        reason="undone",
        pinned=True,
    )
    if link.method == LinkMethod.REVIEW:
        # The reviewer's link no longer stands: remember that these records are kept apart.
        a = link.record_id
        for other in PersonLink.objects.filter(person=link.person, ended_at__isnull=True).values_list(
            "record_id", flat=True
        ):
            x, y = _pair(a, other)
            PairDecision.objects.create(
                record_a_id=x,
                record_b_id=y,
                decision=Decision.NO_MATCH,
                note="link undone",
                decided_by=restored.created_by,
            )
    audit_record(
        actor=actor,
        action=LINKAGE_LINK_UNDONE,
        target=restored,
        person_id=previous.person_id,
        detail={"record": link.record_id, "from_person": link.person_id, "to_person": previous.person_id},
    )
    return restored


@transaction.atomic
def record_split(*, record: SourceRecord, actor: Any, reason: str) -> Person:
    """Take a record away from its person into a person of its own; it stays split."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why this record is not the same person."})
    current = PersonLink.objects.filter(record=record, ended_at__isnull=True).first()
    if current is None:
        raise ValidationError("This record is not linked to anybody.")
    others = list(
        PersonLink.objects.filter(person_id=current.person_id, ended_at__isnull=True)
        .exclude(record=record)
        .values_list("record_id", flat=True)
    )
    if not others:
        raise ValidationError("This is the person's only record: there is nothing to split it from.")
    person = person_create(area=record.area, data=_person_input(record, timezone.localdate()), actor=actor)
    _relink(record=record, person=person, method=LinkMethod.SPLIT, actor=actor, reason=reason, pinned=True)
    user = actor_user(actor)
    PairDecision.objects.bulk_create(
        [
            PairDecision(
                record_a_id=_pair(record.pk, o)[0],
                record_b_id=_pair(record.pk, o)[1],
                decision=Decision.NO_MATCH,
                note=f"split: {reason}"[:500],
                decided_by=user,
            )
            for o in others
        ]
    )
    audit_record(
        actor=actor,
        action=LINKAGE_RECORD_SPLIT,
        target=record,
        person_id=current.person_id,
        reason=reason,
        detail={"new_person": person.pk},
    )
    return person


# --- Spark: the area's records out to a cluster, its pairs back in --------------------------------

PAIR_FILE_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability"]


def linkage_export(*, area: Area, folder: Path, actor: Any) -> int:
    """Write the area's records as linkage rows (``records.parquet``, placeholder dates of birth
    blanked) and its active model's trained parameters (``model.json``) for a Spark job
    (docs/how-to/run-linkage-on-spark.md). Returns the number of records."""
    version = model_active(area=area)
    rows = SourceRecord.objects.filter(area=area).values_list(*RECORD_COLUMNS).iterator(chunk_size=20000)
    frame = _frame(identity_frame(rows), timezone.localdate())
    frame = engine.blank_placeholders(frame, set(version.placeholder_dobs) | engine.placeholder_dobs(frame["dob"]))
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "records.parquet", index=False)
    (folder / "model.json").write_text(json.dumps(version.trained))
    audit_record(
        actor=actor,
        action=LINKAGE_RECORDS_EXPORTED,
        target=version,
        detail={"records": len(frame), "folder": str(folder)},
    )
    return len(frame)


def pairs_read(path: Path) -> pd.DataFrame:
    """Pairs a Spark job wrote (a Parquet file or folder), checked: record ids, probabilities 0 to 1.

    Raises ``ValueError`` saying what is wrong.
    """
    try:
        pairs = pd.read_parquet(path, columns=PAIR_FILE_COLUMNS)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise ValueError(
            f"{path} is not a Parquet file of pairs with columns {', '.join(PAIR_FILE_COLUMNS)}: {error}"
        ) from error
    ids = pairs[["unique_id_l", "unique_id_r"]]
    if not all(pd.api.types.is_integer_dtype(t) for t in ids.dtypes) or ids.isna().any().any():
        raise ValueError("unique_id_l and unique_id_r must be whole record ids, with no blanks.")
    probability = pd.to_numeric(pairs["match_probability"], errors="coerce")
    if probability.isna().any() or not probability.between(0, 1).all():
        raise ValueError("match_probability must be a number from 0 to 1 on every pair.")
    return pairs.astype({"unique_id_l": "int64", "unique_id_r": "int64", "match_probability": "float64"})


def records_link_from_pairs(
    *, area: Area, pairs: pd.DataFrame, actor: Any, progress: Progress = _no_progress
) -> LinkSummary:
    """Link the area's records that have no current link from ``pairs`` scored on Spark (as
    :func:`pairs_read` returns them), as :func:`records_link` would from pairs it scored itself.

    Raises ``ValueError``, linking nothing, when a pair names a record of another area.
    """
    named = pd.unique(pd.concat([pairs["unique_id_l"], pairs["unique_id_r"]]))
    ours: set[int] = set()
    for chunk in chunks([int(i) for i in named]):
        ours.update(SourceRecord.objects.filter(area=area, id__in=chunk).values_list("id", flat=True))
    if len(ours) < len(named):
        raise ValueError(
            f"{len(named) - len(ours):,} record ids in the pairs are not records of {area}: "
            "were they scored from another area's export?"
        )
    _, linked = known_frame(area=area)  # records_link reads it again, from the cache
    rows = SourceRecord.objects.filter(area=area).values_list(*RECORD_COLUMNS).iterator(chunk_size=20000)
    unlinked = identity_frame(row for row in rows if row[0] not in linked)
    return records_link(area=area, records=unlinked, actor=actor, progress=progress, pairs=pairs)
