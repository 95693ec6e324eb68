"""``tools/verify_ledger.py``: an outsider's check of the registry over HTTP, run as a program
against the app served on a real local port, then tampered with as someone holding the
database would (DESIGN §4)."""

import ast
import hashlib
import importlib.util
import json
import socket
import subprocess
import sys
import threading
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from werkzeug.serving import make_server

from tests.conftest import mails_to, sent_mail
from tests.protocol.conftest import drop_triggers
from turkicnet.extensions import db

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_ledger.py"


def load_tool():
    spec = importlib.util.spec_from_file_location("verify_ledger", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_tool(url: str, *args: str) -> subprocess.CompletedProcess:
    """The tool as an outsider runs it: isolated (no PYTHONPATH, so no turkicnet to import)."""
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), url, "--timeout", "10", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def registry_url(app):
    """The test app on a free local port; the links it publishes point there."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    yield url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def ledger(make_center, add_staff, make_version, sign):
    """Two centers sign version 1 (which enters into force), a third signs the amendment,
    version 2: three entries. Returns the third signatory, whose e-mail holds entry 3's checkpoint."""
    first = make_version(required_centers=2)
    amendment = make_version(english="# Protocol\n\nArticle 1. The Parties cooperate closely.\n")
    signatories = []
    for code, version in (("KZ", first), ("UZ", first), ("KG", amendment)):
        center = make_center(country_code=code)
        signatories.append(add_staff(center, can_sign=True))
        sign(signatories[-1], center, version)
    return signatories[-1]


def confirmation_of(signatory):
    """The signature's confirmation among the mail written for ``signatory``."""
    [confirmation] = [mail for mail in mails_to(signatory.email) if mail.subject.startswith("You signed")]
    return confirmation


@pytest.fixture
def kept_email(app, ledger) -> Path:
    """The confirmation e-mail of entry 3, as the mail transport wrote it."""
    confirmation = confirmation_of(ledger)
    sent_mail()  # the worker's delivery pass writes it
    path = Path(app.config["MAIL_DIR"]) / f"{confirmation.id}.eml"
    assert path.is_file()
    return path


@pytest.fixture
def kept_checkpoint(kept_email) -> dict:
    return load_tool().read_kept_checkpoint(kept_email)


def write_json(tmp_path: Path, checkpoint: dict) -> Path:
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(checkpoint))
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- the registry as it is


def test_an_intact_registry_passes_and_the_tool_says_what_it_checked(registry_url, ledger):
    from turkicnet.protocol import keys

    key_id = keys.current_key_id()
    result = run_tool(registry_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "texts: 4 texts of 2 versions match their fingerprints",
        "entries: 3 entries from 1 to 3, each hash recomputed, linked to the one before and bound to "
        "its version's fingerprint",
        "statuses: 2 versions agree with the ledger and their rules",
        f"checkpoints: 3 checkpoints verify and name the ledger's hashes; the last entry's is signed by key "
        f"{key_id}",
        f"OK: {registry_url}: 2 public versions and a ledger of 3 entries hold together.",
    ]
    assert result.stderr == ""


def test_an_empty_registry_passes(registry_url, app):
    result = run_tool(registry_url)
    assert result.returncode == 0, result.stderr
    assert "entries: the ledger is empty" in result.stdout


def test_the_confirmation_email_is_recognised_as_a_kept_checkpoint(registry_url, kept_email):
    result = run_tool(registry_url, "--checkpoint", str(kept_email))
    assert result.returncode == 0, result.stderr
    assert "your checkpoint: entry 3, signed at " in result.stdout
    assert "your checkpoint of entry 3 is in it." in result.stdout


def test_the_confirmation_emails_text_copied_into_a_file_is_recognised(registry_url, ledger, tmp_path):
    confirmation = confirmation_of(ledger)
    copied = tmp_path / "confirmation.txt"
    copied.write_text(confirmation.body)
    result = run_tool(registry_url, "--checkpoint", str(copied))
    assert result.returncode == 0, result.stderr
    assert "your checkpoint: entry 3" in result.stdout


