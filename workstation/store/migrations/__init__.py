"""Alembic environment and revisions of the local store (shipped inside the package)."""
