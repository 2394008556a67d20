"""The model's lifecycle from the command line: ``klarsteg corrections export|import``,
``klarsteg retrain``, ``klarsteg promote`` and ``klarsteg rollback`` (docs/corrections.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from service.cli_common import Command, Group, app, fail, plural

corrections_app = typer.Typer(
    cls=Group,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Corrections saved on the page or with POST /v1/corrections: export them as training "
    "data, or import a file your team labelled (docs/corrections.md).",
    context_settings={"max_content_width": 100},
)
app.add_typer(corrections_app, name="corrections", rich_help_panel="Model")


@corrections_app.command(
    "export",
    cls=Command,
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
        fail(f"cannot write {output}: {exc}")
    superseded = f" ({total - len(rows)} superseded by a later correction)" if total > len(rows) else ""
    typer.echo(f"exported {plural(len(rows), 'correction')}{superseded} -> {output}", err=True)


@corrections_app.command(
    "import",
    cls=Command,
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
        fail(str(exc))
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
            f"nothing imported: {plural(len(problems), 'invalid record')} in {input} "
            "(fix them, or import the rest with --skip-invalid)",
            err=True,
        )
        raise typer.Exit(1)
    store = CorrectionStore(settings.data_dir)
    try:
        new = [(r, c) for r, c in valid if not store.has_record(r)]
        store.add_many(new, source="import")
    except OSError as exc:
        fail(f"cannot store the corrections in {settings.data_dir}: {exc}")
    finally:
        store.close()
    typer.echo(
        f"imported {plural(len(new), 'correction')} into {store.path}; "
        f"{len(valid) - len(new)} stored already, {len(problems)} invalid",
        err=True,
    )


_TRAIN = "Training"
_DATA = "Data (default: training_data/)"


@app.command(
    cls=Command,
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
    reason_extra: Annotated[
        list[Path] | None,
        typer.Option(
            "--reason-extra",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="More notes the reason picker learns from, repeatable (default: training_data/extra/*.jsonl, "
            "as the shipped model's, unless --train names other data).",
            rich_help_panel=_DATA,
        ),
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
    from service.corrections.retrain import TRAINING_DATA, RetrainError, RetrainOptions, format_comparison
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
    if reason_extra is not None:
        options.reason_extra = list(reason_extra)
    elif train_file is None:
        options.reason_extra = sorted((TRAINING_DATA / "extra").glob("*.jsonl"))
    if dev_file is not None:
        options.dev = dev_file
    try:
        comparison = run_retrain(options, progress=lambda m: typer.echo(m, err=True))
    except (RetrainError, OSError) as exc:
        fail(str(exc))
    typer.echo(format_comparison(comparison))
    typer.echo(f"comparison: {out / 'comparison.json'}", err=True)
    raise typer.Exit(0 if comparison["promote"] else 1)


@app.command(
    cls=Command,
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
        fail(f"the candidate cannot be promoted: {exc}")
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
            fail(f"{comparison_path} is not a klarsteg retrain comparison: {exc}")
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
        fail(str(exc))
    typer.echo(f"promoted {switch.current} (previous: {switch.previous}) -> {switch.current_dir}")
    if os.environ.get("KLARSTEG_MODEL_DIR"):
        typer.echo(
            "warning: KLARSTEG_MODEL_DIR is set, and it wins: unset it to serve the promoted model", err=True
        )
    typer.echo(
        "klarsteg serve and klarsteg score load it from their next start (restart a running server)", err=True
    )


@app.command(
    cls=Command,
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
        fail(str(exc))
    typer.echo(f"rolled back to {switch.current} -> {switch.current_dir}")
    if os.environ.get("KLARSTEG_MODEL_DIR"):
        typer.echo("warning: KLARSTEG_MODEL_DIR is set, and it wins: unset it to serve this model", err=True)
    typer.echo(
        "klarsteg serve and klarsteg score load it from their next start (restart a running server)", err=True
    )
