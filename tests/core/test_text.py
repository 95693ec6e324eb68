import pytest

from turkicnet.core.text import match_key, slugify, website_domain
from turkicnet.core.webutil import is_safe_next


@pytest.mark.parametrize(
    "a, b",
    [
        ("İktisat", "iktisat"),
        ("Iktisat", "ıktisat"),
        ("Иктисат", "Iktisat"),
        ("İqtisadi İslahatlar", "Iqtisadi  islahatlar!"),
        ("Ekonomik Araştırmalar", "ekonomik arastirmalar"),
        ("Экономикалық зерттеулер", "Ekonomikalyq zertteuler"),
    ],
)
def test_names_meet_under_the_transliteration_key(a, b):
    assert match_key(a) == match_key(b)


def test_different_names_do_not_meet():
    assert match_key("Economic Research Institute") != match_key("Economic Research Center")


@pytest.mark.parametrize(
    "url, domain",
    [("https://www.cerr.uz/en", "cerr.uz"), ("http://CERR.uz", "cerr.uz"), ("cerr.uz", "cerr.uz"), ("", "")],
)
def test_website_domain_ignores_scheme_case_and_www(url, domain):
    assert website_domain(url) == domain


def test_slugs_are_ascii():
    assert slugify("Қазақстан институты") == "qazaqstan-instituty"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\tevil",
        "",
        None,
        "https:evil.example",
    ],
)
def test_next_must_be_a_local_path(target):
    assert not is_safe_next(target)


def test_a_local_path_is_a_safe_next():
    assert is_safe_next("/centers?country=KZ")
