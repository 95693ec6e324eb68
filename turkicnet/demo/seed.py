"""Seed the demo network (DESIGN §6) through the services, as its real actors would, in one transaction.

Each step first looks for what it would make and makes only what is missing: a second run
changes nothing, and a run on a half-seeded database completes it. Every look-up goes
through a feature's own read (``get_user_by_email``, ``get_center``, ``list_versions``,
``status_table``, ``report_rows``, ``get_section``), so ``demo/`` reads no table itself.
"""

from io import BytesIO
from pathlib import Path

from werkzeug.datastructures import FileStorage

from ..auth import passwords
from ..auth import services as auth_services
from ..auth.models import User
from ..centers import services as center_services
from ..centers.models import Center, CenterStatus, Membership
from ..centers.permissions import membership_of
from ..core.db import unit_of_work
from ..core.errors import InvalidState, NotFound
from ..core.pdf import simple_pdf
from ..core.text import normalise_line, slugify
from ..protocol import services as protocol_services
from ..protocol.models import ProtocolVersion, VersionStatus
from ..reports import services as report_services
from ..reports.models import Report, Visibility
from .content import (
    ADMIN_EMAIL,
    CENTERS,
    DEMO_PASSWORD,
    DEMO_SIGNATORIES,
    PEOPLE,
    PROTOCOL_LANGUAGES,
    PROTOCOL_RULE,
    PROTOCOL_TITLE,
    REPORTS,
    STAFF,
)

__all__ = ["ADMIN_EMAIL", "DEMO_PASSWORD", "seed_demo"]

_PERSON = {key: (email, full_name, position) for key, email, full_name, position in PEOPLE}
_TEXTS = Path(__file__).resolve().parent.parent / "protocol" / "texts"


def seed_demo() -> list[tuple[str, str, str]]:
    """Make whatever the demo network still lacks; returns (role, e-mail, password) for
    every demo account.

    One unit of work: a failure anywhere leaves the database as it was.

    :raises ServiceError: when the database holds something the demo cannot live with
        (another center on a demo slug, a demo address on another center's staff…)
    """
    with unit_of_work(unchecked="the demo network is seeded by the operator's command"):
        admin = _seed_admin()
        people = {"admin": admin}
        centers = _seed_centers(admin, people)
        _seed_signatories(people, centers)
        _seed_staff(people, centers)
        _seed_protocol(admin, people, centers)
        _seed_reports(admin, people, centers)
    return [(key, email, DEMO_PASSWORD) for key, email, _name, _position in PEOPLE]


# ---------------------------------------------------------------- people


def _published() -> str:
    # The README prints the demo's password, so the strength check refuses it to anyone
    # else (audit F-09); the demo accounts are made with it on purpose.
    return passwords.published_password(DEMO_PASSWORD)


def _seed_admin() -> User:
    """The Secretariat's account, made as the operator makes an admin, then their profile."""
    email, full_name, position = _PERSON["admin"]
    admin = auth_services.get_user_by_email(email)
    if admin is None or not admin.is_admin:
        admin = auth_services.create_admin(email=email, password=_published(), full_name=full_name)
    if not admin.position:
        auth_services.update_profile(
            admin, full_name=admin.full_name, position=position, preferred_language=admin.preferred_language
        )
    return admin


def _account(key: str, *, confirm: bool = True) -> User:
    """The person's account: registered when missing, and the address confirmed through the
    link of their verification mail (unless ``confirm=False``: an invitation will)."""
    email, full_name, position = _PERSON[key]
    user = auth_services.get_user_by_email(email)
    if user is None:
        user = auth_services.register_user(
            email=email, full_name=full_name, position=position, password=_published()
        )
    if confirm and not user.is_verified:
        auth_services.verify_email(auth_services.verification_token(user))
    return user


def _membership(user: User, center: Center) -> Membership:
    membership = membership_of(user, center)
    if membership is None:
        raise InvalidState(f"{user.email} is not on the staff of {center.slug}; the demo cannot use it.")
    return membership


# ---------------------------------------------------------------- centers and staff


def _find_center(admin: User, slug: str) -> Center | None:
    try:
        return center_services.get_center(admin, slug)
    except NotFound:
        return None


def _seed_centers(admin: User, people: dict[str, User]) -> dict[str, Center]:
    """Each center applied for by its future focal point; the Secretariat approves the
    members, and the pending ones wait in its queue. Returns the centers by person key."""
    centers = {}
    for key, slug, details, decision in CENTERS:
        applicant = people[key] = _account(key)
        center = _find_center(admin, slug)
        if center is None:
            center = center_services.apply_center(
                applicant,
                center_services.CenterDetails(**details),
                letter=_letter(details["name"]),
                message="Submitted for the demo network.",
            )
            if center.slug != slug:
                raise InvalidState(f"The demo slug {slug} is taken by another center.")
        _membership(applicant, center)
        if decision == "approve" and center.status is CenterStatus.PENDING:
            center_services.approve_center(admin, center, note="Welcome to the network.")
        centers[key] = center
    return centers


