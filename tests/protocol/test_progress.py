"""Progress to entry into force and the per-country totals: aggregate SQL that agrees with a
replay of the ledger, in a number of statements that does not grow with the signatories."""

from sqlalchemy import select

from tests.conftest import PASSWORD
from turkicnet.centers import services as center_services
from turkicnet.centers.models import Center, CenterStatus, OtsStanding
from turkicnet.extensions import db
from turkicnet.protocol import services
from turkicnet.protocol.models import LedgerEntry


def _withdraw(user, center, version):
    services.withdraw_signature(
        user, center, version, signer_name=user.full_name, signer_title="Director",
        reason="The center is being reorganised", password=PASSWORD,
    )  # fmt: skip


def _recount(version):
    """The brute force: replay every entry of the version in order, keep each center's last
    action, and count the approved centers whose last action is a signature."""
    last: dict[str, str] = {}
    for entry in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.version == version.number).order_by(LedgerEntry.seq)
    ):
        last[entry.center] = entry.action
    centers = {center.slug: center for center in db.session.scalars(select(Center))}
    counted = [
        centers[slug]
        for slug, action in last.items()
        if action == "sign" and slug in centers and centers[slug].status is CenterStatus.APPROVED
    ]
    states = {c.country_code for c in counted if c.country.ots_standing is OtsStanding.MEMBER}
    per_country: dict[str, int] = {}
    for center in counted:
        per_country[center.country_code] = per_country.get(center.country_code, 0) + 1
    return len(counted), len(states), per_country


def test_progress_and_country_totals_equal_a_recount_of_the_ledger_after_withdrawals_and_resignatures(
    app, make_center, add_staff, make_version, sign, admin
):
    version = make_version(required_centers=20, required_states=6)
    signers = {}
    for code in ("KZ", "KZ", "UZ", "KG", "AZ", "TR", "HU", "HU"):
        center = make_center(country_code=code)
        signers[center.slug] = (center, add_staff(center, can_sign=True))
        sign(signers[center.slug][1], center, version)
    kz_one, kz_two, uz, kg, az, tr, hu_one, hu_two = (value for value in signers.values())
    _withdraw(kz_one[1], kz_one[0], version)  # KZ keeps one standing signature
    _withdraw(uz[1], uz[0], version)  # UZ withdrew and stays out
    _withdraw(kg[1], kg[0], version)
    sign(kg[1], kg[0], version)  # KG withdrew and signed again
    _withdraw(hu_one[1], hu_one[0], version)
    sign(hu_one[1], hu_one[0], version)  # an observer state: a center counted, not a state
    center_services.suspend_center(admin, az[0], note="Inactive.")  # its signature counts for nothing
    make_center(country_code="TM")  # a member that never signed

    progress = services.rule_progress(version)
    centers, states, per_country = _recount(version)
    assert (progress.centers, progress.states) == (centers, states) == (5, 3)
    assert (progress.missing_centers, progress.missing_states, progress.met) == (15, 3, False)
    totals = services.totals_by_country(version)
    assert {country.code: count for country, count in totals} == per_country
    assert per_country == {"KZ": 1, "KG": 1, "TR": 1, "HU": 2}
    assert [country.sort_order for country, _count in totals] == sorted(c.sort_order for c, _n in totals)


def test_progress_of_a_version_nobody_signed_is_zero_of_the_rule(app, make_version):
    version = make_version(required_centers=3, required_states=2)
    progress = services.rule_progress(version)
    assert (progress.centers, progress.states) == (0, 0)
    assert (progress.missing_centers, progress.missing_states) == (3, 2)
    assert services.totals_by_country(version) == []


def _sign_up_to(count, signed, make_center, add_staff, sign, version):
    codes = ("KZ", "UZ", "KG", "AZ", "TR", "HU")
    while len(signed) < count:
        center = make_center(country_code=codes[len(signed) % len(codes)])
        sign(add_staff(center, can_sign=True), center, version)
        signed.append(center)


def test_home_and_protocol_pages_run_the_same_statements_for_5_and_50_signatory_centers(
    client, make_center, add_staff, make_version, sign, count_queries
):
    version = make_version(required_centers=100)
    signed: list = []
    _sign_up_to(5, signed, make_center, add_staff, sign, version)
    counts = {}
    for path in ("/", "/protocol"):
        with count_queries() as few:
            assert client.get(path).status_code == 200
        counts[path] = len(few.statements)
    _sign_up_to(50, signed, make_center, add_staff, sign, version)
    for path in ("/", "/protocol"):
        with count_queries() as many:
            page = client.get(path).get_data(as_text=True)
        assert len(many.statements) == counts[path], path
        assert "50 of 100 centers have signed" in page, path
        if path == "/":  # the home page counts: it loads no ledger entry at all
            assert not any("ledger_entries.signer_name" in statement for statement in many.statements)
