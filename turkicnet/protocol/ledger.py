"""The ledger's hashing, appending, checkpoints and verification (DESIGN §4).

Everything a verifier outside needs is here in a few lines: canonical JSON, SHA-256 of
the eleven fields, the previous hash, and an Ed25519 signature over each checkpoint.
"""

import hashlib
import json
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select, text

from ..extensions import db
from . import keys
from .models import Checkpoint, LedgerEntry, LedgerKey, ProtocolVersion, VersionStatus

SCHEME = "simple-v1"
GENESIS_HASH = "0" * 64
ENTRY_FIELDS = (
    "seq", "scheme", "action", "version", "text_sha256", "center",
    "signer_name", "signer_title", "note", "at", "prev_hash",
)  # fmt: skip
_POSTGRES_LOCK_ID = 0x7475726B  # "turk": one advisory lock for the ledger


def canonical_json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


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
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


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
    """Append an entry and sign a checkpoint over it; the caller holds :func:`lock` and commits."""
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


# ---------------------------------------------------------------- verification


@dataclass
class Verification:
    entries: int = 0
    checkpoints: int = 0
    texts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _verify_signature_batch(batch: list[tuple[str, bytes, str]]) -> list[int]:
    """Indexes (into ``batch``) of signatures that do not verify. Runs in a worker process."""
    failed = []
    loaded: dict[str, Ed25519PublicKey] = {}
    for index, (public_hex, message, signature_hex) in enumerate(batch):
        try:
            public_key = loaded.get(public_hex) or Ed25519PublicKey.from_public_bytes(
                bytes.fromhex(public_hex)
            )
            loaded[public_hex] = public_key
            public_key.verify(bytes.fromhex(signature_hex), message)
        except (InvalidSignature, ValueError):
            failed.append(index)
    return failed


def verify(*, workers: int = 2) -> Verification:
    """Recompute every text and version fingerprint, every entry hash and link, and every
    checkpoint; the first problem found names the entry (or checkpoint, or text) it is in."""
    result = Verification()
    _verify_texts(result)
    hashes = _verify_chain(result)
    _verify_checkpoints(result, hashes, workers=workers)
    return result


def _verify_texts(result: Verification) -> None:
    versions = db.session.scalars(
        select(ProtocolVersion).where(ProtocolVersion.status != VersionStatus.DRAFT)
    )
    for version in versions:
        fingerprints = {}
        for version_text in version.texts:
            result.texts += 1
            body_hash = sha256_hex(version_text.body.encode("utf-8"))
            if version_text.body != canonical_text(version_text.body) or body_hash != version_text.sha256:
                language = version_text.language
                result.problems.append(
                    f"version {version.number}: the {language} text does not match its fingerprint"
                )
            if version_text.authentic:
                fingerprints[version_text.language] = body_hash
        if version_fingerprint(fingerprints) != version.text_sha256:
            result.problems.append(
                f"version {version.number}: the version fingerprint does not match its texts"
            )


def _verify_chain(result: Verification) -> dict[int, str]:
    hashes: dict[int, str] = {}
    expected_seq, previous_hash = 1, GENESIS_HASH
    columns = [getattr(LedgerEntry, name) for name in (*ENTRY_FIELDS, "hash")]
    rows = db.session.execute(select(*columns).order_by(LedgerEntry.seq).execution_options(yield_per=5000))
    try:
        for row in rows:
            fields = dict(zip((*ENTRY_FIELDS, "hash"), row, strict=True))
            seq = fields["seq"]
            result.entries += 1
            if seq != expected_seq:
                result.problems.append(f"entry {expected_seq}: missing (the next entry is {seq})")
            elif fields["prev_hash"] != previous_hash:
                result.problems.append(f"entry {seq}: prev_hash does not match the hash of entry {seq - 1}")
            elif entry_hash(fields) != fields["hash"]:
                result.problems.append(f"entry {seq}: its hash does not match its fields")
            hashes[seq] = fields["hash"]
            expected_seq, previous_hash = seq + 1, fields["hash"]
            if result.problems:
                break
    finally:
        rows.close()
    return hashes


def _verify_checkpoints(result: Verification, hashes: dict[int, str], *, workers: int) -> None:
    public_keys = dict(db.session.execute(select(LedgerKey.key_id, LedgerKey.public_key)).all())
    for key_id, public_hex in list(public_keys.items()):
        if sha256_hex(bytes.fromhex(public_hex))[:16] != key_id:
            result.problems.append(f"key {key_id}: its id is not the start of the SHA-256 of the key")
            del public_keys[key_id]
    batch: list[tuple[str, bytes, str]] = []
    labels: list[str] = []
    rows = db.session.execute(
        select(Checkpoint.seq, Checkpoint.hash, Checkpoint.at, Checkpoint.key_id, Checkpoint.signature)
        .order_by(Checkpoint.seq, Checkpoint.id)
        .execution_options(yield_per=5000)
    )
    for seq, head_hash, at, key_id, signature in rows:
        result.checkpoints += 1
        if hashes.get(seq) != head_hash and not result.problems:
            result.problems.append(f"checkpoint at entry {seq}: names a hash the ledger does not have there")
        if key_id not in public_keys:
            result.problems.append(f"checkpoint at entry {seq}: signed by an unknown key {key_id}")
            continue
        batch.append((public_keys[key_id], checkpoint_message(seq, head_hash, at, key_id), signature))
        labels.append(f"checkpoint at entry {seq}: its signature does not verify")
    for index in _failed_signatures(batch, workers):
        result.problems.append(labels[index])
    latest = max(hashes) if hashes else 0
    if latest and not db.session.scalar(select(func.count(Checkpoint.id)).where(Checkpoint.seq == latest)):
        result.problems.append(f"entry {latest}: the ledger head has no checkpoint")


def _failed_signatures(batch, workers: int) -> list[int]:
    if workers <= 1 or len(batch) < 2000:
        return _verify_signature_batch(batch)
    size = -(-len(batch) // workers)
    chunks = [batch[start : start + size] for start in range(0, len(batch), size)]
    failed: list[int] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for offset, chunk_failed in zip(
            range(0, len(batch), size), pool.map(_verify_signature_batch, chunks), strict=True
        ):
            failed.extend(offset + index for index in chunk_failed)
    return sorted(failed)
