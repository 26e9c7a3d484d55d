"""Renderers: what they print is what Rich alone would print."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from parledger.present.render import fit_columns, new_table

# Vietnamese in both Unicode forms, wide (CJK) and zero-width characters,
# line breaks of several kinds, and the characters Rich would parse as markup.
PIECES = [
    *"ađĐơƯ \n\r\u2028[]/:-%0123456789",
    "\u0309",  # combining hook above: no width of its own
    "\u1ede",  # Ở, composed (NFC)
    "O\u031b\u0309",  # Ở, decomposed (NFD)
    "漢",  # two columns wide
]
WORDS = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
CELL = st.one_of(WORDS, WORDS.map(lambda s: Text(s, style="bold")))


def _printed(table: Table, width: int) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, highlight=False, markup=False, emoji=False, color_system=None
    )
    console.print(table)
    return out.getvalue()


def _table(headers: list[str], rows: list[list[str | Text]], bounds: list[int | None]) -> Table:
    table = new_table()
    for number, header in enumerate(headers):
        wrap = number == len(headers) - 1  # the last column wraps, the others do not
        table.add_column(
            header,
            no_wrap=not wrap,
            ratio=1 if wrap else None,
            min_width=bounds[number % len(bounds)],
        )
    for row in rows:
        table.add_row(*row)
    return table


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(WORDS, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=6),
            st.lists(st.one_of(st.none(), st.integers(0, 12)), min_size=1, max_size=3),
        )
    ),
    st.sampled_from([20, 40, 80, 120]),
)
def test_fitted_columns_print_as_rich_measures_them(
    table: tuple[list[str], list[list[str | Text]], list[int | None]], width: int
) -> None:
    headers, rows, bounds = table
    assert _printed(fit_columns(_table(headers, rows, bounds)), width) == _printed(
        _table(headers, rows, bounds), width
    )


def test_a_cell_that_is_not_text_leaves_its_column_to_rich() -> None:
    table = new_table()
    table.add_column("a", no_wrap=True)
    table.add_column("b", no_wrap=True)
    table.add_row("x\ty", "plain")
    table.add_row(new_table(), "longer")
    fit_columns(table)
    assert [column.width for column in table.columns] == [None, 6]
