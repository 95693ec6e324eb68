"""How versions and a center's standing read to people."""

from flask_babel import lazy_gettext as _l

from .models import VersionStatus

STATUS_LABELS = {
    VersionStatus.DRAFT: _l("Draft"),
    VersionStatus.OPEN: _l("Open for signature"),
    VersionStatus.IN_FORCE: _l("In force"),
    VersionStatus.SUPERSEDED: _l("Superseded"),
}

#: A center's standing in the network (DESIGN §1), computed by :mod:`protocol.standing`.
STANDING_LABELS = {
    "applicant": _l("Applicant"),
    "member": _l("Member"),
    "signatory": _l("Signatory member"),
    "suspended": _l("Suspended"),
    "former": _l("Former member"),
    "rejected": _l("Not admitted"),
}


#: How this feature's audit events read to an admin (registered with core.audit).
AUDIT_ACTIONS = {
    "protocol.create_version": _l("Protocol version created"),
    "protocol.update_version": _l("Protocol version updated"),
    "protocol.save_text": _l("Protocol text saved"),
    "protocol.delete_text": _l("Protocol text removed"),
    "protocol.open": _l("Protocol version opened for signature"),
    "protocol.sign": _l("Protocol signed"),
    "protocol.withdraw": _l("Signature withdrawn"),
    "protocol.supersede": _l("Protocol version superseded"),
    "protocol.enter_into_force": _l("Protocol version entered into force"),
}
AUDIT_TARGETS = {
    "protocolversion": _l("Protocol version"),
    "protocoltext": _l("Protocol text"),
    "ledgerentry": _l("Ledger entry"),
}
AUDIT_DETAILS = {
    "number": _l("Version"),
    "version": _l("Version"),
    "by": _l("Superseded by version"),
    "seq": _l("Ledger entry"),
    "hash": _l("Fingerprint of the ledger entry"),
    "sha256": _l("Fingerprint of the text"),
    "text_sha256": _l("Fingerprint of the texts"),
    "read": _l("Text read before signing"),
}

