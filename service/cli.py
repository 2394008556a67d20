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
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from service.batch import BatchOptions, BatchSummary


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


class Engine(StrEnum):
    """Where ``klarsteg score`` runs: worker processes on this machine, or Apache Spark."""

    local = "local"
    spark = "spark"


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
    subject_col: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Column with the activity's subject, joined as the note's first line (default: found by name).",
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
    engine: Annotated[
        Engine,
        typer.Option(
            metavar="ENGINE",
            help="local (worker processes on this machine) or spark (Apache Spark; needs "
            'pip install "klarsteg\\[spark]" and Java 17+).',
            rich_help_panel=_RUN,
        ),
    ] = Engine.local,
    spark_master: Annotated[
        str,
        typer.Option(
            metavar="URL",
            help="Spark master for --engine spark: local[*] (every core here), local[2], "
            "spark://host:7077, yarn.",
            rich_help_panel=_RUN,
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
            _fail(f"{input} is a folder: give a file, or --engine spark for a folder of Parquet parts")
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


def _score_on_spark(input: Path, output: Path, options: BatchOptions, master: str) -> BatchSummary:
    """``klarsteg score --engine spark``: one line saying what to install when Spark cannot run."""
    from service.spark import score_file_spark, spark_problem

    if problem := spark_problem():
        _fail(problem)
    if options.workers:
        typer.echo("warning: --workers is for --engine local; --spark-master sets Spark's cores", err=True)
    try:
        return score_file_spark(input, output, options, master=master)
    except (ValueError, OSError, RuntimeError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        typer.echo(f"interrupted: {output} is incomplete; run the command again", err=True)
        raise typer.Exit(130) from None


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
        _fail(str(exc))
    shown = {k: v for k, v in meta.items() if k != "files"}
    shown["lineage"] = lineage(meta)
    shown["model_dir"] = str(directory)
    if model_dir is None:
        shown["promoted"] = status(settings.data_dir)
    typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))


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


hubspot_app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="HubSpot: prepare a portal for the webhook (docs/integrations.md).",
    context_settings={"max_content_width": 100},
)
app.add_typer(hubspot_app, name="hubspot", rich_help_panel="Integrations")


@hubspot_app.command(
    "setup",
    cls=_Command,
    rich_help_panel="Integrations",
    epilog="[b]Example[/b]\n\n  [cyan]KLARSTEG_HUBSPOT_ACCESS_TOKEN=pat-eu1-... klarsteg hubspot setup[/cyan]",
)
def hubspot_setup(
    api_base: Annotated[
        str | None,
        typer.Option(metavar="URL", help="HubSpot's API host (default: KLARSTEG_HUBSPOT_API_BASE)."),
    ] = None,
) -> None:
    """Create the note properties Klarsteg writes: klarsteg_score, klarsteg_verdict, klarsteg_missing.

    Run it once per portal with the private app's token in KLARSTEG_HUBSPOT_ACCESS_TOKEN (not on the command line). Properties that exist already are kept as they are.
    """
    import asyncio

    from model.settings import get_settings
    from service.integrations import hubspot
    from service.integrations.http import CrmError

    settings = get_settings()
    if api_base is not None:
        try:
            settings = settings.model_copy(update={"hubspot_api_base": type(settings)._http_url(api_base)})
        except ValueError as exc:
            _fail(f"--api-base {exc}")
    if settings.hubspot_access_token is None:
        _fail("set KLARSTEG_HUBSPOT_ACCESS_TOKEN to the HubSpot private app's access token")

    async def run() -> list[tuple[str, str]]:
        api = hubspot.client(settings)
        try:
            return await hubspot.setup_properties(api)
        finally:
            await api.aclose()

    try:
        done = asyncio.run(run())
    except CrmError as exc:
        _fail(exc.message)
    for name, what in done:
        typer.echo(f"{what:8} {name}")
    typer.echo(f"HubSpot at {settings.hubspot_api_base} has the Klarsteg note properties", err=True)


# ---------------------------------------------------------------- learning from corrections
# docs/corrections.md: corrections saved on the page or with POST /v1/corrections are
# exported, a candidate model is retrained on them and compared, and promoted only if better.

