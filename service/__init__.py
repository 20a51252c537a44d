"""The query service: other systems read what hoso digitised instead of asking citizens again.

A FastAPI application (``service.app``) over the records database and the object store, with API
keys per client (``service.keys``), masking of personal fields (``service.masking``) and an
append-only audit log of every personal-data read and every refusal (``service.audit``, written by
``service.middleware.AuditTrail``). Bodies are models (``schemas.records``, ``service.models``), errors
RFC 9457 problems (``service.problems``), parameters strict (``service.params``); the API docs are served
offline (``service.docs``). ``hoso serve`` runs it; ``hoso keys`` manages the keys. Importing this package
loads nothing heavy.
"""