def _seed_signatories(people: dict[str, User], centers: dict[str, Center]) -> None:
    """The focal point of every member center names themself its authorised signatory."""
    for key, center in centers.items():
        if center.status is not CenterStatus.APPROVED:
            continue
        focal_point = people[key]
        membership = _membership(focal_point, center)
        if not membership.can_sign:
            center_services.change_staff(focal_point, membership, role=membership.role.value, can_sign=True)


def _seed_staff(people: dict[str, User], centers: dict[str, Center]) -> None:
    """More staff, so staff pages and roles have something to show: the focal point
    invites, the person registers and accepts (which confirms their address too)."""
    for key, center_key, role in STAFF:
        center = centers[center_key]
        email = _PERSON[key][0]
        user = auth_services.get_user_by_email(email)
        if user is None or membership_of(user, center) is None:
            inviter = people[center_key]
            _invitation, token = center_services.invite_staff(inviter, center, email=email, role=role)
            user = _account(key, confirm=False)
            center_services.accept_invitation(user, token)
        people[key] = user


# ---------------------------------------------------------------- the protocol


def _seed_protocol(admin: User, people: dict[str, User], centers: dict[str, Center]) -> ProtocolVersion:
    """Version 1, in English, Turkish and Russian, open with a few signatures."""
    version = next((v for v in protocol_services.list_versions(admin) if v.title == PROTOCOL_TITLE), None)
    if version is None:
        version = protocol_services.create_version(admin, title=PROTOCOL_TITLE, **PROTOCOL_RULE)
    if version.status is VersionStatus.DRAFT:
        for language in PROTOCOL_LANGUAGES:
            if version.text(language) is None:
                body = (_TEXTS / f"{language}.md").read_text(encoding="utf-8")
                protocol_services.save_text(admin, version, language=language, body=body, authentic=True)
        protocol_services.open_version(admin, version)
    # A center that ever signed is left alone: a withdrawal since is its own decision.
    ever_signed = {row.center.slug for row in protocol_services.status_table(version)}
    for key in DEMO_SIGNATORIES:
        center, signatory = centers[key], people[key]
        if center.slug in ever_signed:
            continue
        protocol_services.sign_protocol(
            signatory,
            center,
            version,
            signer_name=signatory.full_name,
            signer_title=signatory.position,
            password=DEMO_PASSWORD,  # the signatory re-authenticates, as on the signing page
            fingerprint=version.text_sha256,
            confirm_authority=True,
        )
    return version


# ---------------------------------------------------------------- reports


def _seed_reports(admin: User, people: dict[str, User], centers: dict[str, Center]) -> None:
    """Reports of every visibility, with PDF files whose text search finds, and one written
    with a partner center, which confirms its co-authorship before the report leaves draft."""
    by_acronym = {center.acronym: key for key, center in centers.items()}
    existing = {
        (report.lead_center_id, report.title): report
        for report in report_services.report_rows(admin, report_services.Filters())
    }
    for key, section_slug, title, abstract, visibility, coauthors, keywords, language in REPORTS:
        author, center = people[key], centers[key]
        partners = [by_acronym[acronym] for acronym in coauthors]
        data = report_services.ReportData(
            section_id=report_services.get_section(section_slug).id, title=title, abstract=abstract,
            authors=[author.full_name], coauthor_center_ids=[centers[p].id for p in partners],
            language=language, keywords=keywords,
            visibility=Visibility.DRAFT.value if partners else visibility,
        )  # fmt: skip
        report = existing.get((center.id, normalise_line(title)))
        if report is None:
            upload = _report_file(title, keywords)
            report = report_services.create_report(author, center, data, files=[upload])
        for partner in partners:
            _confirm_coauthorship(people[partner], report, centers[partner])
        if report.visibility is Visibility.DRAFT and visibility != Visibility.DRAFT.value:
            data.visibility = visibility
            report_services.update_report(author, report, data, expected_version=report.lock_version)


def _confirm_coauthorship(confirmer: User, report: Report, partner: Center) -> None:
    coauthor = next((c for c in report.coauthors if c.center_id == partner.id), None)
    if coauthor is not None and coauthor.confirmed_at is None:
        report_services.confirm_coauthorship(confirmer, report, partner.id)


# ---------------------------------------------------------------- documents


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


def _report_file(title: str, keywords: list[str]) -> FileStorage:
    first_line = title[:80].encode("latin-1", "replace").decode("latin-1")
    return _pdf([first_line, "", *keywords], f"{slugify(title)[:50]}.pdf")
