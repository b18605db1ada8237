"""What an import did: counts per record type and the lines it could not take."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pressroom.transfer.format import RECORD_TYPES

# Enough to fix a file by; a file of a million bad lines is reported by its count.
ERRORS_KEPT = 1000


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str
    column: int | None = None  # where in the line, when one place is to blame

    @property
    def place(self) -> str:
        """``line 4``, or ``line 4, column 25``: the file's own numbering, from 1."""
        return (
            f"line {self.line}"
            if self.column is None
            else f"line {self.line}, column {self.column}"
        )

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"line": self.line, "reason": self.reason}
        if self.column is not None:
            found["column"] = self.column
        return found


@dataclass
class ImportReport:
    """Counts of inserted, unchanged and skipped records per type, and the bad lines."""

    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {kind: Counter() for kind in RECORD_TYPES}
    )
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    committed: bool = False
    failure: str | None = None

    def inserted(self, kind: str, rows: int = 1) -> None:
        self.counts[kind]["inserted"] += rows

    def unchanged(self, kind: str, rows: int = 1) -> None:
        self.counts[kind]["unchanged"] += rows

    def bad(
        self, line: int, reason: str, kind: str | None = None, *, column: int | None = None
    ) -> None:
        """Record a line that was not imported, and why."""
        self.counts.setdefault(kind or "unreadable", Counter())["skipped"] += 1
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(LineError(line, reason, column))

    def lines(self) -> list[LineError]:
        """The bad lines in file order (reference errors surface a batch late)."""
        return sorted(self.errors, key=lambda error: error.line)

    def as_json(self, *, dry_run: bool) -> dict[str, Any]:
        """The report for ``--json``: stable keys, every count present."""
        return {
            "committed": self.committed,
            "dryRun": dry_run,
            "counts": {
                kind: {k: counts[k] for k in ("inserted", "unchanged", "skipped")}
                for kind, counts in self.counts.items()
            },
            "errorCount": self.error_count,
            "errors": [error.as_json() for error in self.lines()],
            "failure": self.failure,
        }
