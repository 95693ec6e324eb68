"""Nomination letters, as focal points and the Secretariat fetch them: the center's own and
one proposed with a change of its official details."""

from flask import send_file
from flask_login import login_required

from ...core import filetypes
from ...core.permissions import current_viewer
from .. import services
from . import bp


def _letter(path, original_name: str | None):
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filetypes.display_name(original_name or "nomination-letter", "pdf"),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/centers/<slug>/letter")
@login_required
def letter(slug: str):
    center = services.get_center(current_viewer(), slug)
    return _letter(services.letter_path(current_viewer(), center), center.letter_original_name)


@bp.get("/centers/<slug>/changes/<int:request_id>/letter")
@login_required
def change_letter(slug: str, request_id: int):
    center = services.get_center(current_viewer(), slug)
    change = services.get_change_request(current_viewer(), center, request_id)
    return _letter(services.change_letter_path(current_viewer(), change), change.letter_original_name)
