"""A change of a member's official details, as its focal points and the Secretariat read it."""

from flask import send_file
from flask_login import login_required

from ...core.permissions import current_viewer
from .. import services
from . import bp


@bp.get("/centers/<slug>/changes/<int:request_id>/letter")
@login_required
def change_letter(slug: str, request_id: int):
    center = services.get_center(current_viewer(), slug)
    change = services.get_change_request(current_viewer(), center, request_id)
    response = send_file(
        services.change_letter_path(current_viewer(), change),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=change.letter_original_name or "nomination-letter.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
