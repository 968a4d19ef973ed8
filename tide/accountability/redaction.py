"""Find any identifier Tide holds, for anyone, in a text about to be published (no Django, plain tests).

What is public (an inquiry's published answer, the published figures) must not carry an NHS, police
or prison number, an agency's record or event reference, a postcode, an address, a phone number or
an email address of anyone in the area, nor a person's name written together with their date of
birth. People write these in many ways ("MH0461324", "mh 046 1324", "MH-046-1324"), so matching is
on normalised text: every run of letters and digits is a token, folded to upper case (full-width
forms folded to ASCII), and a written identifier is a window of up to :data:`MAX_TOKENS`
consecutive tokens joined by at most :data:`MAX_GAP` characters of spacing or punctuation.

The identifiers are normalised once into an :class:`IdentifierIndex`: sorted 64-bit hashes, so an
area with a hundred thousand records and millions of events costs a few megabytes, and a text is
checked with one binary search per token window. Names with a date of birth are indexed as
hashes of the name and of "NAME|date": a window that is someone's name is checked against each date
written in the text. See ADR 0065.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

MAX_TOKENS = 6  # an identifier written in at most this many pieces ("AB 12 34 56 C")
MAX_GAP = 3  # characters of spacing or punctuation between the pieces
MIN_LENGTH = 5  # a shorter code (letters and digits) would match ordinary text
MIN_DIGITS_ONLY = 6  # a code of digits alone must be longer: "2024" or "12345" are common
MIN_TEXT_LENGTH = 8  # an address or email without digits must be at least this long
MAX_LENGTH = 100

KIND_LABELS = {
    "nhs": "an NHS number",
    "pnc": "a Police National Computer ID",
    "prison": "a prison number",
    "local": "an agency's own ID",
    "record": "an agency record reference",
    "event": "an agency event reference",
    "postcode": "a postcode",
    "address": "an address",
    "phone": "a phone number",
    "email": "an email address",
    "identifier": "an identifier",
    "birth": "a name with its date of birth",
}
_KINDS = list(KIND_LABELS)

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Match:
    kind: str  # a key of KIND_LABELS
    text: str  # the offending text as written
    start: int
    end: int

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, "an identifier")


def _fold(token: str) -> str:
    return unicodedata.normalize("NFKC", token).upper()


_NOT_ASCII_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_DIGIT = re.compile(r"\d")


def normalise(value: str) -> str:
    """The identifier as matched: its letters and digits, upper case, nothing else."""
    if value.isascii():  # nearly always: the fast way
        return _NOT_ASCII_ALNUM.sub("", value).upper()
    return "".join(_fold(t) for t in _TOKEN.findall(value or ""))


def normalise_name(value: str) -> str:
    """A name as matched: its words, upper case, one space between."""
    return " ".join(_fold(t) for t in _TOKEN.findall(value or ""))


def significant(kind: str, norm: str) -> bool:
    """Whether an identifier is specific enough to look for: too short a code would match plain text."""
    if not MIN_LENGTH <= len(norm) <= MAX_LENGTH:
        return False
    if norm.isdigit():
        return len(norm) >= MIN_DIGITS_ONLY
    if _DIGIT.search(norm):
        return True
    return kind in {"address", "email"} and len(norm) >= MIN_TEXT_LENGTH


def _digests(values: Iterable[str]) -> np.ndarray:
    """64-bit digests of the strings. Python's own string hash: an index lives and is used in one
    process, so the per-process salt does not matter, and it is ten times faster than hashlib."""
    return np.fromiter((hash(v) for v in values), dtype=np.int64)


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    if not len(sorted_keys) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.searchsorted(sorted_keys, keys)
    at[at >= len(sorted_keys)] = 0
    return sorted_keys[at] == keys


class IdentifierIndex:
    """Every identifier of an area, normalised once, for checking texts quickly."""

    def __init__(
        self,
        identifiers: Iterable[tuple[str, str]] = (),
        births: Iterable[tuple[str, dt.date | None]] = (),
    ) -> None:
        """``identifiers``: (kind, value) pairs. ``births``: (a full name, that person's date of birth)."""
        codes: dict[str, int] = {}
        kinds = {kind: number for number, kind in enumerate(_KINDS)}
        for kind, value in identifiers:
            if not value:
                continue
            norm = normalise(value)
            if norm not in codes and significant(kind, norm):
                codes[norm] = kinds.get(kind, kinds["identifier"])
        keys = _digests(codes)
        order = np.argsort(keys, kind="stable")
        self._codes = keys[order]
        self._kinds = np.fromiter(codes.values(), dtype=np.uint8, count=len(codes))[order]
        names, named = set(), set()
        for name, born in births:
            norm = normalise_name(name)
            if born is not None and " " in norm:
                names.add(norm)
                named.add(f"{norm}|{born.isoformat()}")
        self._names = np.sort(_digests(names))
        self._births = np.sort(_digests(named))
        self.size = len(self._codes) + len(self._births)

    @property
    def nbytes(self) -> int:
        return self._codes.nbytes + self._kinds.nbytes + self._names.nbytes + self._births.nbytes

    def find(self, text: str) -> list[Match]:
        return find_identifiers(text, self)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _fold(m.group())) for m in _TOKEN.finditer(text)]


