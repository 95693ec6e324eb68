"""The cooperation protocol: versions, texts, signing, standing, the ledger and its checkpoints."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The protocol pages and CLI, how a viewer's standing is read, the labels templates show."""
    from flask_babel import lazy_gettext as _l

    from ..core import audit, inventory
    from ..core.languages import language_name
    from ..core.permissions import set_viewer_builder
    from . import keys, labels, standing
    from .cli import protocol_cli
    from .models import LedgerEntry
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(protocol_cli)
    set_viewer_builder(standing.viewer_for)
    audit.register_vocabulary(
        actions=labels.AUDIT_ACTIONS, targets=labels.AUDIT_TARGETS, details=labels.AUDIT_DETAILS,
        codes=("hash", "sha256", "text_sha256"), values={"read": language_name},
    )
    inventory.register_count("ledger_entries", _l("signatures and withdrawals (ledger entries)"), LedgerEntry)
    if app.config["PRODUCTION"]:
        keys.load_at_start(app)
    app.jinja_env.globals.update(
        protocol_status_labels=labels.STATUS_LABELS,
        standing_labels=labels.STANDING_LABELS,
        center_standing=standing.center_standing,
        standings_of=standing.standings,
    )
