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
from email.utils import parseaddr
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
        self.MAIL_FROM = env("MAIL_FROM", "Avvik <avvik@localhost>")
        _check_smtp(self)
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
        self._integrations()

        self._sign_in_throttling()
        self._second_factor()
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
        self.OUTBOX_PUBLISH = True
        self.CELERY = self._celery_settings()
        self._logs_and_metrics()
        self._single_sign_on()

    def _integrations(self) -> None:
        """An organisation's own systems (README, "Feed, webhooks and service tokens")."""
        #: Days an organisation's service token works; an administrator issues a new one.
        self.SERVICE_TOKEN_DAYS = _positive_int("SERVICE_TOKEN_DAYS", "365")
        #: The feed shows a change once it is this old, so that no transaction still open
        #: can commit an earlier one behind a client's cursor (avvik/integrations/feed.py).
        self.FEED_SETTLE_SECONDS = _positive_int("FEED_SETTLE_SECONDS", "60")
        #: Tries of one webhook delivery (a 5xx or no answer) before it is given up.
        self.WEBHOOK_MAX_ATTEMPTS = _positive_int("WEBHOOK_MAX_ATTEMPTS", "8")
        #: Seconds to connect to, and then to hear from, a webhook's receiver.
        self.WEBHOOK_TIMEOUT_SECONDS = _positive_int("WEBHOOK_TIMEOUT_SECONDS", "10")
        #: Plain http:// webhook URLs and receivers on this machine: only outside
        #: production (a developer's or a test's receiver).
        self.WEBHOOK_ALLOW_INSECURE = self.ENV_NAME != "production"

    def _single_sign_on(self) -> None:
        """Sign-in over OpenID Connect (avvik/auth/oidc/), and whether passwords still work.

        AVVIK_OIDC_ISSUER turns it on; the provider's endpoints come from its discovery
        document. The client proves who it is with a private key (AVVIK_OIDC_CLIENT_KEY_FILE,
        a PEM file: ``private_key_jwt``, as HelseID requires) or a shared secret
        (AVVIK_OIDC_CLIENT_SECRET). AVVIK_OIDC_USER_CLAIM names the claim that identifies an
        existing user: ``email`` is matched to the user's e-mail, any other claim to the
        identifier an administrator recorded on the user. AVVIK_OIDC_NAME is the provider's
        name on the sign-in button. AVVIK_PASSWORD_SIGNIN=off leaves single sign-on the
        only way in.
        """
        self.OIDC_ISSUER = env("OIDC_ISSUER")
        self.OIDC_CLIENT_ID = env("OIDC_CLIENT_ID")
        self.OIDC_CLIENT_KEY_FILE = env("OIDC_CLIENT_KEY_FILE")
        self.OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
        self.OIDC_SCOPES = " ".join((env("OIDC_SCOPES", DEFAULT_OIDC_SCOPES) or "").split())
        self.OIDC_USER_CLAIM = (env("OIDC_USER_CLAIM", "email") or "email").strip()
        self.OIDC_NAME = env("OIDC_NAME")
        self.PASSWORD_SIGNIN = _switch("PASSWORD_SIGNIN", "on")
        _check_single_sign_on(self)

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

    def _sign_in_throttling(self) -> None:
        """Failed sign-ins, counted in the broker's Redis (avvik/auth/throttle.py).

        Per account and client address: after SLOWDOWN_AFTER failures the next attempt
        waits 1 s, then 2, 4, 8 … up to MAX_DELAY, and at most PAIR_LIMIT (a cap on the
        guesser's own address, which the real user elsewhere never meets). Per account
        from any address: a gentle cap (a wait of at most its window, never a lock). Per
        client address: a cap on failures across every account. Limits are
        Flask-Limiter's strings ("30 per minute;300 per hour").
        """
        self.LOGIN_SLOWDOWN_AFTER = _positive_int("LOGIN_SLOWDOWN_AFTER", "3")
        self.LOGIN_MAX_DELAY_SECONDS = _positive_int("LOGIN_MAX_DELAY_SECONDS", "900")
        self.LOGIN_PAIR_LIMIT = _rate_limit("LOGIN_PAIR_LIMIT", "40 per day")
        self.LOGIN_ACCOUNT_LIMIT = _rate_limit("LOGIN_ACCOUNT_LIMIT", "10 per minute")
        self.LOGIN_ADDRESS_LIMIT = _rate_limit("LOGIN_ADDRESS_LIMIT",
                                               "30 per minute;300 per hour")
        # Only someone who has the password reaches the code: a stricter cap costs the
        # real user nothing that a stranger could cause.
        self.LOGIN_CODE_ACCOUNT_LIMIT = _rate_limit("LOGIN_CODE_ACCOUNT_LIMIT",
                                                    "5 per minute;20 per hour")
        #: Failed API bearer tokens per client address.
        self.API_AUTH_FAILURE_LIMIT = _rate_limit("API_AUTH_FAILURE_LIMIT", "20 per minute")
        # Flask-Limiter's settings: the broker's Redis (the embedded one too), the moving
        # window (its timestamps are the app's clock, so tests can move time), and a
        # prefix of our own so that the counters never meet Celery's keys.
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URL",
                                         limits_storage_url(self.BROKER_URL or ""))
        self.RATELIMIT_STRATEGY = "moving-window"
        self.RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "avvik-limits")
        # Errors as limits' StorageError, and a Redis that hangs costs seconds, not the
        # worker: the throttle then lets sign-in through (avvik/auth/throttle.py).
        self.RATELIMIT_STORAGE_OPTIONS = {"wrap_exceptions": True, "socket_timeout": 2,
                                          "socket_connect_timeout": 2}
        #: Reverse proxies in front of the app whose X-Forwarded-For and -Proto are
        #: believed (werkzeug's ProxyFix); 0 believes none, and the client address is
        #: the connection's.
        self.PROXY_COUNT = _whole_number("PROXY_COUNT", "0")

    def _second_factor(self) -> None:
        """One-time codes (TOTP) for local accounts (avvik/auth/totp.py).

        AVVIK_TOTP_KEY: a Fernet key for the users' TOTP secrets; without it one is
        derived from AVVIK_SECRET_KEY (so changing the secret key would make every
        enrolled user enrol again: production should set its own). Administrators must
        use codes in production unless single sign-on (AVVIK_OIDC_ISSUER) is configured.
        """
        self.TOTP_KEY = env("TOTP_KEY")
        self.TOTP_ISSUER = env("TOTP_ISSUER", "Avvik")
        self.SSO_CONFIGURED = bool(env("OIDC_ISSUER"))
        self.ADMIN_TOTP_REQUIRED = False

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
        # worker processes they start, with AVVIK_OUTBOX_PUBLISH=on).
        self.OUTBOX_PUBLISH = env("OUTBOX_PUBLISH") == "on"
        # Assertions read English messages; tests/core/test_i18n.py proves the bokmål
        # default with the production setting.
        self.BABEL_DEFAULT_LOCALE = "en"
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(env("DATABASE_URL", "sqlite://"))
        # No broker runs under the unit tests; the worker tests name a real one.
        self.BROKER_URL = env("BROKER_URL", "memory://")
        self.CELERY = self._celery_settings()
        # Rate limits in this process's memory; tests/auth/test_throttle_redis.py proves
        # them on a real Redis.
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URL", "memory://")


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
        # Without single sign-on, an administrator's password alone is not enough.
        self.ADMIN_TOTP_REQUIRED = not self.SSO_CONFIGURED

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
        if self.OIDC_ISSUER and not self.OIDC_ISSUER.startswith("https://"):
            raise ConfigError("AVVIK_OIDC_ISSUER must be an https:// address when "
                              "AVVIK_ENV=production (its keys and tokens come from there)")
        _check_identity_keys(self.IDENTITY_KEY or "")
        if self.TOTP_KEY:
            _check_fernet_key("AVVIK_TOTP_KEY", self.TOTP_KEY)


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


