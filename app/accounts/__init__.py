"""People: registration, login, sessions, profile."""
