"""How a public report is cited: BibTeX, RIS and CSL-JSON exports, the "Cite as" line, Highwire
(Google Scholar) meta tags and schema.org JSON-LD — pure functions from a report to text or data.

A report is a technical report (a working paper) of its lead center. Every absolute URL comes from
:func:`external_url` (the configured base URL), never from the request's Host header.
"""

import html
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from citeproc import (
    LOCALES_PATH,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)  # fmt: skip
from citeproc.source.json import CiteProcJSON
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.markdown import markdown_text
from ..core.urls import external_url
from .models import Report

#: A style citeproc-py ships with itself (no style download at run time).
CITE_STYLE = "harvard-cite-them-right"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Export:
    mimetype: str
    extension: str


EXPORTS = {
    "bibtex": Export("application/x-bibtex", "bib"),
    "ris": Export("application/x-research-info-systems", "ris"),
    "csl": Export("application/vnd.citationstyles.csl+json", "json"),
}


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of an author as typed: "Family, Given" as is, else the last word is the family."""
    name = " ".join(name.split())
    if "," in name:
        family, _comma, given = name.partition(",")
        return family.strip(), given.strip()
    given, _space, family = name.rpartition(" ")
    return family, given


def _authors(report: Report) -> list[tuple[str, str]]:
    return [split_name(author) for author in report.authors if author.strip()]


def institutions(report: Report) -> list[str]:
    """The lead center, then the co-authoring centers that confirmed their co-authorship."""
    partners = [c.center.name for c in report.coauthors if c.confirmed_at is not None]
    return [report.lead_center.name, *partners]


def citation_key(report: Report) -> str:
    """Stable and unique: the report's id, never a title or an author that an edit may change."""
    return f"turkicnet-report-{report.id}"


def report_url(report: Report) -> str:
    return external_url("reports.report", report_id=report.id)


def pdf_url(report: Report) -> str | None:
    """The absolute URL of the report's first PDF file, if it has one."""
    first = next((f for f in report.files if f.mime_type == "application/pdf"), None)
    return external_url("reports.download", report_id=report.id, file_id=first.id) if first else None


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _abstract(report: Report) -> str:
    return markdown_text(report.abstract)


def _keywords(report: Report) -> list[str]:
    return [_one_line(k) for k in report.keywords if k.strip()]


_LATEX = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def latex_escape(text: str) -> str:
    """``text`` for a braced BibTeX value: LaTeX's special characters escaped, any other letter
    (Cyrillic, Turkish) kept as UTF-8."""
    return "".join(_LATEX.get(char, char) for char in _one_line(text))


def bibtex(report: Report) -> str:
    """A ``@techreport`` entry."""
    when = report.publication_date
    fields = [
        ("title", report.title),
        ("author", " and ".join(", ".join(p for p in parts if p) for parts in _authors(report))),
        ("institution", "; ".join(institutions(report))),
        ("year", str(when.year)),
        ("abstract", _abstract(report)),
        ("keywords", ", ".join(_keywords(report))),
        ("url", report_url(report)),
        ("language", report.language),
    ]
    lines = [f"@techreport{{{citation_key(report)},"]
    lines += [f"  {name} = {{{latex_escape(value)}}}," for name, value in fields if value]
    lines.append(f"  month = {MONTHS[when.month - 1]},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris(report: Report) -> str:
    """One ``RPRT`` record; RIS lines end in CRLF."""
    when = report.publication_date
    tags = [("TY", "RPRT"), ("ID", citation_key(report))]
    tags += [("AU", ", ".join(p for p in parts if p)) for parts in _authors(report)]
    tags += [("TI", report.title), ("PY", str(when.year)), ("DA", when.strftime("%Y/%m/%d"))]
    tags += [("AB", _abstract(report))]
    tags += [("KW", keyword) for keyword in _keywords(report)]
    tags += [("PB", "; ".join(institutions(report))), ("UR", report_url(report)), ("LA", report.language)]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - "]) + "\r\n"


def csl_item(report: Report) -> dict:
    """The report as one CSL-JSON item."""
    when = report.publication_date
    item = {
        "id": citation_key(report),
        "type": "report",
        "genre": "Working paper",
        "title": _one_line(report.title),
        "author": [{"family": family, "given": given} if given else {"family": family}
                   for family, given in _authors(report)],
        "issued": {"date-parts": [[when.year, when.month, when.day]]},
        "publisher": "; ".join(institutions(report)),
        "URL": report_url(report),
        "abstract": _abstract(report),
        "language": report.language,
        "keyword": ", ".join(_keywords(report)),
    }  # fmt: skip
    return {name: value for name, value in item.items() if value}


def csl_json(report: Report) -> str:
    """A CSL-JSON file: an array of one item."""
    return json.dumps([csl_item(report)], ensure_ascii=False, indent=2) + "\n"


EXPORTERS = {"bibtex": bibtex, "ris": ris, "csl": csl_json}


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("id", "type") else _escaped(v) for k, v in value.items()}
    return value


