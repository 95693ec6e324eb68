import threading
from datetime import datetime, timedelta

import pytest
from flask import current_app
from lxml import etree
from werkzeug.serving import make_server

from turkicnet.reports import services
from turkicnet.reports.services import editing

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


def oai(client, **arguments):
    response = client.get("/oai", query_string=arguments)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(response.data)


def error_code(root) -> str | None:
    error = root.find(f"{OAI}error")
    return error.get("code") if error is not None else None


def identifiers(root) -> list[str]:
    return [e.text for e in root.iterfind(".//o:header/o:identifier", NS)]


def rid(report) -> str:
    return f"oai:{current_app.config['OAI_REPOSITORY_ID']}:report/{report.id}"


def edit(author, report, **changes):
    changes = {"visibility": report.visibility.value, **changes}
    data = services.ReportData(section_id=report.section_id, title=report.title, **changes)
    return services.update_report(author, report, data, expected_version=report.lock_version)


@pytest.fixture
def at(monkeypatch):
    """Make the reports' next changes happen at a given moment."""

    def move(moment: datetime):
        monkeypatch.setattr(editing, "utcnow", lambda: moment)

    return move


def test_identify_is_a_well_formed_oai_pmh_answer(client, center, editor, make_report):
    make_report(editor, center)
    root = oai(client, verb="Identify")
    assert root.tag == f"{OAI}OAI-PMH"
    assert root.nsmap[None] == "http://www.openarchives.org/OAI/2.0/"
    schema = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert schema.endswith("http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    assert [child.tag.removeprefix(OAI) for child in root] == ["responseDate", "request", "Identify"]
    identify = root.find(f"{OAI}Identify")
    names = [child.tag.removeprefix(OAI) for child in identify]
    assert names == ["repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp",
                     "deletedRecord", "granularity", "description"]  # fmt: skip
    assert identify.findtext(f"{OAI}baseURL") == current_app.config["BASE_URL"] + "/oai"
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    assert "@" in identify.findtext(f"{OAI}adminEmail")
    datetime.strptime(identify.findtext(f"{OAI}earliestDatestamp"), "%Y-%m-%dT%H:%M:%SZ")
    scheme = identify.find(
        f"{OAI}description/{{http://www.openarchives.org/OAI/2.0/oai-identifier}}oai-identifier"
    )
    assert (
        scheme is not None
        and scheme.findtext("{*}repositoryIdentifier") == current_app.config["OAI_REPOSITORY_ID"]
    )
    assert root.find(f"{OAI}request").get("verb") == "Identify"


def test_post_answers_as_get_does_without_a_csrf_token(app, center, editor, make_report):
    app.config["WTF_CSRF_ENABLED"] = True
    report = make_report(editor, center)
    response = app.test_client().post("/oai", data={"verb": "GetRecord", "identifier": rid(report),
                                                    "metadataPrefix": "oai_dc"})  # fmt: skip
    assert response.status_code == 200
    assert identifiers(etree.fromstring(response.data)) == [rid(report)]


def test_a_record_carries_the_reports_dublin_core(client, center, editor, make_report):
    report = make_report(editor, center, keywords=["grid"], authors=["Aigul Serikova", "Timur Aliyev"],
                         abstract="Electricity *trade* and the grid.")  # fmt: skip
    root = oai(client, verb="GetRecord", identifier=rid(report), metadataPrefix="oai_dc")
    dc = root.find(".//{http://www.openarchives.org/OAI/2.0/oai_dc/}dc")
    values = {}
    for element in dc:
        values.setdefault(element.tag.removeprefix(DC), []).append(element.text)
    assert values["title"] == [report.title]
    assert values["creator"] == ["Aigul Serikova", "Timur Aliyev"]
    assert "grid" in values["subject"] and report.section.title in values["subject"]
    assert values["description"] == ["Electricity trade and the grid."]
    assert values["publisher"] == [center.name]
    assert values["date"] == [report.publication_date.isoformat()]
    assert values["format"] == ["application/pdf"]
    assert values["identifier"] == [current_app.config["BASE_URL"] + f"/reports/{report.id}"]
    assert values["language"] == ["en"]
    header = root.find(".//o:header", NS)
    assert f"center:{center.slug}" in [s.text for s in header.iterfind("o:setSpec", NS)]


def test_list_metadata_formats_offers_oai_dc_for_the_repository_and_for_a_record(client, center, editor,
                                                                                  make_report):  # fmt: skip
    report = make_report(editor, center)
    for arguments in ({}, {"identifier": rid(report)}):
        root = oai(client, verb="ListMetadataFormats", **arguments)
        assert [e.text for e in root.iterfind(".//o:metadataPrefix", NS)] == ["oai_dc"]
    assert error_code(
        oai(client, verb="ListMetadataFormats", identifier="oai:turkicnet.test:report/999")
    ) == ("idDoesNotExist")


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-02-30"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-01-02", "until": "2026-01-01"},
         "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-01-01",
          "until": "2026-01-02T00:00:00Z"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": "oai:turkicnet.test:report/1"},
         "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:turkicnet.test:report/999"},
         "idDoesNotExist"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc",
          "identifier": "oai:turkicnet.test:report/99999999999"}, "idDoesNotExist"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "report/1"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2100-01-01"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "section:no-such"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "nonsense"}, "noRecordsMatch"),
        ({"verb": "ListRecords", "resumptionToken": "garbled"}, "badResumptionToken"),
        ({"verb": "ListIdentifiers", "resumptionToken": ""}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "garbled"}, "badResumptionToken"),
    ],
)  # fmt: skip
def test_each_oai_error_code_answers_a_request_it_fits(client, center, editor, make_report, arguments, code):
    make_report(editor, center)
    root = oai(client, **arguments)
    assert error_code(root) == code
    request = root.find(f"{OAI}request")
    # badVerb and badArgument echo no arguments; the other errors answer a legal request.
    assert (request.attrib == {}) == (code in ("badVerb", "badArgument"))


