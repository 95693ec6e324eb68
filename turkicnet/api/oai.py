"""OAI-PMH 2.0 at ``/oai``: the public reports as ``oai_dc`` records, sets for the thematic
sections (``section:<slug>``) and the approved centers (``center:<slug>``).

Identifiers are ``oai:<OAI_REPOSITORY_ID>:report/<id>``; a datestamp is the report's last
change (seconds, UTC). Deleted records are kept for good (``persistent``): a report that was
ever public and is not now answers with a header marked deleted. Lists come
``OAI_BATCH_SIZE`` at a time, each resumption token signed and holding the list's filter and
the last (datestamp, id) sent. The protocol's grammar is :mod:`.oai_protocol`; what may be
harvested is :mod:`turkicnet.reports.services.harvest`.
"""

from datetime import datetime

from flask import Blueprint, Response, current_app, request
from lxml import etree

from ..core.converters import parse_id
from ..core.csrf import reads_only
from ..core.timeutil import utcnow
from ..core.urls import external_url
from ..reports import services
from ..reports.dublin_core import child, oai_dc_element
from . import oai_protocol as protocol
from .oai_protocol import OAIError, OAIRequest, Resumption, sub

bp = Blueprint("oai", __name__)

IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
#: The lower bound Identify gives while nothing was ever public.
NO_RECORDS_YET = datetime(2020, 1, 1)


def _repository_id() -> str:
    return current_app.config["OAI_REPOSITORY_ID"]


def record_identifier(report_id: int) -> str:
    return f"oai:{_repository_id()}:report/{report_id}"


def _report_id(identifier: str) -> int | None:
    prefix = f"oai:{_repository_id()}:report/"
    return parse_id(identifier.removeprefix(prefix)) if identifier.startswith(prefix) else None


def _record(identifier: str) -> services.HarvestRecord:
    report_id = _report_id(identifier)
    record = services.harvest_record(report_id) if report_id is not None else None
    if record is None:
        raise OAIError("idDoesNotExist", "No record has this identifier.")
    return record


def _require_oai_dc(arguments: dict[str, str]) -> None:
    if arguments["metadataPrefix"] != protocol.OAI_DC_PREFIX:
        raise OAIError("cannotDisseminateFormat", "The only metadata format here is oai_dc.")


def _header(parent: etree._Element, record: services.HarvestRecord) -> None:
    header = sub(parent, "header", status="deleted") if record.deleted else sub(parent, "header")
    sub(header, "identifier", record_identifier(record.report.id))
    sub(header, "datestamp", protocol.datestamp(record.datestamp))
    for spec in record.set_specs:
        sub(header, "setSpec", spec)


def _full_record(parent: etree._Element, record: services.HarvestRecord) -> None:
    element = sub(parent, "record")
    _header(element, record)
    if not record.deleted:
        sub(element, "metadata").append(oai_dc_element(record.report))


# ---------------------------------------------------------------- the verbs


def identify(body: etree._Element, _arguments: dict[str, str]) -> None:
    config = current_app.config
    sub(body, "repositoryName", config["OAI_REPOSITORY_NAME"])
    sub(body, "baseURL", external_url("oai.endpoint"))
    sub(body, "protocolVersion", "2.0")
    sub(body, "adminEmail", config["OAI_ADMIN_EMAIL"])
    sub(body, "earliestDatestamp", protocol.datestamp(services.earliest_datestamp() or NO_RECORDS_YET))
    sub(body, "deletedRecord", "persistent")
    sub(body, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = sub(body, "description")
    scheme = etree.SubElement(description, f"{{{IDENTIFIER_NS}}}oai-identifier", nsmap={None: IDENTIFIER_NS})
    scheme.set(f"{{{protocol.XSI_NS}}}schemaLocation", f"{IDENTIFIER_NS} {IDENTIFIER_SCHEMA}")
    for name, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", _repository_id()),
        ("delimiter", ":"),
        ("sampleIdentifier", record_identifier(1)),
    ):
        child(scheme, f"{{{IDENTIFIER_NS}}}{name}", text)


def list_metadata_formats(body: etree._Element, arguments: dict[str, str]) -> None:
    if "identifier" in arguments:
        _record(arguments["identifier"])
    protocol.metadata_format(body)


def list_sets(body: etree._Element, arguments: dict[str, str]) -> None:
    if "resumptionToken" in arguments:
        # Every set fits in one answer, so no token of ours ever continues a list of sets.
        raise OAIError("badResumptionToken", "The resumption token is invalid or expired.")
    sets = services.harvest_sets()
    if not sets:
        raise OAIError("noSetHierarchy", "This repository has no sets.")
    for harvest_set in sets:
        element = sub(body, "set")
        sub(element, "setSpec", harvest_set.spec)
        sub(element, "setName", harvest_set.name)


def get_record(body: etree._Element, arguments: dict[str, str]) -> None:
    _require_oai_dc(arguments)
    _full_record(body, _record(arguments["identifier"]))


def _list(verb: str, write, body: etree._Element, arguments: dict[str, str]) -> None:
    """ListIdentifiers and ListRecords: one batch, then a token while more follow."""
    if "resumptionToken" in arguments:
        resumption = protocol.decode_token(verb, arguments["resumptionToken"])
        harvest_filter, after, cursor = resumption.harvest_filter, resumption.after, resumption.cursor
        size = resumption.size
    else:
        _require_oai_dc(arguments)
        harvest_filter, after, cursor, size = protocol.harvest_filter(arguments), None, 0, None
    batch = current_app.config["OAI_BATCH_SIZE"]
    records, more = services.harvest_page(harvest_filter, after=after, limit=batch)
    if not records and after is None:
        raise OAIError("noRecordsMatch", "No record matches the arguments.")
    for record in records:
        write(body, record)
    if after is None and not more:
        return  # the complete list in one answer: no token at all
    if size is None:
        size = services.harvest_count(harvest_filter)
    token = ""
    if more:
        last = records[-1]
        token = protocol.encode_token(
            Resumption(verb, harvest_filter, (last.datestamp, last.report.id), cursor + len(records), size)
        )
    sub(body, "resumptionToken", token, completeListSize=str(size), cursor=str(cursor))


def list_identifiers(body: etree._Element, arguments: dict[str, str]) -> None:
    _list("ListIdentifiers", _header, body, arguments)


def list_records(body: etree._Element, arguments: dict[str, str]) -> None:
    _list("ListRecords", _full_record, body, arguments)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


@bp.route("/oai", methods=["GET", "POST"])
@reads_only
def endpoint():
    base_url, now = external_url("oai.endpoint"), utcnow()
    oai_request: OAIRequest | None = None
    try:
        oai_request = protocol.parse_request(request.form if request.method == "POST" else request.args)
        root = protocol.envelope(base_url, now, {"verb": oai_request.verb, **oai_request.arguments})
        HANDLERS[oai_request.verb](sub(root, oai_request.verb), oai_request.arguments)
    except OAIError as error:
        # badVerb and badArgument echo no arguments: the request was not a legal one.
        legal = error.code not in ("badVerb", "badArgument")
        root = protocol.error_document(base_url, now, error, oai_request if legal else None)
    return Response(protocol.serialise(root), content_type=protocol.CONTENT_TYPE)
