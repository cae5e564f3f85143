"""Roles as UK Volunteering Data JSON-LD: Organisation -> Activity -> Role -> Session.

Shaped like the standard's own example (tests/data/example-organisations.jsonld): short
terms (``name``, ``activity``, ``role``, ``session``, ``time``) and coded values as the
standard's IRIs. The example points at a remote context; ours is written out inline, with
the same terms, so that a reader needs no network to turn the document into triples, and
property-scoped contexts give ``name`` or ``title`` the right property at each level.

Each role becomes one Activity holding one Role: the platform has no separate "activity".
Causes belong to organisations in the standard, so an organisation carries the union of
its published roles' causes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from services.opportunities.domain.opportunity import Opportunity
from services.opportunities.domain.organisation import Organisation

VD = "https://ns.volunteeringdata.io/"
VOCABULARY_LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = (
    "Roles and organisations: CC BY 4.0, credit the volunteering platform. Coded lists "
    "(causes, skills, requirements, rewards, accessibility, session times): contains public "
    "sector information licensed under the Open Government Licence v3.0."
)


class IriOf(Protocol):
    """The standard's IRI for a code of one coded list (``("skills", "Teamwork")``)."""

    def __call__(self, vocabulary: str, code: str) -> str: ...


def _ids(prop: str) -> dict[str, str]:
    return {"@id": f"vd:{prop}", "@type": "@id"}


_LOCATION = {
    "name": "vd:locationName",
    "address": "vd:locationAddress",
    "latitude": "vd:locationLatitude",
    "longitude": "vd:locationLongitude",
}
_SESSION = {
    "location": {"@id": "vd:sessionLocation", "@context": _LOCATION},
    "time": _ids("sessionTime"),
}
_ROLE = {
    "title": "vd:roleTitle",
    "description": "vd:roleDescription",
    "commitment": "vd:roleCommitment",
    "applyLink": "vd:roleApplyLink",
    "allowsRemoteParticipation": {
        "@id": "vd:roleAllowsRemoteParticipation",
        "@type": "xsd:boolean",
    },
    "minimumAge": "vd:roleMinimumAge",
    "maximumAge": "vd:roleMaximumAge",
    "skill": _ids("roleSkill"),
    "requirement": _ids("roleRequirement"),
    "reward": _ids("roleReward"),
    "accessibility": _ids("roleAccessibility"),
}
_ACTIVITY = {
    "title": "vd:activityTitle",
    "description": "vd:activityDescription",
    "publishStartDate": {"@id": "vd:activityPublishStartDate", "@type": "xsd:dateTime"},
    "publishEndDate": {"@id": "vd:activityPublishEndDate", "@type": "xsd:date"},
    "role": {"@id": "vd:activityRole", "@context": _ROLE},
    "session": {"@id": "vd:activitySession", "@context": _SESSION},
}
_CHARITY = {
    "registrar": "vd:charityRegistrationRegistrar",
    "registrationNumber": "vd:charityRegistrationRegistrationNumber",
}
CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    "vd": VD,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "id": "@id",
    "type": "@type",
    "graph": "@graph",
    **{name: f"vd:{name}" for name in ("Organisation", "Activity", "Role", "Session", "Location")},
    "CharityRegistration": "vd:CharityRegistration",
    "Dataset": "dcat:Dataset",
    "license": {"@id": "dct:license", "@type": "@id"},
    "conformsTo": {"@id": "dct:conformsTo", "@type": "@id"},
    "dateModified": {"@id": "dct:modified", "@type": "xsd:dateTime"},
    "rights": "dct:rights",
    "datasetTitle": "dct:title",
    "name": "vd:organisationName",
    "description": "vd:organisationDescription",
    "website": "vd:organisationWebsite",
    "cause": _ids("organisationCause"),
    "charityRegistration": {"@id": "vd:organisationCharityRegistration", "@context": _CHARITY},
    "activity": {"@id": "vd:organisationActivity", "@context": _ACTIVITY},
}

# Where each coded list sits in the document: (vocabulary name, JSON key).
CODED_ROLE_FIELDS = (
    ("skills", "skill"),
    ("requirements", "requirement"),
    ("rewards", "reward"),
    ("accessibility", "accessibility"),
)


