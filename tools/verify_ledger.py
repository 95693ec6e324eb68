#!/usr/bin/env python3
"""Check a TurkicNet registry of the cooperation protocol from its public URLs alone.

    python tools/verify_ledger.py https://registry.example [--checkpoint FILE] [--timeout S]

It needs Python 3 and the ``cryptography`` package (``pip install cryptography``), and takes
nothing on trust: it recomputes every fingerprint, hash and signature from what it fetches.

What a success proves:

* each authentic text is served byte for byte as fingerprinted, and each public version's
  fingerprint is the SHA-256 of the canonical JSON of its authentic texts' fingerprints;
* the ledger is one unbroken chain: each entry has exactly its eleven fields, its hash is the
  SHA-256 of them, it names the hash before it, and it is bound to the fingerprint of the
  texts published today (a text cannot be swapped under the signatures on it);
* each checkpoint is signed by a key the registry publishes, over a hash the ledger has
  there, and the ledger's last entry has one;
* with ``--checkpoint FILE``: the ledger still holds the entry a signatory was given a
  checkpoint for, with the same hash, so it was neither cut nor rewritten up to that entry.

What it cannot prove: it takes the keys the registry publishes as the registry's. Whoever can
sign under one of them -- the operator, who holds the ledger key, or anyone able to write to
the database and publish a key of their own -- could rewrite the whole ledger, recompute every
hash and sign new checkpoints. Such a rewrite is consistent and passes every check above. It
is caught by a checkpoint kept from before (``--checkpoint``), which is why each signatory
receives one by e-mail; the key id printed here can also be compared with the one on a
certificate. (The operator's own ``flask --app wsgi protocol verify`` knows its key, and
catches a planted one.) Nor can this tool tell who typed a signature: that rests on the
platform's logins.

Exit status: 0 when everything holds; 1 at the first break, named on the last line; 2 when
the registry or the file cannot be read, or is not in the registry's format.
"""

from __future__ import annotations

import argparse
import email.policy
import hashlib
import http.client
import json
import re
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ENTRY_FIELDS = {
    "seq": int, "scheme": str, "action": str, "version": int, "text_sha256": str, "center": str,
    "signer_name": str, "signer_title": str, "note": str, "at": str, "prev_hash": str,
}  # fmt: skip
CHECKPOINT_FIELDS = {"seq": int, "hash": str, "at": str, "key_id": str, "signature": str}
GENESIS_HASH = "0" * 64
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class Broken(Exception):
    """Something the registry publishes does not hold; the message names it."""


class Unreadable(Exception):
    """The registry or a file could not be read, or is not in the registry's format."""


def canonical_json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short(digest: str) -> str:
    return f"{digest[:12]}…"


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


