"""The citation builders: what BibTeX, RIS and CSL readers make of a public report's exports."""

import json
from datetime import date

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from turkicnet.extensions import db
from turkicnet.reports import citations

TITLE = "Trade & growth: 50% of {exports} at $2 #1 under_score ~ ^ \\ for Türkiye"
AUTHORS = ["Айгуль Серикова", "Yılmaz, Ayşe", "Timur Akhmetov"]


@pytest.fixture
def cited(center, editor, make_report):
    report = make_report(
        editor, center, title=TITLE, authors=AUTHORS, abstract="Electricity **trade** and the [grid](https://x.org).",
        keywords=["energy", "Каспий"], language="ru", publication_date=date(2025, 5, 7),
    )  # fmt: skip
    db.session.commit()
    return report


def _bibtex_entry(text: str):
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    return entry


def test_the_bibtex_export_parses_as_a_techreport_with_every_field(cited):
    entry = _bibtex_entry(citations.bibtex(cited))
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert entry.entry_type == "techreport"
    assert entry.key == f"turkicnet-report-{cited.id}"
    # pylatexenc reads LaTeX's \textasciicircum{} as the modifier letter ˆ, which is what LaTeX prints.
    assert fields["title"] == TITLE.replace("^", "\u02c6")
    assert [(n.last, n.first) for n in fields["author"]] == [
        (["Серикова"], ["Айгуль"]), (["Yılmaz"], ["Ayşe"]), (["Akhmetov"], ["Timur"]),
    ]  # fmt: skip
    assert fields["institution"] == cited.lead_center.name
    assert (fields["year"], fields["month"]) == ("2025", "may")
    assert fields["abstract"] == "Electricity trade and the grid."
    assert fields["keywords"] == "energy, Каспий"
    assert fields["url"] == f"http://turkicnet.test/reports/{cited.id}"
    assert fields["language"] == "ru"


def test_bibtex_escapes_latex_specials_and_keeps_other_letters_as_utf8(cited):
    text = citations.bibtex(cited)
    assert r"Trade \& growth: 50\% of \{exports\} at \$2 \#1 under\_score" in text
    assert r"\textasciitilde{} \textasciicircum{} \textbackslash{} for Türkiye" in text
    assert "Серикова, Айгуль" in text


def test_the_institution_names_the_confirmed_co_authoring_centers_too(
    center, editor, make_center, make_report
):
    partner = make_center(name="Центр экономических исследований", country_code="KG")
    report = make_report(editor, center, coauthors=[partner])
    assert citations.institutions(report) == [center.name, partner.name]
    assert partner.name in citations.bibtex(report)


def test_the_ris_export_parses_as_a_report_with_every_field(cited):
    (entry,) = rispy.loads(citations.ris(cited))
    assert entry["type_of_reference"] == "RPRT"
    assert entry["authors"] == ["Серикова, Айгуль", "Yılmaz, Ayşe", "Akhmetov, Timur"]
    assert entry["title"] == TITLE
    assert entry["year"] == "2025"
    assert entry["date"] == "2025/05/07"
    assert entry["abstract"] == "Electricity trade and the grid."
    assert entry["keywords"] == ["energy", "Каспий"]
    assert entry["publisher"] == cited.lead_center.name
    assert entry["urls"] == [f"http://turkicnet.test/reports/{cited.id}"]
    assert entry["language"] == "ru"


def test_the_csl_json_export_loads_and_citeproc_renders_it(cited):
    (item,) = json.loads(citations.csl_json(cited))
    assert item["type"] == "report"
    assert item["author"][0] == {"family": "Серикова", "given": "Айгуль"}
    assert item["issued"] == {"date-parts": [[2025, 5, 7]]}
    assert item["publisher"] == cited.lead_center.name
    assert item["URL"] == f"http://turkicnet.test/reports/{cited.id}"
    assert (item["abstract"], item["language"]) == ("Electricity trade and the grid.", "ru")
    style = CitationStylesStyle(citations.CITE_STYLE, validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    (rendered,) = [str(entry) for entry in bibliography.bibliography()]
    assert "Серикова" in rendered and "2025" in rendered and TITLE in rendered


def test_the_cite_as_line_escapes_the_reports_words(center, editor, make_report):
    report = make_report(editor, center, title="<script>alert(1)</script> & more", authors=["Ann <b>Lee</b>"])
    line = str(citations.cite_as(report))
    assert "<script>" not in line and "<b>" not in line
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in line


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("Aigul Serikova", ("Serikova", "Aigul")),
        ("Serikova, Aigul", ("Serikova", "Aigul")),
        ("Ahmet Can Yılmaz", ("Yılmaz", "Ahmet Can")),
        ("Plato", ("Plato", "")),
    ],
)
def test_an_author_splits_into_family_and_given_names(typed, parts):
    assert citations.split_name(typed) == parts
