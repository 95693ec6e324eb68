"""``flask --app wsgi protocol verify`` over a large generated ledger, on SQLite.

Builds a fresh SQLite database through the migrations, one open protocol version with an
English text, and N ledger entries (default 100,000) hashed and chained exactly as
:func:`turkicnet.protocol.ledger.append` does, with a checkpoint signed exactly as
:func:`turkicnet.protocol.ledger.sign_checkpoint` does after every entry (DESIGN §4;
``verify`` reports an entry without one). Then it times:

* the command itself, ``flask --app wsgi protocol verify``, as a subprocess (wall time,
  median of 3 runs, and the figure the command prints), and once with ``--workers 1``;
* the parts in-process: ``verification.verify`` whole with 1 worker and with 2; reading the
  entries and the checkpoints; recomputing every entry hash
  (``verification.entries_with_wrong_hash``) and verifying every checkpoint signature
  (``verification.unverified_signatures``), each in one process;
* one Ed25519 verification through libsodium (PyNaCl, what ``verify`` uses first) and
  through ``cryptography``, as a floor for the checkpoint part, and with ``--openssl``
  also ``openssl speed -seconds 2 ed25519``.

The load average is printed before and after: on a shared machine, other processes take
CPU time from the verification and from its second worker.

    .venv/bin/python bench/verify_ledger.py
    .venv/bin/python bench/verify_ledger.py --entries 3000 --runs 1

Exits 0 when every verification reports the ledger intact, 1 otherwise.
"""

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "b" * 40
CHUNK = 5000
TIMEOUT = 900  # seconds for one run of the command: the benchmark always stops
TEXT = """# Protocol on Cooperation of the Network of Economic Policy Research Centers

## Article 1. Purpose

The centers that sign this protocol agree to share their published research, to meet once
a year, and to answer one another's requests for data within a reasonable time.

## Article 2. Entry into force

This protocol enters into force when three centers have signed it.
"""
FIRST_NAMES = ["Dilnoza", "Aigerim", "Nurlan", "Gülnara", "Əli", "Zsófia", "Timur", "Ayşe", "Bakyt", "Şahin"]
LAST_NAMES = ["Karimova", "Abenova", "Tokoev", "Yılmaz", "Məmmədov", "Nagy", "Rashidov", "Öztürk", "Sadykova"]
TITLES = ["Director", "Executive Director", "Chair of the Board", "Deputy Director", "Rector"]
NOTES = [
    "The board has not yet ratified the signature.",
    "Signed by mistake on behalf of the wrong center.",
    "Withdrawn pending the new director's review.",
]


def make_app(path: Path, scratch: Path, key_file: Path):
    from turkicnet import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "SECRET_KEY": "x" * 40,
        "LEDGER_KEY_FILE": str(key_file),
        "MAIL_DIR": str(scratch),
        "UPLOAD_DIR": str(scratch),
        "RATELIMIT_ENABLED": False,
    })  # fmt: skip


