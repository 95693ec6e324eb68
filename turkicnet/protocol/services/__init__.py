"""Protocol operations: versions and texts (admins), signing and withdrawing (authorised
signatories), entry into force, and the reads the public pages need.

``from turkicnet.protocol import services`` keeps working: every public name is here.
"""

from ..labels import readable_stamp
from ..standing import signatory_slugs, standing_entry
from .figures import CountryFigures, centers_by_country, signatures_by_day
from .notices import Notice, notices
from .registry import (
    PublishedCheckpoint,
    RuleProgress,
    StatusRow,
    center_for_slug,
    checkpoints_payload,
    entry_checkpoint,
    get_entry,
    head_checkpoint,
    ledger_payload,
    ledger_slice,
    rule_progress,
    status_table,
    totals_by_country,
    verify_ledger,
    version_dict,
    versions_payload,
)
from .signing import (
    AlreadySigned,
    center_to_sign,
    sign_protocol,
    signing_center,
    withdraw_signature,
)
from .versions import (
    Overview,
    create_version,
    current_version,
    delete_text,
    get_text,
    get_version,
    list_versions,
    open_version,
    overview,
    previous_version,
    reading_text,
    save_text,
    text_diff,
    update_version,
)

__all__ = [
    "version_dict",
    "CountryFigures",
    "centers_by_country",
    "signatures_by_day",
    "ledger_slice",
    "AlreadySigned",
    "Notice",
    "Overview",
    "PublishedCheckpoint",
    "RuleProgress",
    "StatusRow",
    "center_for_slug",
    "center_to_sign",
    "checkpoints_payload",
    "create_version",
    "current_version",
    "delete_text",
    "entry_checkpoint",
    "get_entry",
    "get_text",
    "get_version",
    "head_checkpoint",
    "ledger_payload",
    "list_versions",
    "notices",
    "open_version",
    "overview",
    "previous_version",
    "readable_stamp",
    "reading_text",
    "rule_progress",
    "save_text",
    "sign_protocol",
    "signatory_slugs",
    "signing_center",
    "standing_entry",
    "status_table",
    "text_diff",
    "totals_by_country",
    "update_version",
    "verify_ledger",
    "versions_payload",
    "withdraw_signature",
]
