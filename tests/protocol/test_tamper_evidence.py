"""The ledger resists and reveals tampering: triggers refuse changes, verify names the break."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.protocol.conftest import drop_triggers as _drop_triggers
from turkicnet.extensions import db


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            "UPDATE ledger_entries SET signer_name = 'Someone Else' WHERE seq = 2", id="update-entry"
        ),
        pytest.param("DELETE FROM ledger_entries WHERE seq = 3", id="delete-entry"),
        pytest.param("UPDATE ledger_checkpoints SET signature = 'ff' WHERE seq = 3", id="update-checkpoint"),
        pytest.param("DELETE FROM ledger_checkpoints WHERE seq = 3", id="delete-checkpoint"),
    ],
)
def test_the_database_refuses_to_change_the_ledger(three_entries, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


@pytest.mark.parametrize(
    "statements, message",
    [
        pytest.param(
            ["UPDATE ledger_entries SET signer_name = 'Someone Else' WHERE seq = 2"],
            "BROKEN: entry 2: its hash does not match its fields",
            id="altered-signer",
        ),
        pytest.param(
            ["DELETE FROM ledger_checkpoints WHERE seq = 2", "DELETE FROM ledger_entries WHERE seq = 2"],
            "BROKEN: entry 2: missing",
            id="deleted-entry",
        ),
        pytest.param(
            ["DELETE FROM ledger_checkpoints"],
            "entry 3: the ledger head has no checkpoint",
            id="stripped-of-checkpoints",
        ),
    ],
)
def test_verify_names_what_was_tampered_with(three_entries, runner, restore_triggers, statements, message):
    _drop_triggers()
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert message in result.output


def test_verify_notices_a_rewritten_chain_through_the_checkpoints(three_entries, runner, restore_triggers):
    """Recomputing every hash after an edit keeps the chain whole, but not the signed checkpoints."""
    from turkicnet.protocol import ledger
    from turkicnet.protocol.models import LedgerEntry

    _drop_triggers()
    previous = "0" * 64
    for entry in db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.seq)):
        fields = ledger.entry_fields(entry)
        fields["prev_hash"] = previous
        if entry.seq == 2:
            fields["signer_name"] = "Someone Else"
        new_hash = ledger.entry_hash(fields)
        db.session.execute(
            text("UPDATE ledger_entries SET signer_name = :n, prev_hash = :p, hash = :h WHERE seq = :s"),
            {"n": fields["signer_name"], "p": previous, "h": new_hash, "s": entry.seq},
        )
        previous = new_hash
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert "checkpoint at entry 2" in result.output


def test_verify_notices_an_altered_text(three_entries, runner, restore_triggers):
    from turkicnet.protocol.models import ProtocolText

    _drop_triggers()
    version_text = db.session.scalars(db.select(ProtocolText).where(ProtocolText.language == "en")).first()
    version_text.body = version_text.body.replace("cooperate", "compete")
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert "the en text does not match its fingerprint" in result.output


def test_verify_succeeds_and_reports_what_it_checked(three_entries, runner):
    result = runner.invoke(args=["protocol", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 entries, 3 checkpoints, 3 texts of 1 published version" in result.output


@pytest.mark.parametrize("table", ["ledger_entries", "ledger_checkpoints"])
def test_the_triggers_exist_after_db_upgrade(app, table):
    if db.engine.dialect.name == "postgresql":
        names = db.session.scalars(
            text(f"SELECT tgname FROM pg_trigger WHERE tgrelid = '{table}'::regclass AND NOT tgisinternal")
        ).all()
    else:
        names = db.session.scalars(
            text(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{table}'")
        ).all()
    expected = {f"{table}_no_update", f"{table}_no_delete"}
    if db.engine.dialect.name == "sqlite":
        expected.add(f"{table}_no_replace")  # INSERT OR REPLACE deletes without DELETE triggers
    assert set(names) == expected


def _corrupt_one_signature_and_one_entry():
    _drop_triggers()
    db.session.execute(text("UPDATE ledger_entries SET note = 'added later' WHERE seq = 3"))
    signature = db.session.scalar(text("SELECT signature FROM ledger_checkpoints WHERE seq = 2"))
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    db.session.execute(text("UPDATE ledger_checkpoints SET signature = :s WHERE seq = 2"), {"s": flipped})
    db.session.commit()


@pytest.fixture
def pool_starts(monkeypatch):
    """Counts the process pools ``verify`` starts."""
    from concurrent.futures import ProcessPoolExecutor

    from turkicnet.protocol import verification

    started = []

    class RecordingPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(verification, "ProcessPoolExecutor", RecordingPool)
    return started


def test_worker_processes_find_the_same_problems_in_the_same_order(
    three_entries, restore_triggers, pool_starts
):
    """A chunk of one row makes ``verify`` use the process pool, as a large ledger would."""
    from turkicnet.protocol import verification

    _corrupt_one_signature_and_one_entry()
    alone = verification.verify(workers=1)
    assert pool_starts == []
    pooled = verification.verify(workers=2, chunk_size=1)
    assert pool_starts == [2]
    assert alone.problems == pooled.problems
    assert pooled.problems == [
        "checkpoint at entry 2: its signature does not verify",
        "entry 3: its hash does not match its fields",
    ]
    assert (pooled.entries, pooled.checkpoints) == (alone.entries, alone.checkpoints) == (3, 3)


def test_worker_processes_pass_an_intact_ledger(three_entries, pool_starts):
    from turkicnet.protocol import verification

    result = verification.verify(workers=2, chunk_size=1)
    assert pool_starts == [2]
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints, result.texts) == (3, 3, 3)


def test_a_small_ledger_is_verified_without_starting_workers(three_entries, pool_starts):
    from turkicnet.protocol import verification

    assert verification.verify(workers=2).ok
    assert pool_starts == []


def test_an_empty_ledger_verifies(app):
    from turkicnet.protocol import verification

    result = verification.verify()
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints) == (0, 0)


def test_verify_names_an_entry_whose_checkpoint_was_removed(three_entries, restore_triggers):
    from turkicnet.protocol import verification

    _drop_triggers()
    db.session.execute(text("DELETE FROM ledger_checkpoints WHERE seq = 2"))
    db.session.commit()
    assert verification.verify(workers=1).problems == ["entry 2: has no checkpoint"]


def test_verify_names_a_checkpoint_that_names_another_hash(three_entries, restore_triggers):
    from turkicnet.protocol import verification

    _drop_triggers()
    db.session.execute(text("UPDATE ledger_checkpoints SET hash = :h WHERE seq = 1"), {"h": "f" * 64})
    db.session.commit()
    assert verification.verify(workers=1).problems == [
        "checkpoint at entry 1: names a hash the ledger does not have there",
        "checkpoint at entry 1: its signature does not verify",
    ]


def test_a_rewrite_re_signed_with_a_planted_key_is_caught_at_the_head(three_entries, restore_triggers):
    """An attacker with the database but not the key file can add a key of their own and
    re-sign every checkpoint; the chain and the signatures then agree, but not the head's key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from turkicnet.protocol import keys, ledger, verification
    from turkicnet.protocol.models import Checkpoint, LedgerEntry, LedgerKey

    _drop_triggers()
    planted = Ed25519PrivateKey.generate()
    planted_id = keys.key_id(planted)
    db.session.add(LedgerKey(key_id=planted_id, public_key=keys.public_hex(planted)))
    db.session.execute(text("DELETE FROM ledger_checkpoints"))
    previous = ledger.GENESIS_HASH
    for entry in db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.seq)).all():
        fields = {**ledger.entry_fields(entry), "prev_hash": previous}
        if entry.seq == 2:
            fields["signer_name"] = "Someone Else"
        previous = ledger.entry_hash(fields)
        db.session.execute(
            text("UPDATE ledger_entries SET signer_name = :n, prev_hash = :p, hash = :h WHERE seq = :s"),
            {"n": fields["signer_name"], "p": fields["prev_hash"], "h": previous, "s": entry.seq},
        )
        at = ledger.utc_stamp()
        signature = planted.sign(ledger.checkpoint_message(entry.seq, previous, at, planted_id)).hex()
        db.session.add(
            Checkpoint(seq=entry.seq, hash=previous, at=at, key_id=planted_id, signature=signature)
        )
    db.session.commit()
    assert verification.verify(workers=1).problems == [
        "entry 3: the head's checkpoint is not signed by this platform's key"
    ]


