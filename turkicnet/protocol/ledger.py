"""The ledger's hashing, appending and checkpoints (DESIGN §4); :mod:`.verification` checks it.

Everything a verifier outside needs is here in a few lines: canonical JSON, SHA-256 of
the eleven fields, the previous hash, and an Ed25519 signature over each checkpoint.
"""

import hashlib
import json
import unicodedata
from datetime import UTC, datetime

from sqlalchemy import select, text

from ..core import formatting
from ..extensions import db
from . import keys
from .models import Checkpoint, LedgerEntry, LedgerKey, ProtocolVersion

SCHEME = "simple-v1"
GENESIS_HASH = "0" * 64
ENTRY_FIELDS = (
    "seq", "scheme", "action", "version", "text_sha256", "center",
    "signer_name", "signer_title", "note", "at", "prev_hash",
)  # fmt: skip
_POSTGRES_LOCK_ID = 0x7475726B  # "turk": one advisory lock for the ledger


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(obj) -> bytes:
    """Keys sorted, no spaces, UTF-8 (DESIGN §4); one encoder, since a ledger has many entries."""
    return _CANONICAL.encode(obj).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_text(body: str) -> str:
    """NFC, ``\\n`` line endings, no trailing whitespace at the end, one final ``\\n``."""
    body = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n")
    return body.rstrip() + "\n"


def version_fingerprint(text_fingerprints: dict[str, str]) -> str:
    """SHA-256 of the canonical JSON of ``{language: text fingerprint}`` over authentic texts."""
    return sha256_hex(canonical_json(text_fingerprints))


def utc_stamp(moment: datetime | None = None) -> str:
    """The ledger's time of ``moment`` (a stored naive-UTC or an aware datetime; now, when
    none): ``2026-12-01T19:36:10Z``, the one machine stamp, :func:`core.formatting.utc_stamp`."""
    return formatting.utc_stamp(moment or datetime.now(UTC))


def entry_fields(entry: LedgerEntry) -> dict:
    return {name: getattr(entry, name) for name in ENTRY_FIELDS}


def entry_hash(fields: dict) -> str:
    return sha256_hex(canonical_json({name: fields[name] for name in ENTRY_FIELDS}))


def checkpoint_message(seq: int, head_hash: str, at: str, key_id: str) -> bytes:
    return canonical_json({"seq": seq, "hash": head_hash, "at": at, "key_id": key_id})


def lock() -> None:
    """Serialise appends: an advisory lock on PostgreSQL, a write lock on SQLite.

    Held until the transaction ends, so that reading the head, checking standing and
    appending happen as one step.
    """
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": _POSTGRES_LOCK_ID})
    elif dialect == "sqlite":
        driver_connection = connection.connection.dbapi_connection
        if not driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def head() -> LedgerEntry | None:
    return db.session.scalar(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1))


def append(
    *, action: str, version: ProtocolVersion, center_slug: str, signer_name: str, signer_title: str, note: str
) -> tuple[LedgerEntry, Checkpoint]:
    """Append an entry and sign a checkpoint over it; the caller holds :func:`lock`, in its unit of work."""
    previous = head()
    fields = {
        "seq": previous.seq + 1 if previous else 1,
        "scheme": SCHEME,
        "action": action,
        "version": version.number,
        "text_sha256": version.text_sha256,
        "center": center_slug,
        "signer_name": unicodedata.normalize("NFC", signer_name),
        "signer_title": unicodedata.normalize("NFC", signer_title),
        "note": unicodedata.normalize("NFC", note),
        "at": utc_stamp(),
        "prev_hash": previous.hash if previous else GENESIS_HASH,
    }
    entry = LedgerEntry(**fields, hash=entry_hash(fields))
    db.session.add(entry)
    db.session.flush()
    return entry, sign_checkpoint(entry)


def sign_checkpoint(entry: LedgerEntry) -> Checkpoint:
    private_key = keys.signing_key()
    key_id, public_hex = keys.key_id(private_key), keys.public_hex(private_key)
    if db.session.get(LedgerKey, key_id) is None:
        db.session.add(LedgerKey(key_id=key_id, public_key=public_hex))
        db.session.flush()
    at = utc_stamp()
    signature = private_key.sign(checkpoint_message(entry.seq, entry.hash, at, key_id)).hex()
    checkpoint = Checkpoint(seq=entry.seq, hash=entry.hash, at=at, key_id=key_id, signature=signature)
    db.session.add(checkpoint)
    return checkpoint


def checkpoint_dict(checkpoint: Checkpoint) -> dict:
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": checkpoint.at,
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }
