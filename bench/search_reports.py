"""Search latency over many generated reports on SQLite, through the real service.

Builds a fresh SQLite database through the migrations, seeds approved centers and N
generated reports (default 200,000) with their ``report_texts`` and FTS5 rows, then times
:func:`turkicnet.reports.services.search_reports` for a fixed set of queries:

* ``economy``          a word in ~20% of reports
* ``energy corridor``  two words that occur together in ~4% of reports
* ``zhetysu``          a rare word, in 20 reports
* ``integr``           a prefix (integration, integrated, ...) in ~4% of reports
* ``caspian``          a word in ~0.9% of reports: just under the rank limit, ranked by bm25

each as an anonymous visitor and as an admin (who sees drafts and network reports too).
Every timed call runs in its own request context, so the session starts empty as in a
request. The figures are the median and the 99th percentile of K calls (default 50) after
one warm-up call.

    .venv/bin/python bench/search_reports.py --reports 200000
    .venv/bin/python bench/search_reports.py --reports 200000 --db /tmp/s.db --explain

``--db PATH`` keeps the database (and reuses it when it already holds reports);
``--explain`` also prints the query plans and times the parts of a search separately. A query
stops after ``--budget`` seconds (with at least three timed calls) and a call is interrupted
after ``--cap`` seconds, so the run ends in minutes even where a search takes minutes.
"""

import argparse
import bisect
import json
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = [
    ("~20% word", "economy"),
    ("two words", "energy corridor"),
    ("rare word", "zhetysu"),
    ("prefix", "integr"),
    ("~0.9% word", "caspian"),
]
TABLE = (
    "{actor:<10} {query:<16} {label:<11} {median:>10} {p99:>9} {calls:>5} {total:>8} {ranked!s:>6}  {verdict}"
)
COUNTRIES = ["AZ", "KZ", "KG", "TR", "UZ", "HU"]
LANGUAGES = ["en"] * 6 + ["tr", "ru", "az", "kk", "uz", "hu"]
DOMAIN = """
growth inflation budget fiscal monetary policy trade export import tariff customs logistics
transport railway port highway aviation tourism agriculture wheat cotton irrigation water
climate emissions renewable solar wind hydropower oil gas pipeline mining copper gold uranium
finance banking credit investment capital market bond equity insurance pension labour
employment wages migration remittances education university research innovation technology
startup small medium enterprises industry manufacturing textile automotive chemicals steel
statistics survey census data household poverty inequality health demography urban rural
region province district municipality reform regulation competition privatisation state
ownership governance institutions law court transparency procurement digital broadband mobile
payments fintech blockchain cybersecurity platform services retail wholesale construction
housing real estate productivity efficiency forecast scenario model analysis review outlook
assessment strategy plan programme priority target indicator index ranking survey evidence
cooperation partnership network center council organization summit workshop memorandum
agreement protocol convention standard harmonisation certification quality safety food
security reserves currency exchange rate devaluation balance payments deficit surplus debt
sustainability resilience recovery shock crisis pandemic stimulus subsidy tax revenue spending
""".split()
AUTHORS = """Aliyev Mammadova Nurlanov Abenova Tokoev Asanova Yilmaz Demir Karimov Yusupova
Nagy Kovacs Huseynov Ismailova Bekov Sadykova Ozturk Celik Rashidov Tursunova""".split()
TITLE_HEADS = ["Report on", "Review of", "Notes on", "Outlook for", "Study of", "Brief on"]


def _pseudo_words(rng: random.Random, count: int, banned: tuple[str, ...]) -> list[str]:
    """Made-up words from syllables: a large vocabulary, as real abstracts have."""
    syllables = "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru "
    syllables += "sa se si so su ta te ti to tu za ze zi zo zu dar tan lik ler gan bek kul sar tur"
    parts = syllables.split()
    words: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(parts) for _ in range(rng.randint(2, 4)))
        if not word.startswith(banned):
            words.add(word)
    return sorted(words)