# ---------------------------------------------------------------- the registry tampered with


def test_a_text_swapped_with_its_fingerprints_recomputed_breaks_the_entries_signed_on_it(
    registry_url, ledger, restore_triggers
):
    drop_triggers()
    version_id = db.session.scalar(text("SELECT id FROM protocol_versions WHERE number = 1"))
    swapped = "# Protocol\n\nArticle 1. The Parties compete.\n"
    db.session.execute(
        text(
            "UPDATE protocol_texts SET body = :body, sha256 = :sha WHERE version_id = :id AND language = 'en'"
        ),
        {"body": swapped, "sha": sha256(swapped.encode()), "id": version_id},
    )
    turkish = db.session.scalar(
        text("SELECT sha256 FROM protocol_texts WHERE version_id = :id AND language = 'tr'"),
        {"id": version_id},
    )
    fingerprint = sha256(canonical({"en": sha256(swapped.encode()), "tr": turkish}))
    db.session.execute(
        text("UPDATE protocol_versions SET text_sha256 = :fingerprint WHERE id = :id"),
        {"fingerprint": fingerprint, "id": version_id},
    )
    db.session.commit()
    result = run_tool(registry_url)
    assert result.returncode == 1
    assert "texts: 4 texts of 2 versions match their fingerprints" in result.stdout
    assert result.stderr.startswith("BROKEN: entry 1: text_sha256 ")
    assert f"is not the fingerprint of version 1's authentic texts ({fingerprint[:12]}…)" in result.stderr


def test_a_text_served_unlike_its_listed_fingerprint_is_named_with_its_url(
    registry_url, ledger, restore_triggers
):
    drop_triggers()
    db.session.execute(
        text("UPDATE protocol_texts SET body = :body WHERE language = 'tr'"), {"body": "Other.\n"}
    )
    db.session.commit()
    served = sha256(b"Other.\n")
    result = run_tool(registry_url)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"BROKEN: version 1: the tr text served at {registry_url}/protocol/v/1/text/tr.md has SHA-256 "
        f"{served}, the registry lists "
    )


def test_a_changed_entry_field_is_named(registry_url, ledger, restore_triggers):
    drop_triggers()
    db.session.execute(text("UPDATE ledger_entries SET signer_name = 'Someone Else' WHERE seq = 2"))
    db.session.commit()
    result = run_tool(registry_url)
    assert result.returncode == 1
    assert result.stderr.startswith("BROKEN: entry 2: its hash ")
    assert "is not the SHA-256 of its fields" in result.stderr
    assert "checkpoints:" not in result.stdout


@pytest.mark.parametrize(
    "statement, message",
    [
        pytest.param(
            "UPDATE protocol_versions SET status = 'superseded', superseded_at = opened_at",
            "shows superseded, but no later version had entered into force then",
            id="superseded-by-hand",
        ),
        pytest.param(
            "UPDATE protocol_versions SET in_force_at = '2020-01-01 00:00:00' WHERE number = 1",
            "before its rule was met at",
            id="in-force-backdated",
        ),
        pytest.param(
            "UPDATE protocol_versions SET status = 'in_force', in_force_at = opened_at WHERE number = 2",
            "version 1: still shows in force, though version 2 entered into force",
            id="amendment-in-force-by-hand",
        ),
    ],
)
def test_a_status_set_by_hand_is_named(registry_url, ledger, restore_triggers, statement, message):
    """T11: a status move the ledger and the rule do not bear out."""
    drop_triggers()
    db.session.execute(text(statement))
    db.session.commit()
    result = run_tool(registry_url)
    assert result.returncode == 1
    assert result.stderr.startswith("BROKEN: version ")
    assert message in result.stderr


