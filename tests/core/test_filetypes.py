"""Uploads are typed by content: names and extensions come from the sniffed kind (F-07), and
archives are inflated in chunks against caps on what they really unpack to (F-08)."""

import io
import stat
import zipfile

import pytest
from werkzeug.datastructures import FileStorage

from turkicnet.core import filetypes, storage
from turkicnet.core.errors import ValidationFailed
from turkicnet.core.pdf import simple_pdf

ALL_KINDS = set(filetypes.MIME_TYPES)
POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n%%EOF\n"
DOCX_PARTS = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}


def _save(data: bytes, name: str, kinds=ALL_KINDS):
    upload = FileStorage(stream=io.BytesIO(data), filename=name)
    return storage.save_upload(upload, field="files", max_size=50 * 2**20, kinds=kinds)


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(ValidationFailed) as refused:
        _save(data, name)
    assert refused.value.field == "files"
    return refused.value.message


def _zip(parts: dict, *, zeros: tuple[str, int] | None = None) -> bytes:
    """An archive of ``parts``, plus a member of ``zeros[1]`` zero bytes written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        if zeros:
            with archive.open(zeros[0], "w") as member:
                for _ in range(zeros[1] // 2**20):
                    member.write(bytes(2**20))
    return buffer.getvalue()


def test_the_archive_caps_default_to_100_mib_and_100_to_1(app):
    assert app.config["UPLOAD_ZIP_MAX_INFLATED"] == 100 * 2**20
    assert app.config["UPLOAD_ZIP_MAX_RATIO"] == 100


@pytest.mark.parametrize(
    "name, kind, shown",
    [
        ("report.pdf.html", "pdf", "report.pdf"),
        ("x.html", "pdf", "x.pdf"),
        ("Report.PDF", "pdf", "Report.PDF"),
        ("annual report 2024", "pdf", "annual report 2024.pdf"),
        ("v1.2 final", "docx", "v1.2 final.docx"),
        ("figures.xlsx.exe", "csv", "figures.xlsx.csv"),
        (".html", "pdf", "document.pdf"),
        ("a" * 200 + ".html", "pdf", "a" * 146 + ".pdf"),
    ],
)
def test_the_shown_name_ends_in_the_sniffed_kinds_extension(name, kind, shown):
    assert filetypes.display_name(name, kind) == shown


def test_a_pdf_named_html_is_kept_as_a_pdf(app):
    assert _save(simple_pdf(["Report"]), "report.pdf\x00.html").original_name == "report.pdf"
    stored = _save(simple_pdf(["Report"]), "x.html")
    assert (stored.original_name, stored.mime_type) == ("x.pdf", "application/pdf")


def test_a_csv_named_csv_is_kept_and_served_as_csv(app):
    stored = _save(b"year,gdp\n2023,4.5\n", "gdp.csv")
    assert (stored.original_name, stored.mime_type) == ("gdp.csv", "text/csv")


def test_a_pdf_html_polyglot_is_refused_with_its_reason(app):
    assert "web page markup" in _refusal(POLYGLOT, "x.html")
    assert "web page markup" in _refusal(simple_pdf(["x"]) + b"\n<SVG onload=alert(1)>", "report.pdf")


def test_a_file_that_only_starts_and_ends_like_a_pdf_is_refused(app):
    assert "not a readable PDF" in _refusal(b"%PDF-1.7\n" + b"nothing here\n" * 50 + b"%%EOF\n", "r.pdf")
    assert "not a readable PDF" in _refusal(simple_pdf(["x"])[:-6], "r.pdf")


MARKUP = [
    b"<html>", b"<SCRIPT>alert(1)</SCRIPT>", b"<svg/onload=x>", b"<iFrame src=x>",
    b"<details open ontoggle=alert(1)>", b"<audio src=x onerror=alert(1)>", b"<!-- x -->",
]  # fmt: skip


@pytest.mark.parametrize("markup", MARKUP)
def test_a_csv_holding_html_markup_is_refused(app, markup):
    assert "web page markup" in _refusal(b"name,note\nAda," + markup + b"\n", "people.csv")


def test_html_markup_across_a_chunk_boundary_is_found(app, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n" + b"x" * (64 * 1024 - 6) + b"<script>")
    assert filetypes.holds_html(path)


def test_a_small_zip_of_many_mib_of_zeros_is_refused_by_its_ratio(app):
    bomb = _zip(DOCX_PARTS, zeros=("word/media/blank.bin", 20 * 2**20))
    assert len(bomb) < 100_000
    assert "compressed more than 100 to 1" in _refusal(bomb, "report.docx")


class ReadLog:
    """Every read asked of an archive member: its size, and the bytes that came out."""

    def __init__(self, monkeypatch):
        self.sizes: list[int] = []
        self.inflated = 0
        original = zipfile.ZipExtFile.read

        def read(member, n=-1):
            self.sizes.append(n)
            data = original(member, n)
            self.inflated += len(data)
            return data

        def whole(*_args, **_kwargs):
            raise AssertionError("ZipFile.read inflates a whole member")

        monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
        monkeypatch.setattr(zipfile.ZipFile, "read", whole)


def test_inflating_stops_at_the_cap_and_reads_in_chunks(app, monkeypatch):
    app.config.update(UPLOAD_ZIP_MAX_INFLATED=2 * 2**20, UPLOAD_ZIP_MAX_RATIO=10**6)
    bomb = _zip(DOCX_PARTS, zeros=("word/document2.xml", 40 * 2**20))
    log = ReadLog(monkeypatch)
    assert "unpacks to more than 2 MB" in _refusal(bomb, "report.docx")
    assert log.inflated <= 2 * 2**20 + 64 * 1024
    assert log.sizes and all(0 < size <= 64 * 1024 for size in log.sizes)


def test_an_odt_mimetype_member_is_read_only_100_bytes_at_a_time(app, monkeypatch):
    app.config.update(UPLOAD_ZIP_MAX_INFLATED=2 * 2**20, UPLOAD_ZIP_MAX_RATIO=10**6)
    bomb = _zip({}, zeros=("mimetype", 40 * 2**20))
    log = ReadLog(monkeypatch)
    assert "unpacks to more than 2 MB" in _refusal(bomb, "notes.odt")
    assert log.inflated <= 2 * 2**20 + 64 * 1024
    odt = _zip({"mimetype": filetypes.MIME_TYPES["odt"], "content.xml": "<office:document/>"})
    assert _save(odt, "notes.odt").original_name == "notes.odt"
    assert 100 in log.sizes and all(0 < size <= 64 * 1024 for size in log.sizes)


def test_a_real_office_document_passes_the_caps(app):
    stored = _save(_zip(DOCX_PARTS | {"word/styles.xml": "<w:styles/>" * 2000}), "report.docx.html")
    assert stored.original_name == "report.docx"
    assert stored.mime_type == filetypes.MIME_TYPES["docx"]


def test_a_symbolic_link_member_is_refused(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in DOCX_PARTS.items():
            archive.writestr(name, content)
        link = zipfile.ZipInfo("word/media/secret")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in _refusal(buffer.getvalue(), "report.docx")


def test_a_nested_archive_is_refused_but_an_embedded_workbook_is_not(app):
    inner = _zip({"a.txt": "x"})
    assert "another archive" in _refusal(_zip(DOCX_PARTS | {"word/media/inner.zip": inner}), "r.docx")
    embedded = _zip(DOCX_PARTS | {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": inner})
    assert _save(embedded, "r.docx").mime_type == filetypes.MIME_TYPES["docx"]


@pytest.mark.parametrize(
    "prefix", [b"<input autofocus onfocus=alert(1)>\n", "\ufeff<script>x</script>".encode("utf-16-le"), b" "]
)
def test_a_pdf_with_anything_before_its_header_is_refused(app, prefix):
    assert "before its header" in _refusal(prefix + simple_pdf(["x"]), "report.pdf")


def test_a_csv_with_comparisons_but_no_markup_is_kept(app, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(b"indicator,value\ninflation < 5%,4.2\na<3 and b>2,1\n")
    assert not filetypes.holds_html(path, filetypes._CSV_MARKUP)


def test_an_archive_in_a_compression_zipfile_cannot_inflate_is_no_document(app, tmp_path):
    import zipfile

    from turkicnet.core.filetypes import ArchiveLimits, sniff

    path = tmp_path / "odd.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    data = bytearray(path.read_bytes())
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):  # mark every member with method 99 (AES)
        start = 0
        while (at := data.find(signature, start)) != -1:
            offset = at + (8 if signature == b"PK\x03\x04" else 10)
            data[offset : offset + 2] = (99).to_bytes(2, "little")
            start = at + 4
    path.write_bytes(bytes(data))
    assert sniff(path, "odd.docx", ArchiveLimits(100 * 1024 * 1024, 100)) is None
