"""The network layer: the only code of lit-review that talks to web services.

``services`` (the services, their policies, the requests made of each), ``client`` (one polite,
paced, retrying HTTP client per service), ``save`` (answers saved verbatim and recorded in
``references/sources.toml``), ``lookup`` (``enrich --online``: which papers to look up where).
Used by ``fetch``, ``enrich --online`` and ``update``; builds never import it.
"""

from .client import Client, Response, ServiceError, user_agent
from .save import is_saved, manifest_name, save_response
from .services import SERVICES, Query, Service, service

__all__ = [
    "SERVICES",
    "Client",
    "Query",
    "Response",
    "Service",
    "ServiceError",
    "is_saved",
    "manifest_name",
    "save_response",
    "service",
    "user_agent",
]
