"""Settings from the environment (`CASEWORK_*`) or a `.env` file; secrets never live in the repo."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_", env_file=".env", extra="ignore")

    #: the application database; the embedded default is a SQLite file in the working directory
    database_url: str = "sqlite:///casework.db"
    #: where casework keeps its local state (mail catcher store, Prefect home) in embedded mode
    data_dir: Path = Path(".casework")
    #: the address people use to reach the web app; links in emails start with it
    base_url: str = "http://127.0.0.1:8000"
    #: who is recorded as the actor of CLI steps when no --door is given
    actor: str | None = None

    # -- mail ----------------------------------------------------------------------------------
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    #: "none", "starttls" or "tls" (implicit TLS, usually port 465)
    smtp_security: str = "none"
    smtp_timeout: float = 30.0
    mail_from: str = "Casework <noreply@casework.local>"
    #: the programme office's own address (reminders to medewerkers go here)
    mail_medewerkers: str = "programmabureau@casework.local"
    #: the management list (weekly report)
    mail_management: str = "management@casework.local"

    # -- web -----------------------------------------------------------------------------------
    session_secret: SecretStr | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
