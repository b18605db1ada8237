"""Alembic environment and revisions. Run them with ``pressroom db ...``."""
