"""The registry proves itself: a replaced text, a status set by hand, a cut tail (audit T10, T11, T3).

Each attack is tried twice: against the database's triggers (refused), and with the triggers
dropped, as someone with full access to the database would, against ``protocol verify`` (named).
"""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.protocol.conftest import drop_triggers
from turkicnet.extensions import db


def _swap_english_text(version) -> None:
    """T10: replace the signed English text and recompute both of its fingerprints."""
    from turkicnet.protocol import ledger

    body = "# Protocol\n\nEvery signatory owes the Secretariat 1,000,000 EUR.\n"
    db.session.execute(
        text("UPDATE protocol_texts SET body = :b, sha256 = :h WHERE version_id = :v AND language = 'en'"),
        {"b": body, "h": ledger.sha256_hex(body.encode()), "v": version.id},
    )
    rows = db.session.execute(
        text("SELECT language, sha256 FROM protocol_texts WHERE version_id = :v AND authentic"),
        {"v": version.id},
    )
    fingerprint = ledger.version_fingerprint(dict(rows.all()))
    db.session.execute(
        text("UPDATE protocol_versions SET text_sha256 = :f WHERE id = :v"),
        {"f": fingerprint, "v": version.id},
    )


def _verify(runner, *args):
    return runner.invoke(args=["protocol", "verify", "--workers", "1", *args])


