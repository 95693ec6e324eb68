"""The ledger's hashing, appending, checkpoints and verification (DESIGN §4).

Everything a verifier outside needs is here in a few lines: canonical JSON, SHA-256 of
the eleven fields, the previous hash, and an Ed25519 signature over each checkpoint.
"""

import hashlib
import json
import multiprocessing
import unicodedata
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
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


# ---------------------------------------------------------------- verification
#
# The work is split so that a large ledger uses every core: this process reads the rows in
# order and checks what needs order (each seq follows the last, each prev_hash is the hash
# before it, each checkpoint names a hash the ledger has there), while worker processes
# recompute entry hashes and verify checkpoint signatures, chunk by chunk, as rows arrive.
# A small ledger is checked in this process alone.

CHUNK_SIZE = 5000


@dataclass
class Verification:
    entries: int = 0
    checkpoints: int = 0
    texts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def entries_with_wrong_hash(rows: list[tuple]) -> list[int]:
    """The seqs among ``rows`` (the eleven fields in ENTRY_FIELDS order, then the stored
    hash) whose stored hash is not the SHA-256 of their fields. Runs in a worker."""
    return [row[0] for row in rows if entry_hash(dict(zip(ENTRY_FIELDS, row[:-1], strict=True))) != row[-1]]


def unverified_signatures(public_keys: dict[str, str], rows: list[tuple]) -> list[int]:
    """Positions in ``rows`` (seq, hash, at, key_id, signature hex) of checkpoints whose
    signature does not verify under the key named. Runs in a worker.

    The check is libsodium's (PyNaCl): it verifies about half again as fast as OpenSSL, and it
    is stricter. Every signature ``cryptography`` makes with a real key passes it; what it
    refuses and OpenSSL would take are forgeries such as "signatures" under a small-order key,
    which verify for any message at all.
    """
    verify_keys = {key_id: VerifyKey(bytes.fromhex(public_hex)) for key_id, public_hex in public_keys.items()}
    failed = []
    for position, (seq, head_hash, at, key_id, signature_hex) in enumerate(rows):
        try:
            verify_keys[key_id].verify(
                checkpoint_message(seq, head_hash, at, key_id), bytes.fromhex(signature_hex)
            )
        except (BadSignatureError, ValueError, TypeError):
            failed.append(position)
    return failed


class _InProcess:
    """The executor for a small ledger: runs each job at once, here."""

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        future.set_result(function(*args))
        return future

    def shutdown(self, *, cancel_futures: bool = False) -> None:
        pass


def verify(*, workers: int = 2, chunk_size: int = CHUNK_SIZE) -> Verification:
    """Recompute every text and version fingerprint, every entry hash and link, and every
    checkpoint signature. Problems come in ledger order, so the first names the first
    broken entry (or checkpoint, or text)."""
    result = Verification()
    _verify_texts(result)
    size = db.session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
    parallel = workers > 1 and size > chunk_size
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_fork()) if parallel else _InProcess()
    found: list[tuple[int, int, str]] = []  # (seq, 0 for an entry or 1 for a checkpoint, problem)
    try:
        # Signatures are most of the work: send them first, and walk the chain meanwhile.
        signature_jobs, named = _verify_checkpoints(result, found, executor, chunk_size)
        hashes, hash_jobs = _verify_chain(result, found, executor, chunk_size)
        _match_checkpoints_to_chain(found, named, hashes)
        for job in hash_jobs:
            found += [(seq, 0, f"entry {seq}: its hash does not match its fields") for seq in job.result()]
        for job, seqs in signature_jobs:
            found += [
                (seqs[position], 1, f"checkpoint at entry {seqs[position]}: its signature does not verify")
                for position in job.result()
            ]
    finally:
        executor.shutdown(cancel_futures=True)
    result.problems += [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]
    return result


