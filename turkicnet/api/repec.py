"""The RePEc archive at ``/RePEc/<code>/``: the folders and ReDIF templates a RePEc harvester
walks — the archive (``<code>arch.rdf``), its series (``<code>seri.rdf``, one per center, see
:func:`turkicnet.reports.services.series_code`) and one ``ReDIF-Paper 1.0`` per public report.

Every approved center with a public report is a series (no opt-in flag exists yet: an opt-in
would be a later change). Templates are plain text, one ``Key: value`` a line, every value on
one line.
"""

from flask import Blueprint, Response, current_app, render_template
from flask_babel import gettext as _

from ..core.errors import NotFound
from ..core.markdown import markdown_text
from ..core.urls import external_url
from ..reports import services

bp = Blueprint("repec", __name__)

TEXT = "text/plain; charset=utf-8"


def _code() -> str:
    return current_app.config["REPEC_ARCHIVE_CODE"]


def _archive(archive: str) -> str:
    if archive != _code():
        raise NotFound(_("No such RePEc archive."))
    return archive


def _series(archive: str, series: str):
    _archive(archive)
    center = services.repec_series_center(series)
    if center is None:
        raise NotFound(_("No such RePEc series."))
    return center


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def templates(*blocks: list[tuple[str, str]]) -> Response:
    """ReDIF templates, a blank line between two: each field with a value, one a line."""
    text = "\n\n".join(
        "\n".join(f"{key}: {_one_line(value)}" for key, value in fields if _one_line(value))
        for fields in blocks
    )
    return Response(text + "\n" if text else "", content_type=TEXT)


def _listing(path: str, names: list[str]) -> str:
    return render_template("api/repec_listing.html", path=path, names=names)


def _handle(*parts: str) -> str:
    return ":".join(("RePEc", *parts))


def _maintainer() -> list[tuple[str, str]]:
    config = current_app.config
    return [
        ("Maintainer-Name", config["REPEC_MAINTAINER_NAME"]),
        ("Maintainer-Email", config["REPEC_MAINTAINER_EMAIL"]),
    ]


@bp.get("/RePEc/")
def root():
    return _listing("/RePEc/", [f"{_code()}/"])


@bp.get("/RePEc/<archive>/")
def archive_folder(archive: str):
    code = _archive(archive)
    series = [f"{services.series_code(center)}/" for center in services.repec_series()]
    return _listing(f"/RePEc/{code}/", [f"{code}arch.rdf", f"{code}seri.rdf", *series])


@bp.get("/RePEc/<archive>/<name>.rdf")
def archive_template(archive: str, name: str):
    code = _archive(archive)
    if name == f"{code}arch":
        return templates([
            ("Template-Type", "ReDIF-Archive 1.0"),
            ("Handle", _handle(code)),
            ("Name", current_app.config["REPEC_ARCHIVE_NAME"]),
            *_maintainer(),
            ("URL", external_url("repec.archive_folder", archive=code)),
            ("Homepage", external_url("site.home")),
        ])  # fmt: skip
    if name == f"{code}seri":
        # ReDIF's values are data, in English as RePEc reads them, not the page's language.
        series = [
            [
                ("Template-Type", "ReDIF-Series 1.0"),
                ("Name", f"Working Papers of {center.name}"),
                ("Provider-Name", center.name),
                ("Provider-Homepage", external_url("site.center", slug=center.slug)),
                *_maintainer(),
                ("Type", "ReDIF-Paper"),
                ("Handle", _handle(code, services.series_code(center))),
            ]
            for center in services.repec_series()
        ]
        return templates(*series)
    raise NotFound(_("No such RePEc template."))


@bp.get("/RePEc/<archive>/<series>/")
def series_folder(archive: str, series: str):
    center = _series(archive, series)
    names = [f"{report.id}.rdf" for report in services.repec_papers(center)]
    return _listing(f"/RePEc/{archive}/{series}/", names)


@bp.get("/RePEc/<archive>/<series>/<int:report_id>.rdf")
def paper(archive: str, series: str, report_id: int):
    center = _series(archive, series)
    report = services.repec_paper(center, report_id)
    if report is None:
        raise NotFound(_("No such working paper."))
    fields = [("Template-Type", "ReDIF-Paper 1.0"), ("Title", report.title)]
    fields += [("Author-Name", author) for author in report.authors]
    fields += [
        ("Abstract", markdown_text(report.abstract)),
        ("Creation-Date", report.publication_date.isoformat()),
        ("Keywords", ", ".join(_one_line(k) for k in report.keywords if k.strip())),
    ]
    for report_file in report.files:
        url = external_url("reports.download", report_id=report.id, file_id=report_file.id)
        fields += [("File-URL", url), ("File-Format", report_file.mime_type)]
    if not report.files and report.external_url:
        fields.append(("File-URL", report.external_url))
    fields += [("Number", str(report.id)), ("Handle", _handle(archive, series, str(report.id)))]
    return templates(fields)
