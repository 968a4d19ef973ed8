"""True persons of the synthetic area: identity, needs, support and exits."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import names
from .config import SimConfig
from .identifiers import nhs_numbers, pnc_ids, postcodes, prison_numbers

EPOCH = np.datetime64("1970-01-01", "D")


def day_number(d: dt.date | str) -> int:
    """Days since 1970-01-01."""
    return int((np.datetime64(d, "D") - EPOCH).astype(np.int64))


def _pick(rng: np.random.Generator, values: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    return values[rng.choice(len(values), size=n, p=weights)]


def hard_edges_other_shares(cfg: SimConfig) -> np.ndarray:
    """SMD-level shares (1, 2, 3) for non-MD people so the whole area matches Hard Edges."""
    h, s, o = cfg.cf_homelessness, cfg.cf_substance, cfg.cf_offending
    p3 = h * s * o
    p2 = h * s * (1 - o) + h * (1 - s) * o + (1 - h) * s * o
    p1 = h * (1 - s) * (1 - o) + (1 - h) * s * (1 - o) + (1 - h) * (1 - s) * o
    p_md = np.array([p1, p2, p3])
    t = np.array(cfg.hard_edges_counts, dtype=float)
    t = t / t.sum()
    n_md = cfg.md_share
    n_o = (1 - cfg.md_share) * (1 - cfg.smd0_share)
    q = ((n_o + n_md * p_md.sum()) * t - n_md * p_md) / n_o
    q = np.clip(q, 0, None)
    return q / q.sum()


def make_people(cfg: SimConfig, rng: np.random.Generator, offset: int, n: int) -> pd.DataFrame:
    """Draw ``n`` true persons with global indices ``offset .. offset + n - 1``."""
    idx = np.arange(offset, offset + n)
    md = rng.random(n) < cfg.md_share
    female = rng.random(n) < np.where(md, cfg.female_share_md, cfg.female_share_other)
    sex = np.where(female, "F", "M").astype(object)
    gender_u = rng.random(n)
    gender = np.where(female, "Woman", "Man").astype(object)
    gender[gender_u < 0.006] = "Non-binary"
    gender[(gender_u >= 0.006) & (gender_u < 0.010)] = np.where(female, "Man", "Woman")[
        (gender_u >= 0.006) & (gender_u < 0.010)
    ]
    eth = _pick(rng, names.ETHNICITY_CODES, names.ETHNICITY_WEIGHTS, n)
    pool = np.array([names.ETHNICITY_POOL[e] for e in eth], dtype=object)

    given = np.empty(n, dtype=object)
    family = np.empty(n, dtype=object)
    for p in sorted(set(pool)):
        for sx in ("F", "M"):
            m = (pool == p) & (sex == sx)
            k = int(m.sum())
            if k:
                vals, w = names.GIVEN[sx][p]
                given[m] = _pick(rng, vals, w, k)
        m = pool == p
        k = int(m.sum())
        if p == "mixed":  # mixed heritage: half carry a British surname
            vals, w = names.SURNAMES["british"]
            alt, aw = names.SURNAMES["mixed"]
            use_alt = rng.random(k) < 0.5
            family[m] = np.where(use_alt, _pick(rng, alt, aw, k), _pick(rng, vals, w, k))
        else:
            vals, w = names.SURNAMES[p]
            family[m] = _pick(rng, vals, w, k)
    known_u = rng.random(n)
    known_i = rng.integers(0, 3, n)
    known_as = np.array(
        [
            (nk[i % len(nk)] if (nk := names.NICKNAMES.get(g)) and u < 0.5 else "")
            for g, u, i in zip(given, known_u, known_i, strict=True)
        ],
        dtype=object,
    )

    end = day_number(cfg.period_end)
    start = day_number(cfg.period_start)
    age = np.where(md, rng.normal(39, 10, n), rng.normal(38, 14, n))
    # Adults throughout the period: redraw out-of-range ages uniformly near the bound rather than
    # clipping, which would give hundreds of people the same date of birth.
    youngest = 18.1 + cfg.n_quarters / 4
    spread = rng.uniform(0, 8, n)
    age = np.where(age < youngest, youngest + spread, age)
    age = np.where(age > 85, 85 - spread, age)
    dob = (end - age * 365.25).astype(np.int64)

    house = rng.integers(1, 220, n)
    street = names.STREET_NAMES[rng.integers(0, len(names.STREET_NAMES), n)]
    stype = names.STREET_TYPES[rng.integers(0, len(names.STREET_TYPES), n)]
    town_i = rng.choice(len(names.TOWNS), size=n, p=names.TOWN_WEIGHTS / names.TOWN_WEIGHTS.sum())
    town = np.array([names.TOWNS[i][0] for i in town_i], dtype=object)
    district = np.array([names.TOWNS[i][1] for i in town_i], dtype=object)
    address = np.array([f"{h} {s} {t}" for h, s, t in zip(house, street, stype, strict=True)], dtype=object)
    postcode = postcodes(rng, district)
    nhs = nhs_numbers(idx, cfg.seed)

    # Needs.
    u = rng.random((n, 5))
    hom = np.zeros(n, bool)
    sub = np.zeros(n, bool)
    off = np.zeros(n, bool)
    mh = np.zeros(n, bool)
    da = np.zeros(n, bool)
    hom[md] = u[md, 0] < cfg.cf_homelessness
    sub[md] = u[md, 1] < cfg.cf_substance
    off[md] = u[md, 2] < cfg.cf_offending
    mh[md] = u[md, 3] < cfg.cf_mental_health
    da_rate_md = np.where(female, cfg.cf_da_female, cfg.cf_da_male)
    da[md] = u[md, 4] < da_rate_md[md]
    few = md & (hom.astype(int) + sub + off + mh < 2)
    hom[few] = True
    mh[few] = True
    other = ~md
    smd0 = other & (rng.random(n) < cfg.smd0_share)
    rest = other & ~smd0
    level = rng.choice(3, size=n, p=hard_edges_other_shares(cfg)) + 1
    order = np.argsort(rng.random((n, 3)), axis=1)  # which of H, S, O come first
    hso = np.zeros((n, 3), bool)
    for k in range(3):
        chosen = order[:, k]
        on = rest & (level > k)
        hso[on, chosen[on]] = True
    hom[rest], sub[rest], off[rest] = hso[rest, 0], hso[rest, 1], hso[rest, 2]
    mh[other] = u[other, 3] < cfg.nonmd_mh_rate
    da_rate = np.where(female, cfg.nonmd_da_rate_female, cfg.nonmd_da_rate_male)
    da[other] = u[other, 4] < da_rate[other]
    needs_none = smd0 & ~mh & ~da
    mh[needs_none & (u[:, 4] < 0.75)] = True
    da[needs_none & ~mh] = True

    pnc = np.where(
        off & (rng.random(n) < 0.95) | (~off & (rng.random(n) < 0.02)),
        pnc_ids(
            rng, (EPOCH + dob.astype("timedelta64[D]")).astype("datetime64[Y]").astype(np.int64) + 1970, idx, cfg.seed
        ),
        "",
    )
    # Everyone with an offending need carries a prison number (issued at a first reception, in or
    # before the period); nobody else is ever received into prison here.
    prison_no = np.where(off, prison_numbers(idx, cfg.seed), "")

    # Support, deaths and exits.
    supported = md & (rng.random(n) < cfg.support_share)
    lo, hi = cfg.support_window
    s_day = (start + (lo + (hi - lo) * rng.random(n)) * (end - start)).astype(np.int64)
    died = rng.random(n) < np.where(md, cfg.death_share_md, cfg.death_share_other)
    died_day = (start + rng.random(n) * (end - start)).astype(np.int64)
    supported &= ~(died & (died_day <= s_day + 14))
    reasons = np.array(list(cfg.exit_reasons), dtype=object)
    rw = np.array(list(cfg.exit_reasons.values()), dtype=float)
    reason = reasons[rng.choice(len(reasons), size=n, p=rw / rw.sum())]
    reason = np.where((reason == "prison") & ~off, "other", reason)
    exit_day = (s_day + 91 + rng.random(n) * np.maximum(end - s_day - 91, 1)).astype(np.int64)
    exits = supported & (rng.random(n) < cfg.exit_share) & (exit_day < end)
    died_supported = supported & died
    exit_day = np.where(died_supported, np.minimum(exit_day, died_day), exit_day)
    reason = np.where(died_supported & (~exits | (died_day <= exit_day)), "died", reason)
    exits |= died_supported
    resp_u = rng.random(n)
    response = np.where(
        resp_u < cfg.worse_share,
        "worse",
        np.where(resp_u < cfg.worse_share + cfg.no_response_share, "none", "full"),
    ).astype(object)

    def dates(days: np.ndarray, mask: np.ndarray) -> pd.Series:
        v = (EPOCH + days.astype("timedelta64[D]")).astype("datetime64[s]")
        return pd.Series(np.where(mask, v, np.datetime64("NaT", "s")))

    return pd.DataFrame(
        {
            "person_id": [f"S{i + 1:07d}" for i in idx],
            "given_name": given,
            "family_name": family,
            "known_as": known_as,
            "sex": sex,
            "gender": gender,
            "ethnicity": eth,
            "date_of_birth": dates(dob, np.ones(n, bool)),
            "address_line": address,
            "town": town,
            "postcode": postcode,
            "nhs_number": nhs,
            "pnc_id": pnc.astype(object),
            "prison_number": prison_no.astype(object),
            "homelessness": hom,
            "substance": sub,
            "mental_health": mh,
            "offending": off,
            "domestic_abuse": da,
            "md": md,
            "support_start": dates(s_day, supported),
            "exit_on": dates(exit_day, exits),
            "exit_reason": np.where(exits, reason, "").astype(object),
            "died_on": dates(died_day, died),
            "response": np.where(supported, response, "").astype(object),
        }
    )
