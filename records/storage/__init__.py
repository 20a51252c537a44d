"""Where hoso keeps bytes: originals once under their sha256, derived artefacts beside them.

Light on purpose: importing this package loads neither minio nor sqlalchemy.
"""