def test_a_token_of_one_verb_is_refused_by_another_and_a_tampered_token_is_refused(
    app, client, center, editor, make_report
):
    app.config["OAI_BATCH_SIZE"] = 1
    make_report(editor, center)
    make_report(editor, center)
    token = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(".//o:resumptionToken",
                                                                                 namespaces=NS)  # fmt: skip
    assert token
    assert error_code(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    assert error_code(oai(client, verb="ListIdentifiers", resumptionToken=token[:-2] + "xx")) == (
        "badResumptionToken"
    )
    assert error_code(oai(client, verb="ListIdentifiers", resumptionToken=token)) is None


@pytest.mark.parametrize(
    "query",
    ["verb=ListRecords&metadataPrefix=oai_dc&from=9999-12-31&until=9999-12-31",
     "verb=ListRecords&metadataPrefix=oai_dc&from=0000-01-01", "verb=%FF%FE", "verb=Identify&%FF=1",
     "verb=GetRecord&metadataPrefix=oai_dc&identifier=%00", "verb=ListSets&resumptionToken=%00",
     "verb=ListRecords&metadataPrefix=oai_dc&set=center:%00", "verb=ListRecords&resumptionToken=WyJ4Il0"],
)  # fmt: skip
def test_no_query_string_makes_the_endpoint_fail(client, center, editor, make_report, query):
    make_report(editor, center)
    response = client.get(f"/oai?{query}")
    # 400 is the whole site's refusal of control characters in a request, before any view.
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert error_code(etree.fromstring(response.data)) is not None


def test_from_and_until_select_by_the_last_change_in_both_granularities(client, center, editor,
                                                                         make_report, at):  # fmt: skip
    old, new = make_report(editor, center, title="Old"), make_report(editor, center, title="New")
    at(datetime(2026, 3, 1, 10, 0, 0))
    edit(editor, old, abstract="Revised in March.")
    at(datetime(2026, 5, 1, 10, 0, 0))
    edit(editor, new, abstract="Revised in May.")

    def listed(**window):
        return identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **window))

    assert listed(until="2026-03-01") == [rid(old)]
    assert listed(**{"from": "2026-03-02"}) == [rid(new)]
    assert listed(**{"from": "2026-03-01T10:00:00Z", "until": "2026-03-01T10:00:00Z"}) == [rid(old)]
    assert listed(**{"from": "2026-03-01T10:00:01Z", "until": "2026-05-01T10:00:00Z"}) == [rid(new)]
    assert listed(**{"from": "2026-01-01", "until": "2026-12-31"}) == [rid(old), rid(new)]


