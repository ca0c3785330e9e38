"""Settings from the environment (``SOHOA_*``) or a config file, with the embedded defaults of the contract.

The embedded defaults need no server: a folder of objects and a SQLite index under ``SOHOA_HOME``.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.urls import mask_url

PIPELINE_VERSION = "0.1.0"


class Settings(BaseSettings):
    """Every knob of sohoa; environment variables win over the config file (``SOHOA_CONFIG`` or ./sohoa.env)."""

    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_file=os.environ.get("SOHOA_CONFIG", "sohoa.env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    home: Path = Field(default_factory=lambda: Path.cwd() / "var")
    storage_url: str | None = Field(default=None, repr=False)  # an s3:// URL holds the secret key
    database_url: str | None = None
    # Opening the index runs the migrations it lacks; off: refuse to start until `sohoa db upgrade` ran.
    database_auto_upgrade: bool = True
    # How long an index operation keeps retrying while the PostgreSQL server is unreachable (a restart).
    database_retry_seconds: float = Field(default=30.0, ge=0)
    redis_url: str | None = None
    ocr_lang: str = "vie"
    # A folder of Tesseract models (``.ci/tessdata`` installs tessdata_best vie there); unset: the project's
    # var/tessdata when installed (``ocr.tessdata``). Pages are read with page_models ("fast": the system's
    # tessdata_fast, which reads degraded pages' fields better; "best": the folder's); weak values get a second
    # look with both when both are there.
    tessdata_dir: Path | None = None
    page_models: Literal["fast", "best"] = "fast"
    jobs: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # Pages bigger than this are refused before decoding (a 50000x50000 header must not allocate 7 GB).
    max_page_pixels: int = 200_000_000
    max_pages: int = 2000
    # Tesseract gets this long per page before the document fails with ocr_timeout (and can be retried).
    tesseract_timeout: float = 180.0
    # Object store on S3 (storage.s3): objects above the part size go up in parts of that size (min 5 MiB);
    # a failing call is retried for up to s3_retry_seconds (an S3 server away for 20 s is ridden out);
    # presigned PDF links (the API's redirect) live presign_seconds.
    s3_part_size: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024)
    s3_retry_seconds: float = Field(default=60.0, ge=0)
    s3_connect_timeout: float = Field(default=5.0, gt=0)
    s3_read_timeout: float = Field(default=30.0, gt=0)
    presign_seconds: int = Field(default=900, ge=1, le=7 * 24 * 3600)

    # -- HTTP API (``sohoa serve``) ---------------------------------------------------------------------
    # Uvicorn worker processes; unset: one per core, at most 4 (measured with bench/api.py, see README).
    api_workers: int | None = Field(default=None, ge=1, le=64)
    # Per API key: sustained requests per second and burst, shared by all workers (``api.ratelimit``).
    api_rate_limit: float = Field(default=20.0, gt=0)
    api_rate_burst: int = Field(default=40, ge=1)
    # A verified key is trusted this long without asking the database again: a revocation takes effect
    # within this many seconds (0: ask on every request).
    api_key_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    # Record and person fields left out of API answers unless the key has the ``sensitive`` scope
    # (Decree 13/2023: ethnic origin, religion, health); comma-separated field names.
    sensitive_fields: str = "ethnicity,religion,cause_of_death"
    api_max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    # --- the rq queue (SOHOA_REDIS_URL set) -----------------------------------------------------------------
    queue_name: str = "sohoa"  # prefix of the rq queues, so several installations can share one Redis
    # Documents with more pages than this are split into page-range jobs that run on several workers.
    chunk_pages: int = Field(default=10, ge=1)
    job_retries: int = Field(default=3, ge=0)
    job_retry_intervals: str = "10,60,300"  # seconds before the 1st, 2nd, ... retry (the last one repeats)
    worker_heartbeat: int = Field(default=30, ge=1)  # seconds between a busy worker's heartbeats
    # A busy worker silent for heartbeat + grace seconds is dead: its job is taken up again (rq adds 60).
    worker_grace: int = Field(default=60, ge=1)
    worker_maintenance_interval: int = Field(default=60, ge=1)  # how often workers look for abandoned jobs

    def __repr_args__(self):
        # Settings end up in logs and tracebacks: URLs there lose their passwords.
        for name, value in super().__repr_args__():
            yield name, mask_url(value) if name and name.endswith("_url") and isinstance(value, str) else value

    # Scan quality flags (see ocr.quality.QualityThresholds); colour: "*" every document type, a
    # comma-separated list of types, or "" for none.
    quality_min_dpi: float = Field(default=200.0, gt=0)
    quality_colour_required: str = "*"
    quality_min_confidence: float = Field(default=0.6, ge=0, le=1)
    quality_blank_ink_share: float = Field(default=0.002, ge=0, le=1)
    quality_dark_paper_level: float = Field(default=130.0, ge=0, le=255)
    quality_faint_ink_contrast: float = Field(default=0.30, ge=0, le=1)
    # sohoa watch: a file is taken once its size and mtime have not changed for this long.
    watch_settle_seconds: float = Field(default=5.0, ge=0)
    watch_poll_seconds: float = Field(default=1.0, gt=0)
    # Staff logins: this many failures within the window lock the name out for the lockout period.
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_seconds: float = Field(default=900.0, gt=0)
    login_lockout_seconds: float = Field(default=900.0, gt=0)
    min_password_length: int = Field(default=10, ge=1)

    # Staff page (``sohoa serve``, under /staff): a session lasts at most web_session_hours and ends after
    # web_idle_minutes without a request; X-Forwarded-Proto (a cookie's Secure flag) is believed only from
    # the addresses in web_trusted_proxies (comma-separated; empty: no proxy is trusted).
    web_session_hours: float = Field(default=10.0, gt=0)
    web_idle_minutes: float = Field(default=60.0, gt=0)
    web_trusted_proxies: str = ""
    web_upload_max_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    web_process_uploads: bool = True  # off: this server only receives; another one processes the uploads
    web_language: str = "vi"

    @property
    def retry_intervals(self) -> list[int]:
        return [int(v) for v in self.job_retry_intervals.replace(" ", "").split(",") if v]

    @cached_property
    def resolved_storage_url(self) -> str:
        return self.storage_url or (self.home.resolve() / "objects").as_uri()

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home.resolve() / 'index.sqlite3'}"

    @property
    def sensitive_field_names(self) -> frozenset[str]:
        return frozenset(n.strip() for n in self.sensitive_fields.split(",") if n.strip())

    @property
    def trusted_proxies(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.web_trusted_proxies.split(",") if a.strip())

    @property
    def run_dir(self) -> Path:
        """Per-server scratch state shared by the API's worker processes (metrics, rate-limit buckets)."""
        return self.home / "run"

    @property
    def work_dir(self) -> Path:
        """Scratch space for one run's intermediate files (page images, OCR images, PDFs before upload)."""
        return self.home / "work"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
