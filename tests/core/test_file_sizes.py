"""File sizes read as people read them, in the page's language (Babel's units)."""

import pytest

from turkicnet.core.languages import file_size

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "locale", "shown"),
    [
        (25 * MB, "en", "25 MB"),
        (20 * MB, "en", "20 MB"),
        (int(2.5 * MB), "en", "2.5 MB"),
        (int(2.5 * MB), "ru", "2,5 МБ"),
        (10 * MB, "kk", "10 MБ"),
        (300 * 1024, "en", "300 kB"),
        (512, "tr", "512 bayt"),
    ],
)
def test_a_size_is_shown_in_the_largest_unit_that_reads_well(size, locale, shown):
    assert file_size(size, locale).replace("\xa0", " ") == shown
