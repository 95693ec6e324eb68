"""No GET changes the world: every GET rule of url_map, asked by anonymous, a member and an
admin, leaves every table as it was (row count and a hash of every row, in primary-key order),
but for the few declared below.

The rules' converters are filled as in the authorization matrix (tests/authz_table.py: every
entry with a GET, variants included, so drafts, shared and deleted reports are asked too).
"""

import hashlib

import pytest
from sqlalchemy import select, text

from tests.authz_table import ARG_DEFAULTS, TABLE
from tests.matrix_world import built_world
from turkicnet.extensions import db
from turkicnet.migrations.unmanaged import FTS5_TABLES

ACTORS = ("anonymous", "focal_a", "admin")

#: Tables a GET may change, and why.
TABLES_A_GET_MAY_CHANGE = {
    "download_counts": "DESIGN §2: a download bumps its counter, kept in a table of its own for that",
    "audit_events": "the audit log may record a read (a download, a refusal: audit F-17); it records, it "
    "is no domain data",
}
#: Columns a GET may change, as (table, column) -> why. None today: sessions live in the signed
#: cookie (the last request's time too), there are no API tokens yet whose last use a GET would
#: stamp, and the outbox, notifications and worker jobs stay checked: no GET queues mail (the
#: links in mail show a button; only its POST acts) nor marks a notification read.
COLUMNS_A_GET_MAY_CHANGE: dict[tuple[str, str], str] = {}
#: GET rules not asked, and why (nothing is left out silently).
NOT_ASKED = {"static": "Flask's own static files: read from disk, no database in the way"}


@pytest.fixture(scope="module")
def world(database_template, tmp_path_factory, ledger_key_file):
    with built_world(database_template, tmp_path_factory.mktemp("snapshot"), ledger_key_file) as built:
        yield built


def _rows(table) -> list[tuple]:
    kept = [column for column in table.c if (table.name, column.name) not in COLUMNS_A_GET_MAY_CHANGE]
    query = select(*kept).order_by(*table.primary_key.columns)
    return [tuple(row) for row in db.session.execute(query)]


def snapshot() -> dict[str, tuple[int, str, list]]:
    """Every table (SQLite's search index too): its row count, a hash of its rows, the rows."""
    tables = {table.name: _rows(table) for table in db.metadata.sorted_tables}
    if db.engine.dialect.name == "sqlite":
        for name in FTS5_TABLES:
            tables[name] = [
                tuple(row) for row in db.session.execute(text(f"SELECT rowid, * FROM {name} ORDER BY rowid"))
            ]
    db.session.rollback()
    return {
        name: (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest(), rows)
        for name, rows in tables.items()
    }


def changes(before: dict, after: dict) -> list[str]:
    """The tables that changed, beyond those a GET may change, with what changed."""
    found = []
    for name, (count, digest, rows) in after.items():
        if name in TABLES_A_GET_MAY_CHANGE or digest == before[name][1]:
            continue
        old = before[name][2]
        added = [row for row in rows if row not in old]
        removed = [row for row in old if row not in rows]
        found.append(f"{name}: {before[name][0]} -> {count} rows; now {added[:2]}, was {removed[:2]}")
    return found


def _get_cases(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    for key, entry in sorted(TABLE.items()):
        endpoint = key.split("@", 1)[0]
        if "GET" in entry and endpoint in rules:
            args = {
                name: entry.get("args", {}).get(name, ARG_DEFAULTS.get(name))
                for name in rules[endpoint].arguments
            }
            yield key, endpoint, args


def test_every_get_rule_is_asked_or_declared_not_asked(world):
    asked = {endpoint for _key, endpoint, _args in _get_cases(world.app)}
    gets = {rule.endpoint for rule in world.app.url_map.iter_rules() if "GET" in rule.methods}
    missing = sorted(gets - asked - set(NOT_ASKED))
    assert not missing, f"GET rules neither asked nor declared in NOT_ASKED: {missing}"
    schema = {table.name for table in db.metadata.sorted_tables}
    unknown = sorted(set(TABLES_A_GET_MAY_CHANGE) - schema)
    unknown += sorted(f"{t}.{c}" for t, c in COLUMNS_A_GET_MAY_CHANGE if c not in db.metadata.tables[t].c)
    assert not unknown, f"allowed to change, but not in the schema: {unknown}"


def test_no_get_changes_a_domain_table(world):
    changed = []
    before = snapshot()
    for key, endpoint, args in _get_cases(world.app):
        url = world.url(endpoint, args)
        for actor in ACTORS:
            response, wrote = world.send(actor, "GET", url)
            # Snapshot after every GET, not only those the statement watch saw write.
            changed += [f"(GET {key} {url}, {actor}) {response.status_code}: {change}"
                        for change in changes(before, snapshot())]  # fmt: skip
            if wrote:
                world.restore()
    assert not changed, "GETs changed the world:\n" + "\n".join(changed)
