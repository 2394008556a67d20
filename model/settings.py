"""One settings object for paths and limits, read from ``KLARSTEG_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "artifacts"


class Settings(BaseSettings):
    """Paths and limits; every field can be set as ``KLARSTEG_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="KLARSTEG_", extra="ignore")

    model_dir: Path = Field(
        PACKAGE_MODEL_DIR,
        description="Directory of the trained artifacts. When not set: the model promoted with "
        "`klarsteg promote` (data_dir/models/current) if there is one, else the shipped model.",
    )
    max_text_chars: int = Field(20_000, ge=1, description="Longest note text accepted.")
    max_batch_notes: int = Field(1_000, ge=1, description="Most notes in one batch request.")
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024, description="Largest request body.")
    max_concurrency: int = Field(32, ge=1, description="Requests scored at once before 503.")
    max_queue: int = Field(
        64, ge=0, description="Requests that may wait for a scoring slot; more get 503 at once."
    )
    queue_timeout_s: float = Field(2.0, gt=0, description="How long a request waits for a slot.")
    api_key: SecretStr | None = Field(None, description="When set, requests must carry this key.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS.")
    log_level: str = Field("INFO", description="Log level of the service.")
    data_dir: Path = Field(
        default_factory=lambda: Path.cwd() / "klarsteg-data",
        description="Where the service keeps its SQLite store (corrections, webhook events).",
    )

    # CRM webhooks (service/integrations, docs/integrations.md). Each receiver is off (404)
    # until its secrets are set; nothing is sent to a CRM that is not configured here.
    public_url: str | None = Field(
        None,
        description="The service's public base URL (https://klarsteg.example.com) when it runs "
        "behind a proxy: HubSpot signs the URL it called, not the one the proxy forwards to.",
    )
    hubspot_client_secret: SecretStr | None = Field(
        None, description="The HubSpot app's client secret: verifies X-HubSpot-Signature-v3."
    )
    hubspot_access_token: SecretStr | None = Field(
        None, description="The HubSpot private app's access token: reads notes, writes the score."
    )
    hubspot_api_base: str = Field("https://api.hubapi.com", description="HubSpot's API host.")
    hubspot_create_tasks: bool = Field(
        False, description="Create a HubSpot task on the note's deal or contact when it is not concrete."
    )
    pipedrive_webhook_user: str | None = Field(
        None, description="The HTTP Basic user name set on the Pipedrive webhook."
    )
    pipedrive_webhook_password: SecretStr | None = Field(
        None, description="The HTTP Basic password set on the Pipedrive webhook."
    )
    pipedrive_api_token: SecretStr | None = Field(
        None, description="A Pipedrive API token: reads notes the webhook does not carry, adds activities."
    )
    pipedrive_api_base: str = Field("https://api.pipedrive.com", description="Pipedrive's API host.")
    pipedrive_create_activities: bool = Field(
        False, description="Add a follow-up activity on the note's deal when it is not concrete."
    )
    webhook_max_body_bytes: int = Field(
        256 * 1024, ge=1024, description="Largest webhook request body (larger: 413)."
    )
    webhook_max_attempts: int = Field(
        12, ge=1, description="Attempts at processing one event before it is marked failed."
    )
    webhook_retry_base_s: float = Field(
        30.0, gt=0, description="Wait before an event's second attempt; doubles with each attempt."
    )
    webhook_retry_max_s: float = Field(3600.0, gt=0, description="Longest wait between an event's attempts.")
    webhook_retention_days: int = Field(
        30, ge=1, description="Finished webhook events are deleted after this many days."
    )
    crm_timeout_s: float = Field(10.0, gt=0, description="Timeout of one request to a CRM.")
    crm_retries: int = Field(
        3, ge=0, description="Retries of one CRM request on 429, 5xx, timeouts and refused connections."
    )
    crm_backoff_s: float = Field(
        0.5, ge=0, description="Wait before the first retry of a CRM request; doubles with each retry."
    )
    crm_backoff_max_s: float = Field(
        30.0,
        ge=0,
        description="Longest wait in place before retrying a CRM request; a longer Retry-After "
        "puts the event back in the queue for that long instead.",
    )
    crm_timezone: str | None = Field(
        None,
        description="Time zone (Europe/Stockholm) that turns a CRM note's timestamp into its note "
        "date; default: the server's local time zone.",
    )

    @field_validator("public_url", "hubspot_api_base", "pipedrive_api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        """A base URL without a trailing slash; only http(s), and no user, query or fragment."""
        if value is None:
            return None
        from urllib.parse import urlsplit

        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.query:
            raise ValueError(f"must be an http(s) base URL like https://host.example.com, not {value[:80]!r}")
        return value

    @field_validator("crm_timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        """An IANA time zone name the zoneinfo database knows."""
        if value is None or not value.strip():
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value[:60]!r}; use a name like Europe/Stockholm") from None
        return value.strip()

    @model_validator(mode="after")
    def _promoted_model(self) -> Settings:
        """Without an explicit KLARSTEG_MODEL_DIR, serve the promoted model (``klarsteg
        promote``), resolved once here so that a promotion made later is picked up at the
        next start and never half-way through loading."""
        if "model_dir" not in self.model_fields_set:
            from model.promote import promoted_model_dir

            promoted = promoted_model_dir(self.data_dir)
            if promoted is not None:
                self.model_dir = promoted
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
