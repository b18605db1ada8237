"""Bulk transfer: export, import, seed and maintenance commands."""
