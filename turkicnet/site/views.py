"""The home page, a center's profile and a country's page: each shows several features."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..centers import services as center_services
from ..centers.forms import JoinForm, LeaveForm
from ..centers.linked_data import center_json_ld
from ..centers.permissions import can_view_center, membership_of
from ..core import charts
from ..core.pagination import page_number
from ..core.permissions import ANONYMOUS, current_viewer
from ..core.timeutil import utcnow
from ..core.webutil import script_json
from ..protocol import services as protocol_services
from ..protocol.standing import center_standing
from ..reports import permissions as report_permissions
from ..reports import services as report_services

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    version = protocol_services.current_version()
    by_country = [row for row in protocol_services.centers_by_country() if row.members]
    return render_template(
        "site/home.html",
        counts=center_services.network_counts(),
        by_country=by_country,
        country_chart=charts.grouped_bars(
            [(row.country.code, (row.members, row.signatories)) for row in by_country]
        ),
        version=version,
        progress=protocol_services.rule_progress(version) if version else None,
        latest=report_services.feed_reports(limit=5),
    )


@bp.get("/centers/<slug>")
def center(slug: str):
    viewer = current_viewer()
    center = center_services.get_center(viewer, slug)
    contacts = center_services.primary_contacts([center])
    pending_join = viewer.is_authenticated and center_services.has_pending_join_request(viewer, center)
    reports = report_services.report_page(
        viewer, report_services.Filters(), lead_center_id=center.id, per_page=10,
        page=page_number(),
    )  # fmt: skip
    years = charts.year_items(
        report_services.reports_per_year(viewer, center.id), last=utcnow().year
    )
    return render_template(
        "site/center.html",
        center=center,
        year_chart=charts.columns(years) if years else None,
        standing=center_standing(center),
        contact=contacts.get(center.id),
        reports=reports,
        can_post=report_permissions.can_create_report(viewer, center),
        membership=membership_of(viewer, center),
        pending_join=pending_join,
        join_form=JoinForm(formdata=None),
        leave_form=LeaveForm.for_center(current_user, center),
        # Only a page anyone may read describes the center to search engines.
        json_ld=script_json(center_json_ld(center)) if can_view_center(ANONYMOUS, center) else None,
    )


@bp.get("/countries/<code>")
def country(code: str):
    viewer = current_viewer()
    country = center_services.get_country(code)
    page = center_services.directory_page(viewer, country=country.code, page=page_number())
    reports = report_services.report_page(viewer, report_services.Filters(country=country.code), per_page=10)
    return render_template("site/country.html", country=country, page=page, reports=reports)
