"""The API's schemas (marshmallow): what each endpoint reads, validated on the way in, and
what it writes, dumped on the way out. ``openapi.py`` builds the OpenAPI document from
these very classes, so the document cannot drift from what the code accepts."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..core.forms import without_control_characters
from ..core.urls import external_url
from ..protocol.ledger import utc_stamp
from ..reports.models import Visibility

MAX_PER_PAGE = 100
_SLUG = validate.Length(max=64)


def _link(endpoint: str, **values) -> str:
    return external_url(endpoint, **values)


def _uri(getter, description: str = ""):
    return fields.Function(getter, metadata={"type": "string", "format": "uri", "description": description})


# ---------------------------------------------------------------- requests


class Text(fields.String):
    """Text as a person would type it: control characters dropped (as the web forms do), and
    a lone surrogate, which no text holds and no database stores, refused."""

    default_error_messages = {"unencodable": "Not valid Unicode text."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = without_control_characters(super()._deserialize(value, attr, data, **kwargs))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("unencodable") from None
        return text


class _Query(Schema):
    class Meta:
        unknown = EXCLUDE  # other parameters are ignored, as a browser's would be


class _Paged(_Query):
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(1, MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}."},
    )
    cursor = fields.String(
        validate=validate.Length(max=400),
        metadata={"description": "Where the page starts: the `cursor` of the previous page's `next` link."},
    )


class CenterQuery(_Paged):
    country = Text(validate=validate.Length(max=4), metadata={"description": "Country code, `KZ`."})
    q = Text(validate=validate.Length(max=200), metadata={"description": "Words of the name or city."})


class ReportQuery(_Paged):
    section = Text(validate=_SLUG, metadata={"description": "A thematic section's slug."})
    country = Text(validate=validate.Length(max=4), metadata={"description": "The lead center's country."})
    center = Text(validate=_SLUG, metadata={"description": "A center's slug (lead or co-author)."})
    year = fields.Integer(
        validate=validate.Range(1900, 2999), metadata={"description": "Year of publication."}
    )
    language = Text(validate=validate.Length(max=8), metadata={"description": "Language code, `ru`."})
    topic = Text(validate=_SLUG, metadata={"description": "A Vision-2040 topic's slug."})
    q = Text(validate=validate.Length(max=200), metadata={"description": "Full-text search words."})


class LedgerQuery(_Query):
    per_page = fields.Integer(load_default=100, validate=validate.Range(1, MAX_PER_PAGE))
    cursor = Text(validate=validate.Length(max=400))


_VISIBILITIES = [v.value for v in Visibility]


class ReportWrite(Schema):
    """A report's fields as a pipeline sends them (all of them optional on an update)."""

    class Meta:
        unknown = EXCLUDE

    section = Text(validate=_SLUG, metadata={"description": "Slug of the thematic section."})
    title = Text(validate=validate.Length(1, 300))
    abstract = Text(validate=validate.Length(max=20_000), metadata={"description": "Markdown."})
    authors = fields.List(Text(validate=validate.Length(1, 200)), validate=validate.Length(max=50))
    keywords = fields.List(Text(validate=validate.Length(1, 80)), validate=validate.Length(max=30))
    language = Text(validate=validate.Length(2, 8))
    publication_date = fields.Date()
    topics = fields.List(Text(validate=_SLUG), validate=validate.Length(max=20))
    visibility = Text(validate=validate.OneOf(_VISIBILITIES))
    external_url = Text(validate=validate.Length(max=500))


class ReportCreate(ReportWrite):
    center = Text(required=True, validate=_SLUG, metadata={"description": "Slug of the lead center."})
    section = Text(required=True, validate=_SLUG)
    title = Text(required=True, validate=validate.Length(1, 300))


class ReportUpdate(ReportWrite):
    version = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, 2**31 - 1),
        metadata={
            "description": "The report's `version` as last read: a save by someone else since is a 409."
        },
    )


class ShareRequest(Schema):
    centers = fields.List(
        Text(validate=_SLUG),
        required=True,
        validate=validate.Length(1, 50),
        metadata={"description": "Slugs of the member centers to share the report with."},
    )


