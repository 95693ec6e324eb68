"""Dates, times and sizes for people: the page's language through Babel, the reader's time zone
(their choice, else their center's country's, else UTC), and always the exact UTC moment in
``<time datetime>``."""

import re
from datetime import date, datetime

import pytest
from flask_babel import force_locale

from tests.conftest import mails_to
from turkicnet.core import formatting
from turkicnet.core.formatting import (
    day_html,
    force_time_zone,
    format_day,
    format_moment,
    format_number,
    time_html,
    zone_of,
)
from turkicnet.extensions import LANGUAGE_COOKIE, db

MOMENT = datetime(2026, 12, 1, 19, 36, 10)  # stored times are naive UTC


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "UTC", "Dec 1, 2026, 7:36 PM UTC"),
        ("ru", "UTC", "1 дек. 2026 г., 19:36 UTC"),
        ("ru", "Asia/Tashkent", "2 дек. 2026 г., 00:36 UTC+5"),
        ("tr", "Europe/Istanbul", "1 Ara 2026 22:36 UTC+3"),
        ("kk", "Asia/Almaty", "2026 ж. 02 жел., 00:36 UTC+5"),
        ("az", "Asia/Baku", "1 dek 2026 23:36 UTC+4"),
        ("uz_Latn", "UTC", "1-dek, 2026, 19:36 UTC"),
        ("ky", "Asia/Bishkek", "2026-ж., 2-дек. 01:36 UTC+6"),
    ],
)  # fmt: skip
def test_a_moment_reads_in_the_language_and_zone_with_the_zone_named(app, language, zone, expected):
    with app.test_request_context(), force_locale(language), force_time_zone(zone):
        assert format_moment(MOMENT).replace("\u202f", " ") == expected
        # A ledger stamp and an aware datetime are the same moment.
        assert format_moment("2026-12-01T19:36:10Z") == format_moment(MOMENT)


def test_the_time_element_gives_the_exact_utc_moment_whatever_the_zone(app):
    with app.test_request_context(), force_locale("ru"), force_time_zone("Asia/Baku"):
        html = str(time_html(MOMENT))
        assert html.startswith('<time datetime="2026-12-01T19:36:10Z">')
        assert "23:36 UTC+4</time>" in html
        # The day of a moment is the reader's day; the attribute keeps the exact moment.
        assert str(day_html(datetime(2026, 12, 1, 22, 30), "long")) == (
            '<time datetime="2026-12-01T22:30:00Z">2 декабря 2026\u202fг.</time>'
        )
        assert str(day_html(date(2026, 2, 17))) == '<time datetime="2026-02-17">17 февр. 2026\u202fг.</time>'
        assert time_html(None) == "" and day_html("") == ""


def test_numbers_and_sizes_follow_the_language(app):
    from turkicnet.core.languages import file_size

    with app.test_request_context():
        with force_locale("ru"):
            assert format_number(12345).replace("\u00a0", " ") == "12 345"
            assert file_size(5 * 1024 * 1024 + 512 * 1024) == "5,5 МБ"
        with force_locale("tr"):
            assert format_day(date(2026, 2, 17), "long") == "17 Şubat 2026"


def test_the_zone_is_the_persons_choice_else_their_centers_country_else_utc(
    app, focal_point, make_user, make_center
):
    from flask_login import AnonymousUserMixin

    assert zone_of(AnonymousUserMixin()) == "UTC" and zone_of(None) == "UTC"
    assert zone_of(focal_point) == "Asia/Almaty"  # the test center is in Kazakhstan
    baku = make_center(country_code="AZ").memberships[0].user
    assert zone_of(baku) == "Asia/Baku"
    assert zone_of(make_user()) == "UTC"  # on no center's staff
    focal_point.time_zone = "Europe/Budapest"
    assert zone_of(focal_point) == "Europe/Budapest"
    focal_point.time_zone = "Mars/Olympus"  # not offered: not used
    assert zone_of(focal_point) == "Asia/Almaty"
    assert set(formatting.COUNTRY_ZONES.values()) <= set(formatting.TIME_ZONES)


def _times(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page)


def test_anonymous_visitors_read_times_in_utc_and_the_page_says_so(
    client, make_version, signatory, center, sign
):
    entry = sign(signatory, center, make_version("open"))
    client.set_cookie(LANGUAGE_COOKIE, "ru")
    page = client.get(f"/protocol/signatures/{entry.seq}").get_data(as_text=True)
    (stamp, text), *_ = _times(page)
    assert stamp == entry.at and stamp.endswith("Z")
    assert text.endswith(" UTC") and "г.," in text


def test_a_logged_in_person_reads_times_in_their_centers_zone_until_they_choose_one(
    client, login_as, focal_point
):
    login_as(focal_point)  # the center's approval left them a notice
    page = client.get("/notifications").get_data(as_text=True)
    stamp, text = _times(page)[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    assert text.endswith(" UTC+5")
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert '<option selected value="">As my center&#39;s country (Astana, Almaty (Kazakhstan))' in profile
    response = client.post("/auth/profile", data={
        "full_name": focal_point.full_name, "position": "", "preferred_language": "en",
        "time_zone": "Europe/Istanbul",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(focal_point)
    assert focal_point.time_zone == "Europe/Istanbul"
    assert _times(client.get("/notifications").get_data(as_text=True))[0][1].endswith(" UTC+3")


def test_a_zone_that_is_not_offered_is_refused(client, login_as, focal_point):
    login_as(focal_point)
    response = client.post("/auth/profile", data={
        "full_name": focal_point.full_name, "position": "", "preferred_language": "en",
        "time_zone": "Mars/Olympus",
    })  # fmt: skip
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(focal_point)
    assert focal_point.time_zone is None


def test_an_email_gives_times_in_its_recipients_zone(app, make_version, signatory, center, sign):
    signatory.time_zone = "Asia/Tashkent"
    db.session.commit()
    entry = sign(signatory, center, make_version("open"))
    body = mails_to(signatory.email)[-1].body
    with app.test_request_context(), force_locale("en"), force_time_zone("Asia/Tashkent"):
        expected = format_moment(entry.at)
    assert expected.endswith(" UTC+5")
    assert f"{expected} ({entry.at})" in body


def test_a_cldr_patterns_quoted_words_keep_their_letters_and_apostrophes():
    from turkicnet.core.formatting import _unquoted

    assert _unquoted("{1} 'um' {0}") == "{1} um {0}"
    assert _unquoted("{1} 'o''clock' {0}") == "{1} o'clock {0}"
    assert _unquoted("{1}, {0}") == "{1}, {0}"


def test_a_certificate_moment_reads_to_the_second_in_words(app):
    with app.test_request_context(), force_locale("ru"):
        assert format_moment("2026-12-04T18:55:21Z", "long") == "4 декабря 2026\u202fг., 18:55:21 UTC"
