"""The demo network of DESIGN §6: the Astana workshop's centers (organisations only;
every person here is fictional)."""

from io import BytesIO
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ..auth import passwords
from ..auth.models import User
from ..centers import services as center_services
from ..centers.models import Center, Membership, Role
from ..core.pdf import simple_pdf
from ..core.text import slugify
from ..core.timeutil import utcnow
from ..extensions import db

DEMO_PASSWORD = "astana workshop demo 2023"  # noqa: S105 - demo data, printed by seed-demo
ADMIN_EMAIL = "secretariat@demo.turkicnet.org"

# (slug key, email, full name, position)
PEOPLE = [
    ("admin", ADMIN_EMAIL, "Aigerim Sadykova", "Secretariat coordinator"),
    ("cerr", "dilnoza.karimova@demo.turkicnet.org", "Dilnoza Karimova", "Director"),
    ("cerr-editor", "jasur.aliyev@demo.turkicnet.org", "Jasur Aliyev", "Senior researcher"),
    ("eri", "nurlan.bekov@demo.turkicnet.org", "Nurlan Bekov", "Deputy director"),
    ("niss", "aida.toktogulova@demo.turkicnet.org", "Aida Toktogulova", "Head of economic studies"),
    ("caerc", "rashad.mammadov@demo.turkicnet.org", "Rashad Mammadov", "Head of international relations"),
    ("tepav", "elif.yilmaz@demo.turkicnet.org", "Elif Yılmaz", "Programme director"),
    ("kiss", "marat.seitkali@demo.turkicnet.org", "Marat Seitkali", "Chief researcher"),
    ("hiia", "eszter.nagy@demo.turkicnet.org", "Eszter Nagy", "Research fellow"),
    ("ispr", "merdan.annayev@demo.turkicnet.org", "Merdan Annayev", "Head of department"),
    ("viewer", "saule.abenova@demo.turkicnet.org", "Saule Abenova", "Analyst"),
]

# (person key, details, final decision)
CENTERS = [
    (
        "cerr",
        dict(
            name="Center for Economic Research and Reforms",
            native_name="Iqtisodiy tadqiqotlar va islohotlar markazi",
            acronym="CERR",
            country_code="UZ",
            city="Tashkent",
            website="https://cerr.uz",
            kind="government_agency",
            parent_body="Administration of the President of the Republic of Uzbekistan",
            description="Analyses economic reforms and prepares proposals on national development strategy.",
            founded_year=2016,
        ),
        "approve",
    ),
    (
        "eri",
        dict(
            name="Economic Research Institute",
            native_name="Экономикалық зерттеулер институты",
            acronym="ERI",
            country_code="KZ",
            city="Astana",
            website="https://economy.kz",
            kind="government_agency",
            parent_body="Ministry of National Economy of the Republic of Kazakhstan",
            description="Research on economic policy, strategic planning and regional development.",
            founded_year=2005,
        ),
        "approve",
    ),
    (
        "niss",
        dict(
            name="National Institute for Strategic Studies of the Kyrgyz Republic",
            native_name="Кыргыз Республикасынын Улуттук стратегиялык изилдөөлөр институту",
            acronym="NISS",
            country_code="KG",
            city="Bishkek",
            website="https://niss.gov.kg",
            kind="government_agency",
            parent_body="Administration of the President of the Kyrgyz Republic",
            description="Strategic research for the state bodies of the Kyrgyz Republic.",
            founded_year=2004,
        ),
        "approve",
    ),
    (
        "caerc",
        dict(
            name="Center for Analysis of Economic Reforms and Communication",
            native_name="İqtisadi İslahatların Təhlili və Kommunikasiya Mərkəzi",
            acronym="CAERC",
            country_code="AZ",
            city="Baku",
            website="https://ereforms.gov.az",
            kind="government_agency",
            parent_body="Government of the Republic of Azerbaijan",
            description="Monitors and analyses economic reforms and communicates them to the public.",
            founded_year=2015,
        ),
        "approve",
    ),
    (
        "tepav",
        dict(
            name="Economic Policy Research Foundation of Türkiye",
            native_name="Türkiye Ekonomi Politikaları Araştırma Vakfı",
            acronym="TEPAV",
            country_code="TR",
            city="Ankara",
            website="https://www.tepav.org.tr",
            kind="independent",
            parent_body="",
            description="Independent think tank on economic policy, trade and regional cooperation.",
            founded_year=2004,
        ),
        "approve",
    ),
    (
        "kiss",
        dict(
            name="Kazakhstan Institute for Strategic Studies",
            native_name="Қазақстан стратегиялық зерттеулер институты",
            acronym="KazISS",
            country_code="KZ",
            city="Astana",
            website="https://kisi.kz",
            kind="government_agency",
            parent_body="Office of the President of the Republic of Kazakhstan",
            description="Analytical support for the foreign and domestic policy of Kazakhstan.",
            founded_year=1993,
        ),
        "approve",
    ),
    (
        "hiia",
        dict(
            name="Institute for Economic Cooperation Studies",
            native_name="Gazdasági Együttműködési Kutatóintézet",
            acronym="IECS",
            country_code="HU",
            city="Budapest",
            website="https://iecs.example.hu",
            kind="academy",
            parent_body="Hungarian Academy of Sciences",
            description="Research on Hungary's economic cooperation with the Turkic states.",
            founded_year=2012,
        ),
        "pending",
    ),
    (
        "ispr",
        dict(
            name="Institute of Strategic Planning and Economic Development",
            native_name="Strategik meýilleşdirme we ykdysady ösüş instituty",
            acronym="ISPED",
            country_code="TM",
            city="Ashgabat",
            website="https://isped.example.tm",
            kind="government_agency",
            parent_body="Ministry of Finance and Economy of Turkmenistan",
            description="Prepares national socio-economic development programmes.",
            founded_year=2014,
        ),
        "pending",
    ),
]


