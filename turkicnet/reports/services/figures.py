"""The figures a center's page draws: its reports per year, as the viewer may see them."""

from sqlalchemy import extract, func, select

from ...core.permissions import Actor, as_viewer
from ...extensions import db
from ..models import Report, ReportCoauthor
from ..permissions import visible_reports


def reports_per_year(actor: Actor, center_id: int) -> dict[int, int]:
    """{year: number of reports} the actor may see that the center leads or co-authors: the
    same reports as the center page's list, counted by publication year in one query."""
    actor = as_viewer(actor)
    year = extract("year", Report.publication_date)
    rows = db.session.execute(
        select(year.label("year"), func.count(Report.id))
        .where(visible_reports(actor))
        .where(
            (Report.lead_center_id == center_id)
            | Report.id.in_(select(ReportCoauthor.report_id).where(ReportCoauthor.center_id == center_id))
        )
        .group_by(year)
    )
    return {int(y): count for y, count in rows}
