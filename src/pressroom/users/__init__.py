"""Users: registration, login, the current user's settings."""
