"""Recruit Wizard emulator."""