def _windows(tokens: list[tuple[int, int, str]], *, joiner: str) -> Iterator[tuple[int, int, str]]:
    """(first token, last token, joined text) for every run of up to MAX_TOKENS close tokens."""
    for i in range(len(tokens)):
        joined = tokens[i][2]
        yield i, i, joined
        for j in range(i + 1, min(i + MAX_TOKENS, len(tokens))):
            if tokens[j][0] - tokens[j - 1][1] > MAX_GAP:
                break
            joined += joiner + tokens[j][2]
            if len(joined) > MAX_LENGTH:
                break
            yield i, j, joined


def _code_matches(text: str, tokens: list[tuple[int, int, str]], index: IdentifierIndex) -> list[Match]:
    windows = list(_windows(tokens, joiner=""))
    if not windows:
        return []
    keys = _digests(w[2] for w in windows)
    hits = _contains(index._codes, keys)
    best: dict[int, tuple[int, int]] = {}  # first token -> (last token, kind): the longest match there
    for (i, j, _), hit, key in zip(windows, hits, keys, strict=True):
        if hit:
            kind = int(index._kinds[np.searchsorted(index._codes, key)])
            if i not in best or j > best[i][0]:
                best[i] = (j, kind)
    matches: list[Match] = []
    covered = -1
    for i in sorted(best):
        j, kind = best[i]
        if i <= covered:
            continue
        start, end = tokens[i][0], tokens[j][1]
        matches.append(Match(_KINDS[kind], text[start:end], start, end))
        covered = j
    return matches


_MONTHS = {name.upper(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["SEPT"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SEP = r"\s*[-/.\\ ]\s*"
_DATE_PATTERNS = [
    ("ymd", re.compile(rf"(?<!\d)(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?!\d)")),
    ("dmy", re.compile(rf"(?<!\d)(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}})(?!\d)")),
    ("dmy8", re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")),
    (
        "d_month_y",
        re.compile(
            rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?[-/.\s]?\s*({_MONTH})\.?,?\s*[-/.\s]?\s*(\d{{4}}|\d{{2}})(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month_d_y",
        re.compile(
            rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)",
            re.IGNORECASE,
        ),
    ),
]


def _years(text: str) -> list[int]:
    year = int(text)
    return [year] if len(text) == 4 else [1900 + year, 2000 + year]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def dates_in(text: str) -> list[tuple[dt.date, int, int]]:
    """Every date the text may be writing (day-first and month-first both), with where it is."""
    found: list[tuple[dt.date, int, int]] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            candidates: list[dt.date | None] = []
            if kind == "ymd":
                candidates.append(_date(int(m[1]), int(m[2]), int(m[3])))
            elif kind in {"dmy", "dmy8"}:
                for year in _years(m[3]):
                    candidates += [_date(year, int(m[2]), int(m[1])), _date(year, int(m[1]), int(m[2]))]
            elif kind == "d_month_y":
                for year in _years(m[3]):
                    candidates.append(_date(year, _MONTHS[m[2].upper()], int(m[1])))
            else:
                candidates.append(_date(int(m[3]), _MONTHS[m[1].upper()], int(m[2])))
            found += [(day, m.start(), m.end()) for day in candidates if day is not None]
    return found


def _birth_matches(text: str, tokens: list[tuple[int, int, str]], index: IdentifierIndex) -> list[Match]:
    if not len(index._births):
        return []
    windows = [w for w in _windows(tokens, joiner=" ") if w[1] > w[0]]  # two words or more
    hits = _contains(index._names, _digests(w[2] for w in windows))
    names = [w for w, hit in zip(windows, hits, strict=True) if hit]  # someone's name: now their birth date?
    if not names:
        return []
    matches: list[Match] = []
    for day, date_start, date_end in dates_in(text):
        keys = _digests(f"{w[2]}|{day.isoformat()}" for w in names)
        for (i, j, _), hit in zip(names, _contains(index._births, keys), strict=True):
            if hit:
                start, end = tokens[i][0], tokens[j][1]
                matches.append(Match("birth", text[start:end], start, end))
                matches.append(Match("birth", text[date_start:date_end], date_start, date_end))
    return matches


def find_identifiers(text: str, index: IdentifierIndex) -> list[Match]:
    """Every identifier from ``index`` written in ``text``, in order, each once."""
    tokens = _tokens(text or "")
    matches = _code_matches(text, tokens, index) + _birth_matches(text, tokens, index)
    unique = {(m.start, m.end): m for m in matches}
    return [unique[key] for key in sorted(unique)]


def describe(matches: Iterable[Match]) -> str:
    """The matches for a person to act on: “MH 046 1324” (an agency record reference), …"""
    seen: dict[str, str] = {}
    for m in matches:
        seen.setdefault(m.text, m.label)
    return "; ".join(f"“{text}” ({label})" for text, label in seen.items())


def redact_identifiers(text: str, index: IdentifierIndex, *, replacement: str = "[redacted]") -> str:
    """The text with every identifier from ``index`` replaced."""
    spans: list[list[int]] = []
    for m in find_identifiers(text, index):  # in order of start: merge overlapping spans
        if spans and m.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], m.end)
        else:
            spans.append([m.start, m.end])
    for start, end in reversed(spans):
        text = text[:start] + replacement + text[end:]
    return text
