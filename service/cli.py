"""The ``klarsteg`` command: score files, serve the API, report on scored exports."""

from __future__ import annotations

import json
import logging
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli_common import IN, OUT, RUN, Command, app, fail, plural, rate

if TYPE_CHECKING:
    from service.batch import BatchOptions, BatchSummary


class Engine(StrEnum):
    """Where ``klarsteg score`` runs: worker processes on this machine, or Apache Spark."""

    local = "local"
    spark = "spark"


@app.command(
    cls=Command,
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
            help="Notes to score: .csv, .jsonl, .xlsx or .parquet (with --engine spark also a "
            "folder of Parquet parts).",
            exists=True,
            dir_okay=True,
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
            rich_help_panel=OUT,
        ),
    ],
    text_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN", help="Column with the note text (default: found by name).", rich_help_panel=IN
        ),
    ] = None,
    date_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Column with each note's date (default: found by name).",
            rich_help_panel=IN,
        ),
    ] = None,
    subject_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Column with the activity's subject, joined as the note's first line (default: found by name).",
            rich_help_panel=IN,
        ),
    ] = None,
    id_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN", help="Column with a record id, named in error messages.", rich_help_panel=IN
        ),
    ] = None,
    note_date: Annotated[
        str | None,
        typer.Option(
            metavar="DATE", help="One note date for every row (ISO, 2026-03-10).", rich_help_panel=IN
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(min=0, metavar="N", help="Worker processes (0: one per CPU core).", rich_help_panel=RUN),
    ] = 0,
    chunk_size: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Notes per chunk (scored and written together).", rich_help_panel=RUN
        ),
    ] = 256,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run: keep OUTPUT's complete records, score the rest "
            "(.csv or .jsonl output).",
            rich_help_panel=OUT,
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.", rich_help_panel=RUN)
    ] = False,
    model_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Artifact directory (default: the shipped model).", rich_help_panel=RUN
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            metavar="ENGINE",
            help="local (worker processes on this machine) or spark (Apache Spark; needs "
            'pip install "klarsteg\\[spark]" and Java 17+).',
            rich_help_panel=RUN,
        ),
    ] = Engine.local,
    spark_master: Annotated[
        str,
        typer.Option(
            metavar="URL",
            help="Spark master for --engine spark: local[*] (every core here), local[2], "
            "spark://host:7077, yarn.",
            rich_help_panel=RUN,
        ),
    ] = "local[*]",
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
        subject_col=subject_col,
        note_date=note_date,
        workers=workers,
        chunk_size=chunk_size,
        resume=resume,
        model_dir=model_dir,
    )
    if engine is Engine.spark:
        summary = _score_on_spark(input, output, options, spark_master)
    else:
        if input.is_dir():
            fail(f"{input} is a folder: give a file, or --engine spark for a folder of Parquet parts")
        bar = BarProgress(enabled=not quiet and sys.stderr.isatty())
        try:
            with bar:
                summary = score_file(input, output, options, progress=bar)
        except (ValueError, OSError, RuntimeError) as exc:  # bad input, I/O, a model that will not load
            fail(str(exc))
    if not quiet:
        for sample in summary.error_samples:
            typer.echo(f"warning: {sample}", err=True)
        if summary.errors > len(summary.error_samples):
            typer.echo(
                f"warning: ... and {summary.errors - len(summary.error_samples)} more errors", err=True
            )
        resumed = f" (resumed after {summary.resumed})" if summary.resumed else ""
        typer.echo(
            f"read {plural(summary.read, 'row')}{resumed}: scored {summary.scored}, errors {summary.errors} "
            f"in {summary.seconds:.1f} s ({rate(summary.rate)}, {plural(summary.workers, 'worker')}) "
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


def _score_on_spark(input: Path, output: Path, options: BatchOptions, master: str) -> BatchSummary:
    """``klarsteg score --engine spark``: one line saying what to install when Spark cannot run."""
    from service.spark import score_file_spark, spark_problem

    if problem := spark_problem():
        fail(problem)
    if options.workers:
        typer.echo("warning: --workers is for --engine local; --spark-master sets Spark's cores", err=True)
    try:
        return score_file_spark(input, output, options, master=master)
    except (ValueError, OSError, RuntimeError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: {output} is incomplete; run the command again", err=True)
        raise typer.Exit(130) from None


@app.command(
    cls=Command,
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
        fail(str(exc))
    typer.echo(f"report on {stats.notes} notes -> {output}", err=True)


@app.command(cls=Command, rich_help_panel="Model")
def info(
    model_dir: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Artifact directory (default: the served model).")
    ] = None,
) -> None:
    """Print the model's metadata: version, training date, dev metrics, lineage.

    The lineage names the model it was trained to replace and the corrections it learned from; for the served model, the promotions (klarsteg promote) are shown too.
    """
    from model.artifacts import ArtifactError, verify_artifacts
    from model.promote import lineage, status
    from model.settings import get_settings

    settings = get_settings()
    directory = model_dir or settings.model_dir
    try:
        meta = verify_artifacts(directory)
    except ArtifactError as exc:
        fail(str(exc))
    shown = {k: v for k, v in meta.items() if k != "files"}
    shown["lineage"] = lineage(meta)
    shown["model_dir"] = str(directory)
    if model_dir is None:
        shown["promoted"] = status(settings.data_dir)
    typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))


@app.command(
    cls=Command,
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
        fail(f"the model cannot be served: {exc}")

    from service.server import run_server

    run_server(host=host, port=port, workers=workers)


def _cli_log_level() -> int:
    """KLARSTEG_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR) for the commands' own logging; WARNING
    when unset or unknown. ``serve`` configures the service's logging from the same setting."""
    level = logging.getLevelName(os.environ.get("KLARSTEG_LOG_LEVEL", "WARNING").strip().upper())
    return level if isinstance(level, int) else logging.WARNING


# The commands of the other topics join ``app`` when their modules are imported.
from service import cli_integrations, cli_model  # noqa: E402, F401


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=_cli_log_level(), stream=sys.stderr, format="%(levelname)s %(message)s")
    app()


if __name__ == "__main__":
    main()
