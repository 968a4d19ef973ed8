"""The published figures: tables built from the record, passed through disclosure control."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractYear

from tide.accountability.disclosure import DisclosurePolicy, ProtectedTable, protect
from tide.accountability.models import Inquiry, InquiryStatus

EXIT_GROUPS = [
    ("Still supported", {""}),
    ("Moved on or no longer needs support", {"moved_on_support", "no_longer_needs"}),
    ("Disengaged or excluded", {"disengaged", "excluded"}),
    ("Prison or hospital", {"prison", "hospital"}),
    ("Died", {"died"}),
    ("Moved away or other", {"moved_out", "other"}),
]


def disclosure_policy() -> DisclosurePolicy:
    return DisclosurePolicy.from_string(getattr(settings, "TIDE_DISCLOSURE_POLICY", ""))


@dataclass(frozen=True)
class PublishedTable:
    title: str
    caption: str
    table: ProtectedTable

    @property
    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        return list(zip(self.table.row_labels, self.table.cells, strict=True))


def support_by_year(area_id: int) -> tuple[list[str], list[list[int]]]:
    from tide.coordination.models import SupportEpisode

    rows = (
        SupportEpisode.objects.filter(person__area_id=area_id)
        .annotate(year=ExtractYear("started_on"))
        .values("year", "exit_destination")
        .annotate(n=Count("id"))
    )
    years = sorted({r["year"] for r in rows})
    counts = {y: [0] * len(EXIT_GROUPS) for y in years}
    for r in rows:
        for i, (_, codes) in enumerate(EXIT_GROUPS):
            if r["exit_destination"] in codes:
                counts[r["year"]][i] += r["n"]
    return [str(y) for y in years], [counts[y] for y in years]


def inquiries_by_year(area_id: int) -> tuple[list[str], list[list[int]]]:
    statuses = [
        ("Being answered", {InquiryStatus.RECEIVED, InquiryStatus.ACCEPTED}),
        ("Answered", {InquiryStatus.ANSWERED, InquiryStatus.PUBLISHED}),
        ("Declined", {InquiryStatus.DECLINED}),
    ]
    rows = (
        Inquiry.objects.filter(area_id=area_id)
        .annotate(year=ExtractYear("received_at"))
        .values("year", "status")
        .annotate(n=Count("id"))
    )
    years = sorted({r["year"] for r in rows})
    counts = {y: [0] * len(statuses) for y in years}
    for r in rows:
        for i, (_, codes) in enumerate(statuses):
            if r["status"] in codes:
                counts[r["year"]][i] += r["n"]
    return [str(y) for y in years], [counts[y] for y in years]


def published_tables(*, area_id: int) -> list[PublishedTable]:
    policy = disclosure_policy()
    tables = []
    years, counts = support_by_year(area_id)
    if counts:
        tables.append(
            PublishedTable(
                "People given coordinated support",
                "By year support started, and how it ended",
                protect(counts, row_labels=years, column_labels=[g for g, _ in EXIT_GROUPS], policy=policy),
            )
        )
    years, counts = inquiries_by_year(area_id)
    if counts:
        tables.append(
            PublishedTable(
                "Inquiries under the right of inquiry",
                "By year received, and where they stand",
                protect(
                    counts, row_labels=years, column_labels=["Being answered", "Answered", "Declined"], policy=policy
                ),
            )
        )
    return tables
