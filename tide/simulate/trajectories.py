"""Quarterly life trajectories: service events (the ledger truth) and NDT assessments.

Counts are gamma-Poisson (negative binomial) per person: a person-level gamma frailty per event
type times a base rate, times the effect of coordinated support from the person's start date.
Nights and days (prison, hostel, MH inpatient, custody) are one row per night or day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tide.identification import ndt
from tide.service_use import event_types

from .config import SimConfig
from .population import EPOCH, day_number

EVENT_CODES: tuple[str, ...] = event_types.CODES  # the ledger's vocabulary, in its order
CODE_INDEX: dict[str, int] = event_types.CODE_INDEX

# rate name -> need gate ("" = everyone)
COUNT_RATES: dict[str, str] = {
    "ae_attendance": "",
    "emergency_admission": "",
    "ambulance_callout": "",
    "arrest": "offending",
    "court_appearance": "offending",
    "probation_start": "offending",
    "prison_reception": "offending",
    "mh_community_contact": "mental_health",
    "mh_crisis_contact": "mental_health",
    "mh_admission": "mental_health",
    "dat_treatment_start": "substance",
    "dat_contact": "substance",
    "eviction": "homelessness",
    "homelessness_application": "homelessness",
    "da_incident": "domestic_abuse",
}
_PRISON_KEEP = np.array(
    [CODE_INDEX[c] for c in ("prison_night", "prison_reception", "prison_release", "conviction", "court_appearance")]
)
HEALTH = {"ae_attendance", "emergency_admission", "ambulance_callout"}


def quarter_bounds(cfg: SimConfig) -> np.ndarray:
    """Day numbers of the quarter boundaries: n_quarters + 1 values."""
    s = cfg.period_start
    out = []
    for q in range(cfg.n_quarters + 1):
        m = s.year * 12 + s.month - 1 + 3 * q
        out.append(day_number(f"{m // 12:04d}-{m % 12 + 1:02d}-01"))
    return np.array(out, dtype=np.int64)


def full_response_multiplier(cfg: SimConfig, m: float) -> float:
    """Multiplier for full responders so the supported cohort's average equals ``m``."""
    ws, ns = cfg.worse_share, cfg.no_response_share
    worse = cfg.worse_factor if m < 1 else 1.0
    return max(0.02, (m - ws * worse - ns) / max(1e-9, 1 - ws - ns))


@dataclass
class Trajectory:
    events: pd.DataFrame  # person_idx (local), event_type, day (int)
    ndt: pd.DataFrame
    # rate -> [expected events with support, expected events had support no effect] summed over
    # supported people's quarters on support (the realised true effect is the ratio).
    realised: dict[str, list[float]] = field(default_factory=dict)


def _days(p: pd.Series) -> np.ndarray:
    v = p.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
    out = (v - EPOCH).astype(np.int64)
    return np.where(np.isnat(v), -(10**9), out)