corrections_app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Corrections saved on the page or with POST /v1/corrections: export them as training "
    "data, or import a file your team labelled (docs/corrections.md).",
    context_settings={"max_content_width": 100},
)
app.add_typer(corrections_app, name="corrections", rich_help_panel="Model")


@corrections_app.command(
    "export",
    cls=_Command,
    epilog="[b]Example[/b]\n\n  [cyan]klarsteg corrections export -o corrections.jsonl[/cyan]",
)
def corrections_export(
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="FILE", help="The JSONL file to write (training-data format)."
        ),
    ],
) -> None:
    """Write the stored corrections (KLARSTEG_DATA_DIR/klarsteg.db) in the training-data format.

    One line per note: when a note was corrected more than once, its latest correction.
    """
    from model.data import write_jsonl
    from model.settings import get_settings
    from service.corrections.store import DB_NAME, CorrectionStore

    data_dir = get_settings().data_dir
    rows = []
    if (data_dir / DB_NAME).exists():
        store = CorrectionStore(data_dir)
        try:
            rows = store.latest()
            total = store.count()
        finally:
            store.close()
    else:
        total = 0
        typer.echo(f"warning: no corrections are stored in {data_dir} (KLARSTEG_DATA_DIR)", err=True)
    try:
        write_jsonl(output, [row.export() for row in rows])
    except OSError as exc:
        _fail(f"cannot write {output}: {exc}")
    superseded = f" ({total - len(rows)} superseded by a later correction)" if total > len(rows) else ""
    typer.echo(f"exported {_plural(len(rows), 'correction')}{superseded} -> {output}", err=True)


@corrections_app.command(
    "import",
    cls=_Command,
    epilog="[b]Example[/b]\n\n  [cyan]klarsteg corrections import labelled.jsonl[/cyan]",
)
def corrections_import(
    input: Annotated[
        Path,
        typer.Argument(
            help="A JSONL file in the training-data format (an export, or your own labelled notes).",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            show_default=False,
        ),
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid records and list the others.")
    ] = False,
) -> None:
    """Check every record like POST /v1/corrections does and store them as corrections.

    A when given only as text is resolved by the date layer. Nothing is imported when a record is invalid, unless --skip-invalid; a record stored already is skipped.
    """
    from model.data import read_jsonl
    from model.settings import get_settings
    from service.corrections.check import DATE_CHECKS, STRICT, check_record
    from service.corrections.store import CorrectionStore

    settings = get_settings()
    try:
        records = read_jsonl(input)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    valid: list[tuple[dict, str]] = []
    problems: list[str] = []
    for i, record in enumerate(records, 1):
        if not isinstance(record, dict):
            problems.append(f"record {i}: not a JSON object")
            continue
        check = record.get("date_check", STRICT)
        checked = check_record(
            record,
            date_check=check if check in DATE_CHECKS else STRICT,
            resolve_when=True,
            max_chars=settings.max_text_chars,
        )
        if checked.ok:
            valid.append((checked.record, checked.date_check))
        else:
            problems.append(f"record {i} ({record.get('id', 'no id')}): {checked.detail()}")
    for problem in problems[:50]:
        typer.echo(f"invalid: {problem}", err=True)
    if len(problems) > 50:
        typer.echo(f"invalid: ... and {len(problems) - 50} more", err=True)
    if problems and not skip_invalid:
        typer.echo(
            f"nothing imported: {_plural(len(problems), 'invalid record')} in {input} "
            "(fix them, or import the rest with --skip-invalid)",
            err=True,
        )
        raise typer.Exit(1)
    store = CorrectionStore(settings.data_dir)
    try:
        new = [(r, c) for r, c in valid if not store.has_record(r)]
        store.add_many(new, source="import")
    except OSError as exc:
        _fail(f"cannot store the corrections in {settings.data_dir}: {exc}")
    finally:
        store.close()
    typer.echo(
        f"imported {_plural(len(new), 'correction')} into {store.path}; "
        f"{len(valid) - len(new)} stored already, {len(problems)} invalid",
        err=True,
    )


_TRAIN = "Training"
_DATA = "Data (default: training_data/)"


