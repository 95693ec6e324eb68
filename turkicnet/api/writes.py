"""The API's write endpoints, for a token with the ``write`` scope: post a report, change
it (its visibility too), add a file, share it. The same services as the web forms decide
who may, and the same rules what is valid."""

from dataclasses import replace

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..centers import services as _centers
from ..core.errors import NotFound, ValidationFailed
from ..core.urls import external_url
from ..reports import services as _reports
from . import schemas
from .http import bp, caller, operation, respond, respond_all

_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429)


def _center_of(slug: str, field: str):
    try:
        return _centers.get_center(caller(), slug)
    except NotFound:
        raise ValidationFailed(field, _("No member center has the slug “%(slug)s”.", slug=slug)) from None


_AS_TYPED = (
    "title",
    "abstract",
    "authors",
    "keywords",
    "language",
    "publication_date",
    "visibility",
    "external_url",
)


def _overlay(data, body: dict):
    """``data`` (a ReportData) with the fields the body sends."""
    changes = {name: body[name] for name in _AS_TYPED if name in body}
    if "section" in body:
        changes["section_id"] = _reports.section_id_for(body["section"])
    if "topics" in body:
        changes["topic_ids"] = _reports.topic_ids_for(body["topics"])
    return replace(data, **changes)


def _created(report, status: int = 201):
    location = external_url("api.report", report_id=report.id)
    return respond(schemas.ReportDetail, report, status=status, headers={"Location": location})


@bp.post("/reports")
@operation(
    summary=_l("Post a report (send an Idempotency-Key header to make retries safe)"),
    tag="reports",
    body=schemas.ReportCreate,
    idempotent=True,
    response=schemas.ReportDetail,
    status=201,
    scope="write",
    errors=_WRITE_ERRORS,
    headers={
        "Idempotency-Key": _l("A UUID: a retry with the same key posts nothing and answers the first report.")
    },
)
def create_report(body):
    center = _center_of(body["center"], "center")
    data = _overlay(_reports.ReportData(section_id=0, title=""), body)
    try:
        report = _reports.create_report(
            caller(), center, data, creation_key=request.headers.get("Idempotency-Key")
        )
    except _reports.AlreadyPosted as posted:
        return _created(_reports.get_report(caller(), posted.report_id), status=200)
    return _created(report)


@bp.patch("/reports/<int:report_id>")
@operation(
    summary=_l("Change a report: any of its fields, its visibility too"),
    tag="reports",
    body=schemas.ReportUpdate,
    response=schemas.ReportDetail,
    scope="write",
    errors=_WRITE_ERRORS,
)
def update_report(report_id: int, body):
    report = _reports.get_report(caller(), report_id)
    data = _overlay(_reports.data_of(report), body)
    report = _reports.update_report(caller(), report, data, expected_version=body["version"])
    return respond(schemas.ReportDetail, report)


@bp.post("/reports/<int:report_id>/files")
@operation(
    summary=_l("Add files to a report (multipart, field “file”)"),
    tag="reports",
    body=schemas.FileUpload,
    body_media="multipart/form-data",
    response=schemas.ReportDetail,
    status=201,
    scope="write",
    errors=_WRITE_ERRORS,
)
def add_files(report_id: int, body):
    report = _reports.get_report(caller(), report_id)
    report = _reports.update_report(
        caller(), report, _reports.data_of(report), expected_version=report.lock_version, files=body["files"]
    )
    return _created(report)


def _shares(report):
    return respond_all(schemas.ShareList, list(report.shares))


@bp.post("/reports/<int:report_id>/shares")
@operation(
    summary=_l("Share a report with member centers"),
    tag="reports",
    body=schemas.ShareRequest,
    response=schemas.ShareList,
    scope="write",
    errors=_WRITE_ERRORS,
)
def share_report(report_id: int, body):
    report = _reports.get_report(caller(), report_id)
    center_ids = [_center_of(slug, "centers").id for slug in body["centers"]]
    _reports.share_report(caller(), report, center_ids)
    return _shares(report)


@bp.delete("/reports/<int:report_id>/shares/<slug>")
@operation(
    summary=_l("Stop sharing a report with a center"),
    tag="reports",
    response=schemas.ShareList,
    scope="write",
    errors=_WRITE_ERRORS,
)
def unshare_report(report_id: int, slug: str):
    report = _reports.get_report(caller(), report_id)
    _reports.unshare_report(caller(), report, _centers.get_center(caller(), slug).id)
    return _shares(report)
