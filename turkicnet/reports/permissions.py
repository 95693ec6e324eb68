"""Who sees and does what with reports: the access table of DESIGN §1, written once.

:func:`visible_reports` is the one SQL filter that lists, search, counts, feeds, exports
and downloads apply; :func:`can_view_report` is the same rule for one report in hand.

Every predicate takes a :class:`~turkicnet.core.permissions.Viewer` (or ``None`` for no
one) and reads only its attributes: who is a signatory member was read when the viewer
was built, never here.
"""

from sqlalchemy import and_, or_, select

from ..centers.permissions import is_focal_point
from ..core.permissions import ANONYMOUS, Actor, Viewer, is_admin, is_authenticated
from .models import Report, ReportCoauthor, ReportShare, Visibility


def _viewer(actor: Actor) -> Viewer:
    if isinstance(actor, Viewer):
        return actor
    if not is_authenticated(actor):
        return ANONYMOUS
    raise TypeError("report permissions take a Viewer: build one with core.permissions.as_viewer()")


def own_center_ids(actor: Actor) -> frozenset[int]:
    """Centers the actor is staff of."""
    return _viewer(actor).center_ids


def is_network_member(actor: Actor) -> bool:
    """Staff of a signatory member: approved, with a standing signature (DESIGN §1)."""
    return _viewer(actor).signatory_member


def _report_center_ids(report: Report) -> set[int]:
    return (
        {report.lead_center_id}
        | {c.center_id for c in report.coauthors}
        | {s.center_id for s in report.shares}
    )


def visible_reports(actor: Actor):
    """SQL filter over :class:`Report`: the reports ``actor`` may see (never deleted ones)."""
    alive = Report.deleted_at.is_(None)
    if is_admin(actor):
        return alive
    rules = [Report.visibility == Visibility.PUBLIC]
    if is_network_member(actor):
        rules.append(Report.visibility == Visibility.NETWORK)
    centers = own_center_ids(actor)
    if centers:
        rules += [
            Report.lead_center_id.in_(centers),
            Report.id.in_(select(ReportCoauthor.report_id).where(ReportCoauthor.center_id.in_(centers))),
            Report.id.in_(select(ReportShare.report_id).where(ReportShare.center_id.in_(centers))),
        ]
    return and_(alive, or_(*rules))


def can_view_report(actor: Actor, report: Report) -> bool:
    """The access table of DESIGN §1 for one report in hand (:func:`visible_reports` for lists)."""
    if report.deleted_at is not None:
        return False
    if is_admin(actor) or report.visibility is Visibility.PUBLIC:
        return True
    if report.visibility is Visibility.NETWORK and is_network_member(actor):
        return True
    return bool(own_center_ids(actor) & _report_center_ids(report))


def can_cite_report(report: Report) -> bool:
    """Citation exports and metadata are for public reports only: those :func:`can_view_report`
    shows to anyone at all, so a network or draft report never leaves the network as a citation."""
    return can_view_report(ANONYMOUS, report)


def _writes_for(actor: Actor, center_id: int) -> bool:
    return center_id in _viewer(actor).writable_center_ids


def can_create_report(actor: Actor, center) -> bool:
    """Editors and focal points of an approved center post reports for it."""
    return center is not None and _writes_for(actor, center.id)


def writable_centers(actor: Actor) -> list:
    """The approved centers the actor posts reports for."""
    viewer = _viewer(actor)
    if not viewer.is_authenticated:
        return []
    return [m.center for m in viewer.memberships if m.center_id in viewer.writable_center_ids]


def can_edit_report(actor: Actor, report: Report) -> bool:
    """Editors of the lead center and of co-authoring centers edit the report."""
    if report.deleted_at is not None:
        return False
    return _writes_for(actor, report.lead_center_id) or any(
        _writes_for(actor, coauthor.center_id) for coauthor in report.coauthors
    )


def can_manage_report(actor: Actor, report: Report) -> bool:
    """Visibility and shares are the lead center's: its editors and focal points."""
    return report.deleted_at is None and _writes_for(actor, report.lead_center_id)


def can_delete_report(actor: Actor, report: Report) -> bool:
    """The lead center's focal point (or an admin) deletes."""
    if report.deleted_at is not None:
        return False
    return is_admin(actor) or is_focal_point(actor, report.lead_center)


def can_confirm_coauthorship(actor: Actor, report: Report, center_id: int) -> bool:
    """Editors and focal points of a named co-authoring center confirm for it."""
    return _writes_for(actor, center_id) and any(c.center_id == center_id for c in report.coauthors)


def can_view_comments(actor: Actor, report: Report) -> bool:
    """The network conversation: signatory members' staff, the report's own centers, admins;
    never the public, even on a public report."""
    if not can_view_report(actor, report) or not is_authenticated(actor):
        return False
    if is_admin(actor) or is_network_member(actor):
        return True
    return bool(own_center_ids(actor) & _report_center_ids(report))


def can_comment(actor: Actor, report: Report) -> bool:
    """Whoever may read the conversation takes part in it, while their account is active."""
    return can_view_comments(actor, report) and actor.is_active