@app.command(
    cls=_Command,
    rich_help_panel="Model",
    epilog="[b]Examples[/b]\n\n"
    "  [cyan]klarsteg corrections export -o corrections.jsonl[/cyan]\n\n"
    "  [cyan]klarsteg retrain --corrections corrections.jsonl --out candidate[/cyan]\n\n"
    "  [cyan]klarsteg promote candidate[/cyan]   (when it says PROMOTE)",
)
def retrain(
    corrections: Annotated[
        Path,
        typer.Option(
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="Corrections in the training-data format (klarsteg corrections export).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            metavar="DIR",
            file_okay=False,
            help="Folder for the candidate: model/, comparison.json, the corrections used.",
            show_default=False,
        ),
    ],
    weight: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Each correction counts as N training notes.", rich_help_panel=_TRAIN
        ),
    ] = 3,
    holdout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.9,
            metavar="SHARE",
            help="Share of the corrections held out of training to measure the candidate on "
            "(none when there are fewer than 5).",
            rich_help_panel=_TRAIN,
        ),
    ] = 0.2,
    epochs: Annotated[
        int, typer.Option(min=1, metavar="N", help="Most epochs of the span model.", rich_help_panel=_TRAIN)
    ] = 30,
    time_budget: Annotated[
        float,
        typer.Option(
            min=1.0, metavar="SECONDS", help="Most seconds for the span model.", rich_help_panel=_TRAIN
        ),
    ] = 360.0,
    seed: Annotated[int, typer.Option(metavar="N", help="Random seed.", rich_help_panel=_TRAIN)] = 13,
    base: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="The current model to compare with (default: the served model).",
            rich_help_panel=_DATA,
        ),
    ] = None,
    train_file: Annotated[
        Path | None,
        typer.Option("--train", metavar="FILE", help="Training notes (train.jsonl).", rich_help_panel=_DATA),
    ] = None,
    dev_file: Annotated[
        Path | None,
        typer.Option(
            "--dev", metavar="FILE", help="Notes to tune thresholds on (dev.jsonl).", rich_help_panel=_DATA
        ),
    ] = None,
    test_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--test",
            metavar="FILE",
            help="The frozen test split, repeatable (test.jsonl and test_real.jsonl).",
            rich_help_panel=_DATA,
        ),
    ] = None,
) -> None:
    """Train a candidate on the training data plus corrections; compare it with the current model.

    Both are evaluated on the frozen test split and on corrections held out of training. Writes DIR/comparison.json and prints the table. Exit 0 when the candidate may be promoted (no test metric drops by more than 0.01), 1 when not, 2 on bad input. Training on the full data takes a few minutes.
    """
    from service.corrections.retrain import RetrainError, RetrainOptions, format_comparison
    from service.corrections.retrain import retrain as run_retrain

    options = RetrainOptions(
        corrections=corrections,
        out=out,
        weight=weight,
        epochs=epochs,
        time_budget_s=time_budget,
        holdout=holdout,
        seed=seed,
        base=base,
        tests=list(test_files or []),
    )
    if train_file is not None:
        options.train = train_file
    if dev_file is not None:
        options.dev = dev_file
    try:
        comparison = run_retrain(options, progress=lambda m: typer.echo(m, err=True))
    except (RetrainError, OSError) as exc:
        _fail(str(exc))
    typer.echo(format_comparison(comparison))
    typer.echo(f"comparison: {out / 'comparison.json'}", err=True)
    raise typer.Exit(0 if comparison["promote"] else 1)


