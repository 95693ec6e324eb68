"""A checkpoint someone kept (DESIGN §4): read it from the JSON or the e-mail, and prove the
ledger still holds its entry with its hash, so a cut tail or a rewritten one is caught."""

import email
import email.policy
import json
import re

from sqlalchemy import func, select

from ..extensions import db
from .models import LedgerEntry, LedgerKey
from .verification import key_problem, unverified_signatures

CHECKPOINT_FIELDS = ("seq", "hash", "at", "key_id", "signature")


class UnreadableCheckpoint(ValueError):
    """The file holds no checkpoint this registry could have signed."""


def read_kept_checkpoint(data: bytes) -> dict:
    """The checkpoint in ``data``: a JSON file of its five fields, or the confirmation e-mail
    (as an ``.eml`` file or its pasted text) that carries it.

    :raises UnreadableCheckpoint: when no checkpoint can be found
    """
    text = data.decode("utf-8", errors="replace")
    if re.match(r"[\w-]+: ", text) and "\n\n" in text.replace("\r\n", "\n"):
        message = email.message_from_bytes(data, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
        if part is not None:
            text = part.get_content()
    for candidate in re.findall(r"\{[^{}]*\}", text):
        try:
            found = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(found, dict) and set(CHECKPOINT_FIELDS) <= set(found):
            checkpoint = {name: found[name] for name in CHECKPOINT_FIELDS}
            if not isinstance(checkpoint["seq"], int) or not all(
                isinstance(checkpoint[name], str) for name in CHECKPOINT_FIELDS[1:]
            ):
                raise UnreadableCheckpoint("the checkpoint's fields do not have the right types")
            return checkpoint
    raise UnreadableCheckpoint(
        "no checkpoint (a JSON object with seq, hash, at, key_id and signature) was found"
    )


def check_kept_checkpoint(checkpoint: dict) -> list[str]:
    """Problems with a kept checkpoint: its signature must verify under a key the registry
    publishes, and the ledger must still hold its entry with its hash. Empty when it holds."""
    seq = checkpoint["seq"]
    key_id, where = checkpoint["key_id"], f"kept checkpoint at entry {seq}"
    public_hex = db.session.scalar(select(LedgerKey.public_key).where(LedgerKey.key_id == key_id))
    if public_hex is None or key_problem(key_id, public_hex):
        return [f"{where}: signed by key {key_id}, which the registry does not publish"]
    row = (seq, checkpoint["hash"], checkpoint["at"], key_id, checkpoint["signature"])
    if unverified_signatures({key_id: public_hex}, [row]):
        return [f"{where}: its signature does not verify: it is not one this registry signed"]
    held = db.session.scalar(select(LedgerEntry.hash).where(LedgerEntry.seq == seq))
    if held is None:
        head = db.session.scalar(select(func.max(LedgerEntry.seq))) or 0
        return [
            f"{where}: the ledger has no entry {seq} (it ends at entry {head}): "
            "entries were removed after this checkpoint was signed"
        ]
    if held != checkpoint["hash"]:
        return [
            f"kept checkpoint at entry {seq}: the ledger holds another hash there: "
            f"the ledger up to entry {seq} was rewritten after this checkpoint was signed"
        ]
    return []
