"""All of Pantau's settings in one place, read from the environment (prefix PANTAU_)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models import i18n
from models.errors import StorageError


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "pantau"


class Settings(BaseSettings):
    """Runtime settings; every field can be set as PANTAU_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="PANTAU_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Where Pantau keeps its data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in PANTAU_HOME"
    )
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    dpi: int = Field(default=300, ge=100, le=600)
    max_file_mb: int = Field(default=1024, ge=1)
    max_pages: int = Field(default=2000, ge=1)
    max_megapixels: int = Field(default=150, ge=1)
    read_seconds: float = Field(
        default=3600,
        gt=0,
        description="Reading one document (text layers and OCR); pages "
        "not reached by then are marked read_timeout",
    )
    ocr_page_seconds: float = Field(
        default=300, gt=0, description="OCR of one page (every tesseract run on it together)"
    )
    nlp_seconds: float = Field(
        default=300,
        gt=0,
        description="Fact extraction of one document; facts found by then "
        "are kept and the document is partial",
    )
    resolve_seconds: float = Field(
        default=600,
        gt=0,
        description="Identity resolution after a batch; the mentions left "
        "are resolved by the next run or `pantau resolve`",
    )
    deployment: str | None = Field(
        default=None,
        description="Name given to `pantau deploy`; with PREFECT_API_URL set, the workbench "
        "queues retries as flow runs for that work pool's workers",
    )
    task_runner: str = Field(
        default="threads",
        pattern="^(threads|processes|dask:.+)$",
        description="How a batch runs its per-document tasks: threads (default), processes, "
        "or an existing Dask cluster as dask:tcp://scheduler:8786",
    )
    lease_seconds: float = Field(
        default=60,
        ge=1,
        description="How long a worker's claim on a document (and on its run) holds "
        "unless renewed; a killed worker's documents are taken over after it",
    )
    retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Documents stored longer ago than this many days are deleted with "
        "everything derived from them by `pantau retention` and after every `pantau run`; "
        "unset: kept until deleted",
    )
    prefect_idle_seconds: float = Field(
        default=600,
        ge=0,
        description="How long the local Prefect API server that `pantau "
        "run` starts stays up after the last command used it, for the next command to reuse; "
        "0 starts a private one for each command",
    )
    secret_key: str = Field(
        default="", repr=False, description="Signs workbench sessions; 32+ random characters"
    )
    session_hours: float = Field(default=8, gt=0, description="Workbench sign-in lifetime")
    login_user_failures: int = Field(
        default=5,
        ge=0,
        description="Failed sign-ins with one user name within the login window "
        "after which that name is locked; 0: no limit",
    )
    login_address_failures: int = Field(
        default=20,
        ge=0,
        description="Failed sign-ins from one address within the login "
        "window after which that address is locked; 0: no limit (e.g. behind a proxy)",
    )
    login_window_minutes: float = Field(
        default=15, gt=0, description="The sliding window in which failed sign-ins are counted"
    )
    password_slots: int = Field(
        default=2, ge=1, description="Password hashes or checks (argon2, 64 MiB each) at once"
    )
    password_wait_seconds: float = Field(
        default=5,
        gt=0,
        description="How long a sign-in waits for a free password slot before "
        "it is answered 'busy, try again' (503)",
    )
    secure_cookies: bool = Field(
        default=False, description="Send the session cookie over https only (set behind TLS)"
    )
    language: str = Field(
        default=i18n.DEFAULT_LANGUAGE,
        pattern="^(id|en)$",
        description="Language of the workbench and the CLI's messages: id (Bahasa "
        "Indonesia) or en; each workbench user can choose their own",
    )
    time_zone: str = Field(
        default=i18n.DEFAULT_TIME_ZONE,
        description="Time zone in which times are shown (stored times stay UTC)",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            i18n.zone(value)
        except (KeyError, ValueError) as error:
            raise ValueError(
                f"unknown time zone {value!r}; use a name such as 'Asia/Jakarta', "
                "'Asia/Makassar', 'Asia/Jayapura' or 'UTC'"
            ) from error
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one or the SQLite default."""
        return self.database_url or f"sqlite:///{self.home / 'pantau.db'}"


def prepare_prefect(settings: Settings) -> None:
    """Configure Prefect's environment before it is imported: local, private, quiet.

    Without PREFECT_API_URL Prefect runs an embedded temporary server; its state goes
    under PANTAU_HOME. Telemetry is off so nothing leaves the machine.
    """
    defaults = {
        "PREFECT_HOME": str(settings.home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "OMP_THREAD_LIMIT": "1",
    }
    if not os.environ.get("PREFECT_API_URL"):
        # The embedded server lives only as long as the command; its logs are not kept.
        defaults["PREFECT_LOGGING_TO_API_ENABLED"] = "false"
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    # Prefect does not create missing parents of its home, and then cannot start.
    for folder in (settings.home, Path(os.environ["PREFECT_HOME"]).expanduser()):
        ensure_writable(folder)


def ensure_writable(folder: Path) -> None:
    """Create `folder` if missing and check that a file can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".pantau-write-test-"):
            pass
    except OSError as e:
        raise StorageError(
            f"Cannot write to {folder} ({e.strerror or e}), where Pantau keeps its state "
            "(PANTAU_HOME). Give the user running Pantau write access to it, or set "
            "PANTAU_HOME to a folder it can write."
        ) from e
