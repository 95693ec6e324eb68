"""The seven languages' catalogues: every string the code and templates mark is translated
in each of them, with the same placeholders and markup as the English."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from turkicnet.config import Defaults

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "turkicnet" / "translations"
LANGUAGES = [code for code in Defaults.LANGUAGES if code != "en"]
KEYWORDS = {
    **DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2), "_n": (1, 2)
}
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdfr]|%[sd]|\{[a-z_0-9]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")

#: Strings that read the same in a language as in English (names, codes, and words the
#: language shares); anything else identical to the English is an untranslated string.
SAME_AS_ENGLISH = {"TurkicNet", "TurkicNet — %(section)s", "IP", "%(center)s: %(status)s."}
SAME_IN = {"az": {"Status", "Status:", "Token"}, "uz_Latn": {"Token"}}


@pytest.fixture(scope="module")
def marked() -> set[str]:
    """Every string the code and the templates mark for translation (as babel.cfg says)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS,
            # Babel skips folders whose names start with "_" by default: templates/_macros is ours.
            directory_filter=lambda path: not os.path.basename(path).startswith("."),
        )
    }


def _catalogue(code: str):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as source:
        return read_po(source)


def test_every_language_of_the_config_has_a_catalogue():
    assert sorted(LANGUAGES) == sorted(path.name for path in TRANSLATIONS.iterdir() if path.is_dir())


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_marked_string_is_translated(marked, code):
    catalogue = _catalogue(code)
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    missing = sorted(marked - set(entries))
    assert not missing, f"{code}: not in the catalogue (run tools/update_catalogues.sh): {missing[:10]}"
    untranslated = []
    for msgid in sorted(marked):
        entry = entries[msgid]
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        same = msgid in SAME_AS_ENGLISH or msgid in SAME_IN.get(code, set())
        if entry.fuzzy or not all(forms) or (forms[0] == msgid and not same):
            untranslated.append(msgid)
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, such as {untranslated[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_the_english(code):
    wrong = []
    for entry in _catalogue(code):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for form in filter(None, forms):
            found = set(PLACEHOLDER.findall(form))
            # A plural form may leave the number out ("one report"); it may add none.
            if (found != wanted and not (len(ids) > 1 and found <= wanted)) or sorted(
                TAG.findall(ids[0])
            ) != sorted(TAG.findall(form)):
                wrong.append(ids[0])
    assert not wrong, f"{code}: {wrong[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_headers_say_they_are_drafts_for_the_centers(code):
    assert "to be reviewed by the centers" in _catalogue(code).language_team
