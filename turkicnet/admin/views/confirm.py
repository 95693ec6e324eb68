"""The admin's confirmation pages: rejecting an application (with its reason) and retiring a
section. Each posts to the action's own endpoint, which checks again and acts."""

from flask import render_template, url_for
from flask_babel import gettext as _

from ...centers import services as center_services
from ...core.errors import InvalidState, NotFound
from ...core.forms import ConfirmForm
from ...core.languages import localized
from ...core.permissions import current_viewer
from ...reports import services as report_services
from ..forms import DecisionForm
from . import bp


def reject_page(center, form):
    """The confirmation of a rejection, with the reason asked for (again, when it was missing)."""
    return render_template(
        "core/confirm.html", form=form, fields=["note"], hidden={"decision": "reject"},
        action=url_for("admin.decide", slug=center.slug), cancel=url_for("admin.center", slug=center.slug),
        question=_("Reject the application of %(center)s?", center=center.name),
        consequence=_("The center's focal points read the reason. This cannot be undone from the site."),
        button=_("Reject the application"),
    )  # fmt: skip


@bp.get("/centers/<slug>/reject")
def confirm_reject(slug: str):
    center = center_services.get_center(current_viewer(), slug)
    try:
        center_services.require_decidable("reject", current_viewer(), center)
    except InvalidState as refused:
        raise NotFound(refused.message) from None
    return reject_page(center, DecisionForm(formdata=None))


@bp.get("/sections/<slug>/retire")
def confirm_retire_section(slug: str):
    section = report_services.get_section(slug)
    if not section.active:
        raise NotFound(_("This section is already retired."))
    return render_template(
        "core/confirm.html", form=ConfirmForm(formdata=None),
        action=url_for("admin.section_action", slug=slug, action="retire"), cancel=url_for("admin.sections"),
        question=_("Retire the section “%(title)s”?", title=localized(section, "title")),
        consequence=_(
            "Its reports stay readable, but no new report can be posted in it. You can restore it later."
        ),
        button=_("Retire the section"),
    )  # fmt: skip
