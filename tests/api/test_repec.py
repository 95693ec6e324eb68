"""The RePEc archive: folders a harvester walks and ReDIF templates of exactly the public reports."""

import re

import pytest

from turkicnet.reports import services

KEY_VALUE = re.compile(r"([A-Za-z][A-Za-z0-9-]*): (.+)")


def templates(text: str) -> list[list[tuple[str, str]]]:
    """The templates of a ReDIF file, each a list of (key, value); every line must be one."""
    blocks = []
    for block in text.strip().split("\n\n"):
        fields = []
        for line in block.splitlines():
            match = KEY_VALUE.fullmatch(line)
            assert match, f"not a ReDIF line: {line!r}"
            fields.append(match.groups())
        blocks.append(fields)
    return blocks


def links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">', html)


def text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture
def archive(center, editor, make_report, make_center, add_staff):
    """Two public reports and a network and a draft one of ``center``; a center with none public."""
    public = [
        make_report(editor, center, title="Energy markets", keywords=["energy", "grid"],
                    authors=["Aigul Serikova", "Timur Aliyev"], abstract="Electricity *trade*."),
        make_report(editor, center, title="Trade corridors"),
    ]  # fmt: skip
    hidden = [make_report(editor, center, visibility=v, title=f"Hidden {v}") for v in ("network", "draft")]
    quiet = make_center()
    make_report(add_staff(quiet, "editor"), quiet, visibility="network", title="Quiet")
    return {"public": public, "hidden": hidden, "quiet": quiet, "series": services.series_code(center)}


def test_the_folders_lead_a_harvester_to_every_template(client, archive):
    assert links(text(client, "/RePEc/")) == ["tkn/"]
    series = archive["series"]
    assert links(text(client, "/RePEc/tkn/")) == ["tknarch.rdf", "tknseri.rdf", f"{series}/"]
    assert links(text(client, f"/RePEc/tkn/{series}/")) == [f"{r.id}.rdf" for r in archive["public"]]


def test_the_archive_and_series_templates_name_the_archive_and_each_center_with_public_reports(
    client, center, archive
):
    response = client.get("/RePEc/tkn/tknarch.rdf")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    (arch,) = templates(response.get_data(as_text=True))
    assert ("Template-Type", "ReDIF-Archive 1.0") in arch and ("Handle", "RePEc:tkn") in arch
    assert ("URL", "http://turkicnet.test/RePEc/tkn/") in arch
    assert any(key == "Maintainer-Email" and "@" in value for key, value in arch)
    (series,) = templates(text(client, "/RePEc/tkn/tknseri.rdf"))
    assert ("Template-Type", "ReDIF-Series 1.0") in series
    assert ("Handle", f"RePEc:tkn:{archive['series']}") in series
    assert ("Provider-Name", center.name) in series and ("Type", "ReDIF-Paper") in series
    assert re.fullmatch(r"wp\d{4}", archive["series"])


def test_paper_templates_carry_the_report_and_exactly_the_public_reports_have_one(client, archive):
    series = archive["series"]
    first = archive["public"][0]
    (paper,) = templates(text(client, f"/RePEc/tkn/{series}/{first.id}.rdf"))
    assert paper[0] == ("Template-Type", "ReDIF-Paper 1.0")
    assert ("Title", "Energy markets") in paper
    assert [v for k, v in paper if k == "Author-Name"] == ["Aigul Serikova", "Timur Aliyev"]
    assert ("Abstract", "Electricity trade.") in paper
    assert ("Creation-Date", first.publication_date.isoformat()) in paper
    assert ("Keywords", "energy, grid") in paper
    file_url = f"http://turkicnet.test/reports/{first.id}/files/{first.files[0].id}"
    assert ("File-URL", file_url) in paper and ("File-Format", "application/pdf") in paper
    handles = set()
    for name in links(text(client, f"/RePEc/tkn/{series}/")):
        (template,) = templates(text(client, f"/RePEc/tkn/{series}/{name}"))
        handles |= {v for k, v in template if k == "Handle"}
    assert handles == {f"RePEc:tkn:{series}:{r.id}" for r in archive["public"]}
    for report in archive["hidden"]:
        assert client.get(f"/RePEc/tkn/{series}/{report.id}.rdf").status_code == 404


def test_unknown_archives_series_and_papers_are_404s(client, center, archive):
    series, quiet = archive["series"], services.series_code(archive["quiet"])
    public = archive["public"][0]
    for path in (
        "/RePEc/abc/", "/RePEc/abc/abcarch.rdf", "/RePEc/tkn/tknnone.rdf", f"/RePEc/tkn/{quiet}/",
        "/RePEc/tkn/wp9999/", "/RePEc/tkn/wpabcd/", "/RePEc/tkn/wp0000/", f"/RePEc/abc/{series}/",
        f"/RePEc/tkn/{quiet}/{public.id}.rdf", f"/RePEc/tkn/{series}/999999.rdf",
    ):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_a_report_that_stops_being_public_leaves_the_archive(client, center, focal_point, archive):
    series = archive["series"]
    gone = archive["public"][1]
    services.delete_report(focal_point, gone)
    assert client.get(f"/RePEc/tkn/{series}/{gone.id}.rdf").status_code == 404
    assert f"{gone.id}.rdf" not in links(text(client, f"/RePEc/tkn/{series}/"))
