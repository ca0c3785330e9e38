"""Alembic migrations of the index (see README.md here): run by ``storage.migrate``, never by hand-made SQL."""
