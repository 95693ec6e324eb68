"""Every main page, in each of the six other languages, speaks that language: no English
interface string in what a person reads, and ``<html lang>`` naming the language it is in.

One world (tests/matrix_world.py) for the module; each language is one walk of the main
pages (tests/main_pages.py), as each page's actor, with that language chosen — the saved
preference of everyone signed in, the switcher's cookie for the anonymous visitor.
"""

import pytest
from sqlalchemy import select

from tests.interface_text import EnglishStrings, page_language, visible_text, without
from tests.main_pages import MAIN_PAGES, choose_language, settled_cookies
from tests.matrix_world import built_world
from turkicnet.config import Defaults
from turkicnet.core.languages import html_lang
from turkicnet.extensions import LANGUAGE_COOKIE, db

LANGUAGES = [code for code in Defaults.LANGUAGES if code != "en"]


@pytest.fixture(scope="module")
def world(database_template, tmp_path_factory, ledger_key_file):
    with built_world(database_template, tmp_path_factory.mktemp("languages"), ledger_key_file) as built:
        built.cookies = settled_cookies(built.app, built.cookies)
        yield built


def own_words() -> set[str]:
    """What people wrote and named (centers, reports, persons, notes): shown as written, in
    whatever language its author used, so never an interface string out of place. Events,
    sections and topics are not: they are the network's data, translated like the interface."""
    from turkicnet.auth.models import User
    from turkicnet.centers.models import Center
    from turkicnet.core.models import AuditEvent
    from turkicnet.protocol.models import ProtocolVersion
    from turkicnet.reports.models import Comment, Report

    columns = (
        User.full_name, User.position, User.email, Center.name, Center.native_name, Center.acronym,
        Center.city, Center.parent_body, Center.description, Center.website, ProtocolVersion.title,
        Report.title, Report.abstract, Comment.body,
    )  # fmt: skip
    words = set()
    for column in columns:
        words.update(value.strip() for value in db.session.scalars(select(column)) if value and value.strip())
    # What the audit recorded of such words (a requested new name, a note); one-word values
    # there are codes and states, which the log must show in the page's language.
    for details in db.session.scalars(select(AuditEvent.details)):
        words.update(_phrases(details))
    # The audit's action names are identifiers ("centers.apply"; "centers." in the filter's
    # hint), shown as such.
    actions = set(db.session.scalars(select(AuditEvent.action).distinct()))
    words.update(actions | {action.split(".", 1)[0] + "." for action in actions})
    return words


def _phrases(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_phrases(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_phrases(item) for item in value))
    return {value.strip()} if isinstance(value, str) and " " in value.strip() else set()


def read(world, page, code: str) -> str:
    cookies = [f"{LANGUAGE_COOKIE}={code}", world.cookies[page.actor]]
    client = world.app.test_client(use_cookies=False)
    response = client.get(page.url(world.values), headers={"Cookie": "; ".join(filter(None, cookies))})
    response.close()
    assert response.status_code == 200, f"{page.name} ({page.url(world.values)}) as {page.actor}: " \
        f"{response.status_code}"  # fmt: skip
    return response.get_data(as_text=True)


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_main_page_shows_an_english_interface_string(world, code):
    english = EnglishStrings(code)
    names = own_words()
    choose_language(code)
    try:
        problems = []
        for page in MAIN_PAGES:
            body = read(world, page, code)
            declared = page_language(body)
            if declared != html_lang(code):
                problems.append(f'{page.name} [{code}]: <html lang="{declared}">, not "{html_lang(code)}"')
            for msgid, around in english.found_in(without(visible_text(body), names)):
                problems.append(f"{page.name} [{code}]: {msgid!r} in “{around}”")
    finally:
        choose_language("en")
    assert not problems, f"{len(problems)} English strings on {code} pages:\n" + "\n".join(problems)
