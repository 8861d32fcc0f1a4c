"""Settings, from command-line options or UNSC_SIM_* environment variables (pydantic-settings)."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.paths import BUNDLED_SCENARIOS


class Settings(BaseSettings):
    """Everything the app can be told; built once by the caller and passed to ``create_app``."""

    model_config = SettingsConfigDict(env_prefix="UNSC_SIM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    scenarios_dir: Path = BUNDLED_SCENARIOS
    bundled_scenarios: bool = Field(
        default=True, description="Also list the bundled scenarios beside scenarios_dir; a file there replaces one"
    )
    data_dir: Path = Path("data")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in data_dir")
    instructor_token: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(24)),
        description="The secret in the instructor link (at least 16 characters); random unless set",
        min_length=16,
    )
    session_ended_ttl_hours: float = Field(default=24.0, gt=0, description="How long an ended session is kept")
    session_idle_ttl_hours: float = Field(default=72.0, gt=0, description="How long a session with no change is kept")
    joins_per_minute: int = Field(default=60, ge=1, description="Seat claims allowed per client address per minute")
    places_per_address: int = Field(
        default=2,
        ge=0,
        description="Places (seats, claims waiting, observers) one network address may hold in a session; 0: no limit "
        "(set 0 when students reach the server through one shared address, such as a proxy not set as trusted)",
    )
    heartbeat_seconds: float = Field(default=15.0, gt=0)
    streams_per_session: int = Field(
        default=400, ge=1, description="Live event streams one session may have open at once; beyond, 503"
    )
    streams_per_client: int = Field(
        default=50, ge=1, description="Live event streams one client address may have open at once; beyond, 429"
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
        description="The address join links and QR codes carry (a proxy's or a name); default: where the server listens",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies trusted for X-Forwarded-For and X-Forwarded-Proto (comma-separated addresses)",
    )
    header_timeout_seconds: float = Field(
        default=5.0, gt=0, le=300, description="A connection that has not sent its request headers by then is closed"
    )