def _spans(person: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    length = np.maximum(length, 0).astype(np.int64)
    total = int(length.sum())
    p = np.repeat(person, length)
    offs = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
    return p, np.repeat(start, length) + offs


def simulate_events(cfg: SimConfig, rng: np.random.Generator, people: pd.DataFrame) -> Trajectory:
    n = len(people)
    nq = cfg.n_quarters
    qb = quarter_bounds(cfg)
    qs, qe = qb[:-1], qb[1:]
    end = int(qb[-1])
    md = people["md"].to_numpy()
    flags = {
        d: people[d].to_numpy() for d in ("homelessness", "substance", "mental_health", "offending", "domestic_abuse")
    }
    s_day = _days(people["support_start"])
    supported = s_day > -(10**8)
    exit_day = _days(people["exit_on"])
    reason = people["exit_reason"].to_numpy()
    died_day = _days(people["died_on"])
    response = people["response"].to_numpy()

    # Active window: until death or moving out of the area.
    active_end = np.full(n, end, dtype=np.int64)
    active_end = np.where(died_day > -(10**8), np.minimum(active_end, died_day), active_end)
    moved = reason == "moved_out"
    active_end = np.where(moved, np.minimum(active_end, exit_day), active_end)
    expo_days = np.clip(active_end[:, None] - qs[None, :], 0, (qe - qs)[None, :])  # (n, nq)
    expo = expo_days / (qe - qs)[None, :]

    # Time on support (quarters) at each quarter mid-point; effect stops after a disengaged or
    # excluded exit.
    mid = (qs + qe) / 2
    t = (mid[None, :] - s_day[:, None]) / 91.3
    on = supported[:, None] & (t > 0)
    stop = np.isin(reason, ["disengaged", "excluded"])[:, None] & (mid[None, :] > exit_day[:, None])
    on &= ~stop
    t = np.where(on, t, 0.0)
    ramp = np.where(on, 1 - np.exp(-t / cfg.effect_tau_quarters), 0.0)  # 0 -> 1

    def mult(name: str, heterogeneous: bool = True) -> np.ndarray:
        m = cfg.effect(name)
        if not heterogeneous:
            target = np.full(n, m)
        else:
            target = np.where(
                response == "worse",
                cfg.worse_factor if m < 1 else 1.0,
                np.where(response == "none", 1.0, full_response_multiplier(cfg, m)),
            )
            if m == 1.0:
                target = np.ones(n)
        return 1 + (target[:, None] - 1) * ramp

    persons: list[np.ndarray] = []
    days: list[np.ndarray] = []
    codes: list[np.ndarray] = []

    def add(p: np.ndarray, d: np.ndarray, code: str) -> None:
        persons.append(p.astype(np.int64))
        days.append(d.astype(np.int64))
        codes.append(np.full(len(p), CODE_INDEX[code], dtype=np.int16))

    def scatter(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Person index and a uniform day in the exposed part of the quarter for each count."""
        pi, qi = np.nonzero(counts)
        c = counts[pi, qi]
        pi, qi = np.repeat(pi, c), np.repeat(qi, c)
        d = qs[qi] + np.floor(rng.random(len(pi)) * expo_days[pi, qi]).astype(np.int64)
        return pi, d

    k = cfg.frailty_shape
    on_support = ramp > 0
    realised: dict[str, list[float]] = {}
    counts_by: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    ae_mult = mult("ae_attendance")
    # All frailties first, so runs that differ only in effects share them (common random numbers).
    crn = np.random.default_rng(int(rng.integers(2**62)))
    frailties = {name: crn.gamma(k, 1 / k, n) for name in COUNT_RATES}
    latent = crn.random(n)
    fresh = crn.random((n, nq))
    persist = crn.random((n, nq)) < cfg.rough_sleeping_persistence
    rs_frailty = crn.gamma(k, 1 / k, n)
    for name, gate in COUNT_RATES.items():
        base = cfg.rates[name]
        factor = np.where(md, 1.0, cfg.health_nonmd_factor if name in HEALTH else cfg.nonmd_rate_factor)
        g = flags[gate] if gate else np.ones(n, bool)
        frailty = frailties[name]
        lam0 = (base * factor * g * frailty)[:, None] * expo
        m = mult(name)
        lam = lam0 * m
        realised[name] = [float((lam * on_support).sum()), float((lam0 * on_support).sum())]
        counts = rng.poisson(lam)
        counts_by[name] = scatter(counts)

    for name in (
        "ae_attendance",
        "emergency_admission",
        "ambulance_callout",
        "arrest",
        "court_appearance",
        "probation_start",
        "mh_community_contact",
        "mh_crisis_contact",
        "dat_treatment_start",
        "dat_contact",
        "eviction",
        "homelessness_application",
        "da_incident",
    ):
        p, d = counts_by[name]
        add(p, d, name)
    p, d = counts_by["arrest"]
    c = rng.random(len(p)) < 0.5
    add(p[c], d[c], "custody_night")
    p, d = counts_by["court_appearance"]
    c = rng.random(len(p)) < 0.6
    add(p[c], d[c], "conviction")

    # Prison stays: receptions, one row per night, release.
    p, d = counts_by["prison_reception"]
    forced = supported & (reason == "prison") & (exit_day < end)
    p = np.concatenate([p, np.nonzero(forced)[0]])
    d = np.concatenate([d, exit_day[forced]])
    length = np.ceil(rng.lognormal(np.log(cfg.prison_stay_median_nights), 0.8, len(p))).astype(np.int64)
    length = np.where(np.arange(len(p)) >= len(p) - int(forced.sum()), np.maximum(length, 120), length)
    o = np.lexsort((d, p))
    p, d, length = p[o], d[o], length[o]
    keep = np.ones(len(p), bool)
    last_p, last_end = -1, -1
    for i in range(len(p)):  # drop receptions that start during an earlier stay
        if p[i] == last_p and d[i] < last_end:
            keep[i] = False
            continue
        last_p, last_end = p[i], d[i] + length[i]
    p, d, length = p[keep], d[keep], length[keep]
    length = np.minimum(length, active_end[p] - d)
    add(p, d, "prison_reception")
    rel = d + length
    r = rel < active_end[p]
    add(p[r], rel[r], "prison_release")
    add(*_spans(p, d, length), "prison_night")

    # Mental health inpatient stays: one row per day.
    p, d = counts_by["mh_admission"]
    length = np.ceil(rng.lognormal(np.log(cfg.mh_stay_median_days), 0.7, len(p))).astype(np.int64)
    length = np.minimum(length, active_end[p] - d)
    add(*_spans(p, d, length), "mh_inpatient_day")

    # Rough sleeping state per quarter (persistent latent), contacts and hostel stays.
    hom = flags["homelessness"]
    p_rs = np.where(md, cfg.rough_sleeping_start / max(cfg.cf_homelessness, 1e-9), cfg.rough_sleeping_nonmd)
    u = np.where(persist, latent[:, None], fresh)
    rs_prob = p_rs[:, None] * mult("rough_sleeping", heterogeneous=False)
    rs0 = hom[:, None] * p_rs[:, None] * (expo_days > 0) * on_support
    realised["rough_sleeping"] = [float((rs0 * rs_prob / p_rs[:, None].clip(1e-9)).sum()), float(rs0.sum())]
    rs = hom[:, None] & (u < rs_prob) & (expo_days > 0)
    contacts = np.where(rs, 1 + rng.poisson(2.0 * rs_frailty[:, None] * np.ones((1, nq))), 0)
    add(*scatter(contacts), "rough_sleeping_contact")
    hostel_p = np.where(md, cfg.hostel_quarter_prob, cfg.hostel_quarter_prob_nonmd)[:, None] * mult("hostel")
    hostel = hom[:, None] & ~rs & (rng.random((n, nq)) < hostel_p) & (expo_days > 0)
    pi, qi = np.nonzero(hostel)
    start = qs[qi] + np.floor(rng.random(len(pi)) * expo_days[pi, qi] * 0.8).astype(np.int64)
    length = rng.integers(3, 61, len(pi))
    length = np.minimum(length, np.minimum(qe[qi], active_end[pi]) - start)
    add(*_spans(pi, start, length), "hostel_night")

    all_p = np.concatenate(persons)
    all_d = np.concatenate(days)
    all_c = np.concatenate(codes)
    ok = (qb[0] <= all_d) & (active_end[all_p] > all_d)
    # Nobody is seen in the community while in prison: drop other events on prison nights (the
    # reception day itself keeps its arrest, court and A&E events).
    night = all_c == CODE_INDEX["prison_night"]
    key = all_p * 100_000 + (all_d - qb[0])
    inside = np.isin(key, key[night]) & ~np.isin(all_c, _PRISON_KEEP)
    rec_key = key[all_c == CODE_INDEX["prison_reception"]]
    ok &= ~inside | np.isin(key, rec_key)
    all_p, all_d, all_c = all_p[ok], all_d[ok], all_c[ok]
    o = np.lexsort((all_c, all_d, all_p))
    events = pd.DataFrame({"person_idx": all_p[o], "code": all_c[o], "day": all_d[o]})

    ndt = _ndt(cfg, rng, people, s_day, supported, exit_day, active_end, ae_mult, rs, qs, end)
    return Trajectory(events=events, ndt=ndt, realised=realised)


NDT_ITEMS: tuple[str, ...] = ndt.CODES


def _ndt(
    cfg: SimConfig,
    rng: np.random.Generator,
    people: pd.DataFrame,
    s_day: np.ndarray,
    supported: np.ndarray,
    exit_day: np.ndarray,
    active_end: np.ndarray,
    ae_mult: np.ndarray,
    rs: np.ndarray,
    qs: np.ndarray,
    end: int,
) -> pd.DataFrame:
    """NDT waves: supported people at their start and each quarter on support; other MD people
    once (an identification assessment). Items fall as the person's service use falls."""
    n = len(people)
    md = people["md"].to_numpy()
    stop = np.where(exit_day > -(10**8), exit_day, end)
    stop = np.minimum(stop, active_end)
    first = np.where(supported, s_day, (qs[0] + rng.random(n) * (end - qs[0])).astype(np.int64))
    waves = np.where(supported, np.maximum(0, (stop - first - 1) // 91) + 1, 1)
    waves = np.where(md & (first < active_end), waves, 0)
    pi = np.repeat(np.arange(n), waves)
    wi = np.arange(len(pi)) - np.repeat(np.cumsum(waves) - waves, waves)
    day = first[pi] + 91 * wi
    qi = np.clip(np.searchsorted(qs, day, side="right") - 1, 0, len(qs) - 1)
    improve = 1 - ae_mult[pi, qi]  # 0 at baseline; rises with support (negative if worse)
    f = {
        d: people[d].to_numpy()[pi]
        for d in ("homelessness", "substance", "mental_health", "offending", "domestic_abuse")
    }
    base = {
        "engagement": np.full(len(pi), 3.0),
        "intentional_self_harm": np.where(f["mental_health"], 2.0, 1.0),
        "unintentional_self_harm": np.where(f["substance"], 3.0, 1.0),
        "risk_to_others": np.where(f["offending"], 2.0, 1.0),
        "risk_from_others": np.where(f["domestic_abuse"] | f["homelessness"], 3.0, 1.0),
        "stress_anxiety": np.where(f["mental_health"], 3.0, 2.0),
        "social_effectiveness": np.full(len(pi), 3.0),
        "substance_misuse": np.where(f["substance"], 3.0, 0.5),
        "impulse_control": np.where(f["offending"], 3.0, 2.0),
        "housing": np.where(rs[pi, qi], 4.0, np.where(f["homelessness"], 2.5, 1.0)),
    }
    person_offset = rng.normal(0, 0.4, n)[pi]
    out: dict[str, object] = {
        "person_idx": pi,
        "assessed_on": (EPOCH + day.astype("timedelta64[D]")).astype("datetime64[s]"),
    }
    total = np.zeros(len(pi), dtype=np.int64)
    for item in NDT_ITEMS:
        v = base[item] * (1 - 0.6 * improve) + person_offset + rng.normal(0, 0.6, len(pi))
        v = np.clip(np.rint(v), 0, 4).astype(np.int64)
        v = v * ndt.BY_CODE[item].weight  # the two risk items are double weighted
        out[item] = v
        total += v
    out["total"] = total
    return pd.DataFrame(out)