def build(path: Path, scratch: Path, key_file: Path, n: int, centers: int, seed: int) -> dict:
    """Migrate, add the version and its text, then ``n`` entries and their checkpoints."""
    import flask_migrate
    from sqlalchemy import insert

    from turkicnet.extensions import db
    from turkicnet.protocol import keys, ledger
    from turkicnet.protocol.models import (
        Checkpoint,
        LedgerEntry,
        LedgerKey,
        ProtocolText,
        ProtocolVersion,
        VersionStatus,
    )

    rng = random.Random(seed)
    keys.generate_key_file(key_file)
    app = make_app(path, scratch, key_file)
    counts = {"sign": 0, "withdraw": 0, "checkpoints": 0}
    with app.app_context():
        flask_migrate.upgrade()

        body = ledger.canonical_text(TEXT)
        text_hash = ledger.sha256_hex(body.encode("utf-8"))
        opened = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        version = ProtocolVersion(
            number=1,
            title="Protocol on Cooperation",
            status=VersionStatus.OPEN,
            required_centers=3,
            text_sha256=ledger.version_fingerprint({"en": text_hash}),
            opened_at=opened.replace(tzinfo=None),
        )
        version.texts.append(
            ProtocolText(language="en", position=0, body=body, sha256=text_hash, authentic=True)
        )
        db.session.add(version)

        private_key = keys.signing_key()
        key_id = keys.key_id(private_key)
        db.session.add(LedgerKey(key_id=key_id, public_key=keys.public_hex(private_key)))
        db.session.commit()

        slugs = [f"center-{i:03d}" for i in range(centers)]
        signers = {
            slug: (
                unicodedata.normalize("NFC", f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"),
                unicodedata.normalize("NFC", rng.choice(TITLES)),
            )
            for slug in slugs
        }
        standing = dict.fromkeys(slugs, False)
        number, fingerprint = version.number, version.text_sha256
        moment = opened
        previous_hash = ledger.GENESIS_HASH
        entries: list[dict] = []
        checkpoints: list[dict] = []
        for seq in range(1, n + 1):
            slug = rng.choice(slugs)
            action = "withdraw" if standing[slug] else "sign"
            standing[slug] = not standing[slug]
            counts[action] += 1
            moment += timedelta(seconds=rng.randint(1, 90))
            name, title = signers[slug]
            fields = {
                "seq": seq,
                "scheme": ledger.SCHEME,
                "action": action,
                "version": number,
                "text_sha256": fingerprint,
                "center": slug,
                "signer_name": name,
                "signer_title": title,
                "note": unicodedata.normalize("NFC", rng.choice(NOTES)) if action == "withdraw" else "",
                "at": ledger.utc_stamp(moment),
                "prev_hash": previous_hash,
            }
            entry_hash = ledger.entry_hash(fields)
            entries.append({**fields, "hash": entry_hash})
            previous_hash = entry_hash
            at = ledger.utc_stamp(moment)
            message = ledger.checkpoint_message(seq, entry_hash, at, key_id)
            checkpoints.append({
                "seq": seq,
                "hash": entry_hash,
                "at": at,
                "key_id": key_id,
                "signature": private_key.sign(message).hex(),
            })  # fmt: skip
            if len(entries) >= CHUNK or seq == n:
                db.session.execute(insert(LedgerEntry), entries)
                db.session.execute(insert(Checkpoint), checkpoints)
                counts["checkpoints"] += len(checkpoints)
                entries, checkpoints = [], []
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return counts


def time_command(path: Path, key_file: Path, extra: list[str]) -> tuple[float, float, str]:
    """Wall time of one ``flask --app wsgi protocol verify``, the CPU time of it and its
    workers (user + system), and the line it printed."""
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask), "--app", "wsgi", "protocol", "verify", *extra]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "TURKICNET_LEDGER_KEY_FILE": str(key_file),
        "TURKICNET_SECRET_KEY": SECRET,
    }
    env.pop("REDIS_URL", None)
    cpu_before = _children_cpu()
    began = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own command line)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    wall = time.perf_counter() - began
    cpu = _children_cpu() - cpu_before
    line = (done.stdout.strip() or done.stderr.strip()).splitlines()
    printed = line[0] if done.returncode == 0 and line else (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited {done.returncode}:\n{printed}")
    return wall, cpu, printed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def printed_seconds(line: str) -> float | None:
    match = re.search(r"checked in ([0-9.]+) s", line)
    return float(match.group(1)) if match else None


def time_parts(path: Path, scratch: Path, key_file: Path) -> dict[str, float]:
    """The parts of :func:`verification.verify`, each timed on its own inside an app context."""
    from sqlalchemy import select

    from turkicnet.extensions import db
    from turkicnet.protocol import ledger, verification
    from turkicnet.protocol.models import Checkpoint, LedgerEntry, LedgerKey

    app = make_app(path, scratch, key_file)
    parts: dict[str, float] = {}
    problems: list[str] = []
    with app.app_context():
        result = verification.Verification()
        began = time.perf_counter()
        verification._verify_texts(result)
        parts["texts"] = time.perf_counter() - began

        for workers in (1, 2):
            began = time.perf_counter()
            whole = verification.verify(workers=workers)
            parts[f"verify w{workers}"] = time.perf_counter() - began
            problems += whole.problems
            parts["entries"], parts["checkpoints"] = whole.entries, whole.checkpoints

        connection = db.session.connection()
        columns = [getattr(LedgerEntry, name) for name in (*ledger.ENTRY_FIELDS, "hash")]
        began = time.perf_counter()
        entries = [tuple(row) for row in connection.execute(select(*columns).order_by(LedgerEntry.seq))]
        parts["read entries"] = time.perf_counter() - began
        began = time.perf_counter()
        names = ("seq", "hash", "at", "key_id", "signature")
        query = select(*(getattr(Checkpoint, name) for name in names)).order_by(Checkpoint.seq, Checkpoint.id)
        checkpoints = [tuple(row) for row in connection.execute(query)]
        parts["read checkpoints"] = time.perf_counter() - began
        began = time.perf_counter()
        problems += [f"entry {seq}: wrong hash" for seq in verification.entries_with_wrong_hash(entries)]
        parts["entry hashes w1"] = time.perf_counter() - began
        public_keys = dict(db.session.execute(select(LedgerKey.key_id, LedgerKey.public_key)).all())
        began = time.perf_counter()
        failed = verification.unverified_signatures(public_keys, checkpoints)
        parts["signatures w1"] = time.perf_counter() - began
        problems += [f"checkpoint {index}: signature failed" for index in failed]
        db.session.remove()
        db.engine.dispose()
    parts["problems"] = len(problems)
    for problem in problems[:10]:
        print(f"!! in-process: {problem}")
    return parts


def ed25519_verify_microseconds(rounds: int = 5000) -> dict[str, float]:
    """One Ed25519 verification through libsodium (PyNaCl) and through ``cryptography``,
    in µs, each the median of 5 runs of ``rounds``."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from nacl.signing import VerifyKey

    from turkicnet.protocol import keys

    private_key = Ed25519PrivateKey.generate()
    public_key, sodium_key = private_key.public_key(), VerifyKey(keys.public_raw(private_key))
    message = b'{"at":"2026-11-29T08:15:00Z","hash":"' + b"a" * 64 + b'","key_id":"0123456789abcdef","seq":1}'
    signature = private_key.sign(message)
    figures = {}
    for name, check in (
        ("libsodium", lambda: sodium_key.verify(message, signature)),
        ("cryptography", lambda: public_key.verify(signature, message)),
    ):
        runs = []
        for _ in range(5):
            began = time.perf_counter()
            for _ in range(rounds):
                check()
            runs.append((time.perf_counter() - began) / rounds * 1e6)
        figures[name] = statistics.median(runs)
    return figures


def openssl_speed() -> str:
    """The Ed25519 line of ``openssl speed -seconds 2 ed25519``, or why there is none."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return "openssl not found"
    done = subprocess.run(  # noqa: S603 (a fixed command line)
        [openssl, "speed", "-seconds", "2", "ed25519"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line.strip() for line in done.stdout.splitlines() if "Ed25519" in line]
    return lines[-1] if lines else (done.stdout + done.stderr).strip()[-300:]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="ledger entries (100,000)")
    parser.add_argument("--centers", type=int, default=200, help="distinct center slugs (200)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the command (3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--openssl", action="store_true", help="also run openssl speed -seconds 2 ed25519")
    args = parser.parse_args()
    if args.entries < 1 or args.runs < 1:
        parser.error("--entries and --runs must be at least 1")

    load_before = load_average()
    print(f"{os.cpu_count()} CPUs, load average {load_before}")
    with tempfile.TemporaryDirectory(prefix="turkicnet-verify-bench-") as tmp:
        scratch = Path(tmp)
        path = scratch / "bench.db"
        key_file = scratch / "ledger_key.pem"
        print(
            f"building {path}: {args.entries:,} entries over {args.centers} centers, "
            "a checkpoint after each ..."
        )
        began = time.perf_counter()
        counts = build(path, scratch, key_file, args.entries, args.centers, args.seed)
        size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
        print(
            f"built in {time.perf_counter() - began:.1f} s: {counts['sign']:,} signatures, "
            f"{counts['withdraw']:,} withdrawals, {counts['checkpoints']:,} checkpoints; "
            f"database {size / 2**20:.0f} MiB"
        )

        print("timing the command ...")
        default_runs = [time_command(path, key_file, []) for _ in range(args.runs)]
        one_worker = time_command(path, key_file, ["--workers", "1"])
        print(f"  command says: {default_runs[0][2]}")
        print("timing the parts in-process ...")
        parts = time_parts(path, scratch, key_file)
        single = ed25519_verify_microseconds()
        speed = openssl_speed() if args.openssl else None
    load_after = load_average()

    walls = [wall for wall, _, _ in default_runs]
    cpus = [cpu for _, cpu, _ in default_runs]
    inner = [printed_seconds(line) or float("nan") for _, _, line in default_runs]
    median_wall = statistics.median(walls)

    def row(label: str, seconds: float, digits: int = 2) -> None:
        print(f"{label:<50} {seconds:>9.{digits}f}")

    print()
    print(f"entries {args.entries:,}, checkpoints {counts['checkpoints']:,}")
    print(f"{'measure':<50} {'seconds':>9}")
    row(f"protocol verify (2 workers), wall, median of {len(walls)}", median_wall)
    print(f"{'  the runs':<50} {', '.join(f'{wall:.2f}' for wall in walls)}")
    row("  as the command prints it, median", statistics.median(inner))
    row("  wall minus printed (start-up, imports)", median_wall - statistics.median(inner))
    row("  CPU time (user + system, with workers), median", statistics.median(cpus))
    row("protocol verify --workers 1, wall", one_worker[0])
    row("  as the command prints it", printed_seconds(one_worker[2]) or float("nan"))
    row("  CPU time (user + system)", one_worker[1])
    row("in-process: _verify_texts", parts["texts"], 3)
    row("in-process: verification.verify, 1 process", parts["verify w1"])
    row("in-process: verification.verify, 2 workers", parts["verify w2"])
    row("  read the entries", parts["read entries"])
    row("  read the checkpoints", parts["read checkpoints"])
    row("  recompute every entry hash (1 process)", parts["entry hashes w1"])
    row("  verify every checkpoint signature (1 process)", parts["signatures w1"])
    for name, microseconds in single.items():
        rate = 1e6 / microseconds
        print(f"one Ed25519 verify through {name}: {microseconds:.1f} µs ({rate:,.0f} per second)")
    if speed is not None:
        print(f"openssl speed -seconds 2 ed25519 (sign verify sign/s verify/s): {speed}")
    print(f"load average before {load_before}, after {load_after} ({os.cpu_count()} CPUs)")
    print(f"under 5 s (median wall, 2 workers): {'yes' if median_wall < 5 else 'NO'}")

    ok = (
        parts["problems"] == 0
        and parts["entries"] == args.entries
        and parts["checkpoints"] == counts["checkpoints"]
        and all(line.startswith("OK:") for _, _, line in [*default_runs, one_worker])
    )
    if not ok:
        print("!! the ledger did not verify as built: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