class Generator:
    """Report text from a Zipf-weighted vocabulary, with the query words planted at set rates."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        banned = ("econom", "energ", "corrid", "zhetysu", "integr", "caspian")
        pseudo = _pseudo_words(self.rng, 20_000, banned)
        self.vocabulary = [w for w in DOMAIN if not w.startswith(banned)] + pseudo
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.vocabulary))]
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total_weight = total

    def words(self, k: int) -> list[str]:
        rng, cum, top, vocab = self.rng, self.cumulative, self.total_weight, self.vocabulary
        return [vocab[bisect.bisect(cum, rng.random() * top)] for _ in range(k)]

    def report(self, rare: bool) -> tuple[str, str, list[str], list[str], set[str]]:
        """(title, abstract, authors, keywords, query words planted)."""
        rng = self.rng
        planted: list[str] = []
        if rng.random() < 0.20:
            planted.append("economy")
        if rng.random() < 0.03:
            planted.append("energy corridor")
        else:
            if rng.random() < 0.10:
                planted.append("energy")
            if rng.random() < 0.08:
                planted.append("corridor")
        if rng.random() < 0.04:
            planted.append(rng.choice(["integration", "integrated", "integrating", "integral"]))
        if rng.random() < 0.009:
            planted.append("caspian")
        if rare:
            planted.append("zhetysu")
        title_words = self.words(rng.randint(4, 9))
        abstract_words = self.words(rng.randint(60, 160))
        for word in planted:
            target = title_words if rng.random() < 0.25 else abstract_words
            target.insert(rng.randrange(len(target) + 1), word)
        title = f"{rng.choice(TITLE_HEADS)} {' '.join(title_words)}".capitalize()
        abstract = " ".join(abstract_words).capitalize() + "."
        authors = [f"{rng.choice('ABDEGKMNRST')}. {rng.choice(AUTHORS)}" for _ in range(rng.randint(1, 3))]
        keywords = sorted(set(rng.sample(DOMAIN, rng.randint(2, 4))))
        found = {w for p in planted for w in p.split()}
        return title, abstract, authors, keywords, found


def make_app(path: Path, scratch: Path):
    from turkicnet import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "SECRET_KEY": "x" * 40,
        "LEDGER_KEY_FILE": "/nonexistent-unused",
        "MAIL_DIR": str(scratch),
        "UPLOAD_DIR": str(scratch),
        "RATELIMIT_ENABLED": False,
    })  # fmt: skip


def seed_centers(app, count: int = 50) -> list[int]:
    from turkicnet.centers.models import Center, CenterKind, CenterStatus
    from turkicnet.core.text import match_key
    from turkicnet.extensions import db

    with app.app_context():
        centers = []
        for i in range(count):
            name = f"Economic Policy Research Center {i + 1}"
            centers.append(
                Center(
                    slug=f"center-{i + 1}", name=name, name_key=match_key(name),
                    country_code=COUNTRIES[i % len(COUNTRIES)], kind=CenterKind.GOVERNMENT_AGENCY,
                    status=CenterStatus.APPROVED, acronym=f"C{i + 1}", acronym_key=f"c{i + 1}",
                )
            )  # fmt: skip
        db.session.add_all(centers)
        db.session.commit()
        return [c.id for c in centers]


def seed_reports(path: Path, n: int, center_ids: list[int], section_ids: list[int], seed: int) -> dict:
    """Bulk-insert reports, report_texts and report_fts rows; returns the planted counts."""
    from turkicnet.core.search import fold

    gen = Generator(seed)
    rng = gen.rng
    rare_ids = set(rng.sample(range(1, n + 1), min(20, n)))
    start, span = date(2015, 1, 1), (date(2026, 11, 28) - date(2015, 1, 1)).days
    expected: dict[str, dict[str, int]] = {"public": {}, "all": {}}
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    report_sql = (
        "INSERT INTO reports (id, lead_center_id, section_id, title, abstract, authors, keywords, language, "
        "publication_date, visibility, external_url, ever_public, created_by_id, created_at, updated_at, "
        "deleted_at, deleted_by_id, lock_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, NULL, ?, ?, NULL, NULL, 1)"
    )
    text_sql = "INSERT INTO report_texts (report_id, body_text, folded) VALUES (?, '', ?)"
    fts_sql = "INSERT INTO report_fts (rowid, folded) VALUES (?, ?)"
    chunk = 10_000
    for first in range(1, n + 1, chunk):
        reports, texts = [], []
        for report_id in range(first, min(first + chunk, n + 1)):
            title, abstract, authors, keywords, found = gen.report(report_id in rare_ids)
            roll = rng.random()
            visibility = "public" if roll < 0.85 else "network" if roll < 0.95 else "draft"
            published = start + timedelta(days=rng.randrange(span))
            created = datetime.combine(published, datetime.min.time()) + timedelta(hours=rng.randrange(24))
            stamp = created.isoformat(sep=" ", timespec="microseconds")
            reports.append((
                report_id, rng.choice(center_ids), rng.choice(section_ids), title, abstract,
                json.dumps(authors), json.dumps(keywords), rng.choice(LANGUAGES), published.isoformat(),
                visibility, int(visibility == "public"), stamp, stamp,
            ))  # fmt: skip
            words = " ".join([title, abstract, " ".join(authors), " ".join(keywords)])
            texts.append((report_id, fold(words)))
            if {"energy", "corridor"} <= found:
                found.add("energy corridor")
            for who in ("all", "public") if visibility == "public" else ("all",):
                for word in found:
                    expected[who][word] = expected[who].get(word, 0) + 1
        with conn:
            conn.executemany(report_sql, reports)
            conn.executemany(text_sql, texts)
            conn.executemany(fts_sql, texts)
        print(f"  {min(first + chunk - 1, n):>9,} reports", end="\r", flush=True)
    print()
    for who in expected.values():
        who["integr"] = sum(v for k, v in who.items() if k.startswith("integr"))
    conn.close()
    return expected


def build(path: Path, scratch: Path, n: int, seed: int) -> tuple[dict | None, float]:
    import flask_migrate
    from sqlalchemy import select

    from turkicnet.extensions import db
    from turkicnet.reports.models import Section

    began = time.perf_counter()
    app = make_app(path, scratch)
    with app.app_context():
        flask_migrate.upgrade()
        section_ids = list(db.session.scalars(select(Section.id)))
        db.session.remove()
        db.engine.dispose()
    center_ids = seed_centers(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    expected = seed_reports(path, n, center_ids, section_ids, seed)
    return expected, time.perf_counter() - began


class Admin:
    """An admin as the permission helpers see one."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_admin = True
    memberships: list = []
    id = 0

    def get_id(self):
        return "0"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