# ---------------------------------------------------------------- the triggers refuse


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE protocol_texts SET body = 'Another text'", id="text-update"),
        pytest.param("DELETE FROM protocol_texts WHERE language = 'ru'", id="text-delete"),
        pytest.param(
            "INSERT INTO protocol_texts (version_id, language, position, body, sha256, authentic) "
            "SELECT id, 'kk', 9, 'Мәтін', 'ab', true FROM protocol_versions",
            id="text-insert",
        ),
        pytest.param("UPDATE protocol_versions SET text_sha256 = 'ab'", id="fingerprint"),
        pytest.param("UPDATE protocol_versions SET required_centers = 1", id="rule"),
        pytest.param("UPDATE protocol_versions SET number = 7", id="number"),
        pytest.param("UPDATE protocol_versions SET status = 'superseded'", id="superseded-without-date"),
        pytest.param("UPDATE protocol_versions SET status = 'draft'", id="back-to-draft"),
        pytest.param("DELETE FROM protocol_versions", id="version-delete"),
    ],
)
def test_the_database_refuses_to_change_an_open_version_or_its_texts(three_entries, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_the_database_refuses_a_swapped_text_with_recomputed_fingerprints(three_entries):
    with pytest.raises(DatabaseError, match="append-only"):
        _swap_english_text(three_entries)
    db.session.rollback()


def test_a_draft_and_its_texts_still_change_freely(app, admin, make_version):
    from turkicnet.protocol import services

    draft = make_version(status="draft")
    services.save_text(
        admin, draft, language="en", body="# Protocol\n\nArticle 1, redrafted.\n", authentic=True
    )
    services.delete_text(admin, draft, language="ru")
    db.session.delete(draft)
    db.session.commit()


def test_the_status_moves_the_app_makes_pass_the_triggers_and_verify(
    app, runner, make_center, add_staff, make_version, sign
):
    from turkicnet.protocol.models import VersionStatus

    first, second = make_version(required_centers=1), make_version(required_centers=1)
    center = make_center()
    signatory = add_staff(center, can_sign=True)
    sign(signatory, center, first)
    assert first.status is VersionStatus.IN_FORCE
    sign(signatory, center, second)
    assert (first.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.IN_FORCE)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "OK: 2 entries, 2 checkpoints, 6 texts of 2 published versions" in result.output


# ---------------------------------------- verify names what the triggers would refuse


def test_verify_names_the_entry_whose_signed_text_was_replaced(three_entries, runner, restore_triggers):
    drop_triggers()
    _swap_english_text(three_entries)
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN: entry 1: it records the fingerprint" in result.output
    assert "a signed text was replaced" in result.output


def test_verify_names_a_version_superseded_by_hand(three_entries, runner, restore_triggers):
    drop_triggers()
    db.session.execute(text("UPDATE protocol_versions SET status = 'superseded', superseded_at = created_at"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN: version 1: shows superseded, but no later version has entered into force" in result.output


def test_verify_names_a_version_put_in_force_by_hand_before_its_rule_was_met(
    app, runner, make_center, add_staff, make_version, sign
):
    """Open → in force is a move the triggers allow; the ledger and the rule say whether it was due."""
    version = make_version(required_centers=3)
    center = make_center()
    sign(add_staff(center, can_sign=True), center, version)
    db.session.execute(text("UPDATE protocol_versions SET status = 'in_force', in_force_at = opened_at"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "never held the 3 standing signatures its rule requires" in result.output


def test_verify_names_an_open_version_left_open_after_a_later_one_entered_into_force(
    app, runner, make_center, add_staff, make_version, sign, restore_triggers
):
    first, second = make_version(required_centers=1), make_version(required_centers=1)
    center = make_center()
    signatory = add_staff(center, can_sign=True)
    sign(signatory, center, second)
    drop_triggers()
    db.session.execute(
        text("UPDATE protocol_versions SET status = 'open', superseded_at = NULL WHERE id = :v"),
        {"v": first.id},
    )
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "version 1: still shows open, though version 2 entered into force" in result.output


def test_verify_names_an_entry_for_a_version_that_is_not_published(three_entries, runner, restore_triggers):
    drop_triggers()
    db.session.execute(text("UPDATE protocol_versions SET status = 'draft'"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "entry 1: names version 1, which is not a published version of the protocol" in result.output


# ---------------------------------------------------------------- a checkpoint someone kept


def _kept_mail(seq: int):
    """The signatory's confirmation e-mail of entry ``seq``, as the outbox holds it."""
    from turkicnet.core.models import OutboxMessage

    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [m for m in messages if f'"seq":{seq},' in m.body][-1]


@pytest.fixture
def kept_checkpoint(three_entries, tmp_path):
    """Entry 3's checkpoint as its signatory kept it: the JSON of their confirmation e-mail."""
    from turkicnet.protocol.kept_checkpoint import read_kept_checkpoint

    checkpoint = read_kept_checkpoint(_kept_mail(3).body.encode())
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(checkpoint))
    return path


def test_a_kept_checkpoint_proves_the_ledger_still_holds_its_entry(kept_checkpoint, runner):
    result = _verify(runner, "--checkpoint", str(kept_checkpoint))
    assert result.exit_code == 0, result.output
    assert "the kept checkpoint at entry 3 checked" in result.output


def test_the_confirmation_email_itself_serves_as_the_kept_checkpoint(three_entries, runner, tmp_path):
    from turkicnet.core.mail import _build

    path = tmp_path / "confirmation.eml"
    path.write_bytes(bytes(_build(_kept_mail(3))))
    result = _verify(runner, "--checkpoint", str(path))
    assert result.exit_code == 0, result.output
    assert "the kept checkpoint at entry 3 checked" in result.output


def test_a_cut_tail_is_named_with_a_kept_checkpoint(kept_checkpoint, runner, restore_triggers):
    """T3: the head entry and its checkpoint removed; the chain that is left is whole."""
    drop_triggers()
    db.session.execute(text("DELETE FROM ledger_checkpoints WHERE seq = 3"))
    db.session.execute(text("DELETE FROM ledger_entries WHERE seq = 3"))
    db.session.commit()
    result = _verify(runner, "--checkpoint", str(kept_checkpoint))
    assert result.exit_code == 1
    assert (
        "BROKEN: kept checkpoint at entry 3: the ledger has no entry 3 (it ends at entry 2)" in result.output
    )


def test_a_rewritten_entry_is_named_with_a_kept_checkpoint(kept_checkpoint, runner, restore_triggers):
    from turkicnet.protocol import ledger
    from turkicnet.protocol.models import LedgerEntry

    drop_triggers()
    entry = db.session.get(LedgerEntry, 3)
    fields = {**ledger.entry_fields(entry), "signer_name": "Someone Else"}
    db.session.execute(
        text("UPDATE ledger_entries SET signer_name = :n, hash = :h WHERE seq = 3"),
        {"n": "Someone Else", "h": ledger.entry_hash(fields)},
    )
    db.session.commit()
    result = _verify(runner, "--checkpoint", str(kept_checkpoint))
    assert result.exit_code == 1
    assert "kept checkpoint at entry 3: the ledger holds another hash there" in result.output


def test_a_forged_kept_checkpoint_is_refused(kept_checkpoint, runner):
    checkpoint = json.loads(kept_checkpoint.read_text())
    checkpoint["seq"] = 9
    kept_checkpoint.write_text(json.dumps(checkpoint))
    result = _verify(runner, "--checkpoint", str(kept_checkpoint))
    assert result.exit_code == 1
    assert "kept checkpoint at entry 9: its signature does not verify" in result.output


def test_a_file_without_a_checkpoint_gets_a_clear_message(three_entries, runner, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear colleague, the signature went well.")
    result = _verify(runner, "--checkpoint", str(path))
    assert result.exit_code == 2
    assert "no checkpoint (a JSON object with seq, hash, at, key_id and signature) was found" in result.output


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            "INSERT OR REPLACE INTO protocol_versions (id, number, title, status, required_centers, "
            "required_states, text_sha256, created_at, opened_at) SELECT id, number, title, status, 1, "
            "NULL, text_sha256, created_at, opened_at FROM protocol_versions",
            id="version",
        ),
        pytest.param(
            "INSERT OR REPLACE INTO protocol_texts (id, version_id, language, position, body, sha256, "
            "authentic) SELECT id, version_id, language, position, 'Another text', sha256, authentic "
            "FROM protocol_texts",
            id="text",
        ),
        pytest.param(
            "INSERT OR REPLACE INTO ledger_entries SELECT seq, scheme, action, version, text_sha256, "
            "center, 'Someone Else', signer_title, note, at, prev_hash, hash FROM ledger_entries",
            id="entry",
        ),
        pytest.param(
            "INSERT OR REPLACE INTO ledger_checkpoints SELECT id, seq, hash, at, key_id, 'ff' "
            "FROM ledger_checkpoints",
            id="checkpoint",
        ),
    ],
)
def test_sqlite_refuses_an_insert_that_would_replace_a_published_row(three_entries, statement):
    """SQLite's REPLACE deletes the row it collides with without firing its DELETE trigger."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's REPLACE; PostgreSQL's ON CONFLICT DO UPDATE fires the UPDATE triggers")
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_a_draft_older_than_a_version_in_force_cannot_be_opened(
    app, admin, make_center, add_staff, make_version, sign
):
    """Opening it would leave an open version beside its successor in force, which verify names."""
    from turkicnet.core.errors import InvalidState
    from turkicnet.protocol import services

    older_draft, newer = make_version(status="draft"), make_version(required_centers=1)
    center = make_center()
    sign(add_staff(center, can_sign=True), center, newer)
    with pytest.raises(InvalidState, match="Version 2 has already entered into force"):
        services.open_version(admin, older_draft)