def test_sets_are_the_sections_and_the_approved_centers_and_they_filter(client, center, editor,
                                                                         make_center, add_staff,
                                                                         make_report, sections):  # fmt: skip
    other = make_center()
    mine = make_report(editor, center)
    theirs = make_report(add_staff(other, "editor"), other, section_id=sections["digital-economy"].id
                         if "digital-economy" in sections else list(sections.values())[1].id)  # fmt: skip
    specs = [e.text for e in oai(client, verb="ListSets").iterfind(".//o:setSpec", NS)]
    assert {f"center:{center.slug}", f"center:{other.slug}"} <= set(specs)
    assert {f"section:{slug}" for slug in sections} <= set(specs)
    by_center = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=f"center:{center.slug}")
    assert identifiers(by_center) == [rid(mine)]
    by_section = oai(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=f"section:{theirs.section.slug}"
    )
    assert identifiers(by_section) == [rid(theirs)]


def test_non_public_reports_never_appear_in_any_verb(client, center, editor, make_report):
    public = make_report(editor, center)
    hidden = [make_report(editor, center, visibility=v, title=f"Hidden {v}") for v in ("draft", "network")]
    everything = b"".join(
        client.get("/oai", query_string=arguments).data
        for arguments in (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
            {"verb": "ListSets"},
            {"verb": "Identify"},
        )
    ).decode()
    assert rid(public) in everything
    for report in hidden:
        assert f"report/{report.id}<" not in everything and report.title not in everything
        assert error_code(oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=rid(report))) == (
            "idDoesNotExist"
        )
        assert error_code(oai(client, verb="ListMetadataFormats", identifier=rid(report))) == "idDoesNotExist"


@pytest.mark.parametrize("withdrawal", ["network", "draft", "deleted"])
def test_a_report_no_longer_public_stays_as_a_deleted_record(client, center, focal_point, editor,
                                                              make_report, at, withdrawal):  # fmt: skip
    report = make_report(editor, center, title="Withdrawn energy study")
    at(datetime(2026, 6, 1, 9, 0, 0))
    if withdrawal == "deleted":
        services.delete_report(focal_point, report)
    else:
        edit(editor, report, visibility=withdrawal)
    for _second_look in range(2):
        records = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
        header = records.find(".//o:header", NS)
        assert header.get("status") == "deleted"
        assert header.findtext("o:identifier", namespaces=NS) == rid(report)
        assert header.findtext("o:datestamp", namespaces=NS) == "2026-06-01T09:00:00Z"
        assert records.find(".//o:metadata", NS) is None
        assert b"Withdrawn energy study" not in etree.tostring(records)
        got = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=rid(report))
        assert got.find(".//o:header", NS).get("status") == "deleted"
        recent = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2026-06-01"})
        assert identifiers(recent) == [rid(report)]


def test_harvest_across_resumption_tokens_yields_exactly_the_public_reports(app, center, editor, make_report,
                                                                            at):  # fmt: skip
    from sickle import Sickle

    app.config["OAI_BATCH_SIZE"] = 2
    start = datetime(2026, 1, 1, 8, 0, 0)
    public = []
    for n in range(5):
        # Two share a datestamp: the keyset (datestamp, id) still pages them apart.
        at(start + timedelta(minutes=min(n, 3)))
        public.append(make_report(editor, center, title=f"Public study {n}", visibility="draft"))
        edit(editor, public[-1], visibility="public")
    for visibility in ("draft", "network", "draft"):
        make_report(editor, center, title=f"Hidden {visibility}", visibility=visibility)

    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sickle = Sickle(f"http://127.0.0.1:{server.server_port}/oai", max_retries=0)
        pages = []
        records = sickle.ListRecords(metadataPrefix="oai_dc")
        harvested = [(r.header.identifier, r.metadata["title"][0]) for r in records]
        pages.append(records.resumption_token)
        headers = [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc")]
    finally:
        server.shutdown()
        thread.join()
    assert harvested == [(rid(r), r.title) for r in public]
    assert headers == [rid(r) for r in public]
    assert pages[-1].token is None and pages[-1].complete_list_size == "5"


def test_later_pages_of_a_harvest_do_not_count_the_list_again(app, client, editor, center, make_report,
                                                               monkeypatch):  # fmt: skip
    for n in range(3):
        make_report(editor, center, title=f"Harvested {n}")
    calls = []
    real = services.harvest_count
    monkeypatch.setattr(services, "harvest_count", lambda harvest: calls.append(harvest) or real(harvest))
    app.config["OAI_BATCH_SIZE"] = 1
    sizes = []
    arguments = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        token = oai(client, **arguments).find(".//{http://www.openarchives.org/OAI/2.0/}resumptionToken")
        sizes.append(token.get("completeListSize"))
        if not token.text:
            break
        arguments = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert sizes == ["3", "3", "3"]
    assert len(calls) == 1
