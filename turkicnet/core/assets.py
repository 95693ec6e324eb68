"""Static files under a content-hashed name, so browsers may cache them for a year."""

import hashlib
from pathlib import Path

from flask import current_app, url_for

_cache: dict[tuple[str, float], str] = {}


def _digest(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    key = (str(path), path.stat().st_mtime)
    if key not in _cache:
        _cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _cache[key]


def hashed_name(filename: str) -> str:
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.{_digest(filename)}.{suffix}" if dot else f"{filename}.{_digest(filename)}"


def asset_url(filename: str) -> str:
    return url_for("core.asset", name=hashed_name(filename))


def resolve(name: str) -> str | None:
    """The real file name behind a hashed name, if the hash is the current one."""
    stem, dot, suffix = name.rpartition(".")
    base, dot2, digest = stem.rpartition(".")
    if not (dot and dot2):
        return None
    filename = f"{base}.{suffix}"
    path = Path(current_app.static_folder) / filename
    if ".." in Path(filename).parts or not path.is_file():
        return None
    return filename if _digest(filename) == digest else None
