"""Configuration shared by every service, read from the environment in one place.

Follows GOV.UK Notify's pattern: one settings object per environment, chosen at start-up and
passed into ``create_app(config)`` rather than read from globals at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

EMBEDDED = "embedded"
SCALED = "scaled"
SERVICES = ("opportunities", "volunteers", "availability", "search")


@dataclass(frozen=True)
class Config:
    """Settings for one service process (or the whole platform in embedded mode)."""

    service: str
    mode: str = EMBEDDED
    environment: str = "development"
    data_dir: Path = Path("var/data")
    postcodes_db: Path = Path("var/data/postcodes.sqlite")  # built once, shared by services
    database_url: str = ""
    event_log: str = "embedded"  # "embedded" (SQLite log) or "kafka"
    event_log_path: Path = Path("var/data/eventlog.sqlite")
    kafka_bootstrap: str = "127.0.0.1:19092"
    kafka_delivery_timeout_ms: int = 30000  # how long a relay waits for acks before retrying
    topic_prefix: str = ""  # tests isolate runs by prefixing every physical topic name
    search_backend: str = "embedded"  # "embedded" (FTS5 + R*Tree) or "elasticsearch"
    elasticsearch_url: str = "http://127.0.0.1:19201"
    index_prefix: str = "vmp"
    max_body_bytes: int = 1_000_000
    service_urls: Mapping[str, str] = field(default_factory=dict)
    # HMAC secret shared by the gateway (which issues access tokens) and the services (which
    # verify them). Embedded mode keeps a generated one in the data folder.
    auth_secret: str = ""
    # Must a new organisation be approved before its roles reach search? On in production.
    moderation_required: bool = False
    # Load the demo organisations and roles on first start (`make run` turns this on).
    demo_data: bool = False
    # Where links in emails point: the public address of the gateway.
    public_url: str = "http://127.0.0.1:8000"
    # Outgoing mail. Without an SMTP host, mail waits in the service's mail outbox.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    mail_from: str = "Volunteering platform <no-reply@volunteer-platform.example>"
    # Keep a copy of every email in data_dir/devmail.sqlite, shown by the gateway at /dev/mail.
    # Never used in production, whatever this says: the copies hold personal data and links.
    dev_mailbox: bool = True
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def for_service(self, service: str) -> Config:
        """The same deployment settings, seen from another service (own database)."""
        return replace(self, service=service, database_url=default_database_url(self, service))

    @classmethod
    def from_env(cls, service: str, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        data_dir = Path(env.get("VMP_DATA_DIR", "var/data"))
        mode = env.get("VMP_MODE", EMBEDDED)
        base = cls(
            service=service,
            mode=mode,
            environment=env.get("VMP_ENV", "production" if mode == SCALED else "development"),
            data_dir=data_dir,
            postcodes_db=Path(env.get("VMP_POSTCODES_DB", str(data_dir / "postcodes.sqlite"))),
            event_log=env.get("VMP_EVENT_LOG", "kafka" if mode == SCALED else "embedded"),
            event_log_path=Path(env.get("VMP_EVENT_LOG_PATH", str(data_dir / "eventlog.sqlite"))),
            kafka_bootstrap=env.get("VMP_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
            kafka_delivery_timeout_ms=int(env.get("VMP_KAFKA_DELIVERY_TIMEOUT_MS", "30000")),
            topic_prefix=env.get("VMP_TOPIC_PREFIX", ""),
            search_backend=env.get(
                "VMP_SEARCH_BACKEND", "elasticsearch" if mode == SCALED else "embedded"
            ),
            elasticsearch_url=env.get("VMP_ELASTICSEARCH_URL", "http://127.0.0.1:19201"),
            index_prefix=env.get("VMP_INDEX_PREFIX", "vmp"),
            service_urls=_service_urls(env),
            auth_secret=env.get("VMP_AUTH_SECRET", ""),
            demo_data=env.get("VMP_DEMO_DATA", "off").lower() in {"on", "true", "1", "yes"},
        )
        moderation = env.get("VMP_MODERATION", "on" if base.production else "off")
        base = replace(base, moderation_required=moderation.lower() in {"on", "true", "1", "yes"})
        base = replace(
            base,
            public_url=env.get("VMP_PUBLIC_URL", base.public_url).rstrip("/"),
            smtp_host=env.get("VMP_SMTP_HOST", ""),
            smtp_port=int(env.get("VMP_SMTP_PORT", "25")),
            smtp_starttls=_on(env.get("VMP_SMTP_STARTTLS", "off")),
            smtp_username=env.get("VMP_SMTP_USERNAME", ""),
            smtp_password=env.get("VMP_SMTP_PASSWORD", ""),
            mail_from=env.get("VMP_MAIL_FROM", base.mail_from),
            dev_mailbox=_on(env.get("VMP_DEV_MAILBOX", "off" if base.production else "on")),
        )
        url = env.get(f"VMP_{service.upper()}_DATABASE_URL") or env.get("VMP_DATABASE_URL")
        return replace(base, database_url=url or default_database_url(base, service))


def default_database_url(config: Config, service: str) -> str:
    """Each service owns its data: in embedded mode a SQLite file per service."""
    template = config.extra.get("database_url_template") or os.environ.get(
        "VMP_DATABASE_URL_TEMPLATE", ""
    )
    if template:
        return template.format(service=service)
    return f"sqlite:///{config.data_dir / (service + '.sqlite')}"


def _on(value: str) -> bool:
    return value.strip().lower() in {"on", "true", "1", "yes"}


def _service_urls(env: Mapping[str, str]) -> dict[str, str]:
    urls = {}
    for name in SERVICES:
        url = env.get(f"VMP_{name.upper()}_URL")
        if url:
            urls[name] = url.rstrip("/")
    return urls
