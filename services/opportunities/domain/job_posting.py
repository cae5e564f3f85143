"""A role as schema.org ``JobPosting`` JSON-LD, for search engines' job listings.

Pure: the role's web page (issue 7) embeds the result in a
``<script type="application/ld+json">`` tag, and the open-data API serves it as a file.
``employmentType`` "VOLUNTEER" is schema.org's value for unpaid roles.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation
from services.opportunities.domain.volunteering_data import organisation_iri, role_iri


def job_posting(
    role: Opportunity, org: Organisation, base_url: str, page_url: str | None = None
) -> dict[str, Any]:
    """The JobPosting of a published role of ``org`` (the caller checks it is public).

    ``page_url`` is the role's web page when the caller has one (the page embedding this);
    otherwise the role's API address stands in.
    """
    d = role.details
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": d.title,
        "description": d.description or d.summary or d.title,
        "datePosted": (role.published_at or role.created_at).astimezone(dt.UTC).date().isoformat(),
        "employmentType": "VOLUNTEER",
        "hiringOrganization": _organisation(org, base_url),
        "identifier": {"@type": "PropertyValue", "name": org.name, "value": role.id},
        "url": page_url or role_iri(base_url, role.id),
        "directApply": d.apply_url is None,
    }
    if d.closes_on is not None:
        # The end of the closing day: the role takes applications all that day.
        end = dt.datetime.combine(d.closes_on, dt.time(23, 59, 59), tzinfo=dt.UTC)
        posting["validThrough"] = end.isoformat()
    if d.locations:
        posting["jobLocation"] = [
            _place(loc.postcode, loc.latitude, loc.longitude) for loc in d.locations
        ]
    if d.remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        # Google requires where remote applicants may live; the platform serves the UK.
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "United Kingdom"}
    if d.places is not None:
        posting["totalJobOpenings"] = d.places
    return posting


def _organisation(org: Organisation, base_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@type": "Organization",
        "@id": organisation_iri(base_url, org.id),
        "name": org.name,
    }
    if org.website:
        out["sameAs"] = org.website
    return out


def _place(postcode: str, latitude: float, longitude: float) -> dict[str, Any]:
    return {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "postalCode": postcode, "addressCountry": "GB"},
        "geo": {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude},
    }
