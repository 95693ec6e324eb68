"""The drill: back up the demo network, restore it into an empty database, find everything;
refuse what must be refused; and ``files verify`` names what is wrong with the uploads."""

import contextlib
import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, base_config, row_counts
from turkicnet import create_app
from turkicnet.centers import services as center_services
from turkicnet.centers.models import Center
from turkicnet.config import normalise_database_url
from turkicnet.core import inventory
from turkicnet.extensions import db
from turkicnet.protocol.models import LedgerEntry
from turkicnet.protocol.services import verify_ledger
from turkicnet.reports import services as report_services
from turkicnet.reports.models import Report


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def backup(seeded, runner, tmp_path) -> Path:
    folder = tmp_path / "backup"
    result = runner.invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the kind under test (dropped afterwards)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'restored' / 'turkicnet.db'}"
        return
    server = make_url(normalise_database_url(POSTGRES_URL))
    name = f"{server.database}_restore"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def app_on(url: str, folder: Path, ledger_key_file):
    """An app on ``url`` with an upload folder of its own, its context pushed."""
    config = {**base_config(folder), "SQLALCHEMY_DATABASE_URI": url, "LEDGER_KEY_FILE": str(ledger_key_file)}
    other = create_app(config)
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


def holdings() -> dict:
    """What the platform holds, by the keys that name it."""
    return {
        "centers": set(db.session.scalars(select(Center.slug))),
        "ledger": {(e.seq, e.hash) for e in db.session.scalars(select(LedgerEntry))},
        "reports": {(r.id, r.title, r.visibility.value) for r in db.session.scalars(select(Report))},
        "files": {(f.stored_name, f.sha256) for f in inventory.file_references()},
    }


def on_disk(folder: Path) -> dict[str, str]:
    return {path.name: inventory.file_sha256(path) for path in folder.iterdir()}