def test_a_forged_checkpoint_signature_in_the_registry_is_named(registry_url, ledger, restore_triggers):
    drop_triggers()
    signature = db.session.scalar(text("SELECT signature FROM ledger_checkpoints WHERE seq = 2"))
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    db.session.execute(text("UPDATE ledger_checkpoints SET signature = :s WHERE seq = 2"), {"s": flipped})
    db.session.commit()
    result = run_tool(registry_url)
    assert result.returncode == 1
    assert result.stderr.startswith("BROKEN: checkpoint at entry 2: its signature does not verify under key ")


def test_a_cut_tail_is_caught_by_a_kept_checkpoint_of_the_last_entry(
    registry_url, kept_checkpoint, tmp_path, restore_triggers
):
    drop_triggers()
    db.session.execute(text("DELETE FROM ledger_checkpoints WHERE seq = 3"))
    db.session.execute(text("DELETE FROM ledger_entries WHERE seq = 3"))
    db.session.commit()
    assert run_tool(registry_url).returncode == 0  # what is left is consistent
    result = run_tool(registry_url, "--checkpoint", str(write_json(tmp_path, kept_checkpoint)))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "BROKEN: the ledger ends at entry 2 but you hold a checkpoint for entry 3: entries were removed"
    )


def test_a_rewrite_re_signed_with_the_ledger_key_passes_unless_someone_kept_a_checkpoint(
    registry_url, kept_email, restore_triggers
):
    """What the tool cannot see alone, and why signatories are sent their checkpoint."""
    from turkicnet.protocol import keys
    from turkicnet.protocol import ledger as chain
    from turkicnet.protocol.models import Checkpoint, LedgerEntry

    drop_triggers()
    db.session.execute(text("DELETE FROM ledger_checkpoints"))
    previous, private_key = chain.GENESIS_HASH, keys.signing_key()
    for entry in db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.seq)).all():
        fields = {**chain.entry_fields(entry), "prev_hash": previous}
        if entry.seq == 2:
            fields["signer_name"] = "Someone Else"
        previous = chain.entry_hash(fields)
        db.session.execute(
            text("UPDATE ledger_entries SET signer_name = :n, prev_hash = :p, hash = :h WHERE seq = :s"),
            {"n": fields["signer_name"], "p": fields["prev_hash"], "h": previous, "s": entry.seq},
        )
        at, key_id = chain.utc_stamp(), keys.key_id(private_key)
        signature = private_key.sign(chain.checkpoint_message(entry.seq, previous, at, key_id)).hex()
        db.session.add(Checkpoint(seq=entry.seq, hash=previous, at=at, key_id=key_id, signature=signature))
    db.session.commit()
    assert run_tool(registry_url).returncode == 0
    result = run_tool(registry_url, "--checkpoint", str(kept_email))
    assert result.returncode == 1
    assert result.stderr.startswith("BROKEN: your checkpoint of entry 3: the registry signed hash ")
    assert result.stderr.strip().endswith("there now: the ledger was rewritten")


def test_a_kept_checkpoint_with_a_forged_signature_is_refused(registry_url, kept_checkpoint, tmp_path):
    signature = kept_checkpoint["signature"]
    forged = {**kept_checkpoint, "signature": ("0" if signature[0] != "0" else "1") + signature[1:]}
    result = run_tool(registry_url, "--checkpoint", str(write_json(tmp_path, forged)))
    assert result.returncode == 1
    assert result.stderr.startswith("BROKEN: your checkpoint of entry 3: its signature does not verify")


def test_a_kept_checkpoint_under_a_key_the_registry_does_not_publish_is_named(
    registry_url, kept_checkpoint, tmp_path
):
    tool = load_tool()
    other = Ed25519PrivateKey.generate()
    raw = other.public_key().public_bytes_raw()
    checkpoint = {**kept_checkpoint, "key_id": sha256(raw)[:16]}
    message = tool.canonical_json({name: checkpoint[name] for name in ("seq", "hash", "at", "key_id")})
    checkpoint["signature"] = other.sign(message).hex()
    result = run_tool(registry_url, "--checkpoint", str(write_json(tmp_path, checkpoint)))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"BROKEN: your checkpoint of entry 3: signed by key {checkpoint['key_id']}, "
        "which the registry no longer publishes"
    )


