"""schema.org data of a center's public page: a ``ResearchOrganization``, for search engines."""

from ..core.urls import external_url
from .models import Center


def center_json_ld(center: Center) -> dict:
    """The center as a schema.org ``ResearchOrganization`` (absolute URLs from the base URL)."""
    data = {
        "@context": "https://schema.org",
        "@type": "ResearchOrganization",
        "name": center.name,
        "alternateName": [name for name in (center.native_name, center.acronym) if name],
        "url": external_url("site.center", slug=center.slug),
        "address": {"@type": "PostalAddress", "addressCountry": center.country_code}
        | ({"addressLocality": center.city} if center.city else {}),
        "sameAs": [center.website] if center.website else [],
    }
    return {name: value for name, value in data.items() if value}
