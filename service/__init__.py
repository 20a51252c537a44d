"""The query service: other systems read what hoso digitised instead of asking citizens again.

A FastAPI application (``service.app``) over the records database and the object store, with API
keys per client (``service.keys``), masking of personal fields (``service.masking``) and an
append-only audit log of every personal-data read (``service.audit``). ``hoso serve`` runs it;
``hoso keys`` manages the keys. Importing this package loads nothing heavy.
"""
