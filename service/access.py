"""Who is asking, and may they: the one check behind every authorising dependency of the API (``service.app``'s
record endpoints, ``service.review``, ``service.counter``, ``service.supervision``), so that each answers in the
same order: 401 (no or a bad key), then 403 (the key lacks the scope), then 400 (no stated purpose), and a
refusal of a known key is audited as that key's.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from service import audit
from service.keys import Client
from service.params import PURPOSE_HEADER
from service.problems import Forbidden, PurposeRequired, Unauthorised


def authorise(request: Request, credentials: HTTPAuthorizationCredentials | None, scope: str, endpoint: str, *,
              audited: bool = True, purpose: bool = True) -> tuple[Client, audit.AuditRecord]:
    """The key's client and the request's audit row. ``audited``: the row is left in ``request.state.audit`` for
    ``service.middleware.AuditTrail``, which writes it with the answer's status; ``purpose``: the ``X-Purpose``
    header is required (400 without it)."""
    client = request.app.state.services.verifier.verify(credentials.credentials) if credentials else None
    request.state.client_name = client.name if client else None
    if client is None:
        raise Unauthorised("a valid API key is required (Authorization: Bearer <token>)")
    stated = audit.purpose_of(request.headers.get(PURPOSE_HEADER))
    record = audit.AuditRecord(client=client.name, method=request.method, endpoint=endpoint, purpose=stated or None)
    if audited:
        request.state.audit = record
    if not client.may(scope):
        raise Forbidden(f"this key lacks the scope {scope!r}")
    if purpose and not stated:
        raise PurposeRequired(f"state the purpose of this read in the {PURPOSE_HEADER} header")
    return client, record
