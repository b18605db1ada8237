"""Profiles: a user as others see them, and following."""
