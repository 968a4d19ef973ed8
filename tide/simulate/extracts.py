"""Agency records and the noisy extract files each agency would send.

Each agency sees only its own events and keeps its own record per person (sometimes two). The
identity on a record is the true identity seen through that agency's habits and errors: nicknames,
typos, changed surnames, day and month transposed, placeholder dates of birth, blanks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import names
from .config import AGENCIES, EVENT_AGENCY, SimConfig
from .identifiers import scramble
from .population import EPOCH
from .trajectories import EVENT_CODES

AGENCY_INDEX: dict[str, int] = {a: i for i, a in enumerate(AGENCIES)}
CODE_AGENCY = np.array([AGENCY_INDEX[EVENT_AGENCY[c]] for c in EVENT_CODES], dtype=np.int64)

# agency -> (record_ref prefix, digits, event_id prefix)
REF_FORMAT: dict[str, tuple[str, int, str]] = {
    "police": ("PP", 8, "CU"),
    "probation": ("X", 6, "PB"),
    "prison": ("BK", 7, "PR"),
    "acute": ("RTX", 7, "AE"),
    "ambulance": ("AMB", 8, "IN"),
    "mental_health": ("MH", 7, "MC"),
    "dat": ("DAT", 6, "DC"),
    "outreach": ("OR", 6, "OC"),
    "housing": ("HO", 7, "HC"),
    "da_service": ("DA", 6, "DS"),
}

# Identity columns of each extract, in order (after event_id and record_ref).
EXTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "police": ("pnc_id", "surname", "forenames", "date_of_birth", "address", "postcode"),
    "probation": ("pnc_id", "family_name", "given_name", "date_of_birth"),
    "prison": ("prison_number", "pnc_id", "family_name", "given_name", "date_of_birth"),
    "acute": ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode"),
    "ambulance": ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode"),
    "mental_health": ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode"),
    "dat": ("initials", "family_name", "given_name", "date_of_birth", "sex", "postcode"),
    "outreach": ("name", "family_name", "estimated_age", "birth_year", "date_of_birth"),
    "housing": ("family_name", "given_name", "date_of_birth", "address", "postcode"),
    "da_service": ("family_name", "given_name", "date_of_birth", "sex"),
}
DATE_COLUMNS = {"date_of_birth", "event_date"}
INT_COLUMNS = {"estimated_age", "birth_year"}
NHS_PRESENT = {"acute": None, "ambulance": 0.40, "mental_health": 0.95}
PLACEHOLDER_DOB = int((np.datetime64("1900-01-01", "D") - EPOCH).astype(np.int64))
NOISE_FLAGS: tuple[str, ...] = (
    "nickname",
    "given_typo",
    "family_typo",
    "surname_changed",
    "dob_transposed",
    "dob_typo",
    "dob_placeholder",
)

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(s: str, r: float, r2: float) -> str:
    """One keyboard-style error: substitute, delete, double or swap a letter."""
    if len(s) < 3:
        return s + s[-1:] if s else s
    i = 1 + int(r * (len(s) - 2))
    op = int(r2 * 4)
    if op == 0:
        c = _LETTERS[int(r2 * 1000) % 26]
        return s[:i] + c + s[i + 1 :]
    if op == 1:
        return s[:i] + s[i + 1 :]
    if op == 2:
        return s[:i] + s[i] + s[i:]
    return s[: i - 1] + s[i] + s[i - 1] + s[i + 1 :]


@dataclass
class ChunkExtracts:
    extracts: dict[str, pd.DataFrame]
    records: pd.DataFrame  # agency, record_ref, person_id, noise flags
    events: pd.DataFrame  # person_id, event_type, event_date, agency, record_ref, event_id


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = EPOCH + days.astype("timedelta64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    return (
        y.astype(np.int64) + 1970,
        (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
        (d - m.astype("datetime64[D]")).astype(np.int64) + 1,
    )


def _from_ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    months = (y - 1970) * 12 + (m - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    return (first - EPOCH).astype(np.int64) + d - 1


def _to_dates(days: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    v = (EPOCH + days.astype("timedelta64[D]")).astype("datetime64[s]")
    if valid is not None:
        v = np.where(valid, v, np.datetime64("NaT", "s"))
    return v


def build_extracts(
    cfg: SimConfig,
    rng: np.random.Generator,
    people: pd.DataFrame,
    events: pd.DataFrame,
    chunk: int,
    offset: int,
) -> ChunkExtracts:
    nz = cfg.noise
    pidx = events["person_idx"].to_numpy()
    code = events["code"].to_numpy().astype(np.int64)
    day = events["day"].to_numpy()
    ag = CODE_AGENCY[code]
    n_ag = len(AGENCIES)

    # Records: one per (person, agency), a second one from a split date for some.
    pair = pidx * n_ag + ag
    upair, pair_inv = np.unique(pair, return_inverse=True)
    dup = rng.random(len(upair)) < nz["duplicate_record"]
    first_day = np.full(len(upair), np.iinfo(np.int64).max)
    np.minimum.at(first_day, pair_inv, day)
    last_day = np.full(len(upair), np.iinfo(np.int64).min)
    np.maximum.at(last_day, pair_inv, day)
    split = first_day + 1 + np.floor(rng.random(len(upair)) * np.maximum(last_day - first_day, 0))
    kk = (dup[pair_inv] & (day >= split[pair_inv])).astype(np.int64)
    rec_key = pair * 2 + kk
    urec, rec_inv = np.unique(rec_key, return_inverse=True)
    r_person = urec // (2 * n_ag)
    r_agency = (urec // 2) % n_ag
    r_k = urec % 2
    nr = len(urec)

    gid = offset + r_person
    r_ref = np.empty(nr, dtype=object)
    need = len(str(2 * cfg.n_people))
    for a, (prefix, digits, _) in REF_FORMAT.items():
        ai = AGENCY_INDEX[a]
        m = r_agency == ai
        dg = max(digits, need)
        # A bijection on 0 .. 10**dg - 1: unique refs per agency that do not look sequential.
        refnum = scramble(gid[m] * 2 + r_k[m], salt=ai + 17 * int(cfg.seed % 1000), modulus=10**dg)
        r_ref[m] = [f"{prefix}{x:0{dg}d}" for x in refnum]

    # True identity of each record's person.
    col = {
        c: people[c].to_numpy()[r_person]
        for c in (
            "given_name",
            "family_name",
            "known_as",
            "sex",
            "address_line",
            "town",
            "postcode",
            "nhs_number",
            "pnc_id",
            "prison_number",
        )
    }
    dob_true = (people["date_of_birth"].to_numpy(dtype="datetime64[s]").astype("datetime64[D]") - EPOCH).astype(
        np.int64
    )[r_person]
    u = rng.random((nr, 16))
    outreach = r_agency == AGENCY_INDEX["outreach"]

    given = col["given_name"].copy()
    # Only some names have a short form: apply the nickname rate among those so that the share
    # of all records carrying a nickname equals the configured rate.
    nick_pick = rng.integers(0, 3, nr)
    alts = np.array(
        [
            ka or (nk[k % len(nk)] if (nk := names.NICKNAMES.get(g)) else "")
            for g, ka, k in zip(given, col["known_as"], nick_pick, strict=True)
        ],
        dtype=object,
    )
    eligible = alts != ""
    share = max(float(eligible.mean()), 1e-9)
    nick_rate = np.where(outreach, min(1.0, 4 * nz["nickname"] / share), min(1.0, nz["nickname"] / share))
    nickname = eligible & (u[:, 0] < nick_rate)
    given[nickname] = alts[nickname]
    family = col["family_name"].copy()
    changed = u[:, 1] < nz["surname_change"]
    pool_s, pool_w = names.SURNAMES["british"]
    new_s = pool_s[rng.choice(len(pool_s), size=int(changed.sum()), p=pool_w)]
    changed_idx = np.nonzero(changed)[0]
    family[changed_idx] = new_s
    changed[changed_idx[new_s == col["family_name"][changed_idx]]] = False
    r1, r2 = rng.random(nr), rng.random(nr)
    given_typo = u[:, 2] < nz["typo"]
    for i in np.nonzero(given_typo)[0]:
        given[i] = typo(given[i], r1[i], r2[i])
    family_typo = u[:, 3] < nz["typo"]
    for i in np.nonzero(family_typo)[0]:
        family[i] = typo(family[i], r2[i], r1[i])

    # Dates of birth.
    y, mo, dd = _ymd(dob_true)
    dob = dob_true.copy()
    can_swap = (dd <= 12) & (dd != mo)  # the swapped date must exist and differ
    swap_rate = min(1.0, nz["dob_transposed"] / max(float(can_swap.mean()), 1e-9))
    transposed = (u[:, 4] < swap_rate) & can_swap
    dob[transposed] = _from_ymd(y[transposed], dd[transposed], mo[transposed])
    dtypo = (u[:, 5] < nz["dob_typo"]) & ~transposed
    shift = np.where(rng.random(nr) < 0.5, np.where(rng.random(nr) < 0.5, -1, 1), 0)
    year_shift = np.where(shift == 0, np.where(rng.random(nr) < 0.5, -10, 10), 0)
    dob[dtypo] = _from_ymd(y[dtypo] + year_shift[dtypo], mo[dtypo], np.minimum(dd[dtypo], 28)) + shift[dtypo]
    placeholder = u[:, 6] < nz["dob_placeholder"]
    dob[placeholder] = PLACEHOLDER_DOB
    transposed &= ~placeholder
    dtypo &= ~placeholder

    miss = nz["missing"]
    dob_ok = u[:, 7] >= miss
    postcode_ok = u[:, 8] >= miss
    address_ok = u[:, 9] >= miss
    pnc_ok = u[:, 10] >= miss
    given_ok = u[:, 11] >= miss / 3

    records = pd.DataFrame(
        {
            "agency": np.array(AGENCIES, dtype=object)[r_agency],
            "record_ref": r_ref,
            "person_id": people["person_id"].to_numpy()[r_person],
            "nickname": nickname,
            "given_typo": given_typo,
            "family_typo": family_typo,
            "surname_changed": changed,
            "dob_transposed": transposed,
            "dob_typo": dtypo,
            "dob_placeholder": placeholder,
            "dob_missing": ~dob_ok,
        }
    )

    # Per-record identity columns (superset); agencies pick their own.
    def blank(v: np.ndarray, ok: np.ndarray) -> np.ndarray:
        out = v.astype(object).copy()
        out[~ok | (out == "")] = None
        return out

    ident: dict[str, np.ndarray] = {
        "given_name": blank(given, given_ok),
        "family_name": blank(family, np.ones(nr, bool)),
        "date_of_birth": _to_dates(dob, dob_ok),
        "address": blank(
            np.array([f"{a}, {t}" for a, t in zip(col["address_line"], col["town"], strict=True)], dtype=object),
            address_ok,
        ),
        "postcode": blank(col["postcode"], postcode_ok),
        "pnc_id": blank(col["pnc_id"], pnc_ok),
        "prison_number": blank(col["prison_number"], np.ones(nr, bool)),
        "sex": col["sex"],
    }
    nhs_ok = np.ones(nr, bool)
    for a, p in NHS_PRESENT.items():
        m = r_agency == AGENCY_INDEX[a]
        rate = 1 - nz["nhs_missing"] if p is None else p
        nhs_ok[m] = u[m, 12] < rate
    ident["nhs_number"] = blank(col["nhs_number"], nhs_ok)
    ident["surname"] = np.array([None if f is None else f.upper() for f in ident["family_name"]], dtype=object)
    ident["forenames"] = ident["given_name"]
    # DAT: some records carry initials and date of birth only.
    initials_only = (r_agency == AGENCY_INDEX["dat"]) & (u[:, 13] < nz["dat_initials_only"])
    ident["initials"] = np.array([(g[:1] + f[:1]).upper() for g, f in zip(given, family, strict=True)], dtype=object)
    # Outreach: first name or nickname; surname often unknown; an estimated age, not a DOB.
    age_first = np.floor((first_day[np.searchsorted(upair, urec // 2)] - dob_true) / 365.25)
    est_age = np.rint(age_first + rng.normal(0, 4, nr)).astype(np.int64)
    # Outreach learns who someone is as contacts build up: the chance that a detail is still unknown
    # is the configured first-contact rate divided by the record's number of contacts.
    contacts = np.bincount(rec_inv, minlength=nr)
    no_dob = outreach & ((u[:, 14] < nz["outreach_no_dob"] / contacts) | ~dob_ok)
    ident["estimated_age"] = est_age
    ident["birth_year"] = y + np.where(rng.random(nr) < 0.3, rng.integers(-2, 3, nr), 0)
    ident["name"] = ident["given_name"]
    age_kind = rng.random(nr) < 0.7  # estimated age (70%) or a birth year (30%)
    no_surname = outreach & (u[:, 15] < nz["outreach_no_surname"] / contacts)

    # Rows.
    agency_names = np.array(AGENCIES, dtype=object)
    event_ids = np.empty(len(code), dtype=object)  # each agency's own id for each event, as in its extract
    extracts: dict[str, pd.DataFrame] = {}
    for a in AGENCIES:
        ai = AGENCY_INDEX[a]
        rows = np.nonzero(ag == ai)[0]
        ri = rec_inv[rows]
        prefix = REF_FORMAT[a][2]
        data: dict[str, object] = {
            "event_id": [f"{prefix}{chunk:04d}{i:07d}" for i in range(len(rows))],
            "record_ref": r_ref[ri],
        }
        event_ids[rows] = data["event_id"]
        for c in EXTRACT_COLUMNS[a]:
            v = ident[c][ri]
            if a == "dat" and c in ("family_name", "given_name"):
                v = v.copy()
                v[initials_only[ri]] = None
            if a == "dat" and c == "initials":
                v = v.copy()
                v[~initials_only[ri]] = None
            if a == "outreach":
                if c == "family_name":
                    v = v.copy()
                    v[no_surname[ri]] = None
                elif c == "date_of_birth":
                    v = np.where(no_dob[ri], np.datetime64("NaT", "s"), v)
                elif c in ("estimated_age", "birth_year"):
                    keep = no_dob[ri] & (age_kind[ri] == (c == "estimated_age"))
                    v = pd.array(np.where(keep, v, 0), dtype="Int64")
                    v[~keep] = pd.NA
            data[c] = v
        data["event_type"] = np.array(EVENT_CODES, dtype=object)[code[rows]]
        data["event_date"] = _to_dates(day[rows])
        extracts[a] = pd.DataFrame(data)
    truth_events = pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy()[pidx],
            "event_type": np.array(EVENT_CODES, dtype=object)[code],
            "event_date": _to_dates(day),
            "agency": agency_names[ag],
            "record_ref": r_ref[rec_inv],
            # The agency's own id for the event: the ledger keys events by it (ADR 0014).
            "event_id": event_ids,
        }
    )
    return ChunkExtracts(extracts=extracts, records=records, events=truth_events)
