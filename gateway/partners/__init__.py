"""Partners (councils, charities, Volunteer Centre websites) and their API keys.

The gateway owns this: it registers partners, issues keys, and enforces each key's limits
and allowed origins on the public search API before a request reaches a service.
"""
