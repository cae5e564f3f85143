"""Use cases of the opportunities service, by resource; one import for older callers."""

from __future__ import annotations

from services.opportunities.service_layer.inputs import full_postcode
from services.opportunities.service_layer.organisations import (
    RegisterOrganisation,
    get_organisation,
    register_organisation,
)

__all__ = ["RegisterOrganisation", "full_postcode", "get_organisation", "register_organisation"]
