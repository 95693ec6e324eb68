"""The languages that protocol texts and reports are written in, each in its own name."""

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
