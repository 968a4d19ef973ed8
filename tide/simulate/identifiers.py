"""Identifier formats: NHS numbers, PNC IDs, prison numbers, postcodes and agency record refs.

All vectorised with numpy. NHS numbers are drawn from the 999 range that NHS England reserves for
test data, so none is a real patient's; the check digit is a valid Modulus 11 digit.
"""

from __future__ import annotations

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


def nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    digits = np.empty((n, 9), dtype=np.int64)
    digits[:, :3] = 9  # 999 test range
    digits[:, 3:] = rng.integers(0, 10, size=(n, 6))
    check = nhs_check_digit(digits)
    bad = check == 10
    while bad.any():  # change the last digit until the check digit exists
        digits[bad, 8] = (digits[bad, 8] + 1) % 10
        check = nhs_check_digit(digits)
        bad = check == 10
    num = (digits * 10 ** np.arange(9, 0, -1)).sum(axis=1) + check
    return np.array([f"{x:010d}" for x in num], dtype=object)


_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def pnc_ids(rng: np.random.Generator, birth_year: np.ndarray) -> np.ndarray:
    """PNC IDs like ``2019/0123456A``: year of first record (from age 14), serial, check letter."""
    n = len(birth_year)
    first = np.maximum(1995, birth_year + 14)
    year = first + np.floor(rng.random(n) * np.maximum(2026 - first, 1)).astype(np.int64)
    serial = rng.integers(0, 10_000_000, size=n)
    check = ((year % 100) * 10_000_000 + serial) % 23
    return np.array(
        [f"{y}/{s:07d}{_PNC_LETTERS[c]}" for y, s, c in zip(year, serial, check, strict=True)],
        dtype=object,
    )


_UPPER = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=object)


def prison_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Prison numbers like ``A1234BC``."""
    a = _UPPER[rng.integers(0, len(_UPPER), n)]
    num = rng.integers(0, 10_000, n)
    b = _UPPER[rng.integers(0, len(_UPPER), n)]
    c = _UPPER[rng.integers(0, len(_UPPER), n)]
    return np.array([f"{w}{x:04d}{y}{z}" for w, x, y, z in zip(a, num, b, c, strict=True)], dtype=object)


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