def test_an_entry_signed_while_the_tool_reads_is_not_taken_for_a_missing_checkpoint(
    registry_url, ledger, monkeypatch, capsys
):
    """The tool reads the checkpoints before the ledger: here the first reading misses the
    last entry's checkpoint, as it would had the entry been signed in between."""
    tool = load_tool()
    read = tool.fetch_json
    readings = []

    def fetch_json(url, timeout, **shape):
        document = read(url, timeout, **shape)
        if url.endswith("/checkpoints.json"):
            readings.append(url)
            if len(readings) == 1:
                document["checkpoints"] = [c for c in document["checkpoints"] if c["seq"] < 3]
        return document

    monkeypatch.setattr(tool, "fetch_json", fetch_json)
    assert tool.verify(registry_url, 10, None).endswith("a ledger of 3 entries hold together")
    assert len(readings) == 2
    assert "checkpoints: 3 checkpoints verify" in capsys.readouterr().out


# ---------------------------------------------------------------- what cannot be read


def test_an_address_that_is_not_a_registry_exits_2_with_a_message_not_a_traceback(registry_url, app):
    result = run_tool(registry_url + "/nowhere")
    assert result.returncode == 2
    assert result.stderr.startswith(f"CANNOT CHECK: {registry_url}/nowhere/protocol/versions.json: ")
    assert "404" in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_does_not_answer_exits_2():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run_tool(f"http://127.0.0.1:{port}")  # nothing listens there now
    assert result.returncode == 2
    assert result.stderr.startswith(f"CANNOT CHECK: http://127.0.0.1:{port}/protocol/versions.json: ")
    assert "Traceback" not in result.stderr


def test_a_file_without_a_checkpoint_exits_2(registry_url, tmp_path):
    empty = tmp_path / "notes.txt"
    empty.write_text("Nothing to see {here}.\n")
    result = run_tool(registry_url, "--checkpoint", str(empty))
    assert result.returncode == 2
    assert "holds no checkpoint" in result.stderr


# ---------------------------------------------------------------- the tool's parts


def test_the_tool_imports_only_the_standard_library_and_cryptography():
    tree = ast.parse(TOOL.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names}
    assert outside == {"cryptography.exceptions", "cryptography.hazmat.primitives.asymmetric.ed25519"}


def test_a_checkpoint_is_found_in_a_quoted_printable_email(tmp_path):
    checkpoint = {"at": "2026-11-29T10:00:00Z", "hash": "a" * 64, "key_id": "b" * 16, "seq": 7,
                  "signature": "c" * 128}  # fmt: skip
    message = EmailMessage(policy=SMTP)
    message["Subject"] = "You signed"
    body = "Grüße,\n\nKeep this signed checkpoint:\n\n" + json.dumps(checkpoint, separators=(",", ":")) + "\n"
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    raw = bytes(message)
    assert b"=\r\n" in raw  # the long line is broken up: the raw text holds no whole JSON object
    path = tmp_path / "forwarded.eml"
    path.write_bytes(raw)
    assert load_tool().read_kept_checkpoint(path) == checkpoint


def test_a_text_is_canonical_only_with_lf_nfc_and_one_final_line_break():
    text_problem = load_tool().text_problem
    assert text_problem(b"# Title\n\nText.\n") is None
    assert text_problem(b"# Title\r\n") == "it has a carriage return"
    assert text_problem(b"# Title\n\n") == "it does not end in exactly one line break"
    assert text_problem(b"# Title") == "it does not end in exactly one line break"
    assert text_problem("Cafe\u0301\n".encode()) == "it is not in Unicode NFC"
    assert text_problem(b"\xff\n") == "it is not UTF-8"