class FileUpload(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


# ---------------------------------------------------------------- responses


class Problem(Schema):
    """An error (RFC 9457)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(
        fields.Dict(metadata={"description": "`parameter` or `field`, and `message`."}),
        metadata={"description": "Each bad parameter or invalid field."},
    )


class Country(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    ots_standing = fields.Function(lambda c: c.ots_standing.value, metadata={"type": "string"})
    url = _uri(lambda c: _link("site.country", code=c.code))


class CenterRef(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class Center(CenterRef):
    native_name = fields.String()
    acronym = fields.String()
    country = fields.String(attribute="country_code")
    city = fields.String()
    website = fields.String()
    kind = fields.Function(lambda c: c.kind.value, metadata={"type": "string"})
    founded_year = fields.Integer(allow_none=True)
    url = _uri(lambda c: _link("site.center", slug=c.slug), "The center's page.")
    api_url = _uri(lambda c: _link("api.center", slug=c.slug))


class CenterDetail(Center):
    description = fields.String()
    parent_body = fields.String()
    country_name = fields.Function(lambda c: c.country.name, metadata={"type": "string"})


class Section(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String()
    url = _uri(lambda s: _link("reports.section", slug=s.slug))
    reports_url = _uri(lambda s: _link("api.reports_list", section=s.slug))


class Report(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    authors = fields.List(fields.String())
    lead_center = fields.Nested(CenterRef)
    section = fields.Function(lambda r: r.section.slug, metadata={"type": "string"})
    publication_date = fields.Date()
    language = fields.String()
    visibility = fields.Function(
        lambda r: r.visibility.value, metadata={"type": "string", "enum": _VISIBILITIES}
    )
    topics = fields.Function(
        lambda r: [t.slug for t in r.topics], metadata={"type": "array", "items": {"type": "string"}}
    )
    keywords = fields.List(fields.String())
    external_url = fields.String()
    version = fields.Integer(attribute="lock_version", metadata={"description": "Send it back to update."})
    updated_at = fields.Function(
        lambda r: utc_stamp(r.updated_at), metadata={"type": "string", "format": "date-time"}
    )
    url = _uri(lambda r: _link("reports.report", report_id=r.id), "The report's page.")
    api_url = _uri(lambda r: _link("api.report", report_id=r.id))


class ReportFile(Schema):
    id = fields.Integer(required=True)
    name = fields.String(attribute="original_name")
    mime_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    download_url = _uri(
        lambda f: _link("api.report_file", report_id=f.report_id, file_id=f.id),
        "With the same token, or none for a public report.",
    )
    page_download_url = _uri(lambda f: _link("reports.download", report_id=f.report_id, file_id=f.id))


class Coauthor(Schema):
    center = fields.Nested(CenterRef)
    confirmed = fields.Function(lambda c: c.confirmed_at is not None, metadata={"type": "boolean"})


class ReportDetail(Report):
    abstract = fields.String(metadata={"description": "Markdown, as written."})
    files = fields.List(fields.Nested(ReportFile))
    coauthors = fields.List(fields.Nested(Coauthor))


class Share(Schema):
    center = fields.Nested(CenterRef)


class VersionText(Schema):
    language = fields.String()
    authentic = fields.Boolean()
    sha256 = fields.String()
    url = fields.String(metadata={"format": "uri"})


class Version(Schema):
    number = fields.Integer(required=True)
    title = fields.String()
    status = fields.String()
    text_sha256 = fields.String(allow_none=True, metadata={"description": "The version's fingerprint."})
    required_centers = fields.Integer()
    required_states = fields.Integer(allow_none=True)
    opened_at = fields.String(allow_none=True)
    in_force_at = fields.String(allow_none=True)
    superseded_at = fields.String(allow_none=True)
    texts = fields.List(fields.Nested(VersionText))


class Progress(Schema):
    centers = fields.Integer()
    required_centers = fields.Integer()
    states = fields.Integer()
    required_states = fields.Integer(allow_none=True)
    met = fields.Boolean()


class Standing(Schema):
    center = fields.Nested(CenterRef)
    country = fields.String()
    signed_seq = fields.Integer(allow_none=True)
    signed_at = fields.String(allow_none=True)
    signer_name = fields.String(allow_none=True)
    signer_title = fields.String(allow_none=True)
    withdrawn_at = fields.String(allow_none=True)
    standing = fields.Boolean(metadata={"description": "Counted towards entry into force."})


class Protocol(Schema):
    version = fields.Nested(Version, allow_none=True, metadata={"description": "The current version."})
    progress = fields.Nested(Progress, allow_none=True)
    standings = fields.List(fields.Nested(Standing))
    ledger_url = fields.String(metadata={"format": "uri"})


class LedgerEntry(Schema):
    seq = fields.Integer(required=True)
    scheme = fields.String()
    action = fields.String()
    version = fields.Integer()
    text_sha256 = fields.String()
    center = fields.String()
    signer_name = fields.String()
    signer_title = fields.String()
    note = fields.String()
    at = fields.String()
    prev_hash = fields.String()
    hash = fields.String()


def listing(item: type[Schema], name: str) -> type[Schema]:
    """The envelope of a list of ``item``: a page, its capped total and the next page's link."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(
                required=True, metadata={"description": "Exact when `total_exact`; else there are more."}
            ),
            "total_exact": fields.Boolean(required=True),
            "next": fields.String(allow_none=True, metadata={"format": "uri"}),
        },
        name=name,
    )


CenterList = listing(Center, "CenterList")
ReportList = listing(Report, "ReportList")
LedgerList = listing(LedgerEntry, "LedgerList")
CountryList = listing(Country, "CountryList")
SectionList = listing(Section, "SectionList")
ShareList = listing(Share, "ShareList")
