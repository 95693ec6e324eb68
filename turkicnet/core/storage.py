"""File storage under ``instance/uploads`` with random names; types decided by content
(``filetypes``), never by the name an upload came with."""

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from . import filetypes
from .db import after_commit, on_rollback
from .errors import ValidationFailed
from .languages import file_size


class FileTooLarge(ValidationFailed):
    """An upload over the size limit: the form is shown again with status 413."""

    status_code = 413


class WrongKind(ValidationFailed):
    """An upload whose content is not one of the accepted kinds."""


_CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    mime_type: str
    size: int
    sha256: str


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(stored_name: str) -> Path:
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("bad stored name")
    return upload_root() / stored_name


def archive_limits() -> filetypes.ArchiveLimits:
    """The configured caps on what an uploaded archive may unpack to."""
    config = current_app.config
    return filetypes.ArchiveLimits(
        max_inflated=config["UPLOAD_ZIP_MAX_INFLATED"], max_ratio=config["UPLOAD_ZIP_MAX_RATIO"]
    )


def save_upload(upload, *, field: str, max_size: int, kinds: set[str]) -> StoredFile:
    """Store an upload if its content is one of ``kinds``, whatever its name or declared type.

    :raises FileTooLarge: on ``field`` when it is over ``max_size``
    :raises ValidationFailed: on ``field`` when it is empty or of another kind
    """
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationFailed(field, _("Choose a file."))
    root = upload_root()
    temp_path = root / f".incoming-{secrets.token_hex(8)}"
    digest = hashlib.sha256()
    size = 0
    try:
        with temp_path.open("wb") as out:
            while chunk := upload.stream.read(_CHUNK):
                size += len(chunk)
                if size > max_size:
                    limit = file_size(max_size)
                    raise FileTooLarge(field, _("The file is larger than %(size)s.", size=limit))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationFailed(field, _("The file is empty."))
        original_name = clean_filename(upload.filename)
        try:
            kind = filetypes.sniff(temp_path, original_name, archive_limits())
        except filetypes.Unacceptable as refusal:
            raise ValidationFailed(
                field, _("%(name)s is refused: %(reason)s", name=original_name, reason=refusal.message)
            ) from refusal
        if kind not in kinds:
            names = ", ".join(sorted(k.upper() for k in kinds))
            raise WrongKind(
                field, _("%(name)s is not one of the accepted kinds of document (%(kinds)s).",
                         name=original_name, kinds=names)
            )  # fmt: skip
        stored_name = secrets.token_hex(16)
        os.replace(temp_path, root / stored_name)
    finally:
        temp_path.unlink(missing_ok=True)
    return StoredFile(
        stored_name=stored_name,
        original_name=filetypes.display_name(original_name, kind),
        mime_type=filetypes.MIME_TYPES[kind],
        size=size,
        sha256=digest.hexdigest(),
    )


def save_pdf(upload, *, field: str, max_size: int) -> StoredFile:
    """Store an uploaded PDF; refuse anything else.

    :raises ValidationFailed: on ``field`` when the file is empty, too large or not a PDF
    """
    if upload is not None and getattr(upload, "filename", ""):
        try:
            return save_upload(upload, field=field, max_size=max_size, kinds={"pdf"})
        except WrongKind as error:
            raise ValidationFailed(field, _("The file is not a PDF document.")) from error
    raise ValidationFailed(field, _("Choose a PDF file."))


def delete(stored_name: str | None) -> None:
    if stored_name:
        path_of(stored_name).unlink(missing_ok=True)


def clean_filename(name: str) -> str:
    """The original name, for display only: no path, no control characters, bounded."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "document.pdf")[-150:]


def keep_on_commit(new_files: list[str | None], replaced: list[str | None] = ()) -> None:
    """Tie stored files to the unit of work that is running: the ``new_files`` are deleted
    if it rolls back, the ``replaced`` ones once it has committed. Files and rows stay
    consistent either way."""
    new_files = [name for name in new_files if name]
    replaced = [name for name in replaced if name]
    if new_files:
        on_rollback(lambda: [delete(name) for name in new_files])
    if replaced:
        after_commit(lambda: [delete(name) for name in replaced])
