"""The protocol's public pages, the ledger's JSON, certificates, notices and signing."""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from ..core import charts
from ..core.csrf import keeps_typed_input
from ..core.errors import ValidationFailed
from ..core.markdown import render_markdown
from ..core.permissions import current_viewer
from ..core.timeutil import utcnow
from ..core.webutil import attach_error, csv_stream
from ..extensions import limiter
from . import services
from .forms import SignForm, WithdrawForm
from .permissions import signing_centers

bp = Blueprint("protocol", __name__, url_prefix="/protocol")


def _version_context(version, rows, *, previous, compare: str = ""):
    english = services.get_text(version, "en")
    other = version.text(compare) if compare and compare != "en" else None
    return {
        "version": version,
        "english": english,
        "english_html": render_markdown(english.body),
        "other": other,
        "other_html": render_markdown(other.body) if other else None,
        "previous": previous,
        "rows": rows,
        "progress": services.rule_progress(version) if version.text_sha256 else None,
    }


@bp.get("")
def index():
    overview = services.overview(current_viewer())
    version = overview.current
    if version is None:
        return render_template("protocol/index.html", version=None, versions=overview.versions)
    sort, direction = request.args.get("sort", "country"), request.args.get("dir", "asc")
    rows = services.status_table(version, sort=sort, descending=direction == "desc")
    by_day = services.signatures_by_day(version)
    totals = charts.running_totals(by_day)
    chart = charts.step_line(totals, end=utcnow().date(), threshold=version.required_centers)
    return render_template(
        "protocol/index.html",
        signature_chart=chart if totals else None,
        signature_days=[(*changes, total) for changes, (_day, total) in zip(by_day, totals, strict=True)],
        **_version_context(version, rows, previous=overview.previous),
        totals=services.totals_by_country(version),
        versions=overview.versions,
        open_versions=overview.signable,
        my_centers=signing_centers(current_viewer()),
        sort=sort,
        direction=direction,
    )


STATUS_CSV_HEADER = [
    "version", "center_slug", "center_name", "native_name", "country_code", "country",
    "signed_at_utc", "signature_seq", "withdrawn_at_utc", "withdrawal_seq", "standing", "center_status",
]  # fmt: skip


def _status_csv_rows(version, rows):
    for row in rows:
        withdrawn = row.withdrawn if row.withdrawn and not row.signature_stands else None
        if row.standing:
            standing = "signatory"
        elif row.signature_stands:
            standing = "not_counted"  # signed, but the center is suspended or no longer a member
        else:
            standing = "withdrawn"
        yield (
            version.number, row.center.slug, row.center.name, row.center.native_name or "",
            row.center.country_code, row.center.country.name,
            row.signed.at if row.signed else "", row.signed.seq if row.signed else "",
            withdrawn.at if withdrawn else "", withdrawn.seq if withdrawn else "",
            standing, row.center.status.value,
        )  # fmt: skip


@bp.get("/status.csv")
def status_csv():
    """The status table of the current version, one row per center that ever signed it."""
    version = services.overview(current_viewer()).current
    if version is None:
        return csv_stream(STATUS_CSV_HEADER, [], "turkicnet-protocol-status.csv")
    rows = services.status_table(version)
    filename = f"turkicnet-protocol-v{version.number}-status-{utcnow().date().isoformat()}.csv"
    return csv_stream(STATUS_CSV_HEADER, _status_csv_rows(version, rows), filename)


@bp.get("/v/<int:number>")
def version(number: int):
    version = services.get_version(current_viewer(), number)
    compare = request.args.get("compare", "")
    rows = services.status_table(version) if version.text_sha256 else []
    return render_template(
        "protocol/version.html",
        **_version_context(version, rows, previous=services.previous_version(version), compare=compare),
        compare=compare,
        my_centers=signing_centers(current_viewer(), version),
    )


@bp.get("/v/<int:number>/text/<lang>.md")
def text(number: int, lang: str):
    version = services.get_version(current_viewer(), number)
    version_text = services.get_text(version, lang)
    return Response(
        version_text.body.encode("utf-8"),
        content_type="text/markdown; charset=utf-8",
        headers={"X-Text-SHA256": version_text.sha256},
    )


@bp.get("/v/<int:number>/diff")
def diff(number: int):
    version = services.get_version(current_viewer(), number)
    previous = services.previous_version(version)
    lines = (
        services.text_diff(services.get_text(previous, "en").body, services.get_text(version, "en").body)
        if previous
        else []
    )
    return render_template("protocol/diff.html", version=version, previous=previous, lines=lines)


