"""``klarsteg hubspot ...``: preparing a CRM for the webhooks (docs/integrations.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli_common import Command, Group, app, fail

hubspot_app = typer.Typer(
    cls=Group,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="HubSpot: prepare a portal for the webhook (docs/integrations.md).",
    context_settings={"max_content_width": 100},
)
app.add_typer(hubspot_app, name="hubspot", rich_help_panel="Integrations")


@hubspot_app.command(
    "setup",
    cls=Command,
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
            fail(f"--api-base {exc}")
    if settings.hubspot_access_token is None:
        fail("set KLARSTEG_HUBSPOT_ACCESS_TOKEN to the HubSpot private app's access token")

    async def run() -> list[tuple[str, str]]:
        api = hubspot.client(settings)
        try:
            return await hubspot.setup_properties(api)
        finally:
            await api.aclose()

    try:
        done = asyncio.run(run())
    except CrmError as exc:
        fail(exc.message)
    for name, what in done:
        typer.echo(f"{what:8} {name}")
    typer.echo(f"HubSpot at {settings.hubspot_api_base} has the Klarsteg note properties", err=True)


# ---------------------------------------------------------------- learning from corrections
# docs/corrections.md: corrections saved on the page or with POST /v1/corrections are
# exported, a candidate model is retrained on them and compared, and promoted only if better.
