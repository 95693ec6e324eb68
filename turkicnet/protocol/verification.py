"""Checking the registry (DESIGN §4): texts, entries, the chain, checkpoints and statuses.

:func:`verify` recomputes, from what the database holds, everything a signatory relies on:

- each published text's fingerprint and each version's fingerprint over its authentic texts;
- each entry's hash and link, and that the fingerprint it records is the one recomputed from its
  version's texts as stored (a replaced text is a broken ledger, not a new fingerprint);
- each checkpoint's signature, and that it names the hash the chain has at its seq;
- the status each version shows against what the ledger and the rule imply.

:mod:`.kept_checkpoint` proves that a checkpoint someone kept (from their confirmation e-mail)
is still in the ledger, so a cut tail or a re-signed rewrite is detected.

The work is split so that a large ledger uses every core: this process reads the rows in order
and checks what needs order (each seq follows the last, each prev_hash is the hash before it,
each checkpoint names a hash the ledger has there), while worker processes recompute entry
hashes and verify checkpoint signatures, chunk by chunk, as rows arrive. A small ledger is
checked in this process alone.
"""

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from sqlalchemy import func, select

from ..extensions import db
from . import keys
from .ledger import (
    ENTRY_FIELDS,
    GENESIS_HASH,
    canonical_text,
    checkpoint_message,
    entry_hash,
    sha256_hex,
    utc_stamp,
    version_fingerprint,
)
from .models import Checkpoint, LedgerEntry, LedgerKey, ProtocolVersion, VersionStatus

CHUNK_SIZE = 5000
_SEQ, _ACTION, _VERSION, _TEXT_SHA256, _CENTER, _AT = (ENTRY_FIELDS.index(name) for name in (
    "seq", "action", "version", "text_sha256", "center", "at",
))  # fmt: skip


@dataclass
class Verification:
    entries: int = 0
    checkpoints: int = 0
    texts: int = 0
    versions: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Replay:
    """One version as the ledger tells it: which centers stand signed, and when its rule was met."""

    version: ProtocolVersion
    fingerprint: str  # recomputed from the stored authentic texts
    standing: dict[str, bool] = field(default_factory=dict)
    count: int = 0
    met_at: tuple[int, str] | None = None  # the first entry (seq, at) with enough signatures

    def apply(self, seq: int, action: str, center: str, at: str) -> None:
        was, now = self.standing.get(center, False), action == "sign"
        self.standing[center] = now
        self.count += int(now) - int(was)
        if self.met_at is None and self.count >= self.version.required_centers:
            self.met_at = (seq, at)


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
    """Recompute every text and version fingerprint, every entry hash and link, every
    checkpoint signature, and every version's status. Problems come in order: texts first,
    then the ledger in seq order (so the first names the first broken entry or checkpoint),
    then the versions whose status the ledger does not bear out."""
    result = Verification()
    replays = _verify_texts(result)
    size = db.session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
    parallel = workers > 1 and size > chunk_size
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_fork()) if parallel else _InProcess()
    found: list[tuple[int, int, str]] = []  # (seq, 0 for an entry or 1 for a checkpoint, problem)
    try:
        # Signatures are most of the work: send them first, and walk the chain meanwhile.
        signature_jobs, named = _verify_checkpoints(result, found, executor, chunk_size)
        hashes, hash_jobs = _verify_chain(result, found, executor, chunk_size, replays)
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
    result.problems += _status_problems(replays)
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


def _verify_texts(result: Verification) -> dict[int, _Replay]:
    """Check each published version's texts and fingerprint; return each one, by number, with
    the fingerprint recomputed from its authentic texts as stored."""
    replays: dict[int, _Replay] = {}
    versions = db.session.scalars(
        select(ProtocolVersion)
        .where(ProtocolVersion.status != VersionStatus.DRAFT)
        .order_by(ProtocolVersion.number)
    )
    for version in versions:
        result.versions += 1
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
        recomputed = version_fingerprint(fingerprints)
        if recomputed != version.text_sha256:
            result.problems.append(
                f"version {version.number}: the version fingerprint does not match its texts"
            )
        replays[version.number] = _Replay(version, recomputed)
    return replays


