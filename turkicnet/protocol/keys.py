"""The ledger's Ed25519 signing key: kept outside the database (DESIGN §3-4)."""

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app


def _key_path() -> Path:
    configured = current_app.config.get("LEDGER_KEY_FILE")
    if configured:
        return Path(configured)
    return Path(current_app.instance_path) / "ledger_key.pem"


def signing_key() -> Ed25519PrivateKey:
    """The configured key; in development only, one generated into ``instance/``.

    :raises RuntimeError: naming ``TURKICNET_LEDGER_KEY_FILE`` when the file is missing,
        cannot be read or holds no Ed25519 private key
    """
    cached = current_app.extensions.get("turkicnet_ledger_key")
    if cached is not None:
        return cached
    path = _key_path()
    if not path.exists():
        if current_app.config["PRODUCTION"] or current_app.config.get("LEDGER_KEY_FILE"):
            raise RuntimeError(f"TURKICNET_LEDGER_KEY_FILE names {path}, which does not exist.")
        generate_key_file(path)
    current_app.extensions["turkicnet_ledger_key"] = _read_key(path)
    return current_app.extensions["turkicnet_ledger_key"]


def load_at_start(app) -> None:
    """Read the key once while the app is built, so that production fails at start, with the
    setting named, rather than at the first signature."""
    with app.app_context():
        signing_key()


def _read_key(path: Path) -> Ed25519PrivateKey:
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise RuntimeError(
            f"TURKICNET_LEDGER_KEY_FILE names {path}, which cannot be read: {error.strerror}."
        ) from error
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (TypeError, ValueError) as error:
        raise RuntimeError(
            f"TURKICNET_LEDGER_KEY_FILE names {path}, which holds no unencrypted PEM private key."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"TURKICNET_LEDGER_KEY_FILE names {path}, which holds no Ed25519 private key.")
    return key


def current_key_id() -> str | None:
    """The id of the key this platform signs with now, or None where it has none yet
    (a development machine before its first signature). Never generates a key."""
    if current_app.extensions.get("turkicnet_ledger_key") is None and not _key_path().exists():
        return None
    return key_id(signing_key())


def generate_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)


def public_raw(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_hex(private_key: Ed25519PrivateKey) -> str:
    return public_raw(private_key).hex()


def key_id(private_key: Ed25519PrivateKey) -> str:
    """The first 16 hex characters of the SHA-256 of the raw public key."""
    return hashlib.sha256(public_raw(private_key)).hexdigest()[:16]
