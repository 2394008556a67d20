"""The ``klarsteg`` command: score files, serve the API, report on scored exports."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Klarsteg: which follow-ups are real.")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def score(
    input: Annotated[Path, typer.Argument(help="CSV or JSONL file of notes.", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file; its suffix picks the format.")],
    text_col: Annotated[str | None, typer.Option(help="Column holding the note text.")] = None,
    date_col: Annotated[str | None, typer.Option(help="Column holding each note's date.")] = None,
    note_date: Annotated[str | None, typer.Option(help="One note date for every row (ISO).")] = None,
    model_dir: Annotated[Path | None, typer.Option(help="Artifact directory (default: shipped model).")] = None,
) -> None:
    """Score every note in INPUT and write one output record per input record, in order."""
    from model.pipeline import Klarsteg
    from service.batch import score_file

    started = time.monotonic()
    try:
        model = Klarsteg.load(model_dir)
        summary = score_file(model, input, output, text_col=text_col, date_col=date_col, note_date=note_date)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    typer.echo(
        f"read {summary.read}, scored {summary.scored}, errors {summary.errors} "
        f"in {time.monotonic() - started:.1f} s -> {output}",
        err=True,
    )


@app.command()
def info(model_dir: Annotated[Path | None, typer.Option(help="Artifact directory.")] = None) -> None:
    """Print the model's metadata: version, training date, dev metrics."""
    from model.artifacts import ArtifactError, verify_artifacts
    from model.settings import get_settings

    try:
        meta = verify_artifacts(model_dir or get_settings().model_dir)
    except ArtifactError as exc:
        _fail(str(exc))
    typer.echo(json.dumps({k: v for k, v in meta.items() if k != "files"}, indent=2, ensure_ascii=False))


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(message)s")
    app()


if __name__ == "__main__":
    main()
