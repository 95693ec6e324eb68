"""Configuration: defaults here, then ``instance/config.py``, then the environment.

``DATABASE_URL`` and ``REDIS_URL`` are read as they are; every other setting is read from a
``TURKICNET_<NAME>`` environment variable.
"""

import math
import os
import re
import secrets
from collections import Counter
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from zxcvbn import zxcvbn

WEAK_SECRETS = {"", "dev", "changeme", "secret", "development", "test"}
#: what production asks of its secret key (and of each fallback key)
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_BITS = 128


class Defaults:
    #: old keys that still verify sessions and links after a rotation (the key signs)
    SECRET_KEY_FALLBACKS: list = []
    #: Host names answered besides BASE_URL's (production answers only those, others get 400)
    TRUSTED_HOSTS: list = []
    SQLALCHEMY_DATABASE_URI = ""  # filled in by load_config: SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: How long a SQLite write waits for another writer's lock before the page says "busy" (ms).
    SQLITE_BUSY_TIMEOUT = 5000
    PRODUCTION = False
    BASE_URL = "http://127.0.0.1:5000"
    #: The interface's languages (core/languages.py names them; a catalogue each)
    LANGUAGES = ["en", "tr", "ru", "kk", "uz_Latn", "az", "ky"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600  # never for admins and signatories (auth/sessions.py)
    #: a session ends after this many seconds without a request, and this long after its login;
    #: PERMANENT_SESSION_LIFETIME (the cookie's own lifetime) follows the idle timeout
    SESSION_IDLE_TIMEOUT = 30 * 60
    SESSION_ABSOLUTE_TIMEOUT = 8 * 3600

    # A signatory may read a long text before submitting: tokens live for hours.
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    WTF_CSRF_ENABLED = True

    # One file may be UPLOAD_MAX_SIZE; a request with several may be larger. An upload over
    # the file limit is refused with the form shown again; a request over the request limit
    # gets the 413 page.
    UPLOAD_MAX_SIZE = 25 * 1024 * 1024
    MAX_CONTENT_LENGTH = 110 * 1024 * 1024
    #: An uploaded archive (DOCX, XLSX, ODT…) may unpack to this many bytes, counted as they
    #: inflate, and to at most this many times its own size (a document compresses far less).
    UPLOAD_ZIP_MAX_INFLATED = 100 * 1024 * 1024
    UPLOAD_ZIP_MAX_RATIO = 100
    REPORTS_PER_PAGE = 20
    MAX_LETTER_SIZE = 10 * 1024 * 1024

    RATELIMIT_ENABLED = True
    #: where rate-limit counters live: REDIS_URL when that is set, else each process's memory
    RATELIMIT_STORAGE_URI = ""
    REDIS_URL = ""
    #: the operator's word that one process serves the site (production then accepts memory://)
    SINGLE_PROCESS = False
    RATELIMIT_HEADERS_ENABLED = True
    #: every login attempt from one client address
    LOGIN_LIMIT_PER_IP = "20 per 10 minutes"
    #: failed logins to one account from one client address (the owner elsewhere is not locked out)
    LOGIN_LIMIT_PER_ACCOUNT = "8 per 10 minutes"
    #: signing and withdrawing: per signatory, and (higher, for a shared address) per address
    SIGN_LIMIT_PER_USER = "10 per 10 minutes"
    SIGN_LIMIT_PER_IP = "50 per 10 minutes"
    #: what one signed-in account may write (core/limits.py): comments on reports, staff
    #: invitations (each mails an address outside), requests to join a center, messages on
    #: an application
    COMMENT_LIMIT_PER_USER = "30 per hour"
    INVITE_LIMIT_PER_USER = "20 per hour"
    JOIN_REQUEST_LIMIT_PER_USER = "10 per hour"
    APPLICATION_MESSAGE_LIMIT_PER_USER = "30 per hour"
    #: each editor gets one "new comment" mail per report in this many minutes, however many follow
    COMMENT_MAIL_QUIET_MINUTES = 30

    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"
    EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    INVITATION_DAYS = 14

    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = True
    MAIL_SENDER = "TurkicNet <no-reply@turkicnet.example>"
    MAIL_DIR = ""  # defaults to instance/mail
    #: Seconds each step of an SMTP conversation may take before the attempt counts as failed.
    MAIL_TIMEOUT = 20
    #: The one mode left: the web process only writes the outbox and `flask --app wsgi
    #: worker` sends ("after_response", sending from the web process, is gone: audit F-04).
    MAIL_DELIVERY = "outbox"
    # A worker holds a message it claimed for MAIL_CLAIM_SECONDS (longer than a send can
    # take: about seven SMTP steps of MAIL_TIMEOUT), then another worker may take it. A
    # failure is retried after MAIL_RETRY_FIRST_SECONDS, doubling up to
    # MAIL_RETRY_MAX_SECONDS; after MAIL_MAX_ATTEMPTS (about 16 hours with these) the
    # message is marked failed.
    MAIL_CLAIM_SECONDS = 300
    MAIL_RETRY_FIRST_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 4 * 3600
    MAIL_MAX_ATTEMPTS = 12
    #: Sent messages are deleted from the outbox after this many days (a worker job).
    MAIL_KEEP_SENT_DAYS = 30

    UPLOAD_DIR = ""  # defaults to instance/uploads
    LEDGER_KEY_FILE = ""  # defaults to instance/ledger_key.pem, generated in development only
    LEDGER_VERIFY_WORKERS = 2
    PROXY_FIX = 0  # number of trusted proxies in front of the app
    CENTERS_PER_PAGE = 25
    #: The JSON API's limits: each token has its own; callers without one count by address
    API_RATE_LIMIT_TOKEN = "3000 per hour"  # noqa: S105 (a limit, not a secret)
    API_RATE_LIMIT_ANONYMOUS = "1000 per hour"
    #: Lists count their total exactly up to this many, and say "more" beyond it
    API_TOTAL_CAP = 10_000
    AUDIT_PER_PAGE = 50

    #: OAI-PMH at /oai: identifiers are oai:<OAI_REPOSITORY_ID>:report/<id> (empty: BASE_URL's
    #: host when it is a domain name, else "turkicnet.org"); Identify names OAI_ADMIN_EMAIL
    #: (empty: MAIL_SENDER's address); a list answers OAI_BATCH_SIZE records, then a token.
    OAI_REPOSITORY_ID = ""
    OAI_REPOSITORY_NAME = "TurkicNet"
    OAI_ADMIN_EMAIL = ""
    OAI_BATCH_SIZE = 100
    #: The RePEc archive at /RePEc/<code>/: its three lowercase letters (RePEc assigns them)
    #: and its maintainer (empty e-mail: MAIL_SENDER's address).
    REPEC_ARCHIVE_CODE = "tkn"
    REPEC_ARCHIVE_NAME = "TurkicNet, the network of the Turkic states' research centers"
    REPEC_MAINTAINER_NAME = "TurkicNet Secretariat"
    REPEC_MAINTAINER_EMAIL = ""


def _coerce(raw: str, current):
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def normalise_database_url(url: str) -> str:
    """Map ``postgresql://`` and ``postgres://`` to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(app, test_config: dict | None = None) -> None:
    """Fill ``app.config`` from defaults, the instance file, the environment and tests."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in list(app.config):
        env_value = os.environ.get(f"TURKICNET_{key}")
        if env_value is not None:
            app.config[key] = _coerce(env_value, app.config[key])
    if os.environ.get("TURKICNET_SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["TURKICNET_SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    if test_config:
        app.config.update(test_config)
    app.config["RATELIMIT_STORAGE_URI"] = (
        app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://"
    )

    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'turkicnet.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["MAIL_DIR"] = app.config["MAIL_DIR"] or str(instance / "mail")
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(instance / "uploads")
    if app.config["MAIL_DELIVERY"] != "outbox":
        raise RuntimeError(
            "TURKICNET_MAIL_DELIVERY can only be 'outbox': the web process writes the outbox and "
            "`flask --app wsgi worker` sends it (the web process no longer sends mail itself)."
        )
    if app.config["MAIL_CLAIM_SECONDS"] < 8 * app.config["MAIL_TIMEOUT"]:
        raise RuntimeError(
            "TURKICNET_MAIL_CLAIM_SECONDS must be at least 8 × TURKICNET_MAIL_TIMEOUT: a worker's "
            "claim on a message must outlast a send, or a second worker sends it again."
        )
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_IDLE_TIMEOUT"]
    _harvesting_defaults(app)
    app.config["TRUSTED_HOSTS"] = _trusted_hosts(app)
    if app.config["PRODUCTION"]:
        _host_only_secure_cookies(app)
        _require_shared_counters(app)
    _ensure_secret_key(app)


#: What OAI-PMH's oai-identifier scheme takes as a repository identifier: a domain name.
_DOMAIN_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+")


def _harvesting_defaults(app) -> None:
    """OAI-PMH's and RePEc's settings left empty, filled from BASE_URL and MAIL_SENDER."""
    config = app.config
    if not config["OAI_REPOSITORY_ID"]:
        host = urlsplit(config["BASE_URL"]).hostname or ""
        config["OAI_REPOSITORY_ID"] = host if _DOMAIN_NAME.fullmatch(host) else "turkicnet.org"
    sender = parseaddr(config["MAIL_SENDER"])[1]
    config["OAI_ADMIN_EMAIL"] = config["OAI_ADMIN_EMAIL"] or sender
    config["REPEC_MAINTAINER_EMAIL"] = config["REPEC_MAINTAINER_EMAIL"] or sender
    if not re.fullmatch(r"[a-z]{3}", config["REPEC_ARCHIVE_CODE"]):
        raise RuntimeError("TURKICNET_REPEC_ARCHIVE_CODE must be three lowercase letters, as RePEc assigns.")
    if config["OAI_BATCH_SIZE"] < 1:
        raise RuntimeError("TURKICNET_OAI_BATCH_SIZE must be at least 1.")


def _trusted_hosts(app) -> list[str] | None:
    """In production, BASE_URL's host and the extra names: a request for any other Host gets
    400, so no absolute URL, redirect or cache key can carry a stranger's host name. In
    development every host is answered unless names are given."""
    extra = [name.strip() for name in app.config["TRUSTED_HOSTS"] or [] if name.strip()]
    if not app.config["PRODUCTION"]:
        return extra or None
    base_host = urlsplit(app.config["BASE_URL"]).hostname
    if not base_host:
        raise RuntimeError(
            "TURKICNET_PRODUCTION is set: TURKICNET_BASE_URL needs a host, as https://turkicnet.example"
        )
    return list(dict.fromkeys([base_host, *extra]))


def _host_only_secure_cookies(app) -> None:
    """``__Host-`` cookies: sent over HTTPS only, to this host only, for the whole site (the
    prefix makes browsers refuse them otherwise, so development over HTTP keeps plain names)."""
    app.config.update(
        SESSION_COOKIE_NAME="__Host-session",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        REMEMBER_COOKIE_NAME="__Host-remember",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_PATH="/",
        REMEMBER_COOKIE_DOMAIN=None,
    )


def _require_shared_counters(app) -> None:
    """Counters in memory are per process: with several workers every limit multiplies."""
    in_memory = app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    if app.config["RATELIMIT_ENABLED"] and in_memory and not app.config["SINGLE_PROCESS"]:
        raise RuntimeError(
            "TURKICNET_PRODUCTION is set and the rate-limit counters would live in each process's "
            "memory: set REDIS_URL (one Redis shared by every process and host), or "
            "TURKICNET_SINGLE_PROCESS=1 if exactly one process serves the site."
        )


def secret_key_bits(key: str) -> float:
    """A cautious estimate of a key's entropy in bits: the smaller of its Shannon estimate
    (its length times the entropy of its own character frequencies) and zxcvbn's, which
    also sees repeats, runs, keyboard walks and words. 32 random bytes from ``secrets``
    score well over 128 either way, as hex or URL-safe text."""
    if not key:
        return 0.0
    shannon = -sum(count * math.log2(count / len(key)) for count in Counter(key).values())
    guesses = float(zxcvbn(key[:72])["guesses_log10"]) * math.log2(10)
    return min(shannon, guesses)


def _check_production_secret(key: str, setting: str) -> None:
    if key in WEAK_SECRETS or len(key) < SECRET_KEY_MIN_LENGTH or secret_key_bits(key) < SECRET_KEY_MIN_BITS:
        raise RuntimeError(
            f"TURKICNET_PRODUCTION is set: {setting} needs a strong key shared by every host, "
            f"at least {SECRET_KEY_MIN_LENGTH} random characters (about {SECRET_KEY_MIN_BITS} bits); "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


def _ensure_secret_key(app) -> None:
    """Use the configured key; in development only, generate one into ``instance/``."""
    key = app.config.get("SECRET_KEY") or ""
    if app.config["PRODUCTION"]:
        _check_production_secret(key, "TURKICNET_SECRET_KEY")
        # A fallback still verifies sessions: a weak one would be as bad as a weak key.
        for fallback in app.config["SECRET_KEY_FALLBACKS"]:
            _check_production_secret(fallback, "each of TURKICNET_SECRET_KEY_FALLBACKS")
        if not app.config["LEDGER_KEY_FILE"]:
            raise RuntimeError(
                "TURKICNET_PRODUCTION is set: give TURKICNET_LEDGER_KEY_FILE, the ledger's Ed25519 "
                "key (PEM) shared by every host."
            )
        return
    if key:
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
