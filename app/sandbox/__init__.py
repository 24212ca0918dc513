"""Emulators of every external API Ringside talks to, with demo data, served on loopback."""
