"""Settings, secrets and the SQLite database."""