def _pdf(lines: list[str], filename: str) -> FileStorage:
    return FileStorage(stream=BytesIO(simple_pdf(lines)), filename=filename, content_type="application/pdf")


def _letter(center_name: str) -> FileStorage:
    lines = [
        "Nomination letter (demo)",
        "",
        f"We nominate {center_name}",
        "as the official economic policy research center",
        "of our state in the TurkicNet network.",
    ]
    return _pdf(lines, "nomination-letter.pdf")


def seed_demo() -> list[tuple[str, str, str]]:
    """Load the demo network once; returns (role, e-mail, password) for every demo account.

    Idempotent: a database that already has the demo admin is left as it is.
    """
    accounts = [(key, email, DEMO_PASSWORD) for key, email, _name, _pos in PEOPLE]
    if db.session.scalar(select(User).where(User.email == ADMIN_EMAIL)) is not None:
        return accounts
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    people: dict[str, User] = {}
    for key, email, full_name, position in PEOPLE:
        user = User(
            email=email,
            full_name=full_name,
            position=position,
            password_hash=password_hash,
            email_verified_at=utcnow(),
            is_admin=(key == "admin"),
        )
        db.session.add(user)
        people[key] = user
    db.session.commit()

    admin = people["admin"]
    for person_key, details, decision in CENTERS:
        applicant = people[person_key]
        center = center_services.apply_center(
            applicant,
            center_services.CenterDetails(**details),
            letter=_letter(details["name"]),
            message="Submitted for the demo network.",
        )
        if decision == "approve":
            center_services.approve_center(admin, center, note="Welcome to the network.")
    _add_staff(people)
    _open_protocol(admin, people)
    _post_reports(people)
    return accounts


def _add_staff(people: dict[str, User]) -> None:
    """Give some centers more staff, so staff pages and roles have something to show."""
    centers = {c.acronym: c for c in db.session.scalars(select(Center))}
    cerr, eri = centers["CERR"], centers["ERI"]
    db.session.add(Membership(user=people["cerr-editor"], center=cerr, role=Role.EDITOR))
    db.session.add(Membership(user=people["viewer"], center=eri, role=Role.VIEWER))
    for center in centers.values():
        for membership in center.memberships:
            if membership.is_primary:
                membership.can_sign = True
    db.session.commit()


# The centers whose signatories sign version 1 in the demo: 3 of the 5 needed.
DEMO_SIGNATORIES = ["cerr", "eri", "niss"]


