"""Desktop integration that needs no Qt: starting at login (autostart.py)."""