def _signatory_key() -> str:
    """Signing and withdrawing count per person as well as per address: signatories of
    several centers may share one institutional address, and one person's retries must not
    block the others (the per-address limit is the higher one)."""
    if current_user.is_authenticated:
        return f"signatory:{current_user.id}"
    return f"signatory-address:{get_remote_address()}"


def _signing_limits(view):
    per_address = limiter.limit(lambda: current_app.config["SIGN_LIMIT_PER_IP"], methods=["POST"])
    per_signatory = limiter.limit(
        lambda: current_app.config["SIGN_LIMIT_PER_USER"], methods=["POST"], key_func=_signatory_key
    )
    return per_address(per_signatory(view))


def _prefill_signer(form):
    """On the first view, the signatory's name and position as their account has them."""
    if request.method == "GET":
        form.signer_name.data = current_user.full_name
        form.signer_title.data = current_user.position
    return form


@bp.route("/v/<int:number>/sign", methods=["GET", "POST"])
@keeps_typed_input
@login_required
@_signing_limits
def sign(number: int):
    version = services.get_version(current_viewer(), number)
    center = services.center_to_sign(current_viewer(), request.args.get("center"), version)
    standing = services.standing_entry(center.slug, version.number)
    reading = services.reading_text(version, request.args.get("lang"), str(get_locale() or "en"))
    form = _prefill_signer(SignForm())
    if request.method == "GET":
        form.fingerprint.data = version.text_sha256
    if form.validate_on_submit():
        try:
            entry = services.sign_protocol(
                current_viewer(), center, version,
                signer_name=form.signer_name.data, signer_title=form.signer_title.data,
                password=form.password.data, fingerprint=form.fingerprint.data,
                confirm_authority=form.confirm_authority.data, read_language=reading.language,
            )  # fmt: skip
        except ValidationFailed as error:
            attach_error(form, error)
        except services.AlreadySigned as error:
            flash(error.message, "info")
            return redirect(url_for("protocol.certificate", seq=error.seq))
        else:
            flash(
                _("You signed version %(n)d for %(center)s.", n=version.number, center=center.name), "success"
            )
            return redirect(url_for("protocol.certificate", seq=entry.seq))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "protocol/sign.html", version=version, center=center, form=form, standing=standing,
        reading=reading, text_html=render_markdown(reading.body),
    ), status  # fmt: skip


@bp.route("/v/<int:number>/withdraw", methods=["GET", "POST"])
@keeps_typed_input
@login_required
@_signing_limits
def withdraw(number: int):
    version = services.get_version(current_viewer(), number)
    center = services.signing_center(current_viewer(), request.args.get("center"))
    standing = services.standing_entry(center.slug, version.number)
    form = _prefill_signer(WithdrawForm())
    if form.validate_on_submit():
        try:
            entry = services.withdraw_signature(
                current_viewer(), center, version,
                signer_name=form.signer_name.data, signer_title=form.signer_title.data,
                reason=form.reason.data, password=form.password.data,
            )  # fmt: skip
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The signature of %(center)s was withdrawn.", center=center.name), "success")
            return redirect(url_for("protocol.certificate", seq=entry.seq))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "protocol/withdraw.html", version=version, center=center, form=form, standing=standing
    ), status


@bp.get("/ledger.json")
def ledger_json():
    return jsonify(services.ledger_payload())


@bp.get("/versions.json")
def versions_json():
    return jsonify(services.versions_payload())


@bp.get("/checkpoints.json")
def checkpoints_json():
    return jsonify(services.checkpoints_payload())


@bp.get("/signatures/<int:seq>")
def certificate(seq: int):
    entry = services.get_entry(seq)
    version = services.get_version(current_viewer(), entry.version)
    return render_template(
        "protocol/certificate.html", entry=entry, version=version,
        center=services.center_for_slug(entry.center), checkpoint=services.entry_checkpoint(entry),
    )  # fmt: skip


@bp.get("/notices")
def notices():
    return render_template("protocol/notices.html", notices=services.notices(limit=100))


@bp.get("/notices.atom")
def notices_atom():
    body = render_template("protocol/notices.atom", notices=services.notices(limit=50))
    return Response(body, mimetype="application/atom+xml")


@bp.get("/registry")
def registry():
    return render_template(
        "protocol/registry.html",
        head=services.head_checkpoint(),
        base_url=current_app.config["BASE_URL"].rstrip("/"),
    )


@bp.get("/verify_ledger.py")
def verifier_script():
    """The independent verifier (``tools/verify_ledger.py``), for anyone to download and read."""
    script = Path(current_app.root_path).parent / "tools" / "verify_ledger.py"
    if not script.is_file():
        abort(404)
    return send_file(script, mimetype="text/x-python", as_attachment=True, download_name="verify_ledger.py")