#: AVVIK_OIDC_SCOPES unless set: who the person is, their name and e-mail.
DEFAULT_OIDC_SCOPES = "openid profile email"


def _check_single_sign_on(config: Config) -> None:
    """Settings that would start and then fail at the first sign-in, refused at start."""
    if not config.OIDC_ISSUER:
        if config.OIDC_CLIENT_ID or config.OIDC_CLIENT_KEY_FILE or config.OIDC_CLIENT_SECRET:
            raise ConfigError("AVVIK_OIDC_ISSUER must be set when the other AVVIK_OIDC_* "
                              "settings are (single sign-on starts from the issuer)")
        if not config.PASSWORD_SIGNIN:
            raise ConfigError("AVVIK_PASSWORD_SIGNIN=off needs single sign-on: set "
                              "AVVIK_OIDC_ISSUER, or nobody can sign in")
        return
    if not config.OIDC_ISSUER.startswith(("https://", "http://")):
        raise ConfigError(f"AVVIK_OIDC_ISSUER={config.OIDC_ISSUER!r} must be the provider's "
                          f"https:// address, such as https://helseid-sts.nhn.no")
    if not config.OIDC_CLIENT_ID:
        raise ConfigError("AVVIK_OIDC_CLIENT_ID must be set when AVVIK_OIDC_ISSUER is")
    if bool(config.OIDC_CLIENT_KEY_FILE) == bool(config.OIDC_CLIENT_SECRET):
        raise ConfigError("Set one of AVVIK_OIDC_CLIENT_KEY_FILE (a PEM private key, for "
                          "private_key_jwt) and AVVIK_OIDC_CLIENT_SECRET, not both")
    if "openid" not in config.OIDC_SCOPES.split():
        raise ConfigError(f"AVVIK_OIDC_SCOPES={config.OIDC_SCOPES!r} must include openid")
    if not config.OIDC_USER_CLAIM:
        raise ConfigError("AVVIK_OIDC_USER_CLAIM must name a claim, such as email")
    if config.OIDC_CLIENT_KEY_FILE:
        _check_private_key(config.OIDC_CLIENT_KEY_FILE)


