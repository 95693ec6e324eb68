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


def content_lang(language) -> str:
    """The ``lang=""`` tag of content written in ``language`` (a :data:`LANGUAGE_NAMES` code, as
    a report's language is stored): ``uz`` is written in Latin script, so ``uz-Latn``."""
    code = str(language or "").strip()
    if not code:
        return ""
    return "uz-Latn" if code in ("uz", "uz_Latn") else html_lang(code)


#: The state language a center's native name is written in, by country code.
NATIONAL_LANGUAGES = {
    "AZ": "az", "KZ": "kk", "KG": "ky", "TR": "tr", "UZ": "uz", "HU": "hu", "TM": "tk", "TRNC": "tr",
}  # fmt: skip


def national_lang(country_code) -> str:
    """The ``lang=""`` tag of a name in the state language of ``country_code``; ``""`` when unknown."""
    return content_lang(NATIONAL_LANGUAGES.get(str(country_code or "").upper(), ""))


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


#: Languages whose capital of ``i`` is the dotted ``İ``.
_DOTTED_I = {"tr", "az"}


def _standalone(name: str, language: str) -> str:
    """A CLDR language name as it reads alone (a value, a menu entry): capitalised, as CLDR
    writes most of them in the middle of a sentence ("английский")."""
    if not name:
        return name
    first = "İ" if name[0] == "i" and language in _DOTTED_I else name[0].upper()
    return first + name[1:]


def language_name(code: str, locale=None) -> str:
    """The name of the language ``code`` (a report's, a protocol text's) in the page's language,
    from CLDR through Babel, as it reads alone; its own name when CLDR has none, else the code."""
    from babel import Locale
    from flask_babel import get_locale

    locale = Locale.parse(locale) if locale is not None else (get_locale() or Locale("en"))
    named = locale.languages.get(code)
    if not named and "_" in code:  # an interface language with its script: uz_Latn
        try:
            named = Locale.parse(code).get_display_name(locale)
        except (ValueError, LookupError):
            named = None
    if named:
        return _standalone(named, locale.language)
    return LANGUAGE_NAMES.get(code, code)


def language_names(locale=None) -> dict[str, str]:
    """Every language a text may be written in (:data:`LANGUAGE_NAMES`' codes and order),
    named in the page's language."""
    return {code: language_name(code, locale) for code in LANGUAGE_NAMES}


def file_size(num_bytes: int, locale=None) -> str:
    """A file size as people read it, in the page's language: ``25 MB``, ``2,5 МБ``, ``300 kB``
    (Babel's units; a megabyte is 1024 × 1024 bytes, as the upload limits count)."""
    from babel.units import format_unit
    from flask_babel import get_locale

    locale = locale or get_locale() or "en"
    size = max(0, int(num_bytes or 0))
    if size < 1024:
        return format_unit(size, "digital-byte", length="short", locale=locale)
    if size < 1024 * 1024:
        return format_unit(round(size / 1024), "digital-kilobyte", length="short", locale=locale)
    megabytes = size / (1024 * 1024)
    value = round(megabytes, 1) if megabytes < 10 else round(megabytes)
    if value == int(value):
        value = int(value)
    return format_unit(value, "digital-megabyte", length="short", locale=locale)


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
