"""Puzzel Contact Centre emulator."""
