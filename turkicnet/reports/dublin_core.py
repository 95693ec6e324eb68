"""A public report in simple Dublin Core: the one field mapping that the ``dc`` citation export
and OAI-PMH's ``oai_dc`` records share, and its ``oai_dc:dc`` XML.

The thematic section is a ``dc:subject`` (what the report is about, as the network files it),
beside its keywords and its Vision-2040 topics; the lead center is the publisher, the confirmed
co-authoring centers contributors.
"""

import re

from lxml import etree

from ..core.markdown import markdown_text
from .citations import Export, institutions, report_url
from .models import Report

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

#: The ``dc`` citation export: the record as its own document.
EXPORT = Export("application/xml", "xml")

#: The elements in the order oai_dc.xsd lists them (the schema allows any order; people read this one).
ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip

#: Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", value)


def child(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A new last child of ``parent``, its text and attributes cleaned for XML: how every
    XML answer (this record, OAI-PMH's envelope) is built."""
    element = etree.SubElement(parent, tag, {name: xml_text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        value = _one_line(value)
        if value:
            seen.setdefault(value, None)
    return list(seen)


def dc_fields(report: Report) -> list[tuple[str, str]]:
    """(element, value) pairs of the report's Dublin Core description, in :data:`ELEMENTS` order."""
    fields = {
        "title": [report.title],
        "creator": report.authors,
        "subject": [*report.keywords, *(topic.title for topic in report.topics), report.section.title],
        "description": [markdown_text(report.abstract)],
        "publisher": institutions(report)[:1],
        "contributor": institutions(report)[1:],
        "date": [report.publication_date.isoformat()],
        "type": ["Text", "Working Paper"],
        "format": [report_file.mime_type for report_file in report.files],
        "identifier": [report_url(report)],
        "language": [report.language],
        "relation": [report.external_url],
    }
    return [(name, value) for name in ELEMENTS for value in _unique(fields.get(name, []))]


def oai_dc_element(report: Report) -> etree._Element:
    """The ``oai_dc:dc`` element of the report (what an OAI-PMH record's metadata holds)."""
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for name, value in dc_fields(report):
        child(dc, f"{{{DC_NS}}}{name}", value)
    return dc


def oai_dc_document(report: Report) -> bytes:
    """The report's ``oai_dc`` record as a standalone XML document, UTF-8."""
    return etree.tostring(oai_dc_element(report), encoding="UTF-8", xml_declaration=True, pretty_print=True)
