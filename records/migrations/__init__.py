"""Alembic migrations of the records database, run by ``open_database`` (no alembic.ini needed)."""