def _fork():
    """Workers forked from this process start at once, with the code already loaded (the
    default start method differs between Python versions and platforms)."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _match_checkpoints_to_chain(found, named: list[tuple[int, str, str]], hashes: dict[int, str]) -> None:
    """Each checkpoint names the hash the chain has at its seq; every entry has a checkpoint
    (one is signed with each append); the head's is signed by this platform's key."""
    problems: list[tuple[int, str]] = []
    covered: set[int] = set()
    for seq, head_hash, _ in named:
        covered.add(seq)
        if hashes.get(seq) != head_hash:
            problems.append((seq, f"checkpoint at entry {seq}: names a hash the ledger does not have there"))
    head = max(hashes, default=0)
    current = keys.current_key_id() if head in covered else None
    if head and head not in covered:
        problems.append((head, f"entry {head}: the ledger head has no checkpoint"))
    elif current is not None and current not in {key_id for seq, _, key_id in named if seq == head}:
        problems.append((head, f"entry {head}: the head's checkpoint is not signed by this platform's key"))
    for first, last in _runs(sorted(seq for seq in hashes if seq not in covered and seq != head)):
        if first == last:
            problems.append((first, f"entry {first}: has no checkpoint"))
        else:
            problems.append((first, f"entries {first}–{last}: have no checkpoint"))
    found += [(seq, 1, problem) for seq, problem in problems]


def _runs(numbers: list[int]):
    """Consecutive runs in sorted ``numbers``, as (first, last) pairs."""
    start = previous = None
    for number in numbers:
        if start is None:
            start = previous = number
        elif number == previous + 1:
            previous = number
        else:
            yield start, previous
            start = previous = number
    if start is not None:
        yield start, previous


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


def _verify_chain(result, found, executor, chunk_size) -> tuple[dict[int, str], list[Future]]:
    """Check the order and the links here; send the rows to have their hashes recomputed."""
    hashes: dict[int, str] = {}
    jobs: list[Future] = []
    expected_seq, previous_hash = 1, GENESIS_HASH
    columns = [getattr(LedgerEntry, name) for name in (*ENTRY_FIELDS, "hash")]
    rows = db.session.connection().execute(  # Core rows: no ORM loading for 100,000s of rows
        select(*columns).order_by(LedgerEntry.seq).execution_options(yield_per=chunk_size)
    )
    try:
        for partition in rows.partitions():
            chunk = [tuple(row) for row in partition]
            result.entries += len(chunk)
            jobs.append(executor.submit(entries_with_wrong_hash, chunk))
            for row in chunk:
                seq, prev_hash, stored_hash = row[0], row[-2], row[-1]
                if seq != expected_seq:
                    problem = f"entry {expected_seq}: missing (the next entry is {seq})"
                    found.append((expected_seq, 0, problem))
                elif prev_hash != previous_hash:
                    problem = f"entry {seq}: prev_hash does not match the hash of entry {seq - 1}"
                    found.append((seq, 0, problem))
                hashes[seq] = stored_hash
                expected_seq, previous_hash = seq + 1, stored_hash
    finally:
        rows.close()
    return hashes, jobs


def _verify_checkpoints(result, found, executor, chunk_size) -> tuple[list[tuple[Future, list[int]]], list]:
    """Send the checkpoints to have their signatures verified. Returns each job with the
    seqs of the checkpoints it holds, and every checkpoint's (seq, hash, key_id)."""
    public_keys = {}
    for key_id, public_hex in db.session.execute(select(LedgerKey.key_id, LedgerKey.public_key)):
        problem = _key_problem(key_id, public_hex)
        if problem:
            found.append((0, 1, f"key {key_id}: {problem}"))
        else:
            public_keys[key_id] = public_hex
    jobs: list[tuple[Future, list[int]]] = []
    named: list[tuple[int, str, str]] = []
    unknown: dict[str, list[int]] = {}  # key id: seqs of the checkpoints it signed
    rows = db.session.connection().execute(
        select(Checkpoint.seq, Checkpoint.hash, Checkpoint.at, Checkpoint.key_id, Checkpoint.signature)
        .order_by(Checkpoint.seq, Checkpoint.id)
        .execution_options(yield_per=chunk_size)
    )
    try:
        for partition in rows.partitions():
            chunk = []
            for row in partition:
                seq, head_hash, key_id = row[0], row[1], row[3]
                result.checkpoints += 1
                named.append((seq, head_hash, key_id))
                if key_id in public_keys:
                    chunk.append(tuple(row))
                else:
                    unknown.setdefault(key_id, []).append(seq)
            if chunk:
                jobs.append(
                    (executor.submit(unverified_signatures, public_keys, chunk), [row[0] for row in chunk])
                )
    finally:
        rows.close()
    for key_id, seqs in unknown.items():
        more = f" (and {len(seqs) - 1} more checkpoints)" if len(seqs) > 1 else ""
        found.append((seqs[0], 1, f"checkpoint at entry {seqs[0]}: signed by an unknown key {key_id}{more}"))
    return jobs, named


def _key_problem(key_id: str, public_hex: str) -> str | None:
    try:
        raw = bytes.fromhex(public_hex)
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != 32:
        return "is not a 32-byte Ed25519 public key"
    if sha256_hex(raw)[:16] != key_id:
        return "its id is not the start of the SHA-256 of the key"
    return None
