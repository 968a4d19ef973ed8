"""Identifier formats: NHS numbers, PNC IDs, prison numbers, postcodes and agency record refs.

All vectorised with numpy. NHS numbers are drawn from the 999 range that NHS England reserves for
test data, so none is a real patient's; the check digit is a valid Modulus 11 digit.
"""

from __future__ import annotations

import math

import numpy as np

_NHS_WEIGHTS = np.arange(10, 1, -1)  # 10..2 for digits 1..9


def nhs_check_digit(first9: np.ndarray) -> np.ndarray:
    """Modulus 11 check digit for an (n, 9) int array; 10 means "no valid number"."""
    total = (first9 * _NHS_WEIGHTS).sum(axis=1)
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def is_valid_nhs_number(value: str) -> bool:
    """True when ``value`` is 10 digits with a correct Modulus 11 check digit."""
    s = value.replace(" ", "")
    if len(s) != 10 or not s.isdigit():
        return False
    digits = np.array([int(c) for c in s[:9]])
    check = int(nhs_check_digit(digits[None, :])[0])
    return check != 10 and check == int(s[9])


def _bijection(idx: np.ndarray, modulus: int, seed: int, salt: int) -> np.ndarray:
    """A seeded one-to-one map of ``idx`` (distinct, below ``modulus``) onto ``[0, modulus)``.

    Identifiers are drawn through this, keyed by each person's global index, so no two synthetic
    people ever share an NHS number, PNC serial or prison number, however many chunks are drawn.
    """
    if len(idx) and int(idx.max()) >= modulus:
        raise ValueError(f"at most {modulus:,} distinct identifiers of this kind can be generated")
    rng = np.random.default_rng([int(seed), 104_729, salt])
    while True:
        a = int(rng.integers(1, modulus))
        if math.gcd(a, modulus) == 1:
            break
    b = int(rng.integers(0, modulus))
    return (idx.astype(object) * a + b) % modulus  # Python ints: no overflow


_VALID_NHS_SUFFIXES: np.ndarray | None = None


def _valid_nhs_suffixes() -> np.ndarray:
    """Every six-digit suffix that makes a valid number in the 999 test range (about 909,000)."""
    global _VALID_NHS_SUFFIXES
    if _VALID_NHS_SUFFIXES is None:
        suffix = np.arange(1_000_000, dtype=np.int64)
        digits = np.empty((len(suffix), 9), dtype=np.int64)
        digits[:, :3] = 9
        for k in range(6):
            digits[:, 3 + k] = suffix // 10 ** (5 - k) % 10
        check = nhs_check_digit(digits)
        ok = check != 10
        _VALID_NHS_SUFFIXES = 999_000_000_0 + suffix[ok] * 10 + check[ok]
    return _VALID_NHS_SUFFIXES


def nhs_numbers(idx: np.ndarray, seed: int) -> np.ndarray:
    """Distinct valid NHS numbers in the 999 test range, one per global person index."""
    valid = _valid_nhs_suffixes()
    chosen = valid[_bijection(idx, len(valid), seed, 1).astype(np.int64)]
    return np.array([f"{x:010d}" for x in chosen], dtype=object)


_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def pnc_ids(rng: np.random.Generator, birth_year: np.ndarray, idx: np.ndarray, seed: int) -> np.ndarray:
    """PNC IDs like ``2019/0123456A``: year of first record (from age 14), a distinct serial, check letter."""
    n = len(birth_year)
    first = np.maximum(1995, birth_year + 14)
    year = first + np.floor(rng.random(n) * np.maximum(2026 - first, 1)).astype(np.int64)
    serial = _bijection(idx, 10_000_000, seed, 2).astype(np.int64)
    check = ((year % 100) * 10_000_000 + serial) % 23
    return np.array(
        [f"{y}/{s:07d}{_PNC_LETTERS[c]}" for y, s, c in zip(year, serial, check, strict=True)],
        dtype=object,
    )


_UPPER = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=object)


def prison_numbers(idx: np.ndarray, seed: int) -> np.ndarray:
    """Distinct prison numbers like ``A1234BC``, one per global person index."""
    letters = len(_UPPER)
    code = _bijection(idx, letters * 10_000 * letters * letters, seed, 3).astype(np.int64)
    c = code % letters
    b = code // letters % letters
    num = code // letters**2 % 10_000
    a = code // (letters**2 * 10_000)
    return np.array(
        [f"{_UPPER[w]}{x:04d}{_UPPER[y]}{_UPPER[z]}" for w, x, y, z in zip(a, num, b, c, strict=True)], dtype=object
    )


_INWARD = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)  # no C I K M O V


def postcodes(rng: np.random.Generator, districts: np.ndarray) -> np.ndarray:
    """Format-valid postcodes in invented districts, e.g. ``TX4 7QB``."""
    n = len(districts)
    sector = rng.integers(0, 10, n)
    u1 = _INWARD[rng.integers(0, len(_INWARD), n)]
    u2 = _INWARD[rng.integers(0, len(_INWARD), n)]
    return np.array([f"{d} {s}{a}{b}" for d, s, a, b in zip(districts, sector, u1, u2, strict=True)], dtype=object)


_MULT = 387_420_489  # 3**18: coprime with 10, so x -> (a*x + b) mod 10**9 is a bijection
_MOD = 10**9


def scramble(x: np.ndarray, salt: int, modulus: int = _MOD) -> np.ndarray:
    """A deterministic bijection on 0 .. modulus - 1 (a power of ten), so sequential numbers look
    like agency ids."""
    return (x.astype(np.int64) * (_MULT % modulus) + 104_729 * (salt + 1)) % modulus