def database_is_empty(url: str) -> bool:
    sqlite_file = make_url(url).database if url.startswith("sqlite") else None
    if sqlite_file is not None:
        return not Path(sqlite_file).exists()
    engine = create_engine(normalise_database_url(url))
    try:
        return inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_a_backup_of_the_demo_network_restores_everything_into_an_empty_database(
    seeded, backup, runner, tmp_path, empty_database, ledger_key_file
):
    before, files_before = holdings(), on_disk(Path(seeded.config["UPLOAD_DIR"]))
    manifest = json.loads((backup / "manifest.json").read_text())
    [head] = ScriptDirectory.from_config(seeded.extensions["migrate"].migrate.get_config()).get_heads()
    assert manifest["database"] == {
        "kind": db.engine.dialect.name,
        "file": {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[db.engine.dialect.name],
        "alembic_revision": head,
    }
    assert {entry["path"] for entry in manifest["files"]} == {manifest["database"]["file"]} | {
        f"uploads/{name}" for name in files_before
    }
    key = Path(ledger_key_file).read_bytes()
    assert not any(key in path.read_bytes() for path in backup.rglob("*") if path.is_file())
    assert "separately" in manifest["not_included"]["ledger_key"]

    with app_on(empty_database, tmp_path / "restored", ledger_key_file) as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert f"centers: {len(before['centers'])}" in result.output
        assert f"signatures and withdrawals (ledger entries): {len(before['ledger'])}" in result.output
        assert f"reports: {len(before['reports'])}" in result.output
        assert f"stored files: {len(before['files'])}" in result.output
        assert holdings() == before
        assert on_disk(Path(restored.config["UPLOAD_DIR"])) == files_before
        assert verify_ledger().ok
        check = restored.test_cli_runner().invoke(args=["files", "verify"])
        assert check.exit_code == 0, check.output
        assert (
            f"Checked {len(before['files'])} stored files: 0 missing, 0 altered, 0 orphans." in check.output
        )
        assert restored.test_client().get("/healthz").json["database"] == "ok"


def test_a_backup_is_restored_only_into_an_empty_database(backup, runner):
    before = row_counts()
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code != 0
    assert "The database is not empty" in result.output
    assert row_counts() == before


def test_a_backup_is_restored_only_into_an_empty_upload_folder(
    backup, tmp_path, empty_database, ledger_key_file
):
    with app_on(empty_database, tmp_path / "restored", ledger_key_file) as restored:
        stray = Path(restored.config["UPLOAD_DIR"]) / "left-over.pdf"
        stray.parent.mkdir(parents=True)
        stray.write_bytes(b"%PDF-1.4")
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code != 0
    assert "is not empty" in result.output
    assert database_is_empty(empty_database)


@pytest.mark.parametrize("damage", ["altered upload", "altered database", "added file"])
def test_an_altered_backup_is_refused_naming_the_file(
    backup, tmp_path, empty_database, ledger_key_file, damage
):
    manifest = json.loads((backup / "manifest.json").read_text())
    if damage == "added file":
        named = "uploads/not-in-the-manifest.pdf"
        (backup / named).write_bytes(b"%PDF-1.4 slipped in")
    else:
        uploads = [entry["path"] for entry in manifest["files"] if entry["path"].startswith("uploads/")]
        named = uploads[0] if damage == "altered upload" else manifest["database"]["file"]
        data = bytearray((backup / named).read_bytes())
        data[len(data) // 2] ^= 0x01  # one bit, same size
        (backup / named).write_bytes(bytes(data))
    with app_on(empty_database, tmp_path / "restored", ledger_key_file) as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        uploads = list(Path(restored.config["UPLOAD_DIR"]).glob("*"))
    assert result.exit_code != 0
    assert named in result.output and "nothing was restored" in result.output
    assert uploads == []
    assert database_is_empty(empty_database)


def test_a_backup_goes_only_into_a_new_folder_outside_the_uploads(seeded, runner, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = runner.invoke(args=["backup", str(taken)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert [path.name for path in taken.iterdir()] == ["notes.txt"]
    inside = Path(seeded.config["UPLOAD_DIR"]) / "backup"
    result = runner.invoke(args=["backup", str(inside)])
    assert result.exit_code != 0
    assert "inside the upload folder" in result.output
    assert not inside.exists()


def test_without_pg_dump_a_postgresql_backup_says_how_and_writes_nothing(
    seeded, runner, tmp_path, monkeypatch
):
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL backups use pg_dump")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output and "postgresql-client" in result.output
    assert not (tmp_path / "backup").exists()


def test_files_verify_names_a_missing_an_altered_and_an_orphan_file(seeded, runner):
    root = Path(seeded.config["UPLOAD_DIR"])
    missing = center_services.letter_files()[0]
    altered = report_services.stored_files()[0]
    (root / missing.stored_name).unlink()
    data = bytearray((root / altered.stored_name).read_bytes())
    data[-10] ^= 0x01
    (root / altered.stored_name).write_bytes(bytes(data))
    (root / "stray-upload").write_bytes(b"no row names me")

    result = runner.invoke(args=["files", "verify"])
    assert result.exit_code == 1
    assert f"missing: {missing.stored_name} ({missing.owner})" in result.output
    assert "nomination letter of center" in missing.owner
    assert (
        f"altered: {altered.stored_name} ({altered.owner}): its SHA-256 is not the one recorded"
        in result.output
    )
    assert "orphan: stray-upload (no row names it)" in result.output
    assert "1 missing, 1 altered, 1 orphans" in result.output

    result = runner.invoke(args=["files", "verify", "--delete-orphans"])
    assert "orphan, deleted: stray-upload" in result.output
    assert not (root / "stray-upload").exists()
    assert result.exit_code == 1  # the missing and the altered file remain


def test_every_stored_file_of_the_demo_network_is_named_by_a_feature(seeded):
    names = {reference.stored_name for reference in inventory.file_references()}
    assert names == set(on_disk(Path(seeded.config["UPLOAD_DIR"])))
    assert len(center_services.letter_files()) == len(holdings()["centers"])


def test_a_restore_that_fails_midway_leaves_nothing_and_can_run_again(
    seeded, backup, tmp_path, empty_database, ledger_key_file, monkeypatch
):
    from turkicnet.core import restore
    from turkicnet.core.backup import BackupError

    real_restore_database = restore._restore_database

    def refused(*args):
        raise BackupError("pg_restore: the server refused")  # as a failed pg_restore or full disk

    before = holdings()
    with app_on(empty_database, tmp_path / "restored", ledger_key_file) as restored:
        uploads = Path(restored.config["UPLOAD_DIR"])
        monkeypatch.setattr(restore, "_restore_database", refused)
        failed = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert failed.exit_code != 0
        assert list(uploads.iterdir()) == []
        monkeypatch.setattr(restore, "_restore_database", real_restore_database)
        again = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert again.exit_code == 0, again.output
        assert holdings() == before