#: The CSL locale for the languages citeproc-py ships none of.
FALLBACK_CSL_LOCALE = "en-US"


@cache
def csl_locale(language: str) -> str:
    """The CSL locale citeproc-py ships for an interface language (``ru`` → ``ru-RU``, as CSL's
    own list of primary dialects says), else :data:`FALLBACK_CSL_LOCALE`."""
    primary = str(language).replace("_", "-").split("-", 1)[0].lower()
    with open(Path(LOCALES_PATH) / "locales.json", encoding="utf-8") as listing:
        dialect = json.load(listing)["primary-dialects"].get(primary)
    if dialect and (Path(LOCALES_PATH) / f"locales-{dialect}.xml").is_file():
        return dialect
    return FALLBACK_CSL_LOCALE


@dataclass(frozen=True)
class CiteAs:
    """The reference as HTML, and the language (a BCP 47 tag) its words are in."""

    html: Markup
    language: str

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return str(self.html)


def cite_as(report: Report, language: str = "en") -> CiteAs:
    """The reference in :data:`CITE_STYLE`, as HTML, in the words of ``language`` (an interface
    language) where citeproc-py has a CSL locale for it, else in English.

    citeproc-py's HTML formatter escapes the style's own words but not the report's values, so
    every value is escaped before it goes in; what comes out is safe to mark.
    """
    locale = csl_locale(language)
    item = {k: v for k, v in csl_item(report).items() if k != "abstract"}
    # The kind of document reads in the reference's language, like the style's own words.
    with force_locale(language if locale != FALLBACK_CSL_LOCALE else "en"):
        item["genre"] = _("Working paper")
    item = _escaped(item)
    style = CitationStylesStyle(CITE_STYLE, locale=locale, validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = Markup("".join(str(entry) for entry in bibliography.bibliography()))  # noqa: S704
    return CiteAs(rendered, locale)


def highwire_tags(report: Report) -> list[tuple[str, str]]:
    """(name, content) of the Highwire Press meta tags Google Scholar reads."""
    when = report.publication_date
    tags = [("citation_title", _one_line(report.title))]
    tags += [("citation_author", _one_line(author)) for author in report.authors if author.strip()]
    tags += [
        ("citation_publication_date", when.strftime("%Y/%m/%d")),
        ("citation_technical_report_institution", "; ".join(institutions(report))),
        ("citation_language", report.language),
        ("citation_abstract_html_url", report_url(report)),
    ]
    pdf = pdf_url(report)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    tags += [("citation_keywords", keyword) for keyword in _keywords(report)]
    return tags


def report_json_ld(report: Report) -> dict:
    """schema.org ``Report`` of the report."""
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": _one_line(report.title),
        "author": [{"@type": "Person", "name": _one_line(a)} for a in report.authors if a.strip()],
        "datePublished": report.publication_date.isoformat(),
        "publisher": {"@type": "Organization", "name": report.lead_center.name},
        "contributor": [{"@type": "Organization", "name": name} for name in institutions(report)[1:]],
        "inLanguage": report.language,
        "url": report_url(report),
        "abstract": _abstract(report),
        "keywords": _keywords(report),
    }  # fmt: skip
    return {name: value for name, value in data.items() if value}