class Capped(Exception):
    """A call interrupted after ``--cap`` seconds."""


@contextmanager
def deadline(seconds: float):
    """Interrupt the SQLite statements of the current session after ``seconds``.

    :raises Capped: when a statement was interrupted
    """
    from sqlalchemy.exc import OperationalError

    from turkicnet.extensions import db

    sqlite_conn = db.session.connection().connection.driver_connection
    end = time.perf_counter() + seconds
    sqlite_conn.set_progress_handler(lambda: time.perf_counter() > end, 100_000)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        db.session.rollback()
        raise Capped from exc
    finally:
        sqlite_conn.set_progress_handler(None, 0)


def _timed_search(app, actor, query: str, cap: float):
    """One search in its own request context: (milliseconds, SearchPage); :raises Capped:"""
    from turkicnet.reports.services import Filters, search_reports

    with app.test_request_context("/reports/search", query_string={"q": query}), deadline(cap):
        began = time.perf_counter()
        page = search_reports(actor, query, Filters(), page=1, per_page=20)
        return (time.perf_counter() - began) * 1000, page


def time_queries(app, actors, repeat: int, budget: float, cap: float) -> list[dict]:
    """Median and p99 of ``repeat`` calls per query, after a warm-up call.

    A query that has spent ``budget`` seconds stops early (after at least three timed calls),
    and a call is interrupted after ``cap`` seconds (the query is then reported as slower
    than that), so that the run ends in minutes even when a query would take minutes.
    """
    rows = []
    for actor_name, actor in actors:
        for label, query in QUERIES:
            row = {"actor": actor_name, "label": label, "query": query, "calls": 0, "capped": False}
            began_query = time.perf_counter()
            timings: list[float] = []
            try:
                _warm_up, result = _timed_search(app, actor, query, cap)
                while len(timings) < repeat and (
                    len(timings) < 3 or time.perf_counter() - began_query < budget
                ):
                    elapsed, page = _timed_search(app, actor, query, cap)
                    timings.append(elapsed)
                    assert page.total == result.total and len(page.items) == len(result.items)  # noqa: S101
            except Capped:
                row["capped"] = True
                result = None
            row["calls"] = len(timings)
            if timings and not row["capped"]:
                row["median"], row["p99"] = statistics.median(timings), percentile(timings, 0.99)
            else:
                row["median"] = row["p99"] = None
            row["total"] = result.total if result else None
            row["ranked"] = result.ranked if result else None
            row["more"] = result.more if result else None
            rows.append(row)
            shown = f"{row['median']:9.1f} ms" if row["median"] is not None else f"> {cap * 1000:,.0f} ms"
            print(f"  {actor_name:<10} {query!r:<18} {shown} ({len(timings)} calls)", flush=True)
    return rows


