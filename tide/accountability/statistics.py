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


def requests_by_agency(area_id: int) -> tuple[list[str], list[str], list[list[int]]]:
    """Service requests made for people supported, by agency and answer (declines by coded reason)."""
    from tide.coordination.models import DeclineReason, ServiceInvolvement

    rows = (
        ServiceInvolvement.objects.filter(agency__area_id=area_id)
        .values("agency__name", "status", "decline_reason")
        .annotate(n=Count("id"))
    )
    reasons = [code for code, _ in DeclineReason.choices]
    labels = dict(DeclineReason.choices)
    agencies = sorted({r["agency__name"] for r in rows})
    used = sorted({r["decline_reason"] for r in rows if r["status"] == "declined"}, key=reasons.index)
    columns = ["Waiting for an answer", "Offered or involved", *[f"Declined: {labels[c]}" for c in used]]
    counts = {a: [0] * len(columns) for a in agencies}
    for r in rows:
        if r["status"] == "requested":
            counts[r["agency__name"]][0] += r["n"]
        elif r["status"] in {"offered", "involved", "ended"}:
            counts[r["agency__name"]][1] += r["n"]
        elif r["status"] == "declined":
            counts[r["agency__name"]][2 + used.index(r["decline_reason"])] += r["n"]
    return agencies, columns, [counts[a] for a in agencies]


def referrals_by_referrer(area_id: int) -> tuple[list[str], list[str], list[list[int]]]:
    """Referrals for coordinated support, by who referred (each agency, the person, someone close)
    and what the operational group decided."""
    from tide.coordination.models import Referral, ReferralStatus, ReferrerKind

    rows = (
        Referral.objects.filter(person__area_id=area_id)
        .values("referrer_kind", "from_agency__name", "status")
        .annotate(n=Count("id"))
    )
    statuses = [code for code, _ in ReferralStatus.choices]
    kinds = dict(ReferrerKind.choices)
    counts: dict[str, list[int]] = {}
    for r in rows:
        who = r["from_agency__name"] if r["referrer_kind"] == ReferrerKind.AGENCY else kinds[r["referrer_kind"]]
        counts.setdefault(who, [0] * len(statuses))[statuses.index(r["status"])] += r["n"]
    agencies = sorted(k for k in counts if k not in kinds.values())
    others = [label for label in kinds.values() if label in counts]
    referrers = agencies + others
    return referrers, [label for _, label in ReferralStatus.choices], [counts[k] for k in referrers]


@dataclass(frozen=True)
class WaitingFigure:
    agency: str
    answered: str  # the count of answered requests, after disclosure control
    median_days: str  # the median days from request to answer, or the policy's symbol


def median_days_to_answer(*, area_id: int) -> list[WaitingFigure]:
    """Per agency, the median days from a request to its answer (offer, involvement or decline).

    A median resting on a count the policy would hide is itself hidden, so a small agency's few
    requests cannot be recovered from it.
    """
    import statistics as stats

    from tide.coordination.models import ServiceInvolvement

    policy = disclosure_policy()
    days: dict[str, list[int]] = {}
    rows = ServiceInvolvement.objects.filter(agency__area_id=area_id).values_list(
        "agency__name", "requested_on", "offered_on", "involved_on", "declined_on"
    )
    for agency, requested_on, *answers in rows:
        answered_on = min((d for d in answers if d is not None), default=None)
        if answered_on is not None:
            days.setdefault(agency, []).append((answered_on - requested_on).days)
    figures = []
    for agency in sorted(days):
        n = len(days[agency])
        hidden = policy.suppress_from <= n <= policy.suppress_to
        figures.append(
            WaitingFigure(
                agency=agency,
                answered=policy.symbol if hidden else str(policy.round(n)),
                median_days=policy.symbol if hidden else f"{stats.median(days[agency]):g}",
            )
        )
    return figures


def published_tables(*, area_id: int) -> list[PublishedTable]:
    policy = disclosure_policy()
    tables = []
    agencies, columns, counts = requests_by_agency(area_id)
    if counts:
        tables.append(
            PublishedTable(
                "Services asked to help people supported",
                "By agency: requests waiting, accepted, and declined by reason",
                protect(counts, row_labels=agencies, column_labels=columns, policy=policy),
            )
        )
    referrers, columns, counts = referrals_by_referrer(area_id)
    if counts:
        tables.append(
            PublishedTable(
                "Referrals for coordinated support",
                "By who referred (each agency, people themselves, someone close) and what the group decided",
                protect(counts, row_labels=referrers, column_labels=columns, policy=policy),
            )
        )
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


@dataclass(frozen=True)
class PublishedFigures:
    tables: list[PublishedTable]
    waiting: list[WaitingFigure]
    withheld: int  # tables (or rows of waiting times) left out because a label would identify someone


def published_figures(*, area_id: int) -> PublishedFigures:
    """The published tables and waiting times, without any whose labels carry an identifier Tide holds
    (an agency named after an address that people live at, say): checked on every request (ADR 65)."""
    from tide.accountability.redaction import find_identifiers
    from tide.accountability.selectors import identifier_index_cached

    index = identifier_index_cached(area_id=area_id)

    def identifies(*texts: str) -> bool:
        return bool(find_identifiers("\n".join(texts), index))

    tables, waiting, withheld = [], [], 0
    for t in published_tables(area_id=area_id):
        if identifies(t.title, t.caption, *t.table.row_labels, *t.table.column_labels):
            withheld += 1
        else:
            tables.append(t)
    for figure in median_days_to_answer(area_id=area_id):
        if identifies(figure.agency):
            withheld += 1
        else:
            waiting.append(figure)
    return PublishedFigures(tables, waiting, withheld)
