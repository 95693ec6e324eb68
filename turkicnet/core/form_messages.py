"""The messages of WTForms' validators and fields that the site's forms can show, marked here so
that pybabel puts them in our catalogues: :class:`core.forms.Form` looks WTForms' msgids up in
our translations (WTForms ships none for Azerbaijani, Kyrgyz or Uzbek). Each is WTForms' own
English, letter for letter; WTForms translates and fills in the placeholders itself.

Left out: what no form of the site can trigger (IP and MAC addresses, UUIDs, exact or minimum
lengths alone, date ranges, decimals, equal fields) and programming errors ("Choices cannot be
None.")."""


def _l(message: str) -> tuple[str]:
    """Marks ``message`` for extraction (the keyword babel.cfg's extraction knows); no lookup."""
    return (message,)


def _n(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural for extraction; no lookup."""
    return singular, plural


#: Every msgid, plural forms included.
MESSAGES = (
    *_l("This field is required."),
    *_l("Invalid email address."),
    *_l("Invalid URL."),
    *_n("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters."),
    *_l("Field must be between %(min)d and %(max)d characters long."),
    *_l("Number must be between %(min)s and %(max)s."),
    *_l("Invalid value, must be one of: %(values)s."),
    *_l("Not a valid choice."),
    *_l("Invalid Choice: could not coerce."),
    *_n(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
    *_l("Invalid choice(s): one or more data inputs could not be coerced."),
    *_l("Not a valid integer value."),
    *_l("Not a valid date value."),
)
