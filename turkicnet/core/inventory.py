"""What the platform holds, as the features tell it: the stored files their rows name, and
the things a restore counts. Core knows neither: each feature registers its own from its
``init_app`` (a file source, a count), and :func:`check_files` holds the rows to the folder.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from . import storage

#: A file younger than this whose name starts with a dot is an upload still arriving.
_INCOMING_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class FileReference:
    """A stored file as a row names it: its stored name, and its size and SHA-256 where kept."""

    stored_name: str
    size: int | None
    sha256: str | None
    #: who holds it, in words: "file “x.pdf” of report 12"
    owner: str


@dataclass
class FileCheck:
    checked: int = 0
    missing: list[FileReference] = field(default_factory=list)
    altered: list[tuple[FileReference, str]] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.orphans)


#: name → a function listing the file references of one kind of row
_FILE_SOURCES: dict[str, Callable[[], Iterable[FileReference]]] = {}
#: name → (label, model): what a restore counts
_COUNTS: dict[str, tuple[object, type]] = {}


def register_file_source(name: str, references: Callable[[], Iterable[FileReference]]) -> None:
    """Add a kind of row that names stored files; a name is registered once."""
    if _FILE_SOURCES.get(name, references) is not references:
        raise ValueError(f"file source {name!r} is registered twice")
    _FILE_SOURCES[name] = references


def register_count(name: str, label, model: type) -> None:
    """Add a model whose rows a restore counts, with the label it reads as."""
    if name in _COUNTS and _COUNTS[name][1] is not model:
        raise ValueError(f"count {name!r} is registered twice")
    _COUNTS[name] = (label, model)


def file_references() -> list[FileReference]:
    """Every stored file some row names, over all the features' sources."""
    return [reference for source in _FILE_SOURCES.values() for reference in source()]


def counts() -> list[tuple[str, int]]:
    """(label, rows) for each registered count, then the stored files."""
    found = [
        (str(label), db.session.scalar(select(func.count()).select_from(model)) or 0)
        for label, model in _COUNTS.values()
    ]
    return [*found, (_("stored files"), len(file_references()))]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _files_on_disk(root: Path) -> dict[str, Path]:
    """Files in the upload folder by their name relative to it, leaving out uploads still
    arriving (a dot-name younger than an hour: an unfinished upload's temporary file)."""
    now = time.time()
    found = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.name.startswith(".") and now - path.stat().st_mtime < _INCOMING_GRACE_SECONDS:
            continue
        found[path.relative_to(root).as_posix()] = path
    return found


def check_files(*, delete_orphans: bool = False) -> FileCheck:
    """Hold the stored-file rows to the upload folder: files missing, files whose size or
    SHA-256 is not the one recorded, and files no row names (orphans), deleted on request.

    A change that is storing a file right now has it on disk before its row commits: run
    this when no one is uploading, or read an orphan twice before deleting it.
    """
    root = storage.upload_root()
    on_disk = _files_on_disk(root)
    result = FileCheck()
    referenced = set()
    for reference in file_references():
        result.checked += 1
        referenced.add(reference.stored_name)
        path = on_disk.get(reference.stored_name)
        if path is None:
            result.missing.append(reference)
            continue
        size = path.stat().st_size
        if reference.size is not None and size != reference.size:
            result.altered.append(
                (reference, _("%(size)d bytes, %(expected)d recorded", size=size, expected=reference.size))
            )
        elif reference.sha256 and file_sha256(path) != reference.sha256:
            result.altered.append((reference, _("its SHA-256 is not the one recorded")))
    result.orphans = sorted(name for name in on_disk if name not in referenced)
    if delete_orphans:
        for name in result.orphans:
            on_disk[name].unlink(missing_ok=True)
        result.deleted = list(result.orphans)
    return result
