"""Working on a report with other centers: co-authorship, sharing, the network conversation."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...centers.models import Role
from ...centers.services import staff_recipients
from ...core import audit
from ...core.db import unit_of_work
from ...core.errors import NotFound, ValidationFailed
from ...core.mail import queue_mail
from ...core.models import AuditEvent
from ...core.notifications import notify
from ...core.permissions import Actor, as_viewer, require
from ...core.text import normalise_block
from ...core.timeutil import utcnow
from ...core.urls import external_url
from ...extensions import db
from ..models import Comment, Report, ReportCoauthor, ReportShare
from ..permissions import can_comment, can_confirm_coauthorship, can_manage_report
from .queries import share_candidates


def _notify_coauthors(report: Report, center_ids) -> None:
    link = external_url("reports.report", report_id=report.id)
    for user in staff_recipients(center_ids, (Role.FOCAL_POINT, Role.EDITOR)):
        notify(user, "coauthorship_to_confirm", link=link, title=report.title, center=report.lead_center.name)
        queue_mail(user, _l("Please confirm your co-authorship of “%(title)s”", title=report.title),
                   "coauthorship", category="reports", report=report, url=link)  # fmt: skip


def confirm_coauthorship(actor: Actor, report: Report, center_id: int) -> ReportCoauthor:
    """A co-authoring center confirms it wrote the report with the lead center.

    :raises PermissionDenied: unless an editor or focal point of that co-authoring center
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_confirm_coauthorship(actor, report, center_id), target=report)
        coauthor = next(c for c in report.coauthors if c.center_id == center_id)
        if coauthor.confirmed_at is not None:
            return coauthor
        coauthor.confirmed_at = utcnow()
        coauthor.confirmed_by_id = actor.id
        audit.record(actor, "reports.confirm_coauthorship", report, center_id=center_id)
        return coauthor


def share_report(actor: Actor, report: Report, center_ids: list[int]) -> list[ReportShare]:
    """Share the report with chosen centers; their staff are told (mail and notice).

    A center that is not among :func:`share_candidates` (the lead, a co-author, a center
    already shared with, one that is not a member) is passed over.

    :raises PermissionDenied: unless an editor of the lead center
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_manage_report(actor, report), target=report)
        candidates = {c.id for c in share_candidates(report)}
        added = []
        for center_id in dict.fromkeys(center_ids):
            if center_id in candidates:
                share = ReportShare(center_id=center_id, shared_by_id=actor.id)
                report.shares.append(share)
                added.append(share)
        if not added:
            return []
        audit.record(actor, "reports.share", report, centers=sorted(s.center_id for s in added))
        link = external_url("reports.report", report_id=report.id)
        for user in staff_recipients([s.center_id for s in added]):
            notify(user, "report_shared", link=link, title=report.title, center=report.lead_center.name)
            subject = _l("%(center)s shared a report with your center", center=report.lead_center.name)
            queue_mail(user, subject, "report_shared", category="reports", report=report, url=link)
        return added


def unshare_report(actor: Actor, report: Report, center_id: int) -> None:
    """Stop sharing the report with one center.

    :raises PermissionDenied: unless an editor of the lead center
    :raises NotFound: when the report is not shared with that center
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_manage_report(actor, report), target=report)
        share = next((s for s in report.shares if s.center_id == center_id), None)
        if share is None:
            raise NotFound(_("The report is not shared with that center."))
        report.shares.remove(share)
        audit.record(actor, "reports.unshare", report, center_id=center_id)


def _recently_mailed(report: Report) -> set[int]:
    """Who was mailed about a comment on ``report`` within the quiet period (each comment's
    audit event names whom it mailed)."""
    since = utcnow() - timedelta(minutes=current_app.config["COMMENT_MAIL_QUIET_MINUTES"])
    events = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.action == "reports.comment", AuditEvent.target_type == "report",
            AuditEvent.target_id == report.id, AuditEvent.created_at >= since,
        )
    )  # fmt: skip
    return {user_id for details in events for user_id in (details or {}).get("mailed", [])}


def add_comment(actor: Actor, report: Report, body: str) -> Comment:
    """Add to the network conversation on a report; its editors are told by e-mail, each
    at most once per report in ``COMMENT_MAIL_QUIET_MINUTES`` (a burst of comments is one
    mail; the page shows the rest).

    :raises PermissionDenied: unless the actor may take part in it
    :raises ValidationFailed: for an empty comment
    """
    actor = as_viewer(actor)
    with unit_of_work():
        require(can_comment(actor, report), target=report)
        body = normalise_block(body)
        if not body:
            raise ValidationFailed("body", _("Write a comment."))
        comment = Comment(report_id=report.id, author_id=actor.id, body=body[:10_000])
        db.session.add(comment)
        centers = [report.lead_center_id] + [c.center_id for c in report.coauthors]
        link = external_url("reports.report", report_id=report.id) + "#comments"
        skipped = _recently_mailed(report) | {actor.id}
        mailed = []
        for user in staff_recipients(centers, (Role.FOCAL_POINT, Role.EDITOR)):
            if user.id not in skipped:
                mailed.append(user.id)
                queue_mail(user, _l("New comment on “%(title)s”", title=report.title), "report_comment",
                           category="reports", report=report, author=actor, body=body, url=link)  # fmt: skip
        audit.record(actor, "reports.comment", report, mailed=mailed)
        return comment
