"""Every absolute URL the site hands out comes from ``BASE_URL``, never the Host header (F-10).

A feed or a CSV reflecting ``Host: evil.example`` could be cached and served to others
with links to a stranger's site.
"""

import re
from pathlib import Path

import pytest

from turkicnet.extensions import db

EVIL = {"Host": "evil.example"}
ROOT = Path(__file__).resolve().parents[2]


def absolute_urls(body: str) -> list[str]:
    """The http(s) URLs in ``body``, Atom's namespace aside."""
    urls = re.findall(r"https?://[^\s\"'<>,]+", body)
    return [url for url in urls if url != "http://www.w3.org/2005/Atom"]


@pytest.fixture
def published(center, editor, make_report, signatory, make_version, sign):
    """A public report, and a signature so that the notices feed has entries."""
    report = make_report(editor, center, title="Energy markets")
    sign(signatory, center, make_version())
    db.session.commit()
    return report


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/reports.atom",
        "/sections/national-development-priorities/feed.atom",
        "/protocol/notices.atom",
        "/reports.csv",
        "/sections/national-development-priorities.csv",
    ],
)
def test_feeds_and_exports_link_to_the_configured_base_whatever_the_host_header(app, client, published, path):
    response = client.get(path, headers=EVIL)

    assert response.status_code == 200
    urls = absolute_urls(response.get_data(as_text=True))
    assert urls, "the document links somewhere"
    assert all(url.startswith(app.config["BASE_URL"] + "/") for url in urls), urls
    assert "evil.example" not in response.get_data(as_text=True)


def test_the_report_feed_links_each_report_at_the_base_url(app, client, published):
    body = client.get("/feeds/reports.atom", headers=EVIL).get_data(as_text=True)

    assert f'<link href="http://turkicnet.test/reports/{published.id}"/>' in body
    assert '<link rel="self" href="http://turkicnet.test/feeds/reports.atom"/>' in body


def test_no_code_or_template_builds_an_absolute_url_from_the_request():
    """``url_for(..., _external=True)`` takes the host from the request: external_url is the way."""
    sources = [*(ROOT / "turkicnet").rglob("*.py"), *(ROOT / "templates").rglob("*.*")]

    offenders = [str(path.relative_to(ROOT)) for path in sources if "_external" in path.read_text("utf-8")]

    assert offenders == []