@app.command(
    cls=_Command,
    rich_help_panel="Model",
    epilog="[b]Examples[/b]\n\n"
    "  [cyan]klarsteg promote candidate[/cyan]\n\n"
    "  [cyan]klarsteg promote candidate --force[/cyan]   (against its comparison)",
)
def promote(
    candidate: Annotated[
        Path,
        typer.Argument(
            help="The folder klarsteg retrain wrote (or a model folder with metadata.json).",
            exists=True,
            file_okay=False,
            metavar="DIR",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Promote although the comparison says no, is missing, or was made against another model.",
        ),
    ] = False,
) -> None:
    """Make the candidate the model that klarsteg serve and klarsteg score load.

    The model is verified and copied to KLARSTEG_DATA_DIR/models/<version>, and the models/current link switches to it in one step; the model served until now stays there for klarsteg rollback. A running server keeps its model until it is restarted.
    """
    from model.artifacts import METADATA_FILE, ArtifactError, verify_artifacts
    from model.promote import PromoteError
    from model.promote import promote as run_promote
    from model.settings import PACKAGE_MODEL_DIR, get_settings
    from service.corrections.retrain import COMPARISON_FILE, MODEL_SUBDIR

    settings = get_settings()
    model_dir = candidate / MODEL_SUBDIR if (candidate / MODEL_SUBDIR / METADATA_FILE).exists() else candidate
    try:
        meta = verify_artifacts(model_dir)
    except ArtifactError as exc:
        _fail(f"the candidate cannot be promoted: {exc}")
    comparison_path = next(
        (p for p in (candidate / COMPARISON_FILE, model_dir.parent / COMPARISON_FILE) if p.is_file()), None
    )
    objections: list[str] = []
    if comparison_path is None:
        objections.append(f"there is no {COMPARISON_FILE} for it: run klarsteg retrain first")
    else:
        try:
            comparison = json.loads(comparison_path.read_text(encoding="utf-8"))
            compared = comparison["models"]["candidate"]["version"]
            against = comparison["models"]["current"]["version"]
            verdict = bool(comparison["promote"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            _fail(f"{comparison_path} is not a klarsteg retrain comparison: {exc}")
        if compared != meta["version"]:
            objections.append(f"{comparison_path} compares model {compared}, not {meta['version']}")
        if not verdict:
            worse = ", ".join(
                f"{k} {v:+.3f}" if v is not None else k for k, v in comparison.get("drops", {}).items()
            )
            objections.append(f"its comparison says no: {worse or 'a test metric drops'}")
        try:
            served = verify_artifacts(settings.model_dir)["version"]
        except ArtifactError:
            served = None
        if served is not None and against != served:
            objections.append(
                f"it was compared with model {against}, but {served} is served now: retrain again"
            )
    if objections and not force:
        for objection in objections:
            typer.echo(f"refused: {objection}", err=True)
        typer.echo("nothing changed (--force promotes it anyway)", err=True)
        raise typer.Exit(1)
    for objection in objections:
        typer.echo(f"warning: promoted although {objection}", err=True)
    try:
        switch = run_promote(
            model_dir,
            settings.data_dir,
            serving_dir=PACKAGE_MODEL_DIR,
            comparison=comparison_path,
            forced=bool(objections),
        )
    except (PromoteError, ArtifactError, OSError) as exc:
        _fail(str(exc))
    typer.echo(f"promoted {switch.current} (previous: {switch.previous}) -> {switch.current_dir}")
    if os.environ.get("KLARSTEG_MODEL_DIR"):
        typer.echo(
            "warning: KLARSTEG_MODEL_DIR is set, and it wins: unset it to serve the promoted model", err=True
        )
    typer.echo(
        "klarsteg serve and klarsteg score load it from their next start (restart a running server)", err=True
    )


@app.command(
    cls=_Command,
    rich_help_panel="Model",
    epilog="[b]Example[/b]\n\n  [cyan]klarsteg rollback[/cyan]",
)
def rollback() -> None:
    """Serve the model that was served before the last promotion again.

    Each rollback goes one promotion further back; the rolled-back model stays installed, and klarsteg promote KLARSTEG_DATA_DIR/models/<version> --force brings it back.
    """
    from model.promote import PromoteError
    from model.promote import rollback as run_rollback
    from model.settings import get_settings

    try:
        switch = run_rollback(get_settings().data_dir)
    except PromoteError as exc:
        _fail(str(exc))
    typer.echo(f"rolled back to {switch.current} -> {switch.current_dir}")
    if os.environ.get("KLARSTEG_MODEL_DIR"):
        typer.echo("warning: KLARSTEG_MODEL_DIR is set, and it wins: unset it to serve this model", err=True)
    typer.echo(
        "klarsteg serve and klarsteg score load it from their next start (restart a running server)", err=True
    )


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