def dataset_node(iri: str, modified: dt.datetime | None) -> dict[str, Any]:
    """The dataset's own description: licences, attribution and when it last changed."""
    node: dict[str, Any] = {
        "id": iri,
        "type": "Dataset",
        "datasetTitle": "Published volunteering roles (UK Volunteering Data standard)",
        "license": DATA_LICENCE,
        "rights": ATTRIBUTION,
        "conformsTo": VD,
    }
    if modified is not None:
        node["dateModified"] = modified.astimezone(dt.UTC).isoformat()
    return node


def organisation_node(
    org: Organisation, roles: Iterable[Opportunity], iri_of: IriOf, base_url: str
) -> dict[str, Any]:
    """One organisation with an Activity per published role."""
    roles = list(roles)
    causes = sorted({cause for role in roles for cause in role.details.causes})
    node: dict[str, Any] = {
        "type": "Organisation",
        "id": organisation_iri(base_url, org.id),
        "name": org.name,
        "description": org.description,
        "cause": [iri_of("causes", code) for code in causes],
        "activity": [activity_node(role, iri_of, base_url) for role in roles],
    }
    if org.website:
        node["website"] = org.website
    if org.charity_number:
        node["charityRegistration"] = {
            "type": "CharityRegistration",
            "registrationNumber": org.charity_number,
        }
    return node


def activity_node(role: Opportunity, iri_of: IriOf, base_url: str) -> dict[str, Any]:
    d = role.details
    iri = role_iri(base_url, role.id)
    node: dict[str, Any] = {
        "type": "Activity",
        "id": iri,
        "title": d.title,
        "description": d.summary or d.description,
        "role": [role_node(role, iri_of, base_url)],
        "session": session_nodes(role, iri_of),
    }
    if role.published_at is not None:
        node["publishStartDate"] = role.published_at.astimezone(dt.UTC).isoformat()
    if d.closes_on is not None:
        node["publishEndDate"] = d.closes_on.isoformat()
    return node


def role_node(role: Opportunity, iri_of: IriOf, base_url: str) -> dict[str, Any]:
    d = role.details
    node: dict[str, Any] = {
        "type": "Role",
        "id": f"{role_iri(base_url, role.id)}#role",
        "title": d.title,
        "description": d.description,
        "commitment": _commitment(role),
        "applyLink": d.apply_url or f"{role_iri(base_url, role.id)}",
        "allowsRemoteParticipation": d.remote,
    }
    if d.minimum_age is not None:
        node["minimumAge"] = str(d.minimum_age)  # text, as in the standard's example
    if d.maximum_age is not None:
        node["maximumAge"] = str(d.maximum_age)
    codes: Mapping[str, tuple[str, ...]] = {
        "skills": d.skills,
        "requirements": d.requirements,
        "rewards": d.rewards,
        "accessibility": d.accessibility,
    }
    for vocabulary, key in CODED_ROLE_FIELDS:
        if codes[vocabulary]:
            node[key] = [iri_of(vocabulary, code) for code in codes[vocabulary]]
    return node


def session_nodes(role: Opportunity, iri_of: IriOf) -> list[dict[str, Any]]:
    """A session per place, each at the role's weekly times; one without a place if none."""
    times = [iri_of("session_times", code) for code in role.details.sessions]
    places = [
        {
            "type": "Location",
            "name": location.postcode,
            "address": location.postcode,
            "latitude": str(location.latitude),
            "longitude": str(location.longitude),
        }
        for location in role.details.locations
    ]
    sessions: list[dict[str, Any]] = [
        {"type": "Session", "location": place, **({"time": times} if times else {})}
        for place in places
    ]
    if not sessions and times:
        sessions.append({"type": "Session", "time": times})
    return sessions


def _commitment(role: Opportunity) -> str:
    hours = role.details.hours_per_week
    text = str(role.details.commitment.value).replace("_", " ").capitalize()
    return f"{text}, about {hours:g} hours a week" if hours else text


def organisation_iri(base_url: str, org_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/organisations/{org_id}"


def role_iri(base_url: str, role_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/opportunities/{role_id}"
