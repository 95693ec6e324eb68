"""The main pages (tests/main_pages.py) in Chromium: axe-core finds no serious or critical
violation in English and Russian, on a desktop and on a phone; no page is wider than a
375 px phone; and screenshots of the pages people show each other, for people to look at.

SQLite run only (CI's time): the pages are the same on PostgreSQL. One world for the module
(tests/matrix_world.py), served on a free port; each actor logged in once, by the world.
"""

import os
import struct
from pathlib import Path

import pytest

from tests.browser.conftest import chromium, serving
from tests.conftest import POSTGRES_URL
from tests.main_pages import MAIN_PAGES, SIGNING_PAGE, choose_language, let_b_sign, settled_cookies
from tests.matrix_world import built_world
from turkicnet.extensions import LANGUAGE_COOKIE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(POSTGRES_URL), reason="browser checks run in the SQLite run only"),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 375, "height": 800}
SERIOUS = ("serious", "critical")
SHOWN = ("home", "protocol", "report")


@pytest.fixture(scope="module")
def world(database_template, tmp_path_factory, ledger_key_file):
    with built_world(database_template, tmp_path_factory.mktemp("browser"), ledger_key_file) as built:
        built.cookies = settled_cookies(built.app, built.cookies)
        let_b_sign(built)
        yield built


@pytest.fixture(scope="module")
def site(world):
    with serving(world.app) as base:
        yield base


@pytest.fixture(scope="module")
def browser(world):
    with chromium() as launched:
        yield launched


class Visits:
    """One browser context per actor and viewport, opened on first use and kept for the
    module: the actor's login cookies and the page language's cookie set on it."""

    def __init__(self, browser, world, base: str):
        self.browser, self.world, self.base = browser, world, base
        self.pages: dict = {}

    def page(self, actor: str, viewport: dict, code: str):
        key = (actor, viewport["width"], code)
        if key not in self.pages:
            # axe is put into each page as a script of its own: past the site's strict CSP.
            context = self.browser.new_context(viewport=viewport, bypass_csp=True, locale=code)
            cookies = [(LANGUAGE_COOKIE, code)] + [
                tuple(part.split("=", 1)) for part in filter(None, self.world.cookies[actor].split("; "))
            ]
            context.add_cookies([{"name": name, "value": value, "url": self.base} for name, value in cookies])
            self.pages[key] = context.new_page()
        return self.pages[key]

    def open(self, main_page, viewport: dict, code: str):
        page = self.page(main_page.actor, viewport, code)
        response = page.goto(self.base + main_page.url(self.world.values), wait_until="load")
        assert response.status == 200, f"{main_page.name} as {main_page.actor}: {response.status}"
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def visits(browser, world, site):
    opened = Visits(browser, world, site)
    yield opened
    opened.close()
    choose_language("en")


def _axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core is not installed in node_modules/ (bin/test runs `npm ci`)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def _serious(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for rule in results["violations"]:
        if rule["impact"] in SERIOUS:
            where = ", ".join(" ".join(node["target"]) for node in rule["nodes"][:3])
            found.append(f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])}×): {where}")
    return found


@pytest.mark.parametrize(
    ("code", "viewport"),
    [("en", DESKTOP), ("ru", DESKTOP), ("en", PHONE)],
    ids=["en-desktop", "ru-desktop", "en-phone"],
)
def test_axe_finds_no_serious_violation_on_any_main_page(visits, code, viewport):
    axe = _axe_source()
    choose_language(code)
    problems = []
    for main_page in MAIN_PAGES:
        page = visits.open(main_page, viewport, code)
        where = f"{main_page.name} [{code}, {viewport['width']} px]"
        problems += [f"{where}: {found}" for found in _serious(page, axe)]
    assert not problems, f"{len(problems)} serious or critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", ["en", "ru"])
def test_no_main_page_is_wider_than_a_phone(visits, code):
    choose_language(code)
    too_wide = []
    for main_page in MAIN_PAGES:
        page = visits.open(main_page, PHONE, code)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > limit + 1
                                 && e.getBoundingClientRect().width > 0
                                 && ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1))
                    .slice(0, 3)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                PHONE["width"],
            )
            culprits = ", ".join(culprits)
            too_wide.append(f"{main_page.name} [{code}]: {width} px wide, past the edge: {culprits}")
    assert not too_wide, "Pages that scroll sideways on a 375 px phone:\n" + "\n".join(too_wide)


def test_no_main_page_hides_a_table_past_the_edge_of_a_phone(visits):
    """A table inside a sideways scroller leaves the page narrow but hides its last columns
    (the staff page's Save and Remove): on a phone, data tables reflow into labelled rows."""
    choose_language("en")
    hidden = []
    for main_page in MAIN_PAGES:
        page = visits.open(main_page, PHONE, "en")
        tables = page.evaluate(
            """(limit) => [...document.querySelectorAll('table')]
                .filter(t => t.getBoundingClientRect().right > limit + 1 || t.scrollWidth > t.clientWidth + 1)
                .map(t => 'the table of ' + [...t.querySelectorAll('th')].slice(0, 3)
                          .map(th => th.innerText.trim()).join(', ')
                          + ' (' + Math.round(t.getBoundingClientRect().width) + ' px)')""",
            PHONE["width"],
        )
        hidden += [f"{main_page.name}: {table}" for table in tables]
    assert not hidden, "Tables wider than a 375 px phone:\n" + "\n".join(hidden)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is no PNG"
    return struct.unpack(">II", header[16:24])


def test_screenshots_of_the_shown_pages_in_turkish_and_russian(visits):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    shown = [page for page in MAIN_PAGES if page.name in SHOWN] + [SIGNING_PAGE]
    written = []
    for code in ("tr", "ru"):
        choose_language(code)
        for viewport, named in ((DESKTOP, "desktop"), (PHONE, "phone")):
            for main_page in shown:
                path = folder / f"{main_page.name}-{code}-{named}.png"
                path.unlink(missing_ok=True)
                visits.open(main_page, viewport, code).screenshot(path=str(path), full_page=True)
                written.append((path, viewport))
    for path, viewport in written:
        assert path.exists(), path
        width, height = _png_size(path)
        assert width >= viewport["width"] and height >= 400, f"{path.name}: {width}×{height}"
        assert path.stat().st_size > 20_000, f"{path.name} is nearly empty ({path.stat().st_size} bytes)"
