"""What kind of document a file is, judged from its content alone, and the name it is kept under.

The kind decides the stored name's extension and the Content-Type it is served with; the
name a person's computer gave the file decides nothing (audit F-07). Archives are checked by
inflating them in chunks against caps on what they really unpack to (audit F-08).
"""

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
}
_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
_ODF_TYPES = {MIME_TYPES["odt"]: "odt", MIME_TYPES["ods"]: "ods"}
_ZIP_MAGIC = b"PK\x03\x04"
_COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
_CHUNK = 64 * 1024
ZIP_MAX_ENTRIES = 10_000
#: Below this many inflated bytes the ratio is not judged: tiny archives are mostly headers.
_RATIO_FLOOR = 1024 * 1024
PDF_MAX_PAGES = 10_000
# Markup a browser runs when the file is opened as a page. None of these can start a PDF
# token (a PDF's "<" opens a dictionary or a hex string of 0-9a-f); no name is shorter than
# three letters, so random bytes of a compressed stream do not spell one.
_HTML_MARKUP = re.compile(
    rb"<(?:!doctype|!--|html|head|body|script|svg|math|iframe|frame|frameset|object|embed|applet|img|image"
    rb"|meta|link|style|form|base|input|button|textarea|select|details|audio|video|source|track|marquee"
    rb"|div|span|table|template|xml|\?xml)(?=[\s/>])",
    re.IGNORECASE,
)
#: A CSV is text with no markup at all: "<" followed by a letter, "!", "?" or "/" opens a tag.
_CSV_MARKUP = re.compile(rb"<[a-zA-Z!?/]")
_HTML_OVERLAP = 32


class Unacceptable(Exception):
    """Content of a known kind, refused for the reason in ``message``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ArchiveLimits:
    max_inflated: int
    max_ratio: int


def sniff(path: Path, original_name: str, limits: ArchiveLimits) -> str | None:
    """The kind of document in ``path`` judged from its content, or ``None`` for none we take.

    A CSV has no signature: a file named ``.csv`` is one if its text reads as one.

    :raises Unacceptable: for content of a known kind that is damaged or dangerous
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(2048)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if head.startswith(b"%PDF-"):
        _check_pdf(path, tail)
        return "pdf"
    if b"%PDF-" in head[:1024]:
        # Readers tolerate bytes before the header; a page-and-PDF polyglot needs them.
        raise Unacceptable(_("The PDF file has something before its header and is not accepted."))
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(path, size, limits)
    if original_name.lower().endswith(".csv") and _looks_like_csv(path):
        if holds_html(path, _CSV_MARKUP):
            raise Unacceptable(_("The CSV file holds web page markup (HTML) and is not accepted."))
        return "csv"
    return None


def holds_html(path: Path, markup: re.Pattern = _HTML_MARKUP) -> bool:
    """Whether the file anywhere holds the start of an HTML element a browser would run."""
    carried = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if markup.search(carried + chunk):
                return True
            carried = chunk[-_HTML_OVERLAP:]
    return False


def _check_pdf(path: Path, tail: bytes) -> None:
    not_readable = _("The file starts like a PDF but is not a readable PDF document.")
    if b"%%EOF" not in tail:
        raise Unacceptable(not_readable)
    if holds_html(path):
        raise Unacceptable(_("The PDF file also holds web page markup (HTML) and is not accepted."))
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(path, strict=False)
            pages = len(reader.pages)
            if 1 <= pages <= PDF_MAX_PAGES:
                reader.pages[0].mediabox  # noqa: B018 - reading the first page is the check
    # A parser of untrusted bytes may fail in any way; each one means "not a PDF we can read".
    except Exception as error:  # noqa: BLE001
        raise Unacceptable(not_readable) from error
    if not 1 <= pages <= PDF_MAX_PAGES:
        raise Unacceptable(not_readable)


def _sniff_zip(path: Path, size: int, limits: ArchiveLimits) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if any(info.compress_type not in _COMPRESSIONS for info in infos):
                return None  # a compression zipfile cannot inflate: not a document we take
            _check_members(infos)
            _check_inflation(archive, infos, size, limits)
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return _ODF_TYPES.get(declared)
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in _OOXML_PARTS.items() if part in names), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    return None


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise Unacceptable(_("The archive holds more than %(n)d parts.", n=ZIP_MAX_ENTRIES))
    for info in infos:
        name = info.filename
        if name.startswith("/") or ".." in name.replace("\\", "/").split("/"):
            raise Unacceptable(_("The archive holds a part whose path leaves its folder."))
        if name.lower().endswith("vbaproject.bin"):
            raise Unacceptable(_("Documents with macros are not accepted."))
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise Unacceptable(_("The archive holds a symbolic link."))


def _check_inflation(archive: zipfile.ZipFile, infos, size: int, limits: ArchiveLimits) -> None:
    """Inflate every part in chunks, counting the bytes that really come out, and stop at
    the first cap passed: declared sizes are whatever the archive's maker wrote."""
    inflated = 0
    for info in infos:
        if info.is_dir():
            continue
        with archive.open(info) as member:
            first = True
            while chunk := member.read(_CHUNK):
                # Office files embed other Office files only under an embeddings folder.
                if first and chunk.startswith(_ZIP_MAGIC) and "/embeddings/" not in info.filename:
                    raise Unacceptable(_("The archive holds another archive inside it."))
                first = False
                inflated += len(chunk)
                if inflated > limits.max_inflated:
                    raise Unacceptable(
                        _("The archive unpacks to more than %(mb)d MB.", mb=limits.max_inflated // 2**20)
                    )
                if inflated > _RATIO_FLOOR and inflated > limits.max_ratio * size:
                    raise Unacceptable(
                        _("The archive is compressed more than %(ratio)d to 1, far more than a document.",
                          ratio=limits.max_ratio)
                    )  # fmt: skip


def _looks_like_csv(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = sample[: sample.rfind(b"\n") + 1 or len(sample)].decode("utf-8")
        except UnicodeDecodeError:
            return False
    first_line = text.splitlines()[0] if text.strip() else ""
    return any(delimiter in first_line for delimiter in (",", ";", "\t"))


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
_NAME_LENGTH = 150


def display_name(name: str, kind: str) -> str:
    """The name a file is shown and downloaded under: the cleaned ``name`` made to end in
    ``kind``'s extension whatever it ended in (``report.pdf.html`` is ``report.pdf``,
    ``x.html`` holding a PDF is ``x.pdf``)."""
    extension = "." + kind
    if not name.lower().endswith(extension):
        name = _EXTENSION.sub("", name)
        if not name.lower().endswith(extension):
            name = name.rstrip(". ") + extension
    if name == extension:
        name = "document" + extension
    return name[-_NAME_LENGTH:] if len(name) > _NAME_LENGTH else name


def kind_of(mime_type: str) -> str | None:
    """The kind a stored file's Content-Type says it is."""
    return next((kind for kind, mime in MIME_TYPES.items() if mime == mime_type), None)
