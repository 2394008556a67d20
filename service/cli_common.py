"""What the ``klarsteg`` commands share: the app, its help style and small helpers."""

from __future__ import annotations

import typer
from typer.core import TyperCommand, TyperGroup


def _plain_flags(params: list) -> list:
    """On/off flags show no type column (``<bool>``) in the help: they take no value."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        return _plain_flags(super().get_params(ctx))


class Group(TyperGroup):
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
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Klarsteg: which follow-ups are real. Scores the next step, reason and date in sales notes.",
    epilog=EXAMPLES,
    context_settings={"max_content_width": 100},
)

IN = "Input"
OUT = "Output"
RUN = "Running"


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def rate(rows_per_s: float) -> str:
    """A rate as people read it: ``1,234 rows/s``, ``3.5 rows/s``, ``0.42 rows/s``."""
    if rows_per_s >= 100:
        return f"{rows_per_s:,.0f} rows/s"
    if rows_per_s >= 1:
        return f"{rows_per_s:.1f} rows/s"
    return f"{rows_per_s:.2g} rows/s"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
