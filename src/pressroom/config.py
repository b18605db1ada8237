"""Settings, read once from the environment (prefix ``PRESSROOM_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/pressroom.db"
EMBEDDED_DATABASE_FILE = "pressroom.db"


def embedded_database_url(data_dir: Path) -> str:
    """The embedded SQLite database inside ``data_dir``: ``./var/pressroom.db`` by default."""
    path = data_dir / EMBEDDED_DATABASE_FILE
    return f"sqlite+aiosqlite:///{path if path.is_absolute() else f'./{path}'}"


class Settings(BaseSettings):
    """Every knob pressroom has; the README's configuration table lists them."""

    model_config = SettingsConfigDict(env_prefix="PRESSROOM_", env_file=".env", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="Database URL, async or sync form; SQLite, PostgreSQL or MySQL/MariaDB. "
        "Default: pressroom.db in the data folder.",
    )
    read_database_url: str | None = Field(
        None,
        description="Where read requests go (a read replica or its pooler); "
        "default: the database URL.",
    )
    transaction_pooler: bool = Field(
        False,
        description="The PostgreSQL URLs lead to a pooler in transaction mode (PgBouncer): "
        "no statement prepared under a name, no settings sent when a connection opens.",
    )
    data_dir: Path = Field(
        Path("var"), description="Folder for the embedded database and generated secrets."
    )
    pool_size: int = Field(
        10, ge=1, description="Connections kept open by each pool (writes, reads)."
    )
    max_overflow: int = Field(
        20, ge=0, description="Extra connections each pool may open under load."
    )
    pool_timeout: float = Field(30.0, gt=0, description="Seconds to wait for a free connection.")
    pool_recycle: int = Field(
        1800, ge=-1, description="Seconds before a MySQL connection is replaced."
    )
    # The longest article a client may send, in the widest encoding it may choose: 200,000
    # characters at 12 bytes each (an emoji escaped in JSON as two \uXXXX, or
    # percent-encoded by a form as four %XX), 2.4 MB, with its title and tags.
    max_body_bytes: int = Field(
        4_194_304,
        ge=1024,
        description="Largest request body accepted; a larger one answers 413 unread.",
    )
    statement_timeout_ms: int = Field(
        15_000,
        ge=0,
        description="Longest a web request's SQL statement may run on PostgreSQL or "
        "MariaDB/MySQL (0: no limit); the CLI's bulk work has none.",
    )
    request_timeout_seconds: float = Field(
        30.0,
        ge=0,
        description="Longest a request may take before it answers 503 (0: no limit).",
    )
    retry_after_seconds: int = Field(
        5, ge=1, description="What a 503 tells clients to wait before trying again."
    )
    sqlite_busy_timeout_ms: int = Field(
        5000, ge=0, description="How long SQLite waits for a lock before failing."
    )
    slow_query_ms: float = Field(
        200.0, ge=0, description="Statements slower than this are logged (without parameters)."
    )
    log_level: str = Field("INFO", description="Root log level.")
    opentelemetry: bool = Field(
        False,
        description="FastAPI's OpenTelemetry spans, metrics and logs, sent to the providers "
        "set up in the process (e.g. by opentelemetry-instrument).",
    )
    jwt_secret: SecretStr | None = Field(
        None,
        description="Key that signs login tokens. Generated into the data folder on SQLite; "
        "required on server databases.",
    )
    token_ttl_minutes: int = Field(
        60 * 24 * 7, ge=1, description="How long a login token stays valid."
    )
    sign_in_failures_per_account: int = Field(
        5, ge=1, description="Failed sign-ins to one account within the window before 429."
    )
    sign_in_failures_per_address: int = Field(
        20,
        ge=1,
        description="Failed sign-ins from one client address within the window before 429.",
    )
    sign_in_window_seconds: int = Field(
        900, ge=1, description="How long a failed sign-in counts against the limits above."
    )
    cors_origins: list[str] = Field(
        ["*"], description="Origins allowed to call the API from a browser (JSON list)."
    )
    site_url: str | None = Field(
        None,
        description="The site's public address (https://example.org), for canonical links, "
        "feeds and the sitemap; unset: the address each request came to.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: "
        "addresses or networks, comma-separated, or * for any.",
    )

    @field_validator("site_url")
    @classmethod
    def _an_address_to_link_to(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// address, such as https://example.org")
        if parts.query or parts.fragment:
            raise ValueError("must be the site's address alone, with no query or fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _embedded_database_in_the_data_folder(self) -> Settings:
        # Without a database URL, the embedded database lives beside the generated secrets.
        if "database_url" not in self.model_fields_set:
            self.database_url = embedded_database_url(self.data_dir)
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings()