def field(obj, name: str, kind: type, where: str):
    """``obj[name]``, which must be of type ``kind`` (a bool is not an int here)."""
    if not isinstance(obj, dict) or name not in obj:
        raise Broken(f"{where}: has no {name!r}")
    value = obj[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Broken(f"{where}: {name!r} is {value!r}, not of type {kind.__name__}")
    return value


# ---------------------------------------------------------------- fetching


def fetch(url: str, timeout: float) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise Unreadable(f"{url}: only http and https addresses are fetched")
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "turkicnet-verify-ledger/1"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            return response.read()
    except urllib.error.HTTPError as error:
        raise Unreadable(f"{url}: the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        raise Unreadable(f"{url}: {getattr(error, 'reason', error)}") from None


def fetch_json(url: str, timeout: float, **shape: type) -> dict:
    """The JSON object at ``url``, which must hold a value of each type in ``shape``."""
    try:
        document = json.loads(fetch(url, timeout).decode("utf-8"))
    except ValueError as error:  # not UTF-8, or not JSON
        raise Unreadable(f"{url}: is not JSON ({error})") from None
    for key, kind in shape.items():
        if not isinstance(document, dict) or not isinstance(document.get(key), kind):
            raise Unreadable(f"{url}: is not what a registry publishes (no {kind.__name__} {key!r} in it)")
    return document


# ---------------------------------------------------------------- texts, versions, entries


def check_texts(versions: list, base: str, timeout: float) -> dict[int, str]:
    """Fetch every authentic text; return each public version's fingerprint, recomputed."""
    fingerprints: dict[int, str] = {}
    count = 0
    for position, version in enumerate(versions, start=1):
        number = field(version, "number", int, f"version #{position}")
        where = f"version {number}"
        if number in fingerprints:
            raise Broken(f"{where}: is listed twice")
        texts = {}
        for text in field(version, "texts", list, where):
            if not field(text, "authentic", bool, f"{where}: a text"):
                continue
            language = field(text, "language", str, f"{where}: a text")
            listed = field(text, "sha256", str, f"{where}: the {language} text")
            listed_url = field(text, "url", str, f"{where}: the {language} text")
            # Fetched from the registry named on the command line, whatever host the list names.
            url = urllib.parse.urljoin(base + "/", urllib.parse.urlsplit(listed_url).path)
            body = fetch(url, timeout)
            served = sha256_hex(body)
            if served != listed:
                raise Broken(
                    f"{where}: the {language} text served at {url} has SHA-256 {served}, "
                    f"the registry lists {listed}"
                )
            problem = text_problem(body)
            if problem:
                raise Broken(f"{where}: the {language} text served at {url} is not canonical: {problem}")
            texts[language] = served
            count += 1
        if not texts:
            raise Broken(f"{where}: has no authentic text")
        recomputed = sha256_hex(canonical_json(texts))
        listed = field(version, "text_sha256", str, where)
        if listed != recomputed:
            raise Broken(
                f"{where}: its text_sha256 {short(listed)} is not the fingerprint of its authentic "
                f"texts ({short(recomputed)})"
            )
        fingerprints[number] = recomputed
    print(
        f"texts: {plural(count, 'text')} of {plural(len(fingerprints), 'version')} match their fingerprints"
    )
    return fingerprints


def text_problem(body: bytes) -> str | None:
    """Why ``body`` is not stored as the registry stores a text (DESIGN §4), if it is not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "it is not UTF-8"
    if "\r" in text:
        return "it has a carriage return"
    if text != text.rstrip() + "\n":
        return "it does not end in exactly one line break"
    if unicodedata.normalize("NFC", text) != text:
        return "it is not in Unicode NFC"
    return None


def check_entries(entries: list, fingerprints: dict[int, str]) -> dict[int, str]:
    """Walk the chain from its first entry; return each entry's hash by seq."""
    hashes: dict[int, str] = {}
    previous = GENESIS_HASH
    for seq, entry in enumerate(entries, start=1):
        where = f"entry {seq}"
        names = {*ENTRY_FIELDS, "hash"}
        if isinstance(entry, dict) and set(entry) != names:
            extra, missing = sorted(set(entry) - names), sorted(names - set(entry))
            raise Broken(f"{where}: has fields {extra} it should not have, and lacks {missing}")
        for name, kind in {**ENTRY_FIELDS, "hash": str}.items():
            field(entry, name, kind, where)
        if entry["seq"] != seq:
            raise Broken(f"{where}: missing (the entry in its place is numbered {entry['seq']})")
        if entry["scheme"] != "simple-v1" or entry["action"] not in ("sign", "withdraw"):
            raise Broken(f"{where}: scheme {entry['scheme']!r} or action {entry['action']!r} is unknown")
        if not STAMP.fullmatch(entry["at"]):
            raise Broken(f"{where}: its time {entry['at']!r} is not written YYYY-MM-DDTHH:MM:SSZ")
        recomputed = sha256_hex(canonical_json({name: entry[name] for name in ENTRY_FIELDS}))
        if entry["hash"] != recomputed:
            stored = short(entry["hash"])
            raise Broken(f"{where}: its hash {stored} is not the SHA-256 of its fields ({short(recomputed)})")
        if entry["prev_hash"] != previous:
            before = "64 zeros, as the first entry's must be" if seq == 1 else f"the hash of entry {seq - 1}"
            raise Broken(
                f"{where}: its prev_hash {short(entry['prev_hash'])} is not {before} ({short(previous)})"
            )
        number = entry["version"]
        if number not in fingerprints:
            raise Broken(f"{where}: names version {number}, which the registry does not list as public")
        if entry["text_sha256"] != fingerprints[number]:
            raise Broken(
                f"{where}: text_sha256 {short(entry['text_sha256'])} is not the fingerprint of version "
                f"{number}'s authentic texts ({short(fingerprints[number])})"
            )
        hashes[seq] = previous = entry["hash"]
    if hashes:
        print(
            f"entries: {plural(len(hashes), 'entry', 'entries')} from 1 to {len(hashes)}, each hash "
            "recomputed, linked to the one before and bound to its version's fingerprint"
        )
    else:
        print("entries: the ledger is empty")
    return hashes


def check_statuses(versions: list, entries: list) -> None:
    """Each version's status against the ledger and its rule: a version in force had, at some
    entry, as many standing signatures as its rule asks (the ledger cannot say whether each
    center was a member then, so this is the check that holds either way), and not before that
    entry; a version is superseded exactly when a later one has entered into force."""
    standing: dict[int, dict[str, bool]] = {}
    met: dict[int, str] = {}  # version: the time of the entry that first met its rule
    required = {version["number"]: field(version, "required_centers", int, f"version {version['number']}")
                for version in versions}  # fmt: skip
    for entry in entries:
        number, centers = entry["version"], standing.setdefault(entry["version"], {})
        centers[entry["center"]] = entry["action"] == "sign"
        if number not in met and sum(centers.values()) >= required[number]:
            met[number] = entry["at"]
    ordered = sorted(versions, key=lambda version: version["number"])
    for position, version in enumerate(ordered):
        number, status = version["number"], field(version, "status", str, f"version {version['number']}")
        where, in_force_at = f"version {number}", version.get("in_force_at")
        later = next((v for v in ordered[position + 1 :] if v.get("in_force_at")), None)
        if status == "in_force" and not in_force_at:
            raise Broken(f"{where}: shows in force, but has no date of entry into force")
        if in_force_at and number not in met:
            raise Broken(
                f"{where}: shows in force since {in_force_at}, but the ledger never held the "
                f"{required[number]} standing signatures its rule requires"
            )
        if in_force_at and in_force_at < met[number]:
            raise Broken(
                f"{where}: shows in force since {in_force_at}, before its rule was met at {met[number]}"
            )
        if status == "superseded":
            superseded_at = version.get("superseded_at")
            if later is None or not superseded_at or later["in_force_at"] > superseded_at:
                raise Broken(f"{where}: shows superseded, but no later version had entered into force then")
        elif later is not None:
            raise Broken(
                f"{where}: still shows {status.replace('_', ' ')}, though version {later['number']} "
                f"entered into force on {later['in_force_at']}"
            )
    print(f"statuses: {plural(len(ordered), 'version')} agree with the ledger and their rules")


# ---------------------------------------------------------------- checkpoints


def public_key(key_id: str, public_hex) -> Ed25519PublicKey:
    """The published key ``key_id``, once its id and its bytes are checked."""
    try:
        raw = bytes.fromhex(public_hex)
    except (TypeError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise Broken(f"key {key_id}: is not a 32-byte Ed25519 public key")
    if sha256_hex(raw)[:16] != key_id:
        raise Broken(
            f"key {key_id}: its id is not the first 16 hex of the key's SHA-256 ({sha256_hex(raw)[:16]})"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def check_signature(checkpoint, keys: dict[str, Ed25519PublicKey], where: str, unknown_key: str) -> None:
    for name, kind in CHECKPOINT_FIELDS.items():
        field(checkpoint, name, kind, where)
    key_id = checkpoint["key_id"]
    if key_id not in keys:
        raise Broken(f"{where}: signed by key {key_id}, {unknown_key}")
    message = canonical_json({name: checkpoint[name] for name in ("seq", "hash", "at", "key_id")})
    try:
        keys[key_id].verify(bytes.fromhex(checkpoint["signature"]), message)
    except (InvalidSignature, ValueError):
        raise Broken(f"{where}: its signature does not verify under key {key_id}") from None


def check_checkpoints(published: dict, hashes: dict[int, str], *, read_after_ledger: bool = False) -> dict:
    """Every checkpoint verifies under a published key and names the hash the ledger has at its
    entry, and the last entry has one. Returns the published keys.

    Checkpoints read after the ledger may be of entries signed since; those are left out."""
    keys = {key_id: public_key(key_id, public_hex) for key_id, public_hex in published["keys"].items()}
    head, signed, checked = max(hashes, default=0), {}, 0
    for position, checkpoint in enumerate(published["checkpoints"], start=1):
        seq = field(checkpoint, "seq", int, f"checkpoint #{position}")
        if read_after_ledger and seq > head:
            continue
        where = f"checkpoint at entry {seq}"
        check_signature(checkpoint, keys, where, "which the registry does not publish")
        if seq not in hashes:
            raise Broken(f"{where}: the ledger has no entry {seq} (it ends at entry {head})")
        if checkpoint["hash"] != hashes[seq]:
            raise Broken(
                f"{where}: names hash {short(checkpoint['hash'])}, the ledger has {short(hashes[seq])}"
            )
        signed[seq] = checkpoint["key_id"]
        checked += 1
    if head and head not in signed:
        raise Broken(f"entry {head}: the ledger's last entry has no checkpoint")
    last = f"; the last entry's is signed by key {signed[head]}" if head else ""
    print(f"checkpoints: {plural(checked, 'checkpoint')} verify and name the ledger's hashes{last}")
    return keys


# ---------------------------------------------------------------- a checkpoint someone kept


def read_kept_checkpoint(path: Path) -> dict:
    """The checkpoint in ``path``: a JSON file, or the confirmation e-mail (the .eml file as
    received, in quoted-printable, base64 or 8bit, or its text copied into a file)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Unreadable(f"{path}: {error.strerror or error}") from None
    texts = [data.decode("utf-8", errors="replace")]
    for part in email.message_from_bytes(data, policy=email.policy.default).walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError):  # an unknown charset, a broken encoding
                continue
    for text in texts:
        found = find_checkpoint(text)
        if found is not None:
            return found
    raise Unreadable(f"{path}: holds no checkpoint (a JSON object with seq, hash, at, key_id and signature)")


def find_checkpoint(text: str) -> dict | None:
    """The first JSON object in ``text`` with a checkpoint's five fields (the e-mail prints it
    as canonical JSON, on a line of its own)."""
    decoder = json.JSONDecoder()
    for opening in re.finditer(r"\{", text):
        try:
            found, _ = decoder.raw_decode(text, opening.start())
        except ValueError:
            continue
        if isinstance(found, dict) and set(CHECKPOINT_FIELDS) <= set(found):
            return found
    return None


def check_kept(kept: dict, keys: dict[str, Ed25519PublicKey], hashes: dict[int, str]) -> None:
    seq = field(kept, "seq", int, "your checkpoint")
    where = f"your checkpoint of entry {seq}"
    check_signature(kept, keys, where, "which the registry no longer publishes")
    head = max(hashes, default=0)
    if seq > head:
        raise Broken(
            f"the ledger ends at entry {head} but you hold a checkpoint for entry {seq}: entries were removed"
        )
    if seq not in hashes:
        raise Broken(f"{where}: no ledger has an entry {seq}")
    if hashes[seq] != kept["hash"]:
        raise Broken(
            f"{where}: the registry signed hash {short(kept['hash'])} for it at {kept['at']}, the ledger "
            f"has {short(hashes[seq])} there now: the ledger was rewritten"
        )
    print(f"your checkpoint: entry {seq}, signed at {kept['at']}, is in the ledger with the same hash")


# ---------------------------------------------------------------- the command


def verify(base: str, timeout: float, kept: dict | None) -> str:
    """Run every check in order; the summary of a success. :raises Broken: at the first break"""
    versions = fetch_json(f"{base}/protocol/versions.json", timeout, versions=list)["versions"]
    fingerprints = check_texts(versions, base, timeout)
    # Checkpoints first: the ledger only grows, so each checkpoint read must then be in it.
    checkpoints_url = f"{base}/protocol/checkpoints.json"
    published = fetch_json(checkpoints_url, timeout, keys=dict, checkpoints=list)
    entries = fetch_json(f"{base}/protocol/ledger.json", timeout, entries=list)["entries"]
    hashes = check_entries(entries, fingerprints)
    check_statuses(versions, entries)
    last_signed = {
        checkpoint.get("seq") for checkpoint in published["checkpoints"] if isinstance(checkpoint, dict)
    }
    if hashes and max(hashes) not in last_signed:  # signed meanwhile? read them again
        published = fetch_json(checkpoints_url, timeout, keys=dict, checkpoints=list)
        keys = check_checkpoints(published, hashes, read_after_ledger=True)
    else:
        keys = check_checkpoints(published, hashes)
    if kept is not None:
        check_kept(kept, keys, hashes)
    also = f"; your checkpoint of entry {kept['seq']} is in it" if kept is not None else ""
    versions_read = plural(len(fingerprints), "public version")
    return f"{versions_read} and a ledger of {plural(len(hashes), 'entry', 'entries')} hold together{also}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a TurkicNet registry from its public URLs alone.")
    parser.add_argument("base_url", help="the registry's address, such as https://registry.example")
    parser.add_argument(
        "--checkpoint", type=Path, metavar="FILE", help="a checkpoint you kept (JSON or e-mail)"
    )
    parser.add_argument("--timeout", type=float, default=30, metavar="S", help="seconds per request (30)")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    try:
        kept = read_kept_checkpoint(args.checkpoint) if args.checkpoint else None
        summary = verify(base, args.timeout, kept)
    except Unreadable as error:
        print(f"CANNOT CHECK: {error}", file=sys.stderr)
        return 2
    except Broken as error:
        print(f"BROKEN: {error}", file=sys.stderr)
        return 1
    print(f"OK: {base}: {summary}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
