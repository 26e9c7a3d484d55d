"""Errors the library raises; the CLI maps each to a message and an exit code.

The library never prints or exits: it raises one of these, and the single
error boundary in ``parledger.cli`` turns it into one line on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass


class ParledgerError(Exception):
    """Base of every error a user can cause; never shown as a traceback."""

    exit_code = 1


class UsageError(ParledgerError):
    """Bad arguments: unknown agency, bad option value (exit 2)."""

    exit_code = 2


class DataError(ParledgerError):
    """The workspace's files are unreadable or invalid (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem found in a workspace file, 1-based line and column."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code}: {self.message}"


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
