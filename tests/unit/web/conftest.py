"""The organisations' site fixture, for every page test that needs one."""

from tests.unit.web.org_site import site  # noqa: F401
