"""One settings object for paths and limits, read from ``KLARSTEG_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_MODEL_DIR = Path(__file__).resolve().parent / "artifacts"


class Settings(BaseSettings):
    """Paths and limits; every field can be set as ``KLARSTEG_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="KLARSTEG_", extra="ignore")

    model_dir: Path = Field(PACKAGE_MODEL_DIR, description="Directory of the trained artifacts.")
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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
