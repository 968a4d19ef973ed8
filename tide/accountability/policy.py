"""The committed access policy: every URL and who may use it, checked against the code by the tests."""

from __future__ import annotations

from pathlib import Path

from tide.core.access import policy_table

POLICY_FILE = Path(__file__).resolve().parent / "access_policy.tsv"
HEADER = "# URL pattern\tname\twho may use it  (regenerate: python manage.py access_policy --write)"


def render_policy() -> str:
    lines = [HEADER]
    lines += ["\t".join(row) for row in policy_table()]
    return "\n".join(lines) + "\n"


def committed_policy() -> str:
    return POLICY_FILE.read_text() if POLICY_FILE.exists() else ""
