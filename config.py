"""Settings for every environment, read from ``AVVIK_*`` environment variables.

``load_config()`` picks the class from ``AVVIK_ENV`` (development, testing, production).
Production refuses to start when a required setting is missing (``ConfigError``).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    """A required setting is missing or wrong; the message names it in one line."""


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"AVVIK_{name}")
    return value if value not in (None, "") else default


def instance_dir() -> Path:
    return Path(env("INSTANCE_DIR", str(PROJECT_ROOT / "instance"))).resolve()


#: Longest path for the embedded broker's unix socket (Linux allows 107 bytes).
MAX_SOCKET_PATH = 100


def embedded_broker_url(inst: Path) -> str:
    """The broker that ``avvik serve`` starts itself: Valkey on a unix socket, so that
    development runs on the production transport (Redis) with the same settings."""
    return f"redis+socket://{embedded_broker_socket(inst)}"


def embedded_broker_socket(inst: Path) -> Path:
    path = inst / "broker" / "valkey.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    # A deep instance folder: the socket goes to a short folder of this user's, named
    # after the instance folder, so that every process of the instance finds it.
    digest = hashlib.sha256(str(inst).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"avvik-{os.getuid()}-{digest}" / "valkey.sock"


class Config:
    """Defaults shared by every environment; each instance reads the environment anew."""

    ENV_NAME = "development"
    TESTING = False
    REQUIRED: tuple[str, ...] = ()

    def __init__(self) -> None:
        inst = instance_dir()
        self.INSTANCE_DIR = str(inst)
        self.SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret")
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(
            env("DATABASE_URL", f"sqlite:///{inst / 'avvik.sqlite3'}")
        )
        # Bounds on waiting for the database (``database_engine_options``): an outage
        # costs a request a 503 in seconds, not the web server's whole worker timeout.
        self.DB_CONNECT_TIMEOUT_SECONDS = int(_seconds("DB_CONNECT_TIMEOUT_SECONDS", "5", 2))
        #: The longest statement, 0 for none; set for the web server only (``load_config``).
        self.DB_STATEMENT_TIMEOUT_SECONDS = 0.0
        self.BROKER_URL = env("BROKER_URL", embedded_broker_url(inst))
        self.SMTP_HOST = env("SMTP_HOST", "127.0.0.1")
        self.SMTP_PORT = int(env("SMTP_PORT", "8025") or 8025)
        self.SMTP_TIMEOUT = 10
        # Most relays want a login, and a login wants TLS; a relay on the same host or
        # network may want neither, so both stay optional (production too).
        self.SMTP_USERNAME = env("SMTP_USERNAME")
        self.SMTP_PASSWORD = env("SMTP_PASSWORD")
        self.SMTP_TLS = (env("SMTP_TLS", "off") or "off").lower()
        # Connections a mail worker sends over side by side (avvik/notifications/courier.py).
        self.SMTP_CONNECTIONS = _smtp_connections(env("SMTP_CONNECTIONS", "2") or "2")
        _check_smtp(self)
        self.MAIL_FROM = env("MAIL_FROM", "Avvik <avvik@localhost>")
        self.BASE_URL = (env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
        self.IDENTITY_KEY = env("IDENTITY_KEY")
        self.PORT = int(env("PORT", "5000") or 5000)
        self.MAIL_DIR = str(inst / "mail")

        self.BABEL_DEFAULT_LOCALE = "nb"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
        self.LANGUAGES = ("nb", "en")
        self.TIMEZONE = "Europe/Oslo"

        # The largest request body: a report's texts are a few kilobytes; anything near
        # this is a mistake or an attack, and is refused (413) before it is read.
        self.MAX_CONTENT_LENGTH = _positive_int("MAX_REQUEST_BYTES", "1048576")
        self.MAX_FORM_MEMORY_SIZE = self.MAX_CONTENT_LENGTH
        self.WTF_CSRF_TIME_LIMIT = None  # the session bounds the token's life
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.PERMANENT_SESSION_LIFETIME = 12 * 3600
        self.REMEMBER_COOKIE_DURATION = 0
        #: Days a new personal API token works; its owner makes a new one after that.
        self.API_TOKEN_DAYS = _positive_int("API_TOKEN_DAYS", "90")
        #: What the joint committee's secretariat may open one by one (README, "Who reads
        #: which cases"): "agenda", the cases on its committee's agenda; "community", every
        #: case of its health community, where the community's cooperation agreement says so.
        self.SECRETARIAT_READS = _choice("SECRETARIAT_READS", SECRETARIAT_READS)

        # Sign-in throttling: after SLOWDOWN_AFTER failures each attempt waits a growing
        # delay; after LOCK_AFTER failures the name is locked for LOCK_MINUTES.
        self.LOGIN_SLOWDOWN_AFTER = 3
        self.LOGIN_LOCK_AFTER = 10
        self.LOGIN_LOCK_MINUTES = 15
        # argon2id at OWASP's parameters for a web server (19 MiB, 2 passes); a hash made
        # with others is renewed at the next sign-in.
        self.PASSWORD_HASH_TIME_COST = 2
        self.PASSWORD_HASH_MEMORY_COST = 19456

        # Outbox: a claimed row whose worker is silent this long is taken to be lost work;
        # a published row not yet started is published again after the redelivery time.
        self.OUTBOX_LEASE_SECONDS = int(env("OUTBOX_LEASE_SECONDS", "180") or 180)
        self.OUTBOX_REDELIVERY_SECONDS = int(env("OUTBOX_REDELIVERY_SECONDS", "120") or 120)
        #: How often beat runs the resend sweep (the chaos tests shorten it).
        self.OUTBOX_RESEND_SECONDS = float(env("OUTBOX_RESEND_SECONDS", "10") or 10)
        # A failed try is retried after 2, 4, 8 ... seconds, never longer apart than the
        # cap, for as long as an outage lasts. After the alarm's number of failed tries a
        # row counts as failing, and /health is unhealthy while one does or while the
        # oldest unfinished row is older than the alarm's age.
        self.OUTBOX_RETRY_CAP_SECONDS = float(env("OUTBOX_RETRY_CAP_SECONDS", "300") or 300)
        self.OUTBOX_ALARM_ATTEMPTS = int(env("OUTBOX_ALARM_ATTEMPTS", "8") or 8)
        self.OUTBOX_ALARM_AGE_SECONDS = float(env("OUTBOX_ALARM_AGE_SECONDS", "900") or 900)
        #: Publish outbox rows to the broker right after each commit (tests turn it off).
        self.OUTBOX_RING = True
        self.CELERY = self._celery_settings()
        self._logs_and_metrics()

    def _logs_and_metrics(self, log_format: str = "text", log_level: str = "warning") -> None:
        """Logs and /metrics (avvik/core/logs.py, avvik/health/metrics.py).

        AVVIK_LOG_FORMAT: "json" (one object a line, for a log collector) or "text" (for a
        person at a console). AVVIK_LOG_LEVEL: the request lines are "info". /metrics is
        served to AVVIK_METRICS_ALLOW (comma-separated addresses or networks) and to
        whoever sends AVVIK_METRICS_TOKEN as a bearer token.
        """
        self.LOG_FORMAT = (env("LOG_FORMAT", log_format) or log_format).lower()
        if self.LOG_FORMAT not in LOG_FORMATS:
            raise ConfigError(f"AVVIK_LOG_FORMAT={self.LOG_FORMAT!r} is unknown; use one of "
                              f"{', '.join(LOG_FORMATS)}")
        self.LOG_LEVEL = (env("LOG_LEVEL", log_level) or log_level).upper()
        if self.LOG_LEVEL not in LOG_LEVELS:
            raise ConfigError(f"AVVIK_LOG_LEVEL={self.LOG_LEVEL.lower()!r} is unknown; use "
                              f"one of {', '.join(level.lower() for level in LOG_LEVELS)}")
        self.METRICS_ALLOW = _networks(env("METRICS_ALLOW", "127.0.0.1,::1") or "")
        self.METRICS_TOKEN = env("METRICS_TOKEN")

    @property
    def SQLALCHEMY_ENGINE_OPTIONS(self) -> dict[str, Any]:
        # Read when the app is built, so that it fits the URL a test sets afterwards.
        return database_engine_options(self.SQLALCHEMY_DATABASE_URI,
                                       self.DB_CONNECT_TIMEOUT_SECONDS,
                                       self.DB_STATEMENT_TIMEOUT_SECONDS)

    def _celery_settings(self) -> dict[str, Any]:
        return {
            "broker_url": self.BROKER_URL,
            # Work of a killed worker comes back after the visibility timeout; keep it short
            # and keep retry back-off below it (architecture.md, "Celery"). Kombu's Redis
            # transport looks for such work every 10 seconds; it has no option to tune that.
            "broker_transport_options": {"visibility_timeout": 300},
            # One queue per worker test, so that runs sharing a Redis never meet.
            "task_default_queue": env("CELERY_QUEUE", "celery"),
            "broker_connection_retry_on_startup": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_serializer": "json",
            "result_serializer": "json",
            "accept_content": ["json"],
            "task_ignore_result": True,
            "task_time_limit": 120,
            "task_soft_time_limit": 100,
            "timezone": "Europe/Oslo",
            "enable_utc": True,
            "worker_hijack_root_logger": False,
        }


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "testing-secret-key"
        # Cheap hashes keep the suite fast; the other configurations use OWASP's.
        self.PASSWORD_HASH_TIME_COST = 1
        self.PASSWORD_HASH_MEMORY_COST = 1024
        # Unit tests run no worker; the worker tests turn it back on (here, or in the
        # worker processes they start, with AVVIK_OUTBOX_RING=on).
        self.OUTBOX_RING = env("OUTBOX_RING") == "on"
        # Assertions read English messages; tests/core/test_i18n.py proves the bokmål
        # default with the production setting.
        self.BABEL_DEFAULT_LOCALE = "en"
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(env("DATABASE_URL", "sqlite://"))
        # No broker runs under the unit tests; the worker tests name a real one.
        self.BROKER_URL = env("BROKER_URL", "memory://")
        self.CELERY = self._celery_settings()


class ProductionConfig(Config):
    ENV_NAME = "production"
    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "BROKER_URL", "IDENTITY_KEY", "BASE_URL",
                "SMTP_HOST", "MAIL_FROM")

    #: Secret keys this project or its examples have shown; never one of production's.
    KNOWN_SECRET_KEYS = ("dev-only-not-secret", "testing-secret-key", "change-me", "secret")
    MIN_SECRET_KEY_LENGTH = 32

    def __init__(self) -> None:
        for name in self.REQUIRED:
            if env(name) is None:
                raise ConfigError(f"AVVIK_{name} must be set when AVVIK_ENV=production")
        super().__init__()
        self._logs_and_metrics(log_format="json", log_level="info")
        self._refuse_unsafe_settings()
        self.SESSION_COOKIE_SECURE = True

    def _refuse_unsafe_settings(self) -> None:
        """What would start and then fail, or leak, refused at start in one line each."""
        if len(self.SECRET_KEY) < self.MIN_SECRET_KEY_LENGTH \
                or self.SECRET_KEY in self.KNOWN_SECRET_KEYS:
            raise ConfigError(
                f"AVVIK_SECRET_KEY must be a random value of at least "
                f"{self.MIN_SECRET_KEY_LENGTH} characters when AVVIK_ENV=production "
                f"(python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        if not self.BASE_URL.startswith("https://"):
            raise ConfigError("AVVIK_BASE_URL must be an https:// address when "
                              "AVVIK_ENV=production (sign-in cookies are sent over https only)")
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            raise ConfigError("AVVIK_DATABASE_URL must name a PostgreSQL database when "
                              "AVVIK_ENV=production (SQLite is for one machine's trial run)")
        _check_identity_keys(self.IDENTITY_KEY or "")


def _check_identity_keys(configured: str) -> None:
    """Every comma-separated key must be a Fernet key, or identities fail on first use."""
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in configured.split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ConfigError(
                f"AVVIK_IDENTITY_KEY: key {position} is not a Fernet key (make one with "
                f"python -c 'from cryptography.fernet import Fernet; "
                f"print(Fernet.generate_key().decode())')") from None
    if not keys:
        raise ConfigError("AVVIK_IDENTITY_KEY must hold at least one key")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None, *, web: bool = False) -> Config:
    """Build the configuration named by ``name`` or ``AVVIK_ENV`` (default: development).

    ``web``: for the web server, whose statements AVVIK_DB_STATEMENT_TIMEOUT_SECONDS
    bounds, so that a request answers 503 before gunicorn kills its worker. The worker
    and the commands (sweeps, migrations, demo data) run theirs to the end.
    """
    name = name or env("ENV", "development") or "development"
    try:
        config = CONFIGS[name]()
    except KeyError:
        raise ConfigError(
            f"AVVIK_ENV={name!r} is unknown; use one of {', '.join(CONFIGS)}"
        ) from None
    if web:
        config.DB_STATEMENT_TIMEOUT_SECONDS = _seconds("DB_STATEMENT_TIMEOUT_SECONDS", "20")
    return config


#: How long SQLite waits for another process's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 10


def database_engine_options(url: str, connect_timeout: int, statement_timeout: float
                            ) -> dict[str, Any]:
    """Engine options that bound every wait on the database.

    PostgreSQL: libpq's ``connect_timeout`` (per address tried), the pool's wait for a
    free connection, and ``statement_timeout`` as a startup option, which costs no
    statement per request. What the URL sets itself wins. SQLite: the busy timeout.
    """
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    elif url.startswith("postgresql"):
        query = make_url(url).query
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in query:
            connect_args["connect_timeout"] = connect_timeout
        given = query.get("options", "")
        startup = " ".join(given) if isinstance(given, tuple) else given
        if statement_timeout > 0 and "statement_timeout" not in startup:
            milliseconds = max(1, round(statement_timeout * 1000))
            connect_args["options"] = f"{startup} -c statement_timeout={milliseconds}".strip()
        options.update(pool_timeout=connect_timeout, connect_args=connect_args)
    return options


LOG_FORMATS = ("json", "text")
#: AVVIK_SECRETARIAT_READS: the first is the default.
SECRETARIAT_READS = ("agenda", "community")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """AVVIK_METRICS_ALLOW: addresses and networks (CIDR), comma-separated."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"AVVIK_METRICS_ALLOW: {item!r} is not an address or a "
                              f"network (such as 10.0.0.0/8)") from None
    return tuple(networks)


