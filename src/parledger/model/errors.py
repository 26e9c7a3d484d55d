"""Errors the library raises; the CLI alone maps each to a message and an
exit code (:func:`parledger.cli.common.exit_code`).

The library never prints or exits: it raises one of these, and the single
error boundary in ``parledger.cli`` turns it into one line on stderr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Line breaks and other control characters, which a message may quote from
# a file ("entry e-\nfoo: unknown field …"): shown escaped, so a problem
# stays on its one line and a terminal prints what it says.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(text: str) -> str:
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


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
        where = f"{_escaped(self.path)}:{self.line}:{self.col}"
        return f"{where}: {self.code}: {_escaped(self.message)}"


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