def test_a_key_row_that_is_not_a_key_is_reported_not_raised(three_entries):
    from turkicnet.protocol import ledger, verification
    from turkicnet.protocol.models import LedgerKey

    empty_key_id = ledger.sha256_hex(b"")[:16]
    db.session.add(LedgerKey(key_id=empty_key_id, public_key=""))
    db.session.commit()
    problems = verification.verify(workers=1).problems
    assert problems == [f"key {empty_key_id}: is not a 32-byte Ed25519 public key"]


def test_checkpoints_of_a_key_whose_id_does_not_match_are_reported_once(three_entries):
    """Changing the published key makes its id wrong, and its checkpoints then have no known key."""
    from turkicnet.protocol import verification
    from turkicnet.protocol.models import LedgerKey

    key = db.session.scalars(db.select(LedgerKey)).one()
    key_id = key.key_id
    key.public_key = "ab" * 32
    db.session.commit()
    assert verification.verify(workers=1).problems == [
        f"key {key_id}: its id is not the start of the SHA-256 of the key",
        f"checkpoint at entry 1: signed by an unknown key {key_id} (and 2 more checkpoints)",
    ]


def test_a_signature_under_a_small_order_key_is_refused_though_openssl_takes_it():
    """With the identity point as the key, R = identity and S = 0 "verify" for any message
    under OpenSSL's rules; libsodium refuses such keys, and so does ``verify``."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from turkicnet.protocol import ledger, verification

    identity = bytes([1]) + bytes(31)
    forged = (identity + bytes(32)).hex()
    head_hash, at, key_id = "a" * 64, "2026-11-29T10:00:00Z", ledger.sha256_hex(identity)[:16]
    Ed25519PublicKey.from_public_bytes(identity).verify(
        bytes.fromhex(forged), ledger.checkpoint_message(1, head_hash, at, key_id)
    )
    rows = [(1, head_hash, at, key_id, forged)]
    assert verification.unverified_signatures({key_id: identity.hex()}, rows) == [0]


def test_each_bad_signature_is_reported_by_position_not_raised():
    """Bad hex, a short signature and a valid signature over another checkpoint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from turkicnet.protocol import keys, ledger, verification

    private_key = Ed25519PrivateKey.generate()
    key_id = keys.key_id(private_key)
    rows = []
    for seq in range(1, 5):
        head_hash, at = ledger.sha256_hex(str(seq).encode()), "2026-11-29T10:00:00Z"
        signature = private_key.sign(ledger.checkpoint_message(seq, head_hash, at, key_id)).hex()
        rows.append((seq, head_hash, at, key_id, signature))
    rows[1] = (*rows[1][:4], "zz" + rows[1][4][2:])
    rows[2] = (*rows[2][:4], rows[2][4][:-2])
    rows[3] = (*rows[3][:4], rows[0][4])
    assert verification.unverified_signatures({key_id: keys.public_hex(private_key)}, rows) == [1, 2, 3]
