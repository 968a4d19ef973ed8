"""Statistical disclosure control for published tables (framework-free).

The default policy follows NHS Digital's published rule for figures below national level: counts of
1 to 7 are shown as ``*``, other counts are rounded to the nearest 5. Totals are computed from the
unrounded counts before rounding. Secondary suppression makes sure no hidden cell can be recovered
from its row or column and the totals: in every line of the table (a row with its total, a column
with its total, the totals row with the grand total) there are either no hidden cells or at least
two. The policy is configurable (some research environments suppress below 10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DisclosurePolicy:
    suppress_from: int = 1  # smallest count hidden (0 is shown as 0)
    suppress_to: int = 7  # largest count hidden
    round_to: int = 5  # 1 means no rounding
    symbol: str = "*"
    secondary: bool = True

    def __post_init__(self) -> None:
        if self.suppress_from < 1 or self.suppress_to < self.suppress_from - 1:
            raise ValueError("The suppressed range must start at 1 or more and not end before it starts.")
        if self.round_to < 1:
            raise ValueError("Rounding base must be 1 or more.")

    @classmethod
    def from_string(cls, text: str) -> DisclosurePolicy:
        """Parse ``"suppress=1-7,round=5,symbol=*,secondary=yes"`` (any subset, in any order)."""
        options: dict[str, object] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = part.partition("=")
            key, value = key.strip(), value.strip()
            if key == "suppress":
                low, _, high = value.partition("-")
                options["suppress_from"], options["suppress_to"] = int(low), int(high or low)
            elif key == "round":
                options["round_to"] = int(value)
            elif key == "symbol":
                options["symbol"] = value
            elif key == "secondary":
                options["secondary"] = value.lower() in {"1", "yes", "true", "on"}
            else:
                raise ValueError(f"Unknown disclosure policy option {key!r}.")
        return cls(**options)  # type: ignore[arg-type]

    def is_primary(self, count: int) -> bool:
        return self.suppress_from <= count <= self.suppress_to

    def round(self, count: int) -> int:
        base = self.round_to
        return ((count + base // 2) // base) * base if base > 1 else count  # half rounds up


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to publish: every cell is a display string; ``hidden`` marks suppressed cells.

    ``cells`` has one more row and column than the input: the last column holds row totals, the last
    row column totals, and the corner the grand total.
    """

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    hidden: tuple[tuple[bool, ...], ...]
    primary: int = 0
    secondary: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    """Every additive line of the full grid (cells plus totals), as lists of coordinates."""
    lines = [[(r, c) for c in range(cols + 1)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows + 1)] for c in range(cols + 1)]
    return lines


def suppression_mask(
    counts: Sequence[Sequence[int]], policy: DisclosurePolicy
) -> tuple[list[list[int]], list[list[bool]], int]:
    """The full grid with totals, which cells are hidden, and how many hidden cells are primary."""
    rows = len(counts)
    cols = len(counts[0]) if rows else 0
    for row in counts:
        if len(row) != cols:
            raise ValueError("Every row of the table must have the same number of columns.")
        if any((not isinstance(v, int)) or v < 0 for v in row):
            raise ValueError("Counts must be whole numbers of zero or more.")
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(rows)) for c in range(cols + 1)])
    hidden = [[policy.is_primary(v) for v in row] for row in grid]
    primary = sum(map(sum, hidden))
    if policy.secondary and primary:
        lines = _lines(rows, cols)
        changed = True
        while changed:
            changed = False
            for line in lines:
                hidden_here = [pos for pos in line if hidden[pos[0]][pos[1]]]
                if len(hidden_here) != 1:
                    continue
                candidates = [pos for pos in line if not hidden[pos[0]][pos[1]]]
                if not candidates:
                    continue
                # Hide the smallest other cell, preferring non-zero inner cells over totals.
                r, c = min(
                    candidates,
                    key=lambda p: (grid[p[0]][p[1]] == 0, p[0] == rows or p[1] == cols, grid[p[0]][p[1]], p),
                )
                hidden[r][c] = True
                changed = True
    return grid, hidden, primary


def protect(
    counts: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    policy: DisclosurePolicy | None = None,
) -> ProtectedTable:
    policy = policy or DisclosurePolicy()
    if len(row_labels) != len(counts) or (counts and len(column_labels) != len(counts[0])):
        raise ValueError("There must be one label per row and per column.")
    grid, hidden, primary = suppression_mask(counts, policy)
    cells = tuple(
        tuple(policy.symbol if h else str(policy.round(v)) for v, h in zip(row, mask, strict=True))
        for row, mask in zip(grid, hidden, strict=True)
    )
    total_hidden = sum(map(sum, hidden))
    notes = [f"Counts from {policy.suppress_from} to {policy.suppress_to} are shown as {policy.symbol}."]
    if policy.round_to > 1:
        notes.append(
            f"Other counts are rounded to the nearest {policy.round_to}; totals were added up before rounding."
        )
    if total_hidden > primary:
        notes.append(f"Some other counts are also shown as {policy.symbol} so hidden counts cannot be worked out.")
    return ProtectedTable(
        row_labels=(*row_labels, "Total"),
        column_labels=(*column_labels, "Total"),
        cells=cells,
        hidden=tuple(tuple(row) for row in hidden),
        primary=primary,
        secondary=total_hidden - primary,
        notes=tuple(notes),
    )
