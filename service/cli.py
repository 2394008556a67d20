"""The ``klarsteg`` command: score files, serve the API, report on scored exports."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup


def _plain_flags(params: list) -> list:
    """On/off flags show no type column (``<bool>``) in the help: they take no value."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(TyperCommand):
    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        return _plain_flags(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        return _plain_flags(super().get_params(ctx))


EXAMPLES = """[b]Examples[/b]

  Score a CRM export, then write a report for the sales manager:

  [cyan]klarsteg score export.csv -o scored.csv[/cyan]

  [cyan]klarsteg report scored.csv -o report.html --group-col seller[/cyan]

  Serve the API and the web page on http://127.0.0.1:8000:

  [cyan]klarsteg serve --port 8000[/cyan]

  Each command has its own help: [cyan]klarsteg score --help[/cyan]
"""

app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Klarsteg: which follow-ups are real. Scores the next step, reason and date in sales notes.",
    epilog=EXAMPLES,
    context_settings={"max_content_width": 100},
)

_IN = "Input"
_OUT = "Output"
_RUN = "Running"


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command(
    cls=_Command,
    rich_help_panel="Files",
    epilog="[b]Examples[/b]\n\n"
    "  [cyan]klarsteg score export.csv -o scored.csv[/cyan]\n\n"
    "  [cyan]klarsteg score notes.jsonl -o scored.jsonl --text-col body --date-col created[/cyan]\n\n"
    "  [cyan]klarsteg score export.csv -o scored.csv --resume[/cyan]   (after Ctrl-C or a crash)",
)
def score(
    input: Annotated[
        Path,
        typer.Argument(
            help="Notes to score: .csv, .jsonl, .xlsx or .parquet.",
            exists=True,
            dir_okay=False,
            metavar="INPUT",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Output file; its suffix picks the format (.csv, .jsonl, .xlsx, .parquet).",
            rich_help_panel=_OUT,
        ),
    ],
    text_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN", help="Column with the note text (default: found by name).", rich_help_panel=_IN
        ),
    ] = None,
    date_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Column with each note's date (default: found by name).",
            rich_help_panel=_IN,
        ),
    ] = None,
    id_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN", help="Column with a record id, named in error messages.", rich_help_panel=_IN
        ),
    ] = None,
    note_date: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help="One note date for every row (ISO, 2026-03-10).", rich_help_panel=_IN
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=0, metavar="N", help="Worker processes (0: one per CPU core).", rich_help_panel=_RUN
        ),
    ] = 0,
    chunk_size: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Notes per chunk (scored and written together).", rich_help_panel=_RUN
        ),
    ] = 256,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run: keep OUTPUT's complete records, score the rest "
            "(.csv or .jsonl output).",
            rich_help_panel=_OUT,
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.", rich_help_panel=_RUN)
    ] = False,
    model_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Artifact directory (default: the shipped model).", rich_help_panel=_RUN
        ),
    ] = None,
) -> None:
    """Score every note in INPUT and write one output record per input record, in order.

    A record that cannot be scored (empty text, a bad date) gets an error instead of a score.
    Interrupted runs leave a valid partial CSV/JSONL output; run again with --resume.
    """
    from service.batch import BatchOptions, score_file
    from service.progress import BarProgress

    options = BatchOptions(
        text_col=text_col,
        date_col=date_col,
        id_col=id_col,
        note_date=note_date,
        workers=workers,
        chunk_size=chunk_size,
        resume=resume,
        model_dir=model_dir,
    )
    bar = BarProgress(enabled=not quiet and sys.stderr.isatty())
    try:
        with bar:
            summary = score_file(input, output, options, progress=bar)
    except (ValueError, OSError, RuntimeError) as exc:  # bad input, I/O, a model that will not load
        _fail(str(exc))
    if not quiet:
        for sample in summary.error_samples:
            typer.echo(f"warning: {sample}", err=True)
        if summary.errors > len(summary.error_samples):
            typer.echo(
                f"warning: ... and {summary.errors - len(summary.error_samples)} more errors", err=True
            )
        resumed = f" (resumed after {summary.resumed})" if summary.resumed else ""
        typer.echo(
            f"read {_plural(summary.read, 'row')}{resumed}: scored {summary.scored}, errors {summary.errors} "
            f"in {summary.seconds:.1f} s ({_rate(summary.rate)}, {_plural(summary.workers, 'worker')}) "
            f"-> {output}",
            err=True,
        )
    if summary.interrupted:
        typer.echo(
            f"interrupted: {output} holds the first {summary.written} records; "
            "run the same command with --resume to finish it",
            err=True,
        )
        raise typer.Exit(130)