def _verify_chain(result, found, executor, chunk_size, replays) -> tuple[dict[int, str], list[Future]]:
    """Check the order, the links and each entry's fingerprint here; send the rows to have their
    hashes recomputed; replay the signatures of each version."""
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
                seq, prev_hash, stored_hash = row[_SEQ], row[-2], row[-1]
                if seq != expected_seq:
                    problem = f"entry {expected_seq}: missing (the next entry is {seq})"
                    found.append((expected_seq, 0, problem))
                elif prev_hash != previous_hash:
                    problem = f"entry {seq}: prev_hash does not match the hash of entry {seq - 1}"
                    found.append((seq, 0, problem))
                problem = _fingerprint_problem(row, replays)
                if problem:
                    found.append((seq, 0, problem))
                hashes[seq] = stored_hash
                expected_seq, previous_hash = seq + 1, stored_hash
    finally:
        rows.close()
    return hashes, jobs


def _fingerprint_problem(row: tuple, replays: dict[int, _Replay]) -> str | None:
    """The entry names a published version, and the fingerprint of that version's texts as
    they are stored now; and it counts towards that version's replay."""
    seq, number, recorded = row[_SEQ], row[_VERSION], row[_TEXT_SHA256]
    replay = replays.get(number)
    if replay is None:
        return f"entry {seq}: names version {number}, which is not a published version of the protocol"
    replay.apply(seq, row[_ACTION], row[_CENTER], row[_AT])
    if recorded != replay.fingerprint:
        return (
            f"entry {seq}: it records the fingerprint {recorded[:16]}…, but version {number}'s texts "
            f"as stored have the fingerprint {replay.fingerprint[:16]}…: a signed text was replaced"
        )
    return None


def _status_problems(replays: dict[int, _Replay]) -> list[str]:
    """Each version's status, dates and entry into force against the ledger and its rule.

    The ledger cannot tell whether a center was a member when it signed, so the check is the one
    that holds whatever their status was: a version in force must have had, at some entry, at
    least as many standing signatures as its rule asks for; a version is superseded exactly when a
    later one has entered into force.
    """
    problems = []
    ordered = sorted(replays.values(), key=lambda replay: replay.version.number)
    for position, replay in enumerate(ordered):
        version, number = replay.version, replay.version.number
        later = (other.version for other in ordered[position + 1 :])
        later_in_force = next((other for other in later if other.in_force_at is not None), None)
        status = version.status
        if status is VersionStatus.IN_FORCE and version.in_force_at is None:
            problems.append(f"version {number}: shows in force, but has no date of entry into force")
        if version.in_force_at is not None:
            since = utc_stamp(version.in_force_at)
            if replay.met_at is None:
                problems.append(
                    f"version {number}: shows in force since {since}, but the ledger never held the "
                    f"{version.required_centers} standing signatures its rule requires"
                )
            elif since < replay.met_at[1]:
                problems.append(
                    f"version {number}: shows in force since {since}, before entry {replay.met_at[0]} "
                    f"met its rule at {replay.met_at[1]}"
                )
        if status is VersionStatus.SUPERSEDED:
            if later_in_force is None or version.superseded_at is None:
                problems.append(
                    f"version {number}: shows superseded, but no later version has entered into force"
                )
            elif later_in_force.in_force_at > version.superseded_at:
                problems.append(
                    f"version {number}: shows superseded since {utc_stamp(version.superseded_at)}, before "
                    f"version {later_in_force.number} entered into force"
                )
        elif later_in_force is not None:
            problems.append(
                f"version {number}: still shows {status.value.replace('_', ' ')}, though version "
                f"{later_in_force.number} entered into force on {utc_stamp(later_in_force.in_force_at)}"
            )
    return problems


def _verify_checkpoints(result, found, executor, chunk_size) -> tuple[list[tuple[Future, list[int]]], list]:
    """Send the checkpoints to have their signatures verified. Returns each job with the
    seqs of the checkpoints it holds, and every checkpoint's (seq, hash, key_id)."""
    public_keys = {}
    for key_id, public_hex in db.session.execute(select(LedgerKey.key_id, LedgerKey.public_key)):
        problem = key_problem(key_id, public_hex)
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


def key_problem(key_id: str, public_hex: str) -> str | None:
    try:
        raw = bytes.fromhex(public_hex)
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != 32:
        return "is not a 32-byte Ed25519 public key"
    if sha256_hex(raw)[:16] != key_id:
        return "its id is not the start of the SHA-256 of the key"
    return None
