"""File storage under ``instance/uploads`` with random names; types decided by content."""

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from .errors import ValidationFailed

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


def looks_like_pdf(head: bytes, tail: bytes) -> bool:
    """A PDF starts with ``%PDF-`` (within the first KiB) and ends with ``%%EOF``."""
    return b"%PDF-" in head[:1024] and b"%%EOF" in tail


def save_pdf(upload, *, field: str, max_size: int) -> StoredFile:
    """Store an uploaded PDF; refuse anything else, whatever its name or declared type.

    :raises ValidationFailed: on ``field`` when the file is empty, too large or not a PDF
    """
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationFailed(field, _("Choose a PDF file."))
    root = upload_root()
    temp_path = root / f".incoming-{secrets.token_hex(8)}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    try:
        with temp_path.open("wb") as out:
            while chunk := upload.stream.read(_CHUNK):
                if not head:
                    head = chunk[:1024]
                size += len(chunk)
                if size > max_size:
                    raise ValidationFailed(
                        field, _("The file is larger than %(mb)d MB.", mb=max_size // (1024 * 1024))
                    )
                digest.update(chunk)
                tail = (tail + chunk)[-2048:]
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationFailed(field, _("The file is empty."))
        if not looks_like_pdf(head, tail):
            raise ValidationFailed(field, _("The file is not a PDF document."))
        stored_name = secrets.token_hex(16)
        os.replace(temp_path, root / stored_name)
    finally:
        temp_path.unlink(missing_ok=True)
    return StoredFile(
        stored_name=stored_name,
        original_name=clean_filename(upload.filename),
        mime_type="application/pdf",
        size=size,
        sha256=digest.hexdigest(),
    )


def delete(stored_name: str | None) -> None:
    if stored_name:
        path_of(stored_name).unlink(missing_ok=True)


def clean_filename(name: str) -> str:
    """The original name, for display only: no path, no control characters, bounded."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "document.pdf")[-150:]
