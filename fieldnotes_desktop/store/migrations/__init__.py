"""Alembic migrations of the entries database, shipped as package data and run on open."""
