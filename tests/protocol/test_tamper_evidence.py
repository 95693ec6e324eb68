"""The ledger resists and reveals tampering: triggers refuse changes, verify names the break."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from turkicnet.extensions import db


@pytest.fixture
def three_entries(make_center, add_staff, make_version, sign):
    version = make_version()
    for code in ("KZ", "UZ", "KG"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    return version


def _drop_triggers():
    """What an attacker with database access would do first."""
    for table in ("ledger_entries", "ledger_checkpoints"):
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            db.session.execute(text(f"DROP TRIGGER {table}_no_update"))
            db.session.execute(text(f"DROP TRIGGER {table}_no_delete"))


@pytest.fixture
def restore_triggers():
    yield
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        for table in ("ledger_entries", "ledger_checkpoints"):
            db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        db.session.commit()


def test_the_database_refuses_to_update_a_ledger_entry(three_entries):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE ledger_entries SET signer_name = 'Someone Else' WHERE seq = 2"))
    db.session.rollback()


def test_the_database_refuses_to_delete_a_ledger_entry(three_entries):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM ledger_entries WHERE seq = 3"))
    db.session.rollback()


def test_verify_names_the_entry_whose_signer_was_altered(three_entries, runner, restore_triggers):
    _drop_triggers()
    db.session.execute(text("UPDATE ledger_entries SET signer_name = 'Someone Else' WHERE seq = 2"))
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert "BROKEN: entry 2: its hash does not match its fields" in result.output


def test_verify_names_a_deleted_entry(three_entries, runner, restore_triggers):
    _drop_triggers()
    db.session.execute(text("DELETE FROM ledger_checkpoints WHERE seq = 2"))
    db.session.execute(text("DELETE FROM ledger_entries WHERE seq = 2"))
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert "BROKEN: entry 2: missing" in result.output


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


def test_verify_notices_an_altered_text(three_entries, runner):
    from turkicnet.protocol.models import ProtocolText

    version_text = db.session.scalars(db.select(ProtocolText).where(ProtocolText.language == "en")).first()
    version_text.body = version_text.body.replace("cooperate", "compete")
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert "the en text does not match its fingerprint" in result.output


def test_verify_succeeds_and_reports_what_it_checked(three_entries, runner):
    result = runner.invoke(args=["protocol", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 entries, 3 checkpoints, 3 texts" in result.output


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
    assert set(names) == {f"{table}_no_update", f"{table}_no_delete"}


def test_the_database_refuses_to_delete_a_checkpoint(three_entries):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM ledger_checkpoints WHERE seq = 3"))
    db.session.rollback()


def test_verify_notices_a_ledger_stripped_of_its_checkpoints(three_entries, runner, restore_triggers):
    _drop_triggers()
    db.session.execute(text("DELETE FROM ledger_checkpoints"))
    db.session.commit()
    result = runner.invoke(args=["protocol", "verify", "--workers", "1"])
    assert result.exit_code == 1
    assert "entry 3: the ledger head has no checkpoint" in result.output


def _corrupt_one_signature_and_one_entry():
    _drop_triggers()
    db.session.execute(text("UPDATE ledger_entries SET note = 'added later' WHERE seq = 3"))
    signature = db.session.scalar(text("SELECT signature FROM ledger_checkpoints WHERE seq = 2"))
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    db.session.execute(text("UPDATE ledger_checkpoints SET signature = :s WHERE seq = 2"), {"s": flipped})
    db.session.commit()


def test_worker_processes_find_the_same_problems_in_the_same_order(three_entries, restore_triggers):
    """A chunk of one row forces the process pool, as a large ledger would use it."""
    from turkicnet.protocol import ledger

    _corrupt_one_signature_and_one_entry()
    alone = ledger.verify(workers=1)
    pooled = ledger.verify(workers=2, chunk_size=1)
    assert (
        alone.problems
        == pooled.problems
        == [
            "checkpoint at entry 2: its signature does not verify",
            "entry 3: its hash does not match its fields",
        ]
    )
    assert (pooled.entries, pooled.checkpoints) == (alone.entries, alone.checkpoints) == (3, 3)


def test_worker_processes_pass_an_intact_ledger(three_entries):
    from turkicnet.protocol import ledger

    result = ledger.verify(workers=2, chunk_size=1)
    assert result.ok, result.problems
    assert (result.entries, result.checkpoints, result.texts) == (3, 3, 3)


def test_each_bad_signature_is_reported_by_position_not_raised():
    """Bad hex, a short signature and a valid signature over another checkpoint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from turkicnet.protocol import keys, ledger

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
    assert ledger.unverified_signatures({key_id: keys.public_hex(private_key)}, rows) == [1, 2, 3]
