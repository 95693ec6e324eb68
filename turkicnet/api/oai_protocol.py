"""OAI-PMH 2.0's grammar: which arguments each verb takes, dates, resumption tokens, errors and
the response envelope — everything of the protocol that is not TurkicNet's data.

Written here with lxml rather than with pyoai (``oaipmh.server``, 2.5.0), which was tried
first and rejected: its ``decodeResumptionToken`` calls ``cgi.parse_qs``, gone since
Python 3.8, so every request with a resumption token raised ``AttributeError`` and its server
re-raised it as a 500; importing it warns that ``cgi`` is deprecated (an error under our
``filterwarnings = error``, and the module is removed in Python 3.13); and its tokens are
offsets over the whole result list, re-read on every page, not the keyset asked for here.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from lxml import etree
from werkzeug.datastructures import MultiDict

from ..reports.dublin_core import OAI_DC_NS, XSI_NS, child
from ..reports.services import HarvestFilter

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_PREFIX = "oai_dc"
DATESTAMP = "%Y-%m-%dT%H:%M:%SZ"
CONTENT_TYPE = "text/xml; charset=utf-8"

_LISTS = {"from", "until", "set", "resumptionToken"}
#: verb -> (required arguments, optional ones); resumptionToken is exclusive wherever it is allowed
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset(_LISTS)),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset(_LISTS)),
}

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SECOND = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z")


class OAIError(Exception):
    """An OAI-PMH error: its ``code`` is one of the protocol's (``badArgument``…)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)

    @property
    def code(self) -> str:
        return self.args[0]

    @property
    def message(self) -> str:
        return self.args[1]


@dataclass(frozen=True)
class OAIRequest:
    verb: str
    arguments: dict[str, str]


def parse_request(raw: MultiDict) -> OAIRequest:
    """The verb and its arguments, checked against :data:`VERBS`.

    :raises OAIError: ``badVerb`` for a missing, repeated or unknown verb; ``badArgument`` for
        a repeated, unknown or missing argument, or a resumption token with other arguments
    """
    verbs = raw.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OAIError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    arguments: dict[str, str] = {}
    for key in raw:
        if key == "verb":
            continue
        values = raw.getlist(key)
        if len(values) != 1:
            raise OAIError("badArgument", f"The argument {key} is repeated.")
        if key not in required | optional:
            raise OAIError("badArgument", f"{verb} takes no argument {key}.")
        arguments[key] = values[0]
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument.")
    else:
        missing = sorted(required - set(arguments))
        if missing:
            raise OAIError("badArgument", f"{verb} needs the argument {', '.join(missing)}.")
    return OAIRequest(verb, arguments)


def _parse_date(name: str, raw: str) -> tuple[datetime, timedelta]:
    """The moment ``raw`` names and its granularity's step (a day or a second)."""
    try:
        if match := _DAY.fullmatch(raw):
            return datetime(*map(int, match.groups())), timedelta(days=1)
        if match := _SECOND.fullmatch(raw):
            return datetime(*map(int, match.groups())), timedelta(seconds=1)
    except ValueError:
        pass
    raise OAIError("badArgument", f"{name} is not a date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.")


def harvest_filter(arguments: dict[str, str]) -> HarvestFilter:
    """``from``, ``until`` and ``set`` as a filter: ``until`` includes its whole day or second.

    :raises OAIError: ``badArgument`` for a bad date, dates of two granularities, or from > until
    """
    since = before = None
    if "from" in arguments:
        since, since_step = _parse_date("from", arguments["from"])
    if "until" in arguments:
        until, step = _parse_date("until", arguments["until"])
        if since is not None and since_step != step:
            raise OAIError("badArgument", "from and until must have the same granularity.")
        if since is not None and since > until:
            raise OAIError("badArgument", "from is later than until.")
        try:
            before = until + step
        except OverflowError:  # until the last day there is: no bound at all
            before = None
    return HarvestFilter(since=since, before=before, set_spec=arguments.get("set"))


# ---------------------------------------------------------------- resumption tokens


@dataclass(frozen=True)
class Resumption:
    """Where a list stopped: its verb and filter, the last (datestamp, id) sent, how many were sent."""

    verb: str
    harvest_filter: HarvestFilter
    after: tuple[datetime, int]
    cursor: int
    #: the list's size, counted once on its first page (a harvest of 200,000 records must
    #: not count them all again for each of its 2,000 pages)
    size: int


def _serializer() -> URLSafeSerializer:
    # Signed, so a garbled or made-up token is refused before anything in it is believed.
    keys = [*current_app.config["SECRET_KEY_FALLBACKS"], current_app.config["SECRET_KEY"]]
    return URLSafeSerializer(keys, salt="turkicnet.oai.resumption")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def encode_token(resumption: Resumption) -> str:
    """The token of a list to be continued after ``resumption.after``."""
    harvest = resumption.harvest_filter
    stamp, report_id = resumption.after
    return _serializer().dumps(
        [resumption.verb, _iso(harvest.since), _iso(harvest.before), harvest.set_spec,
         stamp.isoformat(), report_id, resumption.cursor, resumption.size]
    )  # fmt: skip


def decode_token(verb: str, token: str) -> Resumption:
    """:raises OAIError: ``badResumptionToken`` for a token we did not issue for this verb"""
    try:
        token_verb, since, before, set_spec, stamp, report_id, cursor, size = _serializer().loads(token)
        if token_verb != verb or not all(isinstance(n, int) for n in (report_id, cursor, size)):
            raise ValueError(token_verb)
        if set_spec is not None and not isinstance(set_spec, str):
            raise ValueError(set_spec)
        harvest = HarvestFilter(
            since=datetime.fromisoformat(since) if since else None,
            before=datetime.fromisoformat(before) if before else None,
            set_spec=set_spec,
        )
        return Resumption(verb, harvest, (datetime.fromisoformat(stamp), report_id), cursor, size)
    except (BadData, ValueError, TypeError):
        raise OAIError("badResumptionToken", "The resumption token is invalid or expired.") from None


# ---------------------------------------------------------------- the envelope


def oai(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def sub(parent: etree._Element, name: str, text: str | None = None, **attributes) -> etree._Element:
    """A child in the OAI-PMH namespace, with text and attributes."""
    return child(parent, oai(name), text, **attributes)


def datestamp(moment: datetime) -> str:
    return moment.strftime(DATESTAMP)


def envelope(base_url: str, now: datetime, request_attributes: dict[str, str]) -> etree._Element:
    """``<OAI-PMH>`` with its ``responseDate`` and ``request``."""
    root = etree.Element(oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    sub(root, "responseDate", datestamp(now))
    sub(root, "request", base_url, **request_attributes)
    return root


def error_document(base_url: str, now: datetime, error: OAIError, oai_request: OAIRequest | None):
    """The answer to a request that failed: its arguments echoed only when they were legal."""
    attributes = {"verb": oai_request.verb, **oai_request.arguments} if oai_request else {}
    root = envelope(base_url, now, attributes)
    sub(root, "error", error.message, code=error.code)
    return root


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def metadata_format(parent: etree._Element) -> None:
    """The one format: ``oai_dc``."""
    element = sub(parent, "metadataFormat")
    sub(element, "metadataPrefix", OAI_DC_PREFIX)
    sub(element, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    sub(element, "metadataNamespace", OAI_DC_NS)
