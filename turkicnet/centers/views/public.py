"""Center pages anyone may open: the directory, its CSV export, and an invitation link."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.errors import InvalidState, NotFound
from ...core.forms import ConfirmForm
from ...core.pagination import page_number
from ...core.permissions import current_viewer
from ...core.webutil import csv_stream
from .. import services
from . import bp


@bp.get("/centers")
def directory():
    country = request.args.get("country", "").upper()
    q = request.args.get("q", "").strip()[:100]
    page = services.directory_page(current_viewer(), country=country, q=q, page=page_number())
    return render_template(
        "centers/directory.html",
        page=page,
        country=country,
        q=q,
        countries=services.list_countries(),
        counts=services.approved_counts_by_country(),
    )


@bp.get("/centers.csv")
def directory_csv():
    country = request.args.get("country", "").upper()
    q = request.args.get("q", "").strip()[:100]
    rows = services.directory_rows(current_viewer(), country=country, q=q)
    header = [
        "slug",
        "name",
        "native_name",
        "acronym",
        "country_code",
        "country",
        "ots_standing",
        "city",
        "website",
        "kind",
        "parent_body",
        "founded_year",
    ]
    return csv_stream(
        header,
        (
            (
                center.slug,
                center.name,
                center.native_name,
                center.acronym,
                center.country_code,
                center.country.name,
                center.country.ots_standing.value,
                center.city,
                center.website,
                center.kind.value,
                center.parent_body,
                center.founded_year or "",
            )
            for center in rows
        ),
        "turkicnet-centers.csv",
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        invitation = services.get_invitation(token)
    except (NotFound, InvalidState) as error:
        return render_template("auth/link_problem.html", message=error.message), 400
    form = ConfirmForm()
    if request.method == "POST" and current_user.is_authenticated and form.validate_on_submit():
        membership = services.accept_invitation(current_viewer(), token)
        flash(_("Welcome to the staff of %(center)s.", center=membership.center.name), "success")
        return redirect(url_for("site.center", slug=membership.center.slug))
    return render_template("centers/invitation.html", invitation=invitation, form=form, token=token)
