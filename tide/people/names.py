"""Name normalisation, phonetic keys and similarity: the pure part of misspelling-tolerant search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jellyfish

_NON_LETTERS = re.compile(r"[^a-z' -]+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(_NON_LETTERS.sub(" ", text).replace("'", "").replace("-", " ").split())


def tokens(text: str) -> list[str]:
    return [t for t in normalise(text).split() if t]


def token_keys(token: str) -> set[str]:
    """Phonetic keys of one name token: Soundex, NYSIIS and Metaphone; any one catching a misspelling matches."""
    keys = {f"s{jellyfish.soundex(token)}", f"n{jellyfish.nysiis(token)[:12]}"}
    metaphone = jellyfish.metaphone(token)
    if metaphone:
        keys.add(f"m{metaphone[:12]}")
    return keys


def keys_for_names(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        for token in tokens(name):
            keys |= token_keys(token)
    return keys


def similarity(query: str, candidate_names: Iterable[str]) -> float:
    """Mean over query tokens of the best Jaro-Winkler match among the candidate's name tokens (0–1)."""
    query_tokens = tokens(query)
    candidate_tokens = [t for name in candidate_names for t in tokens(name)]
    if not query_tokens or not candidate_tokens:
        return 0.0
    return sum(max(jellyfish.jaro_winkler_similarity(q, c) for c in candidate_tokens) for q in query_tokens) / len(
        query_tokens
    )