def _check_private_key(path: str) -> None:
    """AVVIK_OIDC_CLIENT_KEY_FILE must hold an unencrypted RSA or EC private key (PEM)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as error:
        raise ConfigError(f"AVVIK_OIDC_CLIENT_KEY_FILE={path!r} cannot be read: "
                          f"{error.strerror}") from None
    except (ValueError, TypeError):
        raise ConfigError(f"AVVIK_OIDC_CLIENT_KEY_FILE={path!r} is not an unencrypted PEM "
                          f"private key") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ConfigError(f"AVVIK_OIDC_CLIENT_KEY_FILE={path!r} must hold an RSA or an EC "
                          f"private key")
def _check_fernet_key(name: str, key: str) -> None:
    from cryptography.fernet import Fernet

    try:
        Fernet(key)
    except ValueError:
        raise ConfigError(
            f"{name} is not a Fernet key (make one with python -c 'from "
            f"cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from None


def _rate_limit(name: str, default: str) -> str:
    """A Flask-Limiter limit string ("10 per minute;100 per hour"), checked at start."""
    from limits import parse_many

    value = env(name, default) or default
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"AVVIK_{name}={value!r} is not a rate limit such as "
                          f"'10 per minute' or '30 per minute;300 per hour'") from None
    return value


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
        # Startup options are sent only with a statement timeout: 0 sends none, for a
        # PgBouncer that refuses them (README, AVVIK_DB_STATEMENT_TIMEOUT_SECONDS).
        if statement_timeout > 0:
            if "statement_timeout" not in startup:
                milliseconds = max(1, round(statement_timeout * 1000))
                startup = f"{startup} -c statement_timeout={milliseconds}".strip()
            # JIT compiles any statement whose estimate passes jit_above_cost; on the
            # measures list and the dashboards at a million cases the compiling took
            # longer than the plans it sped up (bench/measures_list.py). Ours are short.
            if "jit" not in startup:
                startup = f"{startup} -c jit=off".strip()
            connect_args["options"] = startup
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


def _switch(name: str, default: str) -> bool:
    value = (env(name, default) or default).strip().lower()
    if value not in ("on", "off"):
        raise ConfigError(f"AVVIK_{name}={value!r} must be on or off")
    return value == "on"
def limits_storage_url(broker_url: str) -> str:
    """The broker's Redis as the ``limits`` library names it.

    Kombu's ``redis+socket://PATH`` (the embedded broker) is ``redis+unix://PATH`` there;
    a Redis URL is used as it is. Any other broker (the tests' ``memory://``) has no Redis
    to share, and the counters stay in the process.
    """
    if broker_url.startswith("redis+socket://"):
        return "redis+unix://" + broker_url[len("redis+socket://"):]
    if broker_url.startswith(("redis://", "rediss://")):
        return broker_url
    return "memory://"


def _whole_number(name: str, default: str) -> int:
    value = (env(name, default) or default).strip()
    if not value.isdigit():
        raise ConfigError(f"AVVIK_{name} must be a whole number, not {value!r}")
    return int(value)
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
def _check_smtp(config: Config) -> None:
    if config.SMTP_TLS not in SMTP_TLS_MODES:
        raise ConfigError(f"AVVIK_SMTP_TLS={config.SMTP_TLS!r} is unknown; use one of "
                          f"{', '.join(SMTP_TLS_MODES)}")
    if bool(config.SMTP_USERNAME) != bool(config.SMTP_PASSWORD):
        raise ConfigError("AVVIK_SMTP_USERNAME and AVVIK_SMTP_PASSWORD must be set together")
    _check_mail_from(config.MAIL_FROM or "")


def _check_mail_from(mail_from: str) -> None:
    """AVVIK_MAIL_FROM must be an address (``Name <local@domain>`` or ``local@domain``)
    whose domain has an IDNA form. A non-ASCII part before the @ needs a server that
    offers SMTPUTF8: the worker asks the server at start (avvik/core/smtp.py)."""
    _name, address = parseaddr(mail_from)
    local, _at, domain = address.rpartition("@")
    one_line = "\r" not in mail_from and "\n" not in mail_from
    problem = "" if local and domain and one_line else "is not an address"
    if not problem:
        try:
            domain.encode("idna")
        except UnicodeError:
            problem = "has a domain without an IDNA form"
    if problem:
        raise ConfigError(f"AVVIK_MAIL_FROM={mail_from!r} {problem}; write it as "
                          "'Avvik <avvik@example.org>'")


def _normalise_db_url(url: str | None) -> str:
    # Heroku-style postgres:// and bare postgresql:// both mean psycopg 3 here.
    url = url or "sqlite://"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