@app.command(
    cls=_Command,
    rich_help_panel="Files",
    epilog="[b]Example[/b]\n\n"
    "  [cyan]klarsteg report scored.csv -o report.html --group-col seller --deal-col deal[/cyan]",
)
def report(
    scored: Annotated[
        Path,
        typer.Argument(
            help="Output of `klarsteg score` (.csv, .jsonl, .xlsx, .parquet).",
            exists=True,
            dir_okay=False,
            metavar="SCORED",
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="The HTML report to write.")],
    group_col: Annotated[
        str | None, typer.Option(metavar="COLUMN", help="Column to break results down by (seller, team).")
    ] = None,
    deal_col: Annotated[
        str | None, typer.Option(metavar="COLUMN", help="Column naming the deal; lists stalled deals.")
    ] = None,
    stall_notes: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="A deal is stalled when its last N notes are all vague or none."
        ),
    ] = 3,
    text_col: Annotated[
        str | None, typer.Option(metavar="COLUMN", help="Column with the note text (for excerpts).")
    ] = None,
    date_col: Annotated[
        str | None, typer.Option(metavar="COLUMN", help="Column with each note's date.")
    ] = None,
    title: Annotated[str, typer.Option(metavar="TEXT", help="The report's title.")] = "Follow-up quality",
) -> None:
    """Write a self-contained HTML report on a scored export, for a sales manager."""
    from service.report import ReportOptions, write_report

    options = ReportOptions(
        group_col=group_col,
        deal_col=deal_col,
        stall_notes=stall_notes,
        text_col=text_col,
        date_col=date_col,
        title=title,
    )
    try:
        stats = write_report(scored, output, options)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    typer.echo(f"report on {stats.notes} notes -> {output}", err=True)


@app.command(cls=_Command, rich_help_panel="Model")
def info(
    model_dir: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Artifact directory (default: the served model).")
    ] = None,
) -> None:
    """Print the model's metadata: version, training date, dev metrics."""
    from model.artifacts import ArtifactError, verify_artifacts
    from model.settings import get_settings

    try:
        meta = verify_artifacts(model_dir or get_settings().model_dir)
    except ArtifactError as exc:
        _fail(str(exc))
    typer.echo(json.dumps({k: v for k, v in meta.items() if k != "files"}, indent=2, ensure_ascii=False))


@app.command(
    cls=_Command,
    rich_help_panel="Service",
    epilog="[b]Example[/b]\n\n  [cyan]KLARSTEG_API_KEY=secret klarsteg serve --port 8000 --workers 2[/cyan]",
)
def serve(
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="PORT", help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, metavar="N", help="Worker processes; each loads the model.")
    ] = 1,
) -> None:
    """Serve the JSON API and the web page. With KLARSTEG_API_KEY set, the API needs that key."""
    from model.artifacts import ArtifactError, verify_artifacts
    from model.settings import get_settings

    # A missing, tampered or foreign model stops the start with its message (each worker
    # verifies again, and the bytes it unpickles, when it loads the model).
    try:
        verify_artifacts(get_settings().model_dir)
    except ArtifactError as exc:
        _fail(f"the model cannot be served: {exc}")

    from service.server import run_server

    run_server(host=host, port=port, workers=workers)


def _rate(rows_per_s: float) -> str:
    """A rate as people read it: ``1,234 rows/s``, ``3.5 rows/s``, ``0.42 rows/s``."""
    if rows_per_s >= 100:
        return f"{rows_per_s:,.0f} rows/s"
    if rows_per_s >= 1:
        return f"{rows_per_s:.1f} rows/s"
    return f"{rows_per_s:.2g} rows/s"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _cli_log_level() -> int:
    """KLARSTEG_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR) for the commands' own logging; WARNING
    when unset or unknown. ``serve`` configures the service's logging from the same setting."""
    level = logging.getLevelName(os.environ.get("KLARSTEG_LOG_LEVEL", "WARNING").strip().upper())
    return level if isinstance(level, int) else logging.WARNING


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=_cli_log_level(), stream=sys.stderr, format="%(levelname)s %(message)s")
    app()


if __name__ == "__main__":
    main()