def _open_protocol(admin: User, people: dict[str, User]) -> None:
    """Version 1 of the protocol, in English, Turkish and Russian, open with a few signatures."""
    from ..protocol import services as protocol_services

    version = protocol_services.create_version(
        admin,
        title="Protocol on Cooperation among the Economic Policy Research Centers of the Turkic States",
        required_centers=5,
        required_states=3,
    )
    texts = Path(__file__).resolve().parent.parent / "protocol" / "texts"
    for language in ("en", "tr", "ru"):
        body = (texts / f"{language}.md").read_text(encoding="utf-8")
        protocol_services.save_text(admin, version, language=language, body=body, authentic=True)
    protocol_services.open_version(admin, version)
    for key in DEMO_SIGNATORIES:
        signatory = people[key]
        center = next(m.center for m in signatory.memberships if m.can_sign)
        protocol_services.sign_protocol(
            signatory,
            center,
            version,
            signer_name=signatory.full_name,
            signer_title=signatory.position,
            password=DEMO_PASSWORD,
            fingerprint=version.text_sha256,
            confirm_authority=True,
        )


# (author key, section slug, title, abstract, visibility, co-author acronyms, keywords, language)
REPORTS = [
    (
        "cerr",
        "national-development-priorities",
        "Uzbekistan's development strategy 2022–2026: priorities and progress",
        "A review of the first years of the **Development Strategy of New Uzbekistan**: growth, the business "
        "climate, privatisation and regional development, with indicators to follow.",
        "public",
        [],
        ["development strategy", "privatisation", "regional development"],
        "en",
    ),
    (
        "eri",
        "national-development-priorities",
        "Kazakhstan's national development plan to 2029: a summary",
        "The national development plan's goals for diversification, the investment climate and "
        "human capital, "
        "and how progress is measured.",
        "public",
        [],
        ["diversification", "investment climate"],
        "en",
    ),
    (
        "niss",
        "collaboration-of-research-centers",
        "Сотрудничество исследовательских центров тюркских государств",
        "Обзор форм сотрудничества: совместные исследования, обмен данными и исследователями, "
        "совместные мероприятия.",
        "public",
        [],
        ["сотрудничество", "исследования"],
        "ru",
    ),
    (
        "cerr",
        "collaboration-of-research-centers",
        "Joint study: trade facilitation along the Middle Corridor",
        "Draft findings of a joint study by CERR and ERI on customs procedures and transit times on the "
        "Trans-Caspian route.",
        "network",
        ["ERI"],
        ["middle corridor", "transit", "customs"],
        "en",
    ),
    (
        "eri",
        "national-development-priorities",
        "Regional budgets and the five-year plan (working draft)",
        "A working draft, not yet for circulation.",
        "draft",
        [],
        ["budget"],
        "en",
    ),
]


def _post_reports(people: dict[str, User]) -> None:
    """Reports of every visibility, with PDF files whose text search finds."""
    from ..reports import services as report_services
    from ..reports.models import Section

    sections = {s.slug: s for s in db.session.scalars(select(Section))}
    centers = {c.acronym: c for c in db.session.scalars(select(Center))}
    for key, slug, title, abstract, visibility, coauthors, keywords, language in REPORTS:
        author = people[key]
        center = next(m.center for m in author.memberships if m.is_primary)
        partners = [centers[acronym] for acronym in coauthors]
        coauthor_ids = [partner.id for partner in partners]
        data = report_services.ReportData(
            section_id=sections[slug].id, title=title, abstract=abstract, authors=[author.full_name],
            coauthor_center_ids=coauthor_ids, language=language, keywords=keywords,
            visibility="draft" if coauthor_ids else visibility,
        )  # fmt: skip
        first_line = title[:80].encode("latin-1", "replace").decode("latin-1")
        upload = _pdf([first_line, "", *keywords], f"{slugify(title)[:50]}.pdf")
        report = report_services.create_report(author, center, data, files=[upload])
        for partner in partners:
            confirmer = next(m.user for m in partner.memberships if m.is_primary)
            report_services.confirm_coauthorship(confirmer, report, partner.id)
        if coauthor_ids:
            data.visibility = visibility
            report_services.update_report(author, report, data, expected_version=report.lock_version)