def _choice(name: str, choices: tuple[str, ...]) -> str:
    """AVVIK_<name>, one of ``choices`` (the first when unset)."""
    value = (env(name, choices[0]) or choices[0]).strip().lower()
    if value not in choices:
        raise ConfigError(f"AVVIK_{name}={value!r} is unknown; use one of {', '.join(choices)}")
    return value


def _positive_int(name: str, default: str) -> int:
    value = (env(name, default) or default).strip()
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"AVVIK_{name} must be a whole number above 0, not {value!r}")
    return int(value)


def _seconds(name: str, default: str, minimum: float = 0) -> float:
    value = (env(name, default) or default).strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not minimum <= seconds < math.inf:
        raise ConfigError(f"AVVIK_{name}={value!r} must be a number of seconds "
                          f"of at least {minimum:g}")
    return seconds


#: AVVIK_SMTP_TLS: "off", "starttls" (upgrade a plain connection, port 587) or "ssl"
#: (TLS from the first byte, port 465). TLS always verifies the server's certificate.
SMTP_TLS_MODES = ("off", "starttls", "ssl")
#: AVVIK_SMTP_CONNECTIONS at most: a relay counts connections per client, and more than a
#: few from one worker would look like a flood to it.
MAX_SMTP_CONNECTIONS = 8


def _check_smtp(config: Config) -> None:
    if config.SMTP_TLS not in SMTP_TLS_MODES:
        raise ConfigError(f"AVVIK_SMTP_TLS={config.SMTP_TLS!r} is unknown; use one of "
                          f"{', '.join(SMTP_TLS_MODES)}")
    if bool(config.SMTP_USERNAME) != bool(config.SMTP_PASSWORD):
        raise ConfigError("AVVIK_SMTP_USERNAME and AVVIK_SMTP_PASSWORD must be set together")


def _smtp_connections(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_SMTP_CONNECTIONS:
        raise ConfigError(f"AVVIK_SMTP_CONNECTIONS={value!r} must be a whole number "
                          f"from 1 to {MAX_SMTP_CONNECTIONS}")
    return int(value)


def _normalise_db_url(url: str | None) -> str:
    # Heroku-style postgres:// and bare postgresql:// both mean psycopg 3 here.
    url = url or "sqlite://"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
