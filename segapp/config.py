"""Configuration classes; values come from the environment where it makes sense."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else from a file kept in the instance folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


# The languages of the interface (each has a catalogue under translations/ but English, the source).
UI_LANGUAGES = {"en": "English", "it": "Italiano"}


class Config:
    """Defaults for every environment."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PERMANENT_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("SESSION_HOURS", "8")))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    PAGE_SIZE = 50
    IMPORT_MAX_MB = int(os.environ.get("IMPORT_MAX_MB", "20"))
    # The largest Word document (a template's, a line's personalised letter) stored in the database.
    MAX_DOCUMENT_BYTES = int(os.environ.get("MAX_DOCUMENT_BYTES", str(5 * 1024 * 1024)))
    LOGIN_THROTTLE_AFTER = 3
    LOGIN_THROTTLE_MAX_SECONDS = 300
    # Proxies in front of the app whose X-Forwarded-For / -Proto are believed (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Background jobs (segapp.jobs.queue): the task queue's storage, the workers' lease, when exports become jobs.
    HUEY_IMMEDIATE = os.environ.get("HUEY_IMMEDIATE", "0") == "1"
    HUEY_STORAGE = os.environ.get("HUEY_STORAGE", "")  # file (default), database, redis
    HUEY_REDIS_URL = os.environ.get("HUEY_REDIS_URL", "")
    HUEY_SQLITE_PATH = os.environ.get("HUEY_SQLITE_PATH", "")  # default: instance/huey.db
    JOBS_LEASE_SECONDS = int(os.environ.get("JOBS_LEASE_SECONDS", "120"))
    EXPORT_JOB_ROWS = int(os.environ.get("EXPORT_JOB_ROWS", "5000"))
    EXPORT_JOB_CHUNK_ROWS = int(os.environ.get("EXPORT_JOB_CHUNK_ROWS", "5000"))  # rows an export job writes a step
    # Sending e-mail (segapp.services.delivery.settings): each, when set, wins over the marketing setup page; the
    # password is read only from here. PUBLIC_URL is where recipients reach the app (the unsubscribe links).
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = os.environ.get("SMTP_PORT", "")
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "")  # starttls, ssl or none
    SMTP_SENDER_EMAIL = os.environ.get("SMTP_SENDER_EMAIL", "")
    SMTP_SENDER_NAME = os.environ.get("SMTP_SENDER_NAME", "")
    SMTP_EMAILS_PER_MINUTE = os.environ.get("SMTP_EMAILS_PER_MINUTE", "")  # 0: no limit
    SMTP_SENDER_DOMAINS = os.environ.get("SMTP_SENDER_DOMAINS", "")
    SMTP_TIMEOUT_SECONDS = os.environ.get("SMTP_TIMEOUT_SECONDS", "")
    # Messages marked *sending* in one commit (segapp.services.delivery.sending): 1 commits each alone.
    SMTP_SENDING_WINDOW = int(os.environ.get("SMTP_SENDING_WINDOW", "20"))
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")


class TestConfig(Config):
    """Used by the test suite; the database URL is supplied by the fixture."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    LOGIN_THROTTLE_MAX_SECONDS = 2
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Jobs run where they are enqueued (Huey's immediate mode); tests of the consumer start a real one.
    HUEY_IMMEDIATE = True
