"""Errors the library raises; the CLI alone maps each to a message and an
exit code (:func:`parledger.cli.common.exit_code`).

The library never prints or exits: it raises one of these, and the single
error boundary in ``parledger.cli`` turns it into one line on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass

from parledger.model.text import shown


class ParledgerError(Exception):
    """Base of every error a user can cause; never shown as a traceback."""


class UsageError(ParledgerError):
    """Bad arguments: an unknown agency, a bad option value."""


class DataError(ParledgerError):
    """The workspace's files are unreadable or invalid."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a workspace file, 1-based line and column."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        # A message may quote a file ("entry e-\nfoo: unknown field …"): its
        # control characters are shown escaped, so a problem stays on its one
        # line and a terminal prints what it says.
        where = f"{shown(self.path)}:{self.line}:{self.col}"
        return f"{where}: {self.code}: {shown(self.message)}"


class ProblemsError(DataError):
    """The workspace has problems; all of them are carried, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "no problems"
        more = (
            f" (and {len(problems) - 1} more; run 'parledger validate')"
            if len(problems) > 1
            else ""
        )
        super().__init__(first + more)


@dataclass(frozen=True)
class RowProblem:
    """One refused row of a file a bulk command reads; rows as the
    spreadsheet numbers them (the header is row 1)."""

    path: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.row}: {shown(self.message)}"


class RowsError(UsageError):
    """Rows of a file a bulk command refused: every one of them, never only
    the first, so the user fixes the file in one pass.  Nothing was written."""

    def __init__(self, problems: list[RowProblem], rows: int) -> None:
        self.problems = problems
        self.rows = rows
        first = str(problems[0]) if problems else "no problems"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)