def explain(app, actors, cap: float) -> None:
    """Plans and timings of the parts of a search, with the statements the service itself
    runs (:func:`~turkicnet.reports.services.search_statements`): the count, the page of ids,
    loading the rows and the snippets; and, for comparison, the full-text match alone
    (each part interrupted after ``cap``)."""
    from sqlalchemy import func, select

    from turkicnet.core import search
    from turkicnet.extensions import db
    from turkicnet.reports import search_index
    from turkicnet.reports.models import Report, ReportText
    from turkicnet.reports.services import RANK_LIMIT, Filters, search_statements

    def ms(fn, repeat=10):
        """Median milliseconds of ``fn`` and its result; ``(inf, None)`` when interrupted."""
        try:
            with deadline(cap):
                began = time.perf_counter()
                out = fn()
                first = (time.perf_counter() - began) * 1000
                if first > 1000:  # a part that takes seconds: once is enough
                    return first, out
                values = []
                for _ in range(repeat):
                    began = time.perf_counter()
                    out = fn()
                    values.append((time.perf_counter() - began) * 1000)
        except Capped:
            return math.inf, None
        return statistics.median(values), out

    def plan(statement):
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        rows = db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(f"      {'  ' * (r[1] > 0)}{r[3]}" for r in rows)

    def shown(value):
        return f"{value:8.1f} ms" if value != math.inf else f"> {cap * 1000:,.0f} ms (interrupted)"

    for actor_name, actor in actors:
        for _label, query in QUERIES:
            with app.test_request_context():
                terms = search.terms(query)
                statements = search_statements(actor, terms, Filters())
                t_count, counted = ms(lambda s=statements.count: db.session.scalar(s))
                more = counted is None or counted > RANK_LIMIT
                page_stmt = statements.ids(more=more, page=1, per_page=20)
                t_page, ids = ms(lambda s=page_stmt: list(db.session.scalars(s)))

                def rows(ids=ids or []):
                    db.session.expunge_all()
                    reports = list(db.session.scalars(select(Report).where(Report.id.in_(ids))))
                    texts = list(db.session.scalars(select(ReportText).where(ReportText.report_id.in_(ids))))
                    return reports, texts

                t_rows, (reports, _texts) = ms(rows)
                t_snip, _ = ms(lambda r=reports, t=terms: [search.highlight(x.abstract, t) for x in r])
                index_count = select(func.count()).select_from(search_index.matching_ids(terms).subquery())
                t_fts, fts_total = ms(lambda s=index_count: db.session.scalar(s))
                visible = (
                    "?" if counted is None else f"{'more than ' if more else ''}{min(counted, RANK_LIMIT):,}"
                )
                in_index = "?" if fts_total is None else f"{fts_total:,}"
                print(f"\n[{actor_name}] {query!r}: {visible} visible matches ({in_index} in the index), "
                      f"{'newest first' if more else 'ranked'}")  # fmt: skip
                print(f"    matching_ids alone, count                 {shown(t_fts)}")
                print(f"    service: count query                      {shown(t_count)}")
                print(f"    service: page-of-ids query                {shown(t_page)}")
                print(f"    service: load rows + texts                {shown(t_rows)}")
                print(f"    service: snippets                         {shown(t_snip)}")
                print("    plan of the count query:\n" + plan(statements.count))
                print("    plan of the page query:\n" + plan(page_stmt))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=200_000, help="reports to generate (200,000)")
    parser.add_argument("--repeat", type=int, default=50, help="timed calls per query (50)")
    parser.add_argument("--budget", type=float, default=20, help="seconds per query before stopping early")
    parser.add_argument("--cap", type=float, default=30, help="seconds after which a call is interrupted")
    parser.add_argument("--seed", type=int, default=2040)
    parser.add_argument("--db", type=Path, help="keep the database here (reused when it has reports)")
    parser.add_argument("--explain", action="store_true", help="print query plans and part timings")
    args = parser.parse_args()

    from flask_login import AnonymousUserMixin

    with tempfile.TemporaryDirectory(prefix="turkicnet-search-bench-") as tmp:
        scratch = Path(tmp)
        path = args.db.resolve() if args.db else scratch / "bench.db"
        expected = None
        reuse = path.exists() and _report_count(path) > 0
        if reuse:
            print(f"reusing {path} ({_report_count(path):,} reports)")
            build_seconds = None
        else:
            print(f"building {path} with {args.reports:,} reports (seed {args.seed}) ...")
            expected, build_seconds = build(path, scratch, args.reports, args.seed)
            print(f"built in {build_seconds:.0f} s")
        app = make_app(path, scratch)
        size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
        print(f"database: {size / 2**20:,.0f} MiB")
        actors = [("anonymous", AnonymousUserMixin()), ("admin", Admin())]
        print(f"timing {len(QUERIES)} queries x {len(actors)} actors, up to {args.repeat} calls each ...")
        rows = time_queries(app, actors, args.repeat, args.budget, args.cap)
        print()
        print(TABLE.format(actor="actor", query="query", label="kind", median="median ms", p99="p99 ms",
                           calls="calls", total="matches", ranked="ranked", verdict="< 50 ms"))  # fmt: skip
        for r in rows:
            capped = f"> {args.cap * 1000:,.0f}"
            cells = {
                **r,
                "median": f"{r['median']:.1f}" if r["median"] is not None else capped,
                "p99": f"{r['p99']:.1f}" if r["p99"] is not None else capped,
                "total": f"{r['total']:,}" if r["total"] is not None else "?",
                "ranked": "?" if r["ranked"] is None else r["ranked"],
                "verdict": "yes" if r["median"] is not None and r["median"] < 50 else "NO",
            }
            print(TABLE.format(**cells))
        if expected is not None:
            wrong = [r for r in rows if r["total"] is not None and not _agrees(r, expected)]
            for r in wrong:
                print(f"!! {r['actor']} {r['query']!r}: {r['total']} matches; not what was planted")
            if not wrong:
                print("match counts agree with what the generator planted")
        if args.explain:
            explain(app, actors, args.cap)
        with app.app_context():
            from turkicnet.extensions import db

            db.engine.dispose()
    return 0


def _agrees(row: dict, expected: dict) -> bool:
    """The service's count is what the generator planted; past ``RANK_LIMIT`` it counts
    only "more than the limit", so then the planted count must be over the limit."""
    from turkicnet.reports.services import RANK_LIMIT

    planted = expected["public" if row["actor"] == "anonymous" else "all"].get(row["query"], 0)
    if row["more"]:
        return row["total"] == RANK_LIMIT and planted > RANK_LIMIT
    return row["total"] == planted


def _report_count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


if __name__ == "__main__":
    sys.exit(main())
