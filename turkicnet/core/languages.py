"""The languages that protocol texts and reports are written in, and the interface's own
languages, each in its own name."""

LANGUAGE_NAMES = {
    "en": "English",
    "tr": "Türkçe",
    "ru": "Русский",
    "az": "Azərbaycanca",
    "kk": "Қазақша",
    "ky": "Кыргызча",
    "uz": "Oʻzbekcha",
    "tk": "Türkmençe",
    "hu": "Magyar",
}


#: The languages the interface speaks (a catalogue each under ``turkicnet/translations``,
#: English being the source), each named in itself, in the switcher's order.
INTERFACE_LANGUAGES = {
    "en": "English",
    "tr": "Türkçe",
    "ru": "Русский",
    "kk": "Қазақша",
    "uz_Latn": "Oʻzbekcha",
    "az": "Azərbaycanca",
    "ky": "Кыргызча",
}


def html_lang(locale) -> str:
    """A Babel locale (or its code) as a BCP 47 tag for ``lang=""``: ``uz_Latn`` is ``uz-Latn``."""
    return str(locale or "en").replace("_", "-")
