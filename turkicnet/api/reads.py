"""The API's read endpoints: the directory, sections, reports, the protocol and its ledger.

Anyone may read what is public; a token's holder sees what they may see on the site, through
the same services and the same one visibility filter.
"""

from datetime import date

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l

from ..centers import services as _centers
from ..core import filetypes
from ..core.pagination import Slice
from ..core.urls import external_url
from ..protocol import services as _protocol
from ..reports import services as _reports
from ..reports.models import Visibility
from . import schemas
from .http import bp, caller, decode_cursor, operation, respond, respond_all, respond_list


def _cap() -> int:
    return current_app.config["API_TOTAL_CAP"]


@bp.get("/countries")
@operation(summary=_l("The member states"), tag="directory", response=schemas.CountryList)
def countries():
    items = _centers.list_countries()
    return respond_all(schemas.CountryList, items)


@bp.get("/centers")
@operation(
    summary=_l("Member centers, by name"),
    tag="directory",
    args=schemas.CenterQuery,
    response=schemas.CenterList,
    errors=(400,),
)
def centers_list(query):
    after = decode_cursor(query.get("cursor"), (str, int))
    page = _centers.center_slice(
        caller(),
        country=query.get("country", ""),
        q=query.get("q", ""),
        after=after,
        limit=query["per_page"],
        cap=_cap(),
    )
    return respond_list(schemas.CenterList, page, endpoint="api.centers_list", query=query)


@bp.get("/centers/<slug>")
@operation(summary=_l("One center"), tag="directory", response=schemas.CenterDetail, errors=(404,))
def center(slug: str):
    return respond(schemas.CenterDetail, _centers.get_center(caller(), slug))


@bp.get("/sections")
@operation(summary=_l("The thematic sections"), tag="reports", response=schemas.SectionList)
def sections():
    items = _reports.list_sections(active_only=True)
    return respond_all(schemas.SectionList, items)


@bp.get("/reports")
@operation(
    summary=_l("Reports, newest first"),
    tag="reports",
    args=schemas.ReportQuery,
    response=schemas.ReportList,
    errors=(400,),
)
def reports_list(query):
    after = decode_cursor(query.get("cursor"), (date, int))
    wanted = _reports.ReportQuery(**{k: v for k, v in query.items() if k not in ("cursor", "per_page")})
    page = _reports.report_slice(caller(), wanted, after=after, limit=query["per_page"], cap=_cap())
    return respond_list(schemas.ReportList, page, endpoint="api.reports_list", query=query)


@bp.get("/reports/<int:report_id>")
@operation(
    summary=_l("One report, with its files"), tag="reports", response=schemas.ReportDetail, errors=(404, 410)
)
def report(report_id: int):
    return respond(schemas.ReportDetail, _reports.get_report(caller(), report_id))


@bp.get("/reports/<int:report_id>/files/<int:file_id>")
@operation(
    summary=_l("Download one of a report's files (what the token's holder may see)"),
    tag="reports",
    response=None,
    media="application/octet-stream",
    errors=(404, 410),
)
def report_file(report_id: int, file_id: int):
    stored, path = _reports.file_for_download(caller(), report_id, file_id)
    _reports.record_download(caller(), stored)
    kind = filetypes.kind_of(stored.mime_type) or "bin"
    response = send_file(
        path,
        mimetype=stored.mime_type,
        as_attachment=True,
        download_name=filetypes.display_name(stored.original_name, kind),
        etag=stored.sha256,
        conditional=True,
    )
    if stored.report.visibility is not Visibility.PUBLIC:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _standing(row) -> dict:
    signed, withdrawn = row.signed, row.withdrawn
    return {
        "center": row.center,
        "country": row.center.country_code,
        "signed_seq": signed.seq if signed else None,
        "signed_at": signed.at if signed else None,
        "signer_name": signed.signer_name if signed else None,
        "signer_title": signed.signer_title if signed else None,
        "withdrawn_at": withdrawn.at if withdrawn and not row.signature_stands else None,
        "standing": row.standing,
    }


@bp.get("/protocol")
@operation(
    summary=_l("The protocol's current version, progress and standings"),
    tag="protocol",
    response=schemas.Protocol,
)
def protocol_status():
    version = _protocol.overview(caller()).current
    ledger_url = external_url("api.ledger")
    if version is None:
        return respond(
            schemas.Protocol, {"version": None, "progress": None, "standings": [], "ledger_url": ledger_url}
        )
    rows = _protocol.status_table(version)
    progress = _protocol.rule_progress(version)
    body = {
        "version": _protocol.version_dict(version),
        "progress": {**vars(progress), "met": progress.met},
        "standings": [_standing(row) for row in rows],
        "ledger_url": ledger_url,
    }
    return respond(schemas.Protocol, body)


@bp.get("/protocol/versions/<int:number>")
@operation(summary=_l("One version of the protocol"), tag="protocol", response=schemas.Version, errors=(404,))
def protocol_version(number: int):
    return respond(schemas.Version, _protocol.version_dict(_protocol.get_version(caller(), number)))


@bp.get("/protocol/ledger")
@operation(
    summary=_l("The signature ledger, entry by entry, each with its hash"),
    tag="protocol",
    args=schemas.LedgerQuery,
    response=schemas.LedgerList,
    errors=(400,),
)
def ledger(query):
    after = decode_cursor(query.get("cursor"), (int,))
    page: Slice = _protocol.ledger_slice(
        after=after[0] if after else None, limit=query["per_page"], cap=_cap()
    )
    return respond_list(schemas.LedgerList, page, endpoint="api.ledger", query=query)
