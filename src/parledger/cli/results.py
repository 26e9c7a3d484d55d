"""The indices' published results: list them, record one."""

from __future__ import annotations

import typer

from parledger.cli.common import emit, emit_records, load_shared
from parledger.present.export import TextFormat

RESULT_COLUMNS = ["index", "year", "rank", "of", "score", "source", "note"]


def register(app: typer.Typer) -> None:
    app.command("results")(results)
    app.command("record-result")(record_result)


def results(
    ctx: typer.Context,
    index: str | None = typer.Option(None, "--index", "-i", help="Only this index."),
    fmt: TextFormat = typer.Option(
        TextFormat.TABLE,
        "--format",
        "-f",
        help="Output: table for people; json, jsonl, csv or md for scripts (stable bytes).",
    ),
) -> None:
    """List each index's published results by year (results.yaml): rank, of how
    many, score where published, and the document that published it. The
    directive's own baseline is not listed: 'parledger report' shows both.

    Example: parledger results --index PAPI --format csv
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.track import results as recorded

    # The workspace's catalog says which indices there are; every directive
    # of the folder shares it, and its results.
    workspace = load_shared(ctx)
    records = recorded.listing(workspace.location, workspace.catalog.ids(), index=index)
    emit_records(ctx, fmt, records, RESULT_COLUMNS, lambda: render.results_table(records))


def record_result(
    ctx: typer.Context,
    index: str = typer.Option(..., "--index", "-i", help="The index, e.g. PAPI or 'PAR INDEX'."),
    year: int = typer.Option(..., "--year", "-y", help="The year the result is for."),
    rank: int = typer.Option(..., "--rank", "-r", help="The province's rank, 1 = first."),
    of: int = typer.Option(..., "--of", help="How many provinces were ranked, e.g. 63."),
    source: str = typer.Option(
        ...,
        "--source",
        "-s",
        help="The document that published or relayed it, as offices cite it, e.g. "
        "'Công văn số 1487/UBND-NC ngày 21/5/2025'; kept in the ledger's canonical form.",
    ),
    score: float | None = typer.Option(None, "--score", help="The score, where published."),
    note: str | None = typer.Option(None, "--note", "-n", help="A note, e.g. the dataset."),
) -> None:
    """Record one index's published result for one year in results.yaml.

    Refused, with nothing written (exit 2): an unknown index, a year not yet
    come, a rank below 1 or above --of, a source that is no document reference
    or URL, and a result already recorded for that index and year (a published
    result does not change; a typing slip is corrected by editing results.yaml).
    The directive's quoted baseline is never changed.

    Example: parledger record-result --index PAPI --year 2024 --rank 19 --of 63
    --source "Công văn số 1487/UBND-NC ngày 21/5/2025"
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import ranks
    from parledger.track import results as recorded

    workspace = load_shared(ctx)  # its catalog: the indices there are
    made = recorded.record(
        workspace.location,
        workspace.catalog.ids(),
        index=index,
        year=year,
        rank=rank,
        of=of,
        source=source,
        score=score,
        note=note,
    )
    emit(
        f"recorded {made['index']} {made['year']}: "
        f"{ranks.step({**made, 'quoted': False})} in {made['file']}\n"
    )
