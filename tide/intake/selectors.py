"""Reads of the intake room, with who may see what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tide.areas.models import Role
from tide.core.access import person_access
from tide.core.models import Job
from tide.intake import summary as effects
from tide.intake.models import AgencyToken, ExtractFile, ExtractFormat, NewRecord
from tide.linkage.models import PersonLink
from tide.people.models import Person
from tide.service_use import event_types

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
