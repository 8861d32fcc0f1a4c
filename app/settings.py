"""Settings, from command-line options or UNSC_SIM_* environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.paths import BUNDLED_SCENARIOS


class Settings(BaseSettings):
    """Everything the app can be told; built once by the caller and passed to ``create_app``."""

    model_config = SettingsConfigDict(env_prefix="UNSC_SIM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    scenarios_dir: Path = BUNDLED_SCENARIOS
    data_dir: Path = Path("data")
