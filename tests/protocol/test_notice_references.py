"""Depositary notices carry references (TN.N.<n>.<year>) that never shift as notices are added."""

import re

import pytest

from turkicnet.protocol import ledger
from turkicnet.protocol import services as protocol_services


def _references(client) -> dict[str, str]:
    """Each notice's first anchor (its Atom id) → its reference, as the notices page shows them."""
    page = client.get("/protocol/notices").get_data(as_text=True)
    notice = r'<li class="message" id="([^"]+)">\s*<p class="message-meta">'
    reference = r'<a class="notice-ref" id="(TN\.N\.\d+\.\d{4})"'
    return dict(re.findall(notice + reference, page))


@pytest.fixture
def stamps(monkeypatch):
    """Ledger times set by the test: the next entries are appended at these moments."""
    queue: list[str] = []
    real = ledger.utc_stamp

    def stamp(moment=None):
        return queue.pop(0) if moment is None and queue else real(moment)

    monkeypatch.setattr(ledger, "utc_stamp", stamp)
    return queue


def test_references_number_the_notices_of_a_year_in_order(client, make_center, add_staff, make_version, sign):
    version = make_version()
    year = version.opened_at.year
    for code in ("KZ", "UZ"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    references = _references(client)
    assert references == {
        "opened-1-0": f"TN.N.1.{year}", "signed-1-1": f"TN.N.2.{year}", "signed-1-2": f"TN.N.3.{year}",
    }  # fmt: skip
    page = client.get("/protocol/notices").get_data(as_text=True)
    assert f'href="#TN.N.3.{year}"' in page


def test_adding_notices_does_not_change_earlier_references(
    client, make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=3)
    signatories = []
    for code in ("KZ", "UZ", "KG", "AZ"):
        center = make_center(country_code=code)
        signatories.append((add_staff(center, can_sign=True), center))
    for user, center in signatories[:2]:
        sign(user, center, version)
    before = _references(client)
    sign(*signatories[2], version)  # meets the rule: a signature and an entry into force
    sign(*signatories[3], version)
    after = _references(client)
    assert len(after) == len(before) + 3
    assert {key: after[key] for key in before} == before
    assert len(set(after.values())) == len(after)


def test_a_new_year_starts_again_at_one(client, make_center, add_staff, make_version, sign, stamps):
    version = make_version(required_centers=5)
    centers = [make_center(country_code=code) for code in ("KZ", "UZ", "KG")]
    users = [add_staff(center, can_sign=True) for center in centers]
    year = version.opened_at.year
    stamps.extend([f"{year}-12-31T23:59:58Z"] * 2)  # the entry and its checkpoint
    sign(users[0], centers[0], version)
    stamps.extend([f"{year + 1}-01-01T00:00:05Z"] * 2 + [f"{year + 1}-01-02T09:00:00Z"] * 2)
    sign(users[1], centers[1], version)
    sign(users[2], centers[2], version)
    references = _references(client)
    assert references["opened-1-0"] == f"TN.N.1.{year}"
    assert references["signed-1-1"] == f"TN.N.2.{year}"
    assert references["signed-1-2"] == f"TN.N.1.{year + 1}"
    assert references["signed-1-3"] == f"TN.N.2.{year + 1}"


def test_a_short_window_numbers_its_notices_as_the_whole_list_does(
    app, make_center, add_staff, make_version, sign
):
    version = make_version(required_centers=2)
    for code in ("KZ", "UZ", "KG", "AZ", "TR"):
        center = make_center(country_code=code)
        sign(add_staff(center, can_sign=True), center, version)
    everything = {notice.key: notice.reference for notice in protocol_services.notices(limit=100)}
    window = protocol_services.notices(limit=2)
    assert len(window) == 2
    assert all(everything[notice.key] == notice.reference for notice in window)
    assert len(everything) == 7  # opened, five signatures, entry into force


def test_the_notices_feed_carries_each_reference(client, center, signatory, make_version, sign):
    version = make_version(required_centers=1)
    sign(signatory, center, version)
    year = version.opened_at.year
    feed = client.get("/protocol/notices.atom").get_data(as_text=True)
    for number in (1, 2, 3):
        assert f"<title>TN.N.{number}.{year}: " in feed
        assert f'rel="related" href="http://turkicnet.test/protocol/notices#TN.N.{number}.{year}"' in feed
    assert "<summary type=\"text\">" in feed


def test_a_signature_in_the_second_of_an_entry_into_force_does_not_move_earlier_references(
    client, make_center, add_staff, make_version, sign, stamps, monkeypatch
):
    from datetime import datetime

    from turkicnet.protocol.services import signing

    version = make_version(required_centers=2)
    year = version.opened_at.year
    moment = datetime(year, 12, 31, 12, 0, 0)
    monkeypatch.setattr(signing, "utcnow", lambda: moment)
    signatories = []
    for code in ("KZ", "UZ", "KG"):
        center = make_center(country_code=code)
        signatories.append((add_staff(center, can_sign=True), center))
    stamps.extend([f"{year}-12-31T12:00:00Z"] * 6)  # three entries and their checkpoints, one second
    sign(*signatories[0], version)
    sign(*signatories[1], version)  # meets the rule: the version enters into force in this second
    before = _references(client)
    assert before["in_force-1-0"] == f"TN.N.4.{year}"
    sign(*signatories[2], version)
    after = _references(client)
    assert {key: after[key] for key in before} == before
    assert after["signed-1-3"] == f"TN.N.5.{year}"


def test_a_version_opened_between_signatures_keeps_its_place(
    client, make_center, add_staff, make_version, sign, stamps, monkeypatch
):
    from datetime import datetime

    from turkicnet.protocol.services import versions

    first = make_version(required_centers=5)
    year = first.opened_at.year
    signatories = []
    for code in ("KZ", "UZ"):
        center = make_center(country_code=code)
        signatories.append((add_staff(center, can_sign=True), center))
    stamps.extend([f"{year}-12-31T12:00:00Z"] * 4)
    monkeypatch.setattr(versions, "utcnow", lambda: datetime(year, 12, 31, 12, 0, 0))
    sign(*signatories[0], first)
    second = make_version(required_centers=5)  # opened in the second of the signatures around it
    before = _references(client)
    sign(*signatories[1], second)
    after = _references(client)
    assert {key: after[key] for key in before} == before
    assert after == {
        "opened-1-0": f"TN.N.1.{year}", "signed-1-1": f"TN.N.2.{year}", "opened-2-0": f"TN.N.3.{year}",
        "signed-2-2": f"TN.N.4.{year}",
    }  # fmt: skip
