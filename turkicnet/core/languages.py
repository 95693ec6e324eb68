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


#: Where CLDR's name for a state is not the one its own government uses in that language.
_STATE_NAMES = {("ru", "KG"): "Кыргызстан"}


def country_name(country, locale=None) -> str:
    """A state's short name in the page's language (CLDR, through Babel), else as stored.
    ``country`` is a Country (code and stored English name) or a code."""
    from babel import Locale
    from flask_babel import get_locale

    code = getattr(country, "code", country)
    locale = Locale.parse(locale) if locale is not None else (get_locale() or Locale("en"))
    language = str(locale)
    named = _STATE_NAMES.get((language, code)) or locale.territories.get(code)
    return named or getattr(country, "name", code)


def localized(record, field: str, locale=None) -> str:
    """``record.<field>`` in the page's language: the record's ``translations``
    (``{"ru": {"title": "…"}}``, read with the row) for that language, else the English column.
    Used for data the interface shows as its own words: sections, topics, events."""
    english = getattr(record, field)
    if locale is None:
        from flask_babel import get_locale

        locale = get_locale()
    language = str(locale or "en")
    if language == "en":
        return english
    translated = ((getattr(record, "translations", None) or {}).get(language) or {}).get(field)
    return translated or english
